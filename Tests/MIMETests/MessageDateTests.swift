import Testing

@testable import MIME

/// One Date header value and what it must read as: the instant in UTC and the offset it was written in.
struct DateCase: Sendable, CustomTestStringConvertible {
    let input: String
    let utc: String
    let offset: Int?

    init(_ input: String, _ utc: String, _ offset: Int?) {
        self.input = input
        self.utc = utc
        self.offset = offset
    }

    var testDescription: String { input.debugDescription }
}

private let msk = 3 * 3600

@Suite struct MessageDateTests {
    static let rfc5322: [DateCase] = [
        DateCase("Mon, 11 Nov 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("11 Nov 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11 Nov 2024 10:32:15 -0500", "2024-11-11T15:32:15Z", -5 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 +0000", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 +0530", "2024-11-11T05:02:15Z", 19800),
        DateCase("Mon, 11 Nov 2024 10:32:15 +0545", "2024-11-11T04:47:15Z", 20700),
        DateCase("Mon, 11 Nov 2024 10:32:15 +1400", "2024-11-10T20:32:15Z", 14 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 -1400", "2024-11-12T00:32:15Z", -14 * 3600),
        DateCase("Mon, 1 Nov 2024 10:32:15 +0300", "2024-11-01T07:32:15Z", msk),
        DateCase("Wed, 01 Jan 2025 01:00:00 +0300", "2024-12-31T22:00:00Z", msk),
        DateCase("Tue, 31 Dec 2024 23:00:00 -0200", "2025-01-01T01:00:00Z", -7200),
        DateCase("Thu, 29 Feb 2024 12:00:00 +0000", "2024-02-29T12:00:00Z", 0),
        DateCase("Tue, 29 Feb 2000 12:00:00 +0000", "2000-02-29T12:00:00Z", 0),
        DateCase("Mon, 1 Jan 1900 00:00:00 +0000", "1900-01-01T00:00:00Z", 0),
        DateCase("Fri, 31 Dec 9999 23:59:59 +0000", "9999-12-31T23:59:59Z", 0),
        // A leap second reads as the first second of the next minute.
        DateCase("Tue, 31 Dec 2024 23:59:60 +0000", "2025-01-01T00:00:00Z", 0),
    ]

    static let obsolete: [DateCase] = [
        // Comments and folding whitespace anywhere.
        DateCase("Mon, 11 Nov 2024 10:32:15 +0300 (MSK)", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11 Nov 2024 10:32:15 +0300 (Moscow Standard Time)", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon (Monday), 11 (x) Nov (y (nested)) 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon,\r\n 11 Nov 2024\r\n\t10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("  Mon  ,  11  Nov  2024  10 : 32 : 15  +0300  ", "2024-11-11T07:32:15Z", msk),
        // A zone named only in a comment is used when nothing else names one; a numeric offset wins over it.
        DateCase("Mon, 11 Nov 2024 10:32:15 (MSK)", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11 Nov 2024 10:32:15 +0100 (MSK)", "2024-11-11T09:32:15Z", 3600),
        // No seconds; no day name; day name that does not match the date (11 Nov 2024 is a Monday).
        DateCase("Mon, 11 Nov 2024 10:32 +0300", "2024-11-11T07:32:00Z", msk),
        DateCase("Fri, 11 Nov 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Foo, 11 Nov 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        // Two-digit years: < 50 is 20xx, else 19xx; three-digit years add 1900.
        DateCase("Mon, 11 Nov 24 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Fri, 31 Dec 49 23:59:59 +0000", "2049-12-31T23:59:59Z", 0),
        DateCase("Sun, 1 Jan 50 00:00:00 +0000", "1950-01-01T00:00:00Z", 0),
        DateCase("Thu, 11 Nov 99 10:32:15 +0000", "1999-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 00 10:32:15 +0000", "2000-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 124 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11 Nov 099 10:32:15 +0000", "1999-11-11T10:32:15Z", 0),
    ]

    static let zones: [DateCase] = [
        DateCase("Mon, 11 Nov 2024 10:32:15 UT", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 GMT", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 UTC", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 Z", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 EST", "2024-11-11T15:32:15Z", -5 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 EDT", "2024-11-11T14:32:15Z", -4 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 CST", "2024-11-11T16:32:15Z", -6 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 CDT", "2024-11-11T15:32:15Z", -5 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 MST", "2024-11-11T17:32:15Z", -7 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 MDT", "2024-11-11T16:32:15Z", -6 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 PST", "2024-11-11T18:32:15Z", -8 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 PDT", "2024-11-11T17:32:15Z", -7 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 MSK", "2024-11-11T07:32:15Z", 3 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 MSD", "2024-11-11T06:32:15Z", 4 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 CET", "2024-11-11T09:32:15Z", 1 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 CEST", "2024-11-11T08:32:15Z", 2 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 EET", "2024-11-11T08:32:15Z", 2 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 EEST", "2024-11-11T07:32:15Z", 3 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 BST", "2024-11-11T09:32:15Z", 1 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 IST", "2024-11-11T05:02:15Z", 5 * 3600 + 1800),
        DateCase("Mon, 11 Nov 2024 10:32:15 JST", "2024-11-11T01:32:15Z", 9 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 KST", "2024-11-11T01:32:15Z", 9 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 HKT", "2024-11-11T02:32:15Z", 8 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 SGT", "2024-11-11T02:32:15Z", 8 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 AEST", "2024-11-11T00:32:15Z", 10 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 AEDT", "2024-11-10T23:32:15Z", 11 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 NZST", "2024-11-10T22:32:15Z", 12 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 NZDT", "2024-11-10T21:32:15Z", 13 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 WET", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 WEST", "2024-11-11T09:32:15Z", 1 * 3600),
        DateCase("Mon, 11 Nov 2024 10:32:15 msk", "2024-11-11T07:32:15Z", 3 * 3600),
        // Military letters all read as +0000 (RFC 5322: their sign was historically inverted, so trust none).
        DateCase("Mon, 11 Nov 2024 10:32:15 A", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 M", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 N", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 Y", "2024-11-11T10:32:15Z", 0),
        DateCase("Mon, 11 Nov 2024 10:32:15 z", "2024-11-11T10:32:15Z", 0),
        // Missing, unknown or "-0000" zone: read as UTC, offset unknown.
        DateCase("Mon, 11 Nov 2024 10:32:15", "2024-11-11T10:32:15Z", nil),
        DateCase("Mon, 11 Nov 2024 10:32:15 -0000", "2024-11-11T10:32:15Z", nil),
        DateCase("Mon, 11 Nov 2024 10:32:15 XYZT", "2024-11-11T10:32:15Z", nil),
        // Name and offset together: the offset wins.
        DateCase("Mon, 11 Nov 2024 10:32:15 GMT+0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11 Nov 2024 10:32:15 UTC+05:30", "2024-11-11T05:02:15Z", 19800),
        DateCase("Mon, 11 Nov 2024 10:32:15 MSK +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11 Nov 2024 10:32:15 +03", "2024-11-11T07:32:15Z", msk),
    ]

    static let brokenForms: [DateCase] = [
        // Month names in any case, full or abbreviated.
        DateCase("Mon, 11 nov 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11 NOV 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Monday, 11 November 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("11 SEPTEMBER 2024 10:32:15 +0300", "2024-09-11T07:32:15Z", msk),
        DateCase("11 Sept 2024 10:32:15 +0300", "2024-09-11T07:32:15Z", msk),
        // Dots or dashes between fields.
        DateCase("11-Nov-2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11.Nov.2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("11-Nov-24 10:32:15 -0500", "2024-11-11T15:32:15Z", -5 * 3600),
        // ISO-ish.
        DateCase("2024-11-11 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("2024-11-11T10:32:15Z", "2024-11-11T10:32:15Z", 0),
        DateCase("2024-11-11T10:32:15+03:00", "2024-11-11T07:32:15Z", msk),
        DateCase("2024-11-11T10:32:15-05:00", "2024-11-11T15:32:15Z", -5 * 3600),
        DateCase("2024-11-11T10:32:15.123456+03:00", "2024-11-11T07:32:15Z", msk),
        DateCase("2024-11-11 10:32", "2024-11-11T10:32:00Z", nil),
        DateCase("2024/11/11 10:32:15 GMT", "2024-11-11T10:32:15Z", 0),
        // asctime, and date(1)'s zone-before-year variant.
        DateCase("Mon Nov 11 10:32:15 2024", "2024-11-11T10:32:15Z", nil),
        DateCase("Fri Nov  1 09:05:07 2024", "2024-11-01T09:05:07Z", nil),
        DateCase("Mon Nov 11 10:32:15 MSK 2024", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon Nov 11 10:32:15 2024 +0300", "2024-11-11T07:32:15Z", msk),
        // 12-hour clocks.
        DateCase("Mon, 11 Nov 2024 10:32:15 PM +0300", "2024-11-11T19:32:15Z", msk),
        DateCase("Mon, 11 Nov 2024 12:05 AM GMT", "2024-11-11T00:05:00Z", 0),
        DateCase("Mon, 11 Nov 2024 12:05 pm GMT", "2024-11-11T12:05:00Z", 0),
        // No time at all reads as midnight with an unknown zone.
        DateCase("11 Nov 2024", "2024-11-11T00:00:00Z", nil),
        DateCase("2024-11-11", "2024-11-11T00:00:00Z", nil),
        // Junk around the date.
        DateCase("Date: Mon, 11 Nov 2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon, 11 Nov 2024 10:32:15 +0300 +0500", "2024-11-11T07:32:15Z", msk),
        DateCase("Mon,\u{A0}11\u{A0}Nov\u{A0}2024 10:32:15 +0300", "2024-11-11T07:32:15Z", msk),
    ]

    @Test(arguments: rfc5322 + obsolete + zones + brokenForms)
    func parses(_ testCase: DateCase) throws {
        let date = try #require(MessageDate.parse(testCase.input))
        #expect(date.iso8601 == testCase.utc)
        #expect(date.utcOffsetSeconds == testCase.offset)
    }

    static let invalid: [String] = [
        "", "   ", "hello world", "(Mon, 11 Nov 2024 10:32:15 +0300)", "Mon, 11 Foo 2024 10:32:15 +0300",
        "Nov 2024 10:32:15 +0300", "11 Nov 10:32:15 +0300",
        // Month 13, hour 25, minute 60, impossible days.
        "2024-13-11 10:32:15 +0300", "2024-00-11 10:32:15", "Mon, 11 Nov 2024 25:00:00 +0000",
        "Mon, 11 Nov 2024 24:00:00 +0000", "Mon, 11 Nov 2024 10:60:00 +0000", "Mon, 11 Nov 2024 10:32:61 +0000",
        "31 Feb 2024 10:00:00 +0000", "30 Feb 2024 10:00:00", "29 Feb 2023 10:00:00", "29 Feb 1900 10:00:00",
        "29 Feb 2100 10:00:00", "31 Apr 2024 10:00:00", "32 Nov 2024 10:00:00", "0 Nov 2024 10:00:00",
        "2024-11-31 10:00:00",
        // Years out of range or unreadable.
        "11 Nov 1899 10:00:00 +0000", "11 Nov 0024 10:00:00", "11 Nov 10000 10:00:00 +0000", "11 Nov 5 10:00:00",
        // Offsets beyond ±14h or with minutes ≥ 60, and over-long digit runs.
        "11 Nov 2024 10:00:00 +1500", "11 Nov 2024 10:00:00 -1401", "11 Nov 2024 10:00:00 +0360",
        "11 Nov 2024 10:00:00 +123456", "11 Nov 2024 10:00:00 +99999999999999999999999999",
        "99999999999999999999999999 Nov 2024 10:00:00", "11 Nov 99999999999999999999999999 10:00:00",
        "11 Nov 2024 99999999999999999999999999:00:00", "11 Nov 2024 100:00:00", "11 Nov 2024 10:32:155",
        "11 Nov 2024 10:", "11 Nov 2024 10:32:", "11 Nov 2024 13:00 PM", "11 Nov 2024 00:30 AM",
    ]

    @Test(arguments: invalid)
    func rejects(_ input: String) {
        #expect(MessageDate.parse(input) == nil)
    }

    @Test func exactInstants() throws {
        #expect(
            MessageDate.parse("Thu, 01 Jan 1970 00:00:00 +0000")
                == MessageDate(secondsSince1970: 0, utcOffsetSeconds: 0))
        #expect(
            MessageDate.parse("Mon, 11 Nov 2024 10:32:15 +0300")
                == MessageDate(secondsSince1970: 1_731_310_335, utcOffsetSeconds: 10_800))
        #expect(MessageDate.parse("1 Jan 1900 00:00:00 GMT")?.secondsSince1970 == -2_208_988_800)
        #expect(MessageDate.parse("31 Dec 9999 23:59:59 GMT")?.secondsSince1970 == 253_402_300_799)
    }

    @Test func substringsAreAccepted() {
        let header = "Date: Mon, 11 Nov 2024 10:32:15 +0300"
        let value = header.dropFirst(6)
        #expect(MessageDate.parse(value)?.secondsSince1970 == 1_731_310_335)
    }

    @Test func iso8601FormatsUTC() {
        #expect(
            MessageDate(secondsSince1970: 1_731_321_120, utcOffsetSeconds: 10_800).iso8601 == "2024-11-11T10:32:00Z")
        #expect(MessageDate(secondsSince1970: 0, utcOffsetSeconds: nil).iso8601 == "1970-01-01T00:00:00Z")
        #expect(MessageDate(secondsSince1970: -1, utcOffsetSeconds: nil).iso8601 == "1969-12-31T23:59:59Z")
        #expect(MessageDate(secondsSince1970: -2_208_988_800, utcOffsetSeconds: 0).iso8601 == "1900-01-01T00:00:00Z")
        // Extremes format without trapping.
        #expect(!MessageDate(secondsSince1970: .max, utcOffsetSeconds: nil).iso8601.isEmpty)
        #expect(!MessageDate(secondsSince1970: .min, utcOffsetSeconds: nil).iso8601.isEmpty)
    }

    @Test func ordersByInstantThenOffset() {
        let early = MessageDate(secondsSince1970: 100, utcOffsetSeconds: 3600)
        let late = MessageDate(secondsSince1970: 200, utcOffsetSeconds: -3600)
        let sameInstantUnknown = MessageDate(secondsSince1970: 100, utcOffsetSeconds: nil)
        #expect(early < late)
        #expect(!(late < early))
        #expect(sameInstantUnknown < early)
        #expect(!(early < early))
        #expect([late, early, sameInstantUnknown].sorted() == [sameInstantUnknown, early, late])
    }

    /// Hostile values of 2 MB: parsing looks at a bounded prefix, so these return at once.
    @Test func hostileValuesAreBounded() {
        let megabytes = 2 << 20
        let date = "Mon, 11 Nov 2024 10:32:15 +0300 "
        #expect(MessageDate.parse(date + String(repeating: "(", count: megabytes))?.secondsSince1970 == 1_731_310_335)
        #expect(MessageDate.parse(date + String(repeating: "9", count: megabytes))?.secondsSince1970 == 1_731_310_335)
        #expect(MessageDate.parse(String(repeating: "9", count: megabytes)) == nil)
        #expect(MessageDate.parse(String(repeating: "(", count: megabytes) + date) == nil)
        #expect(MessageDate.parse(String(repeating: " ", count: megabytes) + date) == nil)
        #expect(MessageDate.parse(String(repeating: "1:", count: megabytes / 2)) == nil)
        #expect(MessageDate.parse(String(repeating: "Nov ", count: megabytes / 4)) == nil)
        #expect(MessageDate.parse(String(repeating: "+", count: megabytes)) == nil)
    }

    /// A digit run cut by the scan limit is not read: "10:3|2" must not become 10:03.
    @Test func tokenCutByTheScanLimitIsDropped() {
        let padding = String(repeating: " ", count: MessageDate.maxScannedBytes - "11 Nov 2024 10:3".utf8.count)
        let value = padding + "11 Nov 2024 10:32"
        #expect(MessageDate.parse(value) == nil)
    }

    /// Pseudo-random strings over the characters the grammar cares about: nothing traps.
    @Test func randomInputNeverTraps() {
        let alphabet = Array("0123456789 :+-.,()\\\"NovMonGMTZz\r\n\t9999999999".utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 58)
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            if let date = MessageDate.parse(String(decoding: bytes, as: UTF8.self)) {
                #expect(date.iso8601.hasSuffix("Z"))
            }
        }
    }
}

@Suite struct CivilCalendarTests {
    struct KnownDay: Sendable, CustomTestStringConvertible {
        let year: Int
        let month: Int
        let day: Int
        let days: Int64
        let weekday: Int
        var testDescription: String { "\(year)-\(month)-\(day)" }
    }

    /// Day numbers and weekdays checked against Python's `datetime.date`.
    static let known: [KnownDay] = [
        KnownDay(year: 1970, month: 1, day: 1, days: 0, weekday: 4),
        KnownDay(year: 1969, month: 12, day: 31, days: -1, weekday: 3),
        KnownDay(year: 1900, month: 1, day: 1, days: -25_567, weekday: 1),
        KnownDay(year: 1900, month: 3, day: 1, days: -25_508, weekday: 4),
        KnownDay(year: 2000, month: 2, day: 29, days: 11_016, weekday: 2),
        KnownDay(year: 2000, month: 3, day: 1, days: 11_017, weekday: 3),
        KnownDay(year: 2024, month: 2, day: 29, days: 19_782, weekday: 4),
        KnownDay(year: 2100, month: 2, day: 28, days: 47_540, weekday: 0),
        KnownDay(year: 2100, month: 3, day: 1, days: 47_541, weekday: 1),
        KnownDay(year: 1600, month: 1, day: 1, days: -135_140, weekday: 6),
        KnownDay(year: 9999, month: 12, day: 31, days: 2_932_896, weekday: 5),
    ]

    @Test(arguments: known)
    func knownDays(_ known: KnownDay) {
        #expect(CivilCalendar.daysSince1970(year: known.year, month: known.month, day: known.day) == known.days)
        let civil = CivilCalendar.civil(fromDaysSince1970: known.days)
        #expect(civil.year == known.year && civil.month == known.month && civil.day == known.day)
        #expect(CivilCalendar.weekday(daysSince1970: known.days) == known.weekday)
    }

    @Test func leapYears() {
        #expect(!CivilCalendar.isValid(year: 1900, month: 2, day: 29))
        #expect(CivilCalendar.isValid(year: 2000, month: 2, day: 29))
        #expect(CivilCalendar.isValid(year: 2024, month: 2, day: 29))
        #expect(!CivilCalendar.isValid(year: 2023, month: 2, day: 29))
        #expect(!CivilCalendar.isValid(year: 2100, month: 2, day: 29))
        #expect(CivilCalendar.isValid(year: 0, month: 2, day: 29))
        #expect(!CivilCalendar.isValid(year: 2024, month: 13, day: 1))
        #expect(!CivilCalendar.isValid(year: 2024, month: 0, day: 1))
        #expect(!CivilCalendar.isValid(year: 2024, month: 4, day: 31))
        #expect(!CivilCalendar.isValid(year: 2024, month: 1, day: 0))
    }

    /// Every day from 1599-01-01 to 2401-12-31 (covering 1600, 1900, 2000, 2024, 2100 and 2400) round-trips,
    /// follows the previous day, and advances the weekday by one.
    @Test func roundTripsAcrossCenturies() {
        let first = CivilCalendar.daysSince1970(year: 1599, month: 1, day: 1)
        let last = CivilCalendar.daysSince1970(year: 2401, month: 12, day: 31)
        var previous = CivilCalendar.civil(fromDaysSince1970: first - 1)
        var previousWeekday = CivilCalendar.weekday(daysSince1970: first - 1)
        var failures = 0
        for days in first...last {
            let civil = CivilCalendar.civil(fromDaysSince1970: days)
            let weekday = CivilCalendar.weekday(daysSince1970: days)
            let followsPrevious =
                (civil.year == previous.year && civil.month == previous.month && civil.day == previous.day + 1)
                || (civil.year == previous.year && civil.month == previous.month + 1 && civil.day == 1)
                || (civil.year == previous.year + 1 && civil.month == 1 && civil.day == 1 && previous.month == 12)
            if !followsPrevious || weekday != (previousWeekday + 1) % 7
                || !CivilCalendar.isValid(year: civil.year, month: civil.month, day: civil.day)
                || CivilCalendar.daysSince1970(year: civil.year, month: civil.month, day: civil.day) != days
            {
                failures += 1
            }
            previous = civil
            previousWeekday = weekday
        }
        #expect(failures == 0)
        #expect(last - first + 1 == 803 * 365 + 195)  // 195 leap days in 1599...2401
    }

    @Test func extremeDayCountsDoNotTrap() {
        _ = CivilCalendar.civil(fromDaysSince1970: .max)
        _ = CivilCalendar.civil(fromDaysSince1970: .min)
        #expect(CivilCalendar.weekday(daysSince1970: .min) >= 0)
        #expect(CivilCalendar.weekday(daysSince1970: .max) <= 6)
    }
}
