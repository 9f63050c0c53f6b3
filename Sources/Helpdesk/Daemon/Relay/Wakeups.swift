import Synchronization

/// Wakes the relay when answers are queued, and tells it when the poller is done (for `--once`).
///
/// Concurrency: async signalling between two services: `wake()` from any thread, `wait` from the relay's loop
/// (a continuation raced against a sleep); the state is a `Mutex`.
public final class Wakeups: Sendable {
    private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?, pollerDone: Bool)>(
        (false, nil, false))

    public init() {}

    public func wake() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            let waiter = state.waiter
            state.waiter = nil
            state.pending = waiter == nil
            return waiter
        }
        waiter?.resume()
    }

    public func markPollerFinished() {
        state.withLock { $0.pollerDone = true }
        wake()
    }

    var pollerFinished: Bool { state.withLock { $0.pollerDone } }

    /// Waits for `wake()` or the timeout, whichever comes first.
    func wait(upTo timeout: Duration, stopping: StopFlag) async {
        if stopping.isSet { return }
        let alreadyPending = state.withLock { state -> Bool in
            let pending = state.pending
            state.pending = false
            return pending
        }
        if alreadyPending { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.wake()
            }
            await group.next()
            group.cancelAll()
        }
        // A timeout's wake() may have found no waiter: drop that stale signal.
        state.withLock { $0.pending = false }
    }
}
