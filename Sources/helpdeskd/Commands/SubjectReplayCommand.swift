import ArgumentParser
import Foundation
import Helpdesk

extension SubjectCommand {
    /// `helpdeskd subject replay-erasures`: applies again the logged erasures the store does not record.
    struct ReplayErasures: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay-erasures",
            abstract: "Apply again the logged erasures a restored store lacks (after restoring it by other means).",
            discussion: """
                Every `subject erase` is logged (date and the address's SHA-256, never the address) in \
                helpdeskd.sqlite-erasures in the state directory. This erases again, in the store, each \
                address whose logged erasure the store does not record (no subject-erased event with its \
                digest at the logged time or later), finding the addresses by hashing those the store holds. \
                Erasures the store records are not repeated: that would delete what the person sent since. \
                `helpdeskd restore` does this itself.
                """)
        @OptionGroup var store: StoreOptions
        @Option(help: "Only erasures logged at this time or later: YYYY-MM-DDTHH:MM:SSZ (UTC; default: all).")
        var since: String?
        @Flag(help: "List what would be erased and change nothing.") var dryRun = false

        func run() throws {
            let cutoff = try since.map { text in
                guard let time = ErasureLog.parseTime(text[...]) else {
                    throw ValidationError("--since must be a UTC time like 2026-12-05T03:00:00Z")
                }
                return time
            }
            let context = try store.context()
            let configuration = context.configuration
            let log = ErasureLog(path: context.erasureLogPath)
            do {
                let outcome = try ErasureReplay(
                    store: context.store, requiredFields: configuration.profile.required.map(\.key),
                    ownAddresses: configuration.profile.ownAddresses + [configuration.identity.address]
                ).run(try log.entries(), since: cutoff, now: WallClock.seconds(), actor: actor(), dryRun: dryRun)
                print(outcome.lines.joined(separator: "\n"))
            } catch let error as AdminError {
                throw CommandFailure(error.description)
            }
        }
    }
}
