import ArgumentParser
import Foundation
import Helpdesk
import Logging
import ServiceLifecycle
import StaffWeb

/// `helpdeskd web`: the staff workspace alone over the store (a second host, or a daemon without `[web]`).
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web", abstract: "Serve the staff web workspace only (no mail polling or sending).",
        discussion: """
            Listens on [web] listen (or --listen). Answers staff queue are sent by the daemon's relay
            (`helpdeskd run`), which reads the same store.
            """)

    @Option(help: "The configuration file.") var config = StoreOptions.defaultConfigPath
    @Option(help: "The SQLite store (default: in the configured state directory).") var db: String?
    @Option(help: "host:port; overrides [web] listen.") var listen: String?

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let configuration: HelpdeskConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("helpdeskd: invalid configuration:\n\(error)\n".utf8))
            throw ExitCode(1)
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let format = JournalLogHandler.Format(rawValue: configuration.logFormat) ?? .text
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level, format: format) }
        let logger = Logger(label: "helpdeskd-web")
        let address = listen ?? configuration.web.listen
        guard let parsed = try? MetricsEndpoint.Address(address.isEmpty ? "127.0.0.1:8080" : address) else {
            throw ValidationError("--listen must be host:port")
        }
        let context = try HelpdeskContext(configuration: configuration, databasePath: db)
        let web = StaffWebServer(context: context, logger: logger).application(
            host: parsed.host, port: Int(parsed.port))
        logger.notice(
            "web workspace", metadata: ["listen": "\(parsed.host):\(parsed.port)", "store": "\(context.store)"])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: web)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
