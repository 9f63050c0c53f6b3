import Helpdesk
public import ServiceLifecycle
import Synchronization
public import TicketStore

/// The audit trail of who looked at which ticket's personal data, written in batches: a page view waits for no
/// disk write. Views are kept in memory and recorded (`personal-data-viewed`) once a second in one store
/// transaction, and at shutdown; a crash loses at most the last second's view records, never a ticket change.
/// One fsync a second instead of one per page keeps the store's one writer free for intake and staff actions.
///
/// Concurrency: `record` from any task (a `Mutex`); `run` is the service's loop.
public final class ViewAudit: Service, Sendable {
    struct View {
        var ref: String
        var what: String
        var actor: String
        var at: Int64
    }

    let store: any TicketStore
    private let pending = Mutex<[View]>([])

    public init(store: any TicketStore) { self.store = store }

    /// Notes that `actor` saw `what` (its page, a file) of ticket `ref`.
    func record(_ what: String, on ref: String, by actor: String, at now: Int64) {
        pending.withLock { $0.append(View(ref: ref, what: what, actor: actor, at: now)) }
    }

    /// Writes the views noted so far; when the store refuses, they are kept for the next try.
    func flush() async throws {
        let taken = pending.withLock { views in
            defer { views.removeAll(keepingCapacity: true) }
            return views
        }
        guard !taken.isEmpty else { return }
        let views = taken.map { ($0.ref, $0.what, $0.actor, $0.at) }
        do {
            try await write(views)
        } catch {
            pending.withLock { $0.insert(contentsOf: taken, at: 0) }
            throw error
        }
    }

    private func write(_ views: [(String, String, String, Int64)]) async throws {
        try await store.transaction { transaction in
            var ids: [String: Int64?] = [:]
            for (ref, what, actor, at) in views {
                if ids[ref] == nil { ids[ref] = try transaction.ticket(ref: ref)?.id }
                guard let id = ids[ref] ?? nil else { continue }
                try transaction.record(
                    EventRecord(ticketId: id, at: at, kind: .personalDataViewed, detail: "\(what) by \(actor)"))
            }
        }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            // A store that refuses now (full, locked) keeps the views for the next second's try.
            try? await flush()
        }
        try await flush()
    }
}
