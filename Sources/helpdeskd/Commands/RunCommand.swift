import ArgumentParser
import Foundation
import Helpdesk
import Logging
import OAuth
import ServiceLifecycle
import StaffWeb

/// `helpdeskd run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: poll the mailbox, ingest every email, deliver the answers.",
        discussion: """
            Runs until SIGTERM (finishing the email in hand and the send in progress). SIGHUP re-reads the
            configuration and templates. With --once it drains the mailbox and the outbox, then exits.
            """
    )

    @Option(help: "The configuration file.") var config = StoreOptions.defaultConfigPath
    @Option(help: "The SQLite store (default: in the configured state directory).") var db: String?
    @Flag(help: "Drain the mailbox and the outbox, then exit (for cron-style use and tests).") var once = false
    @Option(help: "text (journald) or json; overrides log.format.") var logFormat: String?

    func run() async throws {
        // A peer that hangs up must be an error from send(), not a signal that kills the daemon
        // (libcurl runs with CURLOPT_NOSIGNAL and so leaves SIGPIPE alone; OpenSSL may still write).
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let configuration: HelpdeskConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("helpdeskd: invalid configuration:\n\(error)\n".utf8))
            throw ExitCode(1)
        }
        let format = JournalLogHandler.Format(rawValue: logFormat ?? configuration.logFormat) ?? .text
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, format: format) }
        let logger = Logger(label: "helpdeskd")

        let context: HelpdeskContext
        do {
            context = try HelpdeskContext(configuration: configuration, databasePath: db)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.notice(
            "starting",
            metadata: [
                "version": "\(HelpdeskVersion.current)",
                "mailboxes": "\(configuration.mailboxes.map { "\($0.name) \($0.imap.url)" }.joined(separator: ", "))",
                "store": "\(context.store)",
            ])
        let contexts = ContextHolder(context)
        // One registry for the process: every login shares its token files (ARCHITECTURE.md, OAuth).
        let tokens = TokenProviders(stateDirectory: configuration.identity.stateDirectory)
        let health = DaemonHealth(tokens: tokens)
        let wakeups = Wakeups()
        let notifier = SystemdNotifier(environment: environment)
        // One poller per mailbox, all sharing the store, the relay and the answer caps. Mailboxes added or
        // removed by a reload take effect at the next restart.
        let pollers = configuration.mailboxes.map { mailbox in
            MailboxPoller(
                mailbox: mailbox.name, contexts: contexts, connect: { try MailConnections.imap($0, tokens: tokens) },
                watch: { try MailConnections.imapIdle($0, tokens: tokens) },
                logger: logger, health: health,
                wakeRelay: { wakeups.wake() }, once: once)
        }
        let relay = OutboxRelay(
            contexts: contexts, connect: { try MailConnections.smtp($0, tokens: tokens) }, logger: logger,
            health: health,
            wakeups: wakeups, once: once)

        if once {
            try await drainOnce(pollers: pollers, relay: relay, wakeups: wakeups)
            logger.notice("done", metadata: ["status": "\(health.statusLine)"])
            return
        }
        let systemd = SystemdService(
            notifier: notifier, health: health, watchdog: SystemdNotifier.watchdogInterval(environment: environment),
            logger: logger)
        let reloader = ConfigurationReloader(path: config, contexts: contexts, notifier: notifier, logger: logger)
        // The group stops services in reverse order: first the poller (no new mail is taken; the email
        // in hand is finished), then the relay (the send in progress is finished, and it is recorded),
        // and systemd's notifier last, so the watchdog is answered until the end.
        var services: [any Service] = [
            systemd, reloader, RetentionService(contexts: contexts, logger: logger),
            SLAWatch(contexts: contexts, logger: logger, wakeRelay: { wakeups.wake() }),
        ]
        // Always running: a reload may switch a login to OAuth; without one it only looks every few seconds.
        services.append(OAuthRefresher(contexts: contexts, tokens: tokens, logger: logger))
        if !configuration.metricsListen.isEmpty {
            // Validated when the configuration was loaded; changes take effect at the next restart.
            let address = try MetricsEndpoint.Address(configuration.metricsListen)
            services.append(
                MetricsEndpoint(
                    address: address, metrics: health.metrics, health: health, contexts: contexts, logger: logger))
        }
        if !configuration.web.listen.isEmpty {
            // The staff workspace over the store the daemon opened; a configuration reload does not move it.
            let address = try MetricsEndpoint.Address(configuration.web.listen)
            services.append(
                StaffWebServer(context: context, logger: logger, answerQueued: { wakeups.wake() }).application(
                    host: address.host, port: Int(address.port)))
        }
        services.append(relay)
        services += pollers as [any Service]
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map {
                .init(
                    service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Below systemd's TimeoutStopSec=60s: a stuck service is cancelled before systemd kills us all.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(45)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
        notifier.notify("STOPPING=1")
        logger.notice("stopped")
    }
}
