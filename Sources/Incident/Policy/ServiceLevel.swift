/// The promised response times, counted on the support calendar.
///
/// Normal tickets are "considered within 24 hours (except for weekends)": time on working days.
/// Critical tickets get "a solution within 8 working hours": time inside support hours. The clock
/// runs only while a ticket is open; a suspended ticket's clock stops until the reporter answers.
public struct ServiceLevel: Sendable, Equatable {
    public var calendar: SupportCalendar
    /// Working-day time allowed for a normal ticket, in seconds.
    public var normalConsideration: Int64
    /// Support-hours time allowed for a critical ticket, in seconds.
    public var criticalSolution: Int64

    public static let policyDefault = ServiceLevel(
        calendar: .policyDefault, normalConsideration: 24 * 3600, criticalSolution: 8 * 3600)

    public init(calendar: SupportCalendar, normalConsideration: Int64, criticalSolution: Int64) {
        self.calendar = calendar
        self.normalConsideration = normalConsideration
        self.criticalSolution = criticalSolution
    }

    /// When a ticket whose clock (re)started at `start`, having already used `consumed` seconds, is due.
    public func due(severity: Severity, clockStartedAt start: Int64, consumed: Int64 = 0) -> Int64? {
        switch severity {
        case .critical:
            return calendar.addingSupportTime(max(0, criticalSolution - consumed), to: start)
        case .normal:
            return calendar.addingWorkingDayTime(max(0, normalConsideration - consumed), to: start)
        }
    }

    /// SLA time used between two instants (when a running clock stops).
    public func consumed(severity: Severity, from start: Int64, to end: Int64) -> Int64 {
        switch severity {
        case .critical: return calendar.supportTime(from: start, to: end)
        case .normal: return calendar.workingDayTime(from: start, to: end)
        }
    }
}
