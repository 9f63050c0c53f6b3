public import TicketStore

/// What support staff do to tickets: every action is decided by `TicketWorkflow` and recorded by
/// `WorkflowRecorder` in one transaction, like intake's changes. The command line uses it today; the web
/// interface and staff email are further callers of the same method (async callers use the store's `async`
/// transaction through `perform(_:on:by:at:) async`).
///
/// Concurrency: immutable and `Sendable`; `perform` blocks its thread for one store transaction.
public struct StaffDesk: Sendable {
    let store: any TicketStore
    let pipeline: IntakePipeline

    public init(context: HelpdeskContext) {
        store = context.store
        pipeline = context.pipeline
    }

    /// Carries out `action` on the ticket `ref` as `actor` at `now`; returns the ticket afterwards (unchanged
    /// when it was in that state already).
    public func perform(_ action: StaffAction, on ref: String, by actor: String, at now: Int64) throws -> TicketRecord {
        try store.transaction { transaction in try perform(action, on: ref, by: actor, at: now, in: transaction) }
    }

    /// `perform` for async callers: waits for the store without blocking the cooperative pool.
    public func perform(
        _ action: StaffAction, on ref: String, by actor: String, at now: Int64
    ) async throws
        -> TicketRecord
    {
        try await store.transaction { transaction in try perform(action, on: ref, by: actor, at: now, in: transaction) }
    }

    private func perform(
        _ action: StaffAction, on ref: String, by actor: String, at now: Int64, in transaction: any TicketTransaction
    ) throws -> TicketRecord {
        guard let ticket = try transaction.ticket(ref: ref) else {
            throw StaffActionError(.noSuchTicket, "no ticket \(ref)")
        }
        if case .assign(let name?) = action, try transaction.staffMember(name: name) == nil {
            throw StaffActionError(.unknownValue, "no staff member \(name)")
        }
        guard let decision = try pipeline.workflow.decide(action, on: ticket, by: actor, at: now) else { return ticket }
        let addressing = decision.answer == nil ? nil : try Self.addressing(ticket, in: transaction)
        return try pipeline.recorder.record(decision, messageID: nil, addressing: addressing, now: now, in: transaction)
    }

    /// Staff's answers go to the reporter, threaded to the reporter's newest message on the ticket (its
    /// Message-ID as In-Reply-To, its References before it), like the automatic answers to that message, and
    /// from the mailbox that message came to.
    static func addressing(
        _ ticket: TicketRecord, in snapshot: any TicketSnapshot
    ) throws -> WorkflowRecorder.Addressing {
        let newest = try snapshot.messages(ticketID: ticket.id!).last {
            $0.direction == .inbound && $0.automated == nil && $0.messageID != nil
        }
        return WorkflowRecorder.Addressing(
            recipient: ticket.reporterAddress, inReplyTo: newest?.messageID,
            references: newest.map { $0.referenceIDs.split(separator: " ").map(String.init) } ?? [],
            mailbox: newest?.sourceMailbox)
    }
}
