import MIME
import Testing

@testable import Incident

@Suite struct DetectionTimeTests {
    /// Mon, 11 Nov 2024 12:00:00 +0300.
    let reference = MessageDate(secondsSince1970: utc(2024, 11, 11, 9), utcOffsetSeconds: 3 * 3600)

    @Test(arguments: [
        ("2024-11-11T10:32:15Z", utc(2024, 11, 11, 10, 32) + 15),
        ("2024-11-11 10:32 +03:00", utc(2024, 11, 11, 7, 32)),
        ("2024-11-11 10:32 -05:00", utc(2024, 11, 11, 15, 32)),
        ("2024-11-11 10:32:15 UTC", utc(2024, 11, 11, 10, 32) + 15),
        ("2024-11-11 10:32 MSK", utc(2024, 11, 11, 7, 32)),
        ("11/11/2024 10:32 AM", utc(2024, 11, 11, 7, 32)),
        ("11/11/2024 12:05 PM", utc(2024, 11, 11, 9, 5)),
        ("11.11.2024 10:32", utc(2024, 11, 11, 7, 32)),
        ("05.11.2024 10:32", utc(2024, 11, 5, 7, 32)),
        ("11 Nov 2024 10:32", utc(2024, 11, 11, 7, 32)),
        ("Nov 11, 2024 at 10:32 AM", utc(2024, 11, 11, 7, 32)),
        ("13 November 2024, 09:02 (UTC+1)", utc(2024, 11, 13, 8, 2)),
        ("18.11.2024 10:30 МСК (UTC+3)", utc(2024, 11, 18, 7, 30)),
        ("today at 10:32", utc(2024, 11, 11, 7, 32)),
        ("yesterday at 23:50", utc(2024, 11, 10, 20, 50)),
        ("10:32", utc(2024, 11, 11, 7, 32)),
        ("11 ноября 2024 10:32", utc(2024, 11, 11, 7, 32)),
    ])
    func readsWrittenTimes(_ text: String, _ expected: Int64) {
        #expect(DetectionTime.parse(text, reference: reference) == expected)
    }

    @Test(arguments: ["", "soon", "25:00", "31.02.2024 10:00", "about ten", String(repeating: "1", count: 10_000)])
    func rejectsWhatIsNotATime(_ text: String) {
        #expect(DetectionTime.parse(text, reference: reference) == nil)
    }

    @Test func withoutAnEmailDateOnlyFullDatesWork() {
        #expect(DetectionTime.parse("10:32", reference: nil) == nil)
        #expect(DetectionTime.parse("2024-11-11 10:32", reference: nil) == utc(2024, 11, 11, 10, 32))
    }

    @Test(arguments: [
        ("Screenshot 2024-11-11 at 10.32.15.png", utc(2024, 11, 11, 7, 32) + 15),
        ("Screen Shot 2024-11-11 at 1.05.00 PM.png", utc(2024, 11, 11, 10, 5)),
        ("Screenshot_20241111-103215.png", utc(2024, 11, 11, 7, 32) + 15),
        ("Снимок экрана 2024-11-11 103215.png", utc(2024, 11, 11, 7, 32) + 15),
        ("Screenshot from 2024-11-11 10-32-15.png", utc(2024, 11, 11, 7, 32) + 15),
    ])
    func readsScreenshotNames(_ name: String, _ expected: Int64) {
        #expect(ScreenshotName.timestamp(in: name, reference: reference) == expected)
    }

    @Test func namesWithoutATimeGiveNothing() {
        #expect(ScreenshotName.timestamp(in: "error.png", reference: reference) == nil)
        #expect(ScreenshotName.timestamp(in: "IMG_2024.png", reference: reference) == nil)
    }
}
