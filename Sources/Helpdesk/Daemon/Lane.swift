import Dispatch
import Foundation
import Synchronization

// The daemon's concurrency model, in one place (ARCHITECTURE.md, "Concurrency"):
//
// - Every long-running part is a `Service` (swift-service-lifecycle): an async loop in one `ServiceGroup`.
// - Every blocking call — libcurl's IMAP and SMTP, SQLite with its fsync — runs on a `Lane`: a serial thread that
//   one service owns, together with the state that blocking code works on (a connection, a poll in progress).
//   The service's loop awaits the lane (`try await lane.run { state in … }`), so Swift's cooperative pool is
//   never blocked by the network or the disk, and the state is only ever touched on its lane.
// - State shared between lanes and loops (health, the current configuration, a stop flag) is a `Mutex`.
// - The one pipeline between two lanes — the poller's fetching and its store stage — is `StoreStage`: a bounded
//   hand-off where the fetching lane may block, by design, while the stage is full.

/// A serial thread that owns `State` and runs blocking work on it for async callers.
///
/// Work runs in submission order, one item at a time, with the state passed `inout`; the state never leaves the
/// lane. Callers in async code `await` the result without blocking the cooperative pool.
final class Lane<State>: Sendable {
    private let queue: DispatchQueue
    /// Touched only on `queue`; the lock is never contended and only satisfies the compiler that it is so.
    private let state: Mutex<State>

    init(label: String, state: consuming sending State) {
        queue = DispatchQueue(label: label)
        self.state = Mutex(state)
    }

    /// Runs `body` on the lane with its state and returns (or throws) what `body` did.
    func run<T: Sendable>(_ body: @escaping @Sendable (inout State) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.state.withLock { try body(&$0) } })
            }
        }
    }

    /// Runs `body` on the lane and returns at once, without waiting for it.
    func submit(_ body: @escaping @Sendable (inout State) -> Void) {
        queue.async { self.state.withLock { body(&$0) } }
    }
}

extension Lane where State == Void {
    convenience init(label: String) { self.init(label: label, state: ()) }
}

/// A flag one thread sets and others read.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// The wall clock, in whole seconds since 1970: the one clock of the daemon and the command line (tests inject
/// their own as `@Sendable () -> Int64`).
public enum WallClock {
    @Sendable public static func seconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
