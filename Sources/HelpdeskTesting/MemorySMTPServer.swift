public import Helpdesk
import Synchronization

/// An SMTP relay in memory, for testing the outbox relay without a sink process (maddy tests its queue with an
/// `unreliableTarget` the same way): it keeps what it accepted and answers with the failures a test scripts.
///
/// Thread-safe: the relay's lane and the test touch it at once.
public final class MemorySMTPServer: Sendable {
    /// One accepted message.
    public struct Delivery: Sendable, Equatable {
        public var recipient: String
        public var raw: [UInt8]
    }

    private let state = Mutex<(delivered: [Delivery], failures: [DeliveryFailure], connections: Int)>(([], [], 0))

    public init() {}

    /// The messages accepted, in order.
    public var delivered: [Delivery] { state.withLock { $0.delivered } }

    /// How many connections the relay opened.
    public var connections: Int { state.withLock { $0.connections } }

    /// The next delivery attempts fail with these, in order (then deliveries succeed again).
    public func fail(_ failures: DeliveryFailure...) {
        state.withLock { $0.failures += failures }
    }

    /// A new connection, as `OutboxRelay`'s `connect` returns it.
    public func connect() -> MemoryOutgoingMail {
        state.withLock { $0.connections += 1 }
        return MemoryOutgoingMail(server: self)
    }

    func deliver(_ raw: [UInt8], to recipient: String) throws {
        let failure = state.withLock { state -> DeliveryFailure? in
            if !state.failures.isEmpty { return state.failures.removeFirst() }
            state.delivered.append(Delivery(recipient: recipient, raw: raw))
            return nil
        }
        if let failure { throw failure }
    }
}

/// A connection to `MemorySMTPServer`: the relay's `OutgoingMail`.
public final class MemoryOutgoingMail: OutgoingMail {
    let server: MemorySMTPServer

    init(server: MemorySMTPServer) { self.server = server }

    public func deliver(raw: [UInt8], to recipient: String) throws { try server.deliver(raw, to: recipient) }

    public func closeConnection() {}
}
