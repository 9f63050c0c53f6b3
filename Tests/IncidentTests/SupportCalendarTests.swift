import MIME
import Testing

@testable import Incident

/// Seconds since 1970 for a UTC wall-clock time.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
    CivilCalendar.daysSince1970(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60)
}

@Suite struct SupportCalendarTests {
    let calendar = SupportCalendar.policyDefault
    let hour: Int64 = 3600

    @Test func criticalEightWorkingHoursWithinOneDay() {
        // Monday 2024-11-11 09:00 → 17:00 would be after hours; 08:00-16:00 leaves 7 h, so Tuesday 09:00.
        #expect(calendar.addingSupportTime(8 * hour, to: utc(2024, 11, 11, 9)) == utc(2024, 11, 12, 9))
        #expect(calendar.addingSupportTime(8 * hour, to: utc(2024, 11, 11, 8)) == utc(2024, 11, 11, 16))
    }

    @Test func criticalRequestOutsideHoursStartsAtNextOpening() {
        #expect(calendar.addingSupportTime(8 * hour, to: utc(2024, 11, 11, 20)) == utc(2024, 11, 12, 16))
        #expect(calendar.addingSupportTime(1 * hour, to: utc(2024, 11, 11, 3)) == utc(2024, 11, 11, 9))
    }

    @Test func criticalClockCrossesTheWeekend() {
        // Friday 15:00: one hour on Friday, seven on Monday.
        #expect(calendar.addingSupportTime(8 * hour, to: utc(2024, 11, 15, 15)) == utc(2024, 11, 18, 15))
    }

    @Test func normalTwentyFourHoursExceptWeekends() {
        // Friday 15:00 + 24 h: 9 h on Friday, weekend skipped, 15 h on Monday.
        #expect(calendar.addingWorkingDayTime(24 * hour, to: utc(2024, 11, 15, 15)) == utc(2024, 11, 18, 15))
        // Saturday: the clock starts on Monday.
        #expect(calendar.addingWorkingDayTime(24 * hour, to: utc(2024, 11, 16, 12)) == utc(2024, 11, 19, 0))
        #expect(calendar.addingWorkingDayTime(24 * hour, to: utc(2024, 11, 12, 10)) == utc(2024, 11, 13, 10))
    }

    @Test func holidaysCountAsClosedDays() {
        var withHoliday = calendar
        withHoliday.holidays = [CivilCalendar.daysSince1970(year: 2024, month: 12, day: 25)]
        // Tuesday 24 Dec 15:00: one hour, then Christmas is closed, seven hours on the 26th.
        #expect(withHoliday.addingSupportTime(8 * hour, to: utc(2024, 12, 24, 15)) == utc(2024, 12, 26, 15))
        #expect(withHoliday.addingWorkingDayTime(24 * hour, to: utc(2024, 12, 24, 12)) == utc(2024, 12, 26, 12))
    }

    @Test func supportHoursInAnotherZone() {
        // Support 09:00-17:00 at +03:00 is 06:00-14:00 UTC.
        let moscow = SupportCalendar(
            utcOffsetSeconds: 3 * 3600, workingDays: [1, 2, 3, 4, 5], startMinute: 540,
            endMinute: 1020, holidays: [])
        #expect(moscow.addingSupportTime(hour, to: utc(2024, 11, 11, 5)) == utc(2024, 11, 11, 7))
    }

    @Test func elapsedTimeIsMeasuredTheSameWay() {
        #expect(calendar.supportTime(from: utc(2024, 11, 15, 15), to: utc(2024, 11, 18, 9)) == 2 * hour)
        #expect(calendar.workingDayTime(from: utc(2024, 11, 15, 12), to: utc(2024, 11, 18, 1)) == 13 * hour)
        #expect(calendar.supportTime(from: utc(2024, 11, 18, 9), to: utc(2024, 11, 15, 15)) == 0)
    }

    @Test func impossibleCalendarsAreRejected() {
        var closed = calendar
        closed.workingDays = []
        #expect(closed.problem != nil)
        #expect(closed.addingSupportTime(hour, to: 0) == nil)
        var backwards = calendar
        backwards.endMinute = 60
        #expect(backwards.problem != nil)
        #expect(calendar.problem == nil)
    }
}
