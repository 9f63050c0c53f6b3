public import TicketStore
import Synchronization

/// A `TicketStore` that forwards to another and, while `failing` is set, refuses every write as a full disk
/// would (`StoreUnavailable`): the seam to test what intake does when the store is at fault, without filling a
/// file system. Reads still work, as they do on a full disk.
public final class FaultyStore: TicketStore {
    let base: any TicketStore
    private let refusing = Mutex(false)

    public init(_ base: any TicketStore) { self.base = base }

    /// While true, every transaction throws `StoreUnavailable` before it starts.
    public var failing: Bool {
        get { refusing.withLock { $0 } }
        set { refusing.withLock { $0 = newValue } }
    }

    public var description: String { "faulty " + base.description }

    struct DiskFull: Error, CustomStringConvertible {
        var description: String { "database or disk is full (FaultyStore)" }
    }

    private func check() throws {
        if failing { throw StoreUnavailable(DiskFull()) }
    }

    public func transaction<T>(_ body: (any TicketTransaction) throws -> T) throws -> T {
        try check()
        return try base.transaction(body)
    }

    public func rehearse<T>(_ body: (any TicketTransaction) throws -> T) throws -> T {
        try base.rehearse(body)
    }

    public func snapshot<T>(_ body: (any TicketSnapshot) throws -> T) throws -> T {
        try base.snapshot(body)
    }

    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any TicketTransaction) throws -> T
    ) async throws -> T {
        try check()
        return try await base.transaction(body)
    }

    public func snapshot<T: Sendable>(_ body: @escaping @Sendable (any TicketSnapshot) throws -> T) async throws -> T {
        try await base.snapshot(body)
    }

    public func releaseMemory() { base.releaseMemory() }
    public func integrityCheck() throws -> String { try base.integrityCheck() }
    public func reclaimFreeSpace() throws -> Bool { try base.reclaimFreeSpace() }
    public func truncateLog() throws -> Bool { try base.truncateLog() }
}
