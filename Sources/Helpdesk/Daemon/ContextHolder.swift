import Synchronization

/// The daemon's current configuration and pipeline, swapped atomically on reload (SIGHUP). Each
/// loop reads it once per cycle, so an email is always handled with one consistent configuration.
public final class ContextHolder: Sendable {
    private let state: Mutex<HelpdeskContext>

    public init(_ context: HelpdeskContext) { state = Mutex(context) }

    public var current: HelpdeskContext { state.withLock { $0 } }

    public func replace(with context: HelpdeskContext) { state.withLock { $0 = context } }
}
