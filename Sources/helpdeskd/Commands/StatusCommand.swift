import ArgumentParser
import Foundation
import Helpdesk

/// `helpdeskd status`: poll health, queues, tickets by status, oldest unanswered, SLA breaches.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the health of the intake as recorded in the store.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let context = try store.context()
        // [[mailbox]] entries are listed by name, polled or not yet; a single [imap] is listed once it was polled.
        let configuration = context.configuration
        let report = try StoreStatus.report(
            store: context.store, now: WallClock.seconds(), stateDirectory: context.stateDirectory,
            mailboxes: configuration.mailboxEntries.isEmpty ? [] : configuration.mailboxes)
        print(json ? report.serialized(pretty: true) : StoreStatus.text(report))
    }
}

/// `helpdeskd check-config`: validates everything before a deployment or a reload.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration: keys, types, secrets, templates, support hours.",
        discussion: """
            Prints each problem with file, line and a fix; exits 1 when there is any. With --connect it \
            also logs in to the IMAP and SMTP servers, as the daemon would, and prints what they announce \
            (nothing is fetched, moved or sent).
            """)

    @Option(help: "The configuration file.") var config = StoreOptions.defaultConfigPath
    @Flag(help: "Also log in to the IMAP and SMTP servers and report what they announce.") var connect = false

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let data = FileManager.default.contents(atPath: config) else {
            print("\(config): cannot read the configuration file")
            throw ExitCode(1)
        }
        let (configuration, problems) = ConfigurationLoader.parse(
            String(decoding: data, as: UTF8.self), file: config, environment: environment)
        let all = problems + ConfigurationCheck.problems(configuration, file: config)
        for problem in all { print(problem.description) }
        var failed = !all.isEmpty
        if connect {
            // Every mailbox, then the relay.
            let probes =
                configuration.mailboxes.map { ServerProbe.imap(configuration, mailbox: $0) }
                + [ServerProbe.smtp(configuration)]
            for outcome in probes {
                for line in outcome.lines { print("\(outcome.service) \(outcome.url): \(line)") }
                if let error = outcome.error {
                    print("\(outcome.service) \(outcome.url): FAILED: \(error)")
                    failed = true
                }
            }
        }
        if failed { throw ExitCode(1) }
        print("\(config): OK")
    }
}
