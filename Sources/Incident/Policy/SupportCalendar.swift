import MIME

/// Support hours and holidays, and the two ways the policy counts time against them.
///
/// The ProctorEdu policy promises that a request "will be considered within 24 hours (except for
/// weekends)" and that a critical fault gets "a solution within 8 working hours", with support hours
/// 08:00–16:00 UTC on weekdays. The first counts whole days that are not weekends or holidays; the
/// second counts only time inside support hours.
public struct SupportCalendar: Sendable, Equatable {
    /// The zone support hours are written in, as a fixed offset from UTC in seconds.
    public var utcOffsetSeconds: Int
    /// Working weekdays, 0 = Sunday … 6 = Saturday.
    public var workingDays: Set<Int>
    /// Start and end of support hours, in minutes after local midnight (end exclusive, end > start).
    public var startMinute: Int
    public var endMinute: Int
    /// Holidays as days since 1970-01-01 in the calendar's zone.
    public var holidays: Set<Int64>

    /// The policy's default: 08:00–16:00 UTC, Monday to Friday, no holidays.
    public static let policyDefault = SupportCalendar(
        utcOffsetSeconds: 0, workingDays: [1, 2, 3, 4, 5], startMinute: 8 * 60, endMinute: 16 * 60, holidays: [])

    public init(utcOffsetSeconds: Int, workingDays: Set<Int>, startMinute: Int, endMinute: Int, holidays: Set<Int64>) {
        self.utcOffsetSeconds = utcOffsetSeconds
        self.workingDays = workingDays
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.holidays = holidays
    }

    /// Why a calendar cannot be used, or nil when it can.
    public var problem: String? {
        if workingDays.isEmpty { return "no working days: no deadline could ever be reached" }
        if !workingDays.allSatisfy({ (0...6).contains($0) }) {
            return "working days must be 0 (Sunday) to 6 (Saturday)"
        }
        if !(0..<(24 * 60)).contains(startMinute) || !(1...(24 * 60)).contains(endMinute) || endMinute <= startMinute {
            return "support hours must start before they end, within one day"
        }
        if abs(utcOffsetSeconds) > 14 * 3600 { return "time zone offset beyond ±14 hours" }
        return nil
    }

    /// How far ahead the calendar looks before giving up (holidays could, in theory, cover every day).
    static let horizonDays: Int64 = 3 * 366

    private func localDay(_ instant: Int64) -> Int64 {
        floorDivide(instant + Int64(utcOffsetSeconds), 86_400)
    }

    private func dayStart(_ day: Int64) -> Int64 { day * 86_400 - Int64(utcOffsetSeconds) }

    /// Whether a whole local day counts (a working weekday that is not a holiday).
    public func isWorkingDay(_ day: Int64) -> Bool {
        workingDays.contains(CivilCalendar.weekday(daysSince1970: day)) && !holidays.contains(day)
    }

    /// The instant `seconds` of time on working days after `start` ("24 hours, except weekends").
    public func addingWorkingDayTime(_ seconds: Int64, to start: Int64) -> Int64? {
        var remaining = seconds
        var day = localDay(start)
        var cursor = start
        for _ in 0..<Self.horizonDays {
            let end = dayStart(day + 1)
            if isWorkingDay(day) {
                let available = end - cursor
                if remaining <= available { return cursor + remaining }
                remaining -= available
            }
            day += 1
            cursor = end
        }
        return nil
    }

    /// The instant `seconds` of support-hours time after `start` ("8 working hours").
    public func addingSupportTime(_ seconds: Int64, to start: Int64) -> Int64? {
        var remaining = seconds
        var day = localDay(start)
        for _ in 0..<Self.horizonDays {
            if isWorkingDay(day) {
                let open = dayStart(day) + Int64(startMinute) * 60
                let close = dayStart(day) + Int64(endMinute) * 60
                let from = max(open, start)
                if from < close {
                    let available = close - from
                    if remaining <= available { return from + remaining }
                    remaining -= available
                }
            }
            day += 1
        }
        return nil
    }

    /// Support-hours time between two instants (for clocks that stop while a ticket waits).
    public func supportTime(from start: Int64, to end: Int64) -> Int64 {
        guard end > start else { return 0 }
        var total: Int64 = 0
        var day = localDay(start)
        let lastDay = min(localDay(end), day + Self.horizonDays)
        while day <= lastDay {
            if isWorkingDay(day) {
                let open = max(dayStart(day) + Int64(startMinute) * 60, start)
                let close = min(dayStart(day) + Int64(endMinute) * 60, end)
                if close > open { total += close - open }
            }
            day += 1
        }
        return total
    }

    /// Working-day time between two instants.
    public func workingDayTime(from start: Int64, to end: Int64) -> Int64 {
        guard end > start else { return 0 }
        var total: Int64 = 0
        var day = localDay(start)
        let lastDay = min(localDay(end), day + Self.horizonDays)
        while day <= lastDay {
            if isWorkingDay(day) {
                let open = max(dayStart(day), start)
                let close = min(dayStart(day + 1), end)
                if close > open { total += close - open }
            }
            day += 1
        }
        return total
    }
}
