public import Logging
public import ServiceLifecycle
import Incident
import TicketStore

/// Tells the support team when an open ticket's SLA clock nears or passes its due time (`[staff] sla_warnings`,
/// 75% and 100% by default): once a minute, the open tickets are checked against the clock, and each warning due
/// is decided by `TicketWorkflow.slaWarning` and recorded by `WorkflowRecorder` (an `sla-warning` event and a
/// notification), all in one store transaction.
///
/// Concurrency: an async loop (a `Service`); each check, one blocking store transaction, runs on the service's own
/// `Lane`. `check(context:now:)` is the check alone, for tests with a fixed clock.
public struct SLAWatch: Service {
    let contexts: ContextHolder
    let logger: Logger
    let clock: @Sendable () -> Int64
    let wakeRelay: @Sendable () -> Void

    /// How often the open tickets are checked.
    static let interval: Duration = .seconds(60)

    public init(
        contexts: ContextHolder, logger: Logger, clock: @escaping @Sendable () -> Int64 = WallClock.seconds,
        wakeRelay: @escaping @Sendable () -> Void
    ) {
        self.contexts = contexts
        self.logger = logger
        self.clock = clock
        self.wakeRelay = wakeRelay
    }

    public func run() async throws {
        let lane = Lane(label: "helpdeskd.sla-watch")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            let context = contexts.current
            guard context.configuration.staff.notifies, !context.configuration.staff.slaWarnings.isEmpty else {
                continue
            }
            do {
                let warned = try await lane.run { _ in try Self.check(context: context, now: clock()) }
                if !warned.isEmpty {
                    logger.notice("SLA warnings queued", metadata: ["tickets": "\(warned.joined(separator: " "))"])
                    wakeRelay()
                }
            } catch {
                logger.error("SLA check failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Checks every open ticket at `now` and queues the warnings due; returns the references of the tickets warned.
    @discardableResult
    public static func check(context: HelpdeskContext, now: Int64) throws -> [String] {
        let pipeline = context.pipeline
        return try context.store.transaction { transaction in
            var warned: [String] = []
            for ticket in try transaction.tickets(status: .open, severity: nil) {
                guard let due = ticket.dueAt else { continue }
                let details = try transaction.events(ticketID: ticket.id!).filter { $0.kind == .slaWarning }.map(
                    \.detail)
                guard
                    var decision = pipeline.workflow.slaWarning(
                        for: ticket, at: now, warned: TicketWorkflow.slaWarned(details, due: due))
                else { continue }
                decision.customerText =
                    try transaction.currentFieldValues(ticketID: ticket.id!)[IncidentField.description.key]?.value ?? ""
                try pipeline.recorder.record(decision, messageID: nil, addressing: nil, now: now, in: transaction)
                warned.append(ticket.ref)
            }
            return warned
        }
    }
}
