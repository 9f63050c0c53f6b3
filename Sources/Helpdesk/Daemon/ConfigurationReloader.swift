import Foundation
public import Logging
public import ServiceLifecycle
import UnixSignals

/// Re-reads the configuration and templates on SIGHUP. A configuration that does not load, or whose
/// templates do not compile, is refused with a clear log line, and the one in force stays.
public struct ConfigurationReloader: Service {
    let path: String
    let contexts: ContextHolder
    let notifier: SystemdNotifier
    let logger: Logger

    public init(path: String, contexts: ContextHolder, notifier: SystemdNotifier, logger: Logger) {
        self.path = path
        self.contexts = contexts
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// Loads the file again and swaps it in when it is valid; returns whether it was.
    @discardableResult
    public func reload() -> Bool {
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
        defer { notifier.notify("READY=1") }
        let current = contexts.current
        do {
            let configuration = try ConfigurationLoader.load(
                path: path, environment: ProcessInfo.processInfo.environment)
            let problems = ConfigurationCheck.problems(configuration, file: path)
            guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
            if configuration.identity.stateDirectory != current.configuration.identity.stateDirectory {
                logger.warning("state_directory changes take effect at the next restart")
            }
            if configuration.mailboxes.map(\.name) != current.configuration.mailboxes.map(\.name) {
                // Pollers are made at start: a new mailbox is polled, a removed one let go, after a restart.
                logger.warning("adding or removing mailboxes takes effect at the next restart")
            }
            if configuration.metricsListen != current.configuration.metricsListen {
                logger.warning("metrics.listen changes take effect at the next restart")
            }
            let next = try HelpdeskContext(
                configuration: configuration, store: current.store, stateDirectory: current.stateDirectory)
            contexts.replace(with: next)
            logger.notice("configuration reloaded", metadata: ["file": "\(path)"])
            return true
        } catch {
            logger.error(
                "configuration reload refused; the previous configuration stays in force",
                metadata: ["file": "\(path)", "problems": "\(error)"])
            return false
        }
    }

    static func monotonicMicroseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
    }
}
