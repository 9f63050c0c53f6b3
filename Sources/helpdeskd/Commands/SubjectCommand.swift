import ArgumentParser
import Foundation
import Helpdesk

/// `helpdeskd subject …`: a data subject's requests — a copy of their data, or its erasure.
struct SubjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject",
        abstract:
            "Answer a data subject's request: export (access, portability) or erase everything tied to an address.",
        discussion: """
            An address is tied to the tickets it reported, the messages it sent or received (it is in \
            their From, To or Cc), the tickets it is copied on, and the automatic answers sent to it. \
            See README, "Personal data".
            """,
        subcommands: [Export.self, Erase.self, ReplayErasures.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write everything tied to an address into a new directory: raw .eml files, attachments, manifest.json.",
            discussion: """
                DIR must not exist or be empty. It gets manifest.json (tickets with fields, events, \
                messages and attachments, each file with its SHA-256), messages/<ticket>/<n>.eml \
                (byte for byte as received), answers/<ticket>/<n>.eml and attachments/<sha256>.<ext>; \
                directories 0700, files 0600.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The person's email address.") var email: String
        @Option(help: "The directory to create (or an empty one).") var out: String

        func run() throws {
            let context = try store.context()
            let subject = try subjectAddress(email, context: context)
            let summary = try SubjectExport(store: context.store, retentionDays: context.configuration.retentionDays)
                .write(subject, to: out, now: WallClock.seconds())
            print(
                "exported \(subject): \(summary.tickets) ticket(s), \(summary.messages) message(s), "
                    + "\(summary.answers) answer(s), \(summary.attachments) attachment(s), \(summary.events) event(s), "
                    + "\(summary.fieldValues) field value(s)")
            if summary.withheldMessages + summary.withheldAnswers > 0 {
                print(
                    "withheld: \(summary.withheldMessages) message(s) and \(summary.withheldAnswers) answer(s) other "
                        + "people sent or received on their tickets without them as an addressee")
            }
            print("manifest: \(summary.manifest)")
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete everything tied to an address and take it out of what is kept for others.",
            discussion: """
                Deletes their tickets, messages, attachments (unless someone else's message carries the \
                same content), field values, events and answers; removes the address from other tickets \
                and from the header section of messages kept for others; records a subject-erased event \
                with counts and the address's SHA-256 (never the address); then rebuilds the database \
                (VACUUM) and truncates its write-ahead log. Bodies of other people's messages are kept \
                unchanged and counted. Exit status 1 when the address is still found where the rules do \
                not explain it.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The person's email address.") var email: String
        @Flag(help: "List what would go and change nothing.") var dryRun = false
        @Flag(help: "Print the report as JSON.") var json = false

        func run() throws {
            let context = try store.context()
            let subject = try subjectAddress(email, context: context)
            let now = WallClock.seconds()
            if !dryRun {
                // Logged before it runs, with the event's time, so a restored backup can be brought up to date
                // (README, "Backup and restore"); an erasure that then fails is replayed, as was asked.
                let log = ErasureLog(path: context.erasureLogPath)
                try log.append(ErasureLog.Entry(time: now, digest: subject.digest))
            }
            let report = try SubjectErasure(
                store: context.store, requiredFields: context.configuration.profile.required.map(\.key)
            ).run(subject, now: now, actor: actor(), dryRun: dryRun)
            print(json ? report.json.serialized(pretty: true) : report.lines.joined(separator: "\n"))
            if !report.unexpectedTraces.isEmpty { throw ExitCode(1) }
        }
    }
}

/// `helpdeskd purge`: applies the retention period now.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete what is older than the retention period ([retention] days), in batches.",
        discussion: """
            Deletes resolved, closed and redirected tickets whose last change is older than the \
            retention period (open and suspended tickets are never deleted), messages filed on no ticket \
            received before it, and attachment content no message refers to. Each batch is one \
            transaction. The daemon does this daily.
            """)
    @OptionGroup var store: StoreOptions
    @Flag(help: "List what would go and change nothing.") var dryRun = false
    @Option(help: "Tickets (or messages, attachments) per transaction.") var batchSize = 100
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be 1 or more") }
    }

    func run() throws {
        let context = try store.context()
        let report = try RetentionPurge.run(
            store: context.store, now: WallClock.seconds(), days: context.configuration.retentionDays,
            batchSize: batchSize,
            dryRun: dryRun)
        if json {
            print(report.json.serialized(pretty: true))
            return
        }
        if dryRun {
            for ticket in report.tickets {
                print(
                    "would delete \(ticket.ref)  \(ticket.status.rawValue)  last changed \(Timestamp.iso(ticket.updatedAt))"
                )
            }
            print("dry run, nothing changed: would delete \(report.summary)")
        } else {
            print("deleted \(report.summary) in \(report.transactions) transaction(s)")
        }
    }
}

/// The address argument, validated, or a usage error that says why. The helpdesk's own addresses are
/// refused: every message names them, so an erasure would rewrite every message's headers.
private func subjectAddress(_ text: String, context: HelpdeskContext) throws -> SubjectAddress {
    let subject: SubjectAddress
    do {
        subject = try SubjectAddress(text)
    } catch {
        throw ValidationError(error.description)
    }
    let own =
        context.configuration.profile.ownAddresses.map { $0.lowercased() } + [
            context.configuration.identity.address.lowercased()
        ]
    if own.contains(subject.value) {
        throw ValidationError("\(subject) is the helpdesk's own address, not a data subject's")
    }
    return subject
}
