import ArgumentParser
import Foundation
import Helpdesk

/// `helpdeskd restore FILE`: puts a backup archive back, after checking it, and replays later erasures.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup archive into the state directory (the daemon must be stopped).",
        discussion: """
            Refuses while any process has the store open (stop the daemon first), and refuses an archive \
            whose files do not match their checksums, whose manifest disagrees with it, whose store fails \
            integrity_check or was written by a newer helpdeskd, or that belongs to another helpdesk \
            (address or ticket prefix; --ignore-identity overrides). Erasures made after the backup \
            (the erasure log beside the store) are applied again to the restored store before it is put \
            in place. The files it replaces are moved to replaced-<time>/ in the state directory; restored \
            files belong to the state directory's owner. Run it as root (the signing key under \
            /etc/helpdeskd belongs to root). --dry-run checks the archive and changes nothing.
            """)
    @OptionGroup var store: StoreOptions
    @Argument(help: "The backup archive.") var archive: String
    @Flag(help: "Check the archive completely, change nothing.") var dryRun = false
    @Flag(help: "Restore a backup of a helpdesk with another address or ticket prefix.") var ignoreIdentity = false

    func run() throws {
        let configuration = try store.configuration()
        var options = StoreRestore.Options(
            archive: archive, files: StateFiles(configuration: configuration, databasePath: store.db),
            helpdesk: .init(address: configuration.identity.address, ticketPrefix: configuration.identity.ticketPrefix))
        options.dryRun = dryRun
        options.ignoreIdentity = ignoreIdentity
        options.requiredFields = configuration.profile.required.map(\.key)
        options.ownAddresses = configuration.profile.ownAddresses + [configuration.identity.address]
        options.actor = actor()
        do {
            let summary = try StoreRestore.run(options, now: WallClock.seconds())
            print(summary.lines.joined(separator: "\n"))
            if !dryRun { print("start the daemon: sudo systemctl start helpdeskd") }
        } catch let error as AdminError {
            throw CommandFailure(error.description)
        }
    }
}
