public import Logging
public import ServiceLifecycle

/// Purges expired tickets once a day (and once shortly after start), in bounded batches (`RetentionPurge`).
///
/// Concurrency: an async loop (a `Service`); the purge, a series of blocking store transactions, runs on the
/// service's own `Lane`.
public struct RetentionService: Service {
    let contexts: ContextHolder
    let logger: Logger
    let clock: @Sendable () -> Int64

    public init(contexts: ContextHolder, logger: Logger, clock: @escaping @Sendable () -> Int64 = WallClock.seconds) {
        self.contexts = contexts
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        let lane = Lane(label: "helpdeskd.retention")
        var wait: Duration = .seconds(60)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            wait = .seconds(86_400)
            let context = contexts.current
            do {
                let report = try await lane.run { _ in
                    try RetentionPurge.run(
                        store: context.store, now: clock(), days: context.configuration.retentionDays)
                }
                logger.notice("retention purge done", metadata: ["report": "\(report)"])
            } catch {
                logger.error("retention purge failed; will retry in an hour", metadata: ["error": "\(error)"])
                wait = .seconds(3600)
            }
        }
    }
}
