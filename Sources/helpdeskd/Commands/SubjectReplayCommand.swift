import ArgumentParser
import Foundation
import Helpdesk

extension SubjectCommand {
    /// `helpdeskd subject replay-erasures --since TIME`: applies again the erasures logged after TIME.
    struct ReplayErasures: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay-erasures",
            abstract: "Apply again the erasures made after a backup was taken (after restoring it by other means).",
            discussion: """
                Every `subject erase` is logged (date and the address's SHA-256, never the address) in \
                helpdeskd.sqlite-erasures beside the store. This erases again, in the store, each address \
                whose erasure was logged after TIME and is not recorded in the store already, finding the \
                addresses by hashing those the store holds. TIME must be when the restored backup was taken \
                (manifest.json's created_at): older erasures are in it already, and replaying them would \
                delete what the person sent since. `helpdeskd restore` does this itself.
                """)
        @OptionGroup var store: StoreOptions
        @Option(help: "When the restored backup was taken: YYYY-MM-DDTHH:MM:SSZ (UTC).") var since: String
        @Flag(help: "List what would be erased and change nothing.") var dryRun = false

        func run() throws {
            guard let cutoff = ErasureLog.parseTime(since[...]) else {
                throw ValidationError("--since must be a UTC time like 2026-12-05T03:00:00Z")
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
