import ArgumentParser
import Foundation
import Helpdesk

/// `helpdeskd backup --out FILE`: an archive of the store (copied while the daemon runs), the signing key,
/// the relay's journal and the erasure log, with a manifest and checksums.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a backup archive: the store (copied while the daemon runs), signing key, relay journal.",
        discussion: """
            The archive (--out FILE, or helpdeskd-<UTC time>.tar in the directory --out names; --keep N \
            then deletes all but the newest N there) is a tar file, mode 0600, never written over an \
            existing file: helpdeskd-backup/ with \
            helpdeskd.sqlite (a consistent copy made with SQLite's online backup API and checked with \
            integrity_check), hmac.key, relay-journal, erasures, manifest.json (what it holds, for which \
            helpdesk, each file's size and SHA-256) and SHA256SUMS (for sha256sum -c). Run it as root or \
            as the store's owner; the store is opened read-only and never migrated. The archive holds \
            personal data and the signing key: keep it as private as the store. See README, "Backup and \
            restore".
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "The archive to create (it must not exist), or a directory for helpdeskd-<UTC time>.tar.")
    var out: String
    @Option(help: "With --out DIR: keep the newest N archives there, delete older ones.") var keep: Int?
    @Flag(help: "Print the manifest as JSON.") var json = false

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("--keep must be 1 or more") }
        var isDirectory: ObjCBool = false
        if keep != nil,
            !(FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) && isDirectory.boolValue)
        {
            throw ValidationError("--keep needs --out to name a directory")
        }
    }

    func run() throws {
        let configuration = try store.configuration()
        let files = StateFiles(configuration: configuration, databasePath: store.db)
        do {
            let summary = try StoreBackup.create(
                files: files,
                helpdesk: .init(
                    address: configuration.identity.address, ticketPrefix: configuration.identity.ticketPrefix),
                output: StoreBackup.destination(out, now: WallClock.seconds()), now: WallClock.seconds)
            let pruned = try keep.map { try StoreBackup.prune(out, keep: $0) } ?? []
            if json {
                print(String(decoding: try summary.manifest.encoded().dropLast(), as: UTF8.self))
                return
            }
            let held = summary.manifest.store
            let last = held.lastTicket ?? "none"
            let names = summary.manifest.files.map(\.name).joined(separator: ", ")
            print("wrote \(summary.archive) (\(summary.size) bytes), snapshot \(summary.manifest.createdAt)")
            print("  \(held.tickets) ticket(s) (last \(last)), \(held.messages) message(s), \(held.answers) answer(s)")
            print("  files: \(names), manifest.json, SHA256SUMS")
            for path in pruned { print("deleted the older backup \(path)") }
        } catch let error as AdminError {
            throw CommandFailure(error.description)
        }
    }
}

/// A command's failure that is not a usage error: printed as it is, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
