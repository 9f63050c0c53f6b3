import Foundation
import Glibc
import Testing
import TicketStore

/// `helpdeskd backup`, `restore`, `subject erase` and `subject replay-erasures` as an admin runs them: the
/// built binary, a configuration file, real files. The commands must agree on where the state is — the
/// configured state directory, or the directory of a store given with `--db` — or an erasure is logged where
/// the restore does not look.
@Suite(.serialized) struct AdminCommandTests {
    static let executable = URL(
        fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/"
    )
    .deletingLastPathComponent().appendingPathComponent("helpdeskd").path

    /// A private directory with a configuration whose state directory is `state/` in it, and two reports.
    struct Installation {
        let directory: String
        var config: String { directory + "/helpdeskd.toml" }
        var state: String { directory + "/state" }

        init() throws {
            directory = NSTemporaryDirectory() + "helpdeskd-admin-" + UUID().uuidString
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try write(
                """
                [helpdesk]
                address = "helpdesk@example.com"
                state_directory = "\(state)"
                hmac_key_file = ""
                [imap]
                url = "imaps://imap.example.com/INBOX"
                user = "helpdesk"
                [smtp]
                url = "smtps://smtp.example.com"
                """, to: config)
            try write(Mail.report(from: "anna@example.edu", id: "a1@example.edu"), to: directory + "/anna.eml")
            try write(
                Mail.report(from: "carl@example.net", id: "c1@example.net", subject: "Blank page"),
                to: directory + "/carl.eml")
        }

        func write(_ text: String, to path: String) throws {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }

        /// Runs helpdeskd with `arguments`; its exit status and what it printed (both streams).
        @discardableResult
        func run(_ arguments: [String], expecting status: Int32 = 0) throws -> String {
            try #require(
                FileManager.default.isExecutableFile(atPath: AdminCommandTests.executable),
                "swift build --build-tests first")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: AdminCommandTests.executable)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == status, "helpdeskd \(arguments.joined(separator: " ")):\n\(output)")
            return output
        }

        /// The tickets' reporters in the store at `path`, by number.
        func reporters(_ path: String) throws -> [String] {
            let store = try SQLiteTicketStore(path: path)
            defer { try? store.close() }
            return try store.snapshot { try $0.tickets(status: nil, severity: nil) }.map(\.reporterAddress)
        }

        func lines(_ path: String) -> [String] {
            (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        }
    }

    /// With the configured state directory: the erasure `subject erase` logs there is the one `restore` replays,
    /// and the signing key the daemon made there is in the archive.
    @Test func anErasureAfterTheBackupIsReplayedByRestore() throws {
        let site = try Installation()
        let config = ["--config", site.config]
        try site.run(["ingest"] + config + [site.directory + "/anna.eml"])
        try site.run(["ingest"] + config + [site.directory + "/carl.eml"])
        try FileManager.default.createDirectory(atPath: site.directory + "/backups", withIntermediateDirectories: false)
        let backup = try site.run(["backup"] + config + ["--out", site.directory + "/backups", "--keep", "2"])
        #expect(backup.contains("2 ticket(s)") && backup.contains("files: helpdeskd.sqlite, hmac.key"), "\(backup)")
        let archives = try FileManager.default.contentsOfDirectory(atPath: site.directory + "/backups")
        let archive = site.directory + "/backups/" + (try #require(archives.first))
        #expect(archives.count == 1)

        try site.run(["subject", "erase", "anna@example.edu"] + config)
        #expect(site.lines(site.state + "/helpdeskd.sqlite-erasures").count == 1)
        #expect(try site.reporters(site.state + "/helpdeskd.sqlite") == ["carl@example.net"])

        let restore = try site.run(["restore"] + config + [archive])
        #expect(restore.contains("erasures logged: 1; already in the store: 0; replayed: 1"), "\(restore)")
        #expect(try site.reporters(site.state + "/helpdeskd.sqlite") == ["carl@example.net"])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: site.state).contains { $0.hasPrefix("replaced-") })
    }

    /// With `--db`: the store's directory is the state directory for every command. The store is put back by
    /// hand (as from a filesystem snapshot), and `subject replay-erasures` brings it up to date, once.
    @Test func replayErasuresBringsAStoreRestoredByHandUpToDate() throws {
        let site = try Installation()
        let directory = site.directory + "/elsewhere"
        let path = directory + "/support.sqlite"
        let db = ["--config", site.config, "--db", path]
        try site.run(["ingest"] + db + [site.directory + "/anna.eml"])
        try site.run(["ingest"] + db + [site.directory + "/carl.eml"])
        let archive = site.directory + "/backup.tar"
        try site.run(["backup"] + db + ["--out", archive])
        try site.run(["subject", "erase", "anna@example.edu"] + db)
        #expect(site.lines(directory + "/helpdeskd.sqlite-erasures").count == 1)
        #expect(!FileManager.default.fileExists(atPath: site.state), "nothing goes to the configured state directory")

        // The backup's store put back by hand: tar, while nothing has the store open.
        for file in [path, path + "-wal", path + "-shm"] { unlink(file) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-xf", archive, "-C", site.directory, "helpdeskd-backup/helpdeskd.sqlite"]
        try tar.run()
        tar.waitUntilExit()
        #expect(rename(site.directory + "/helpdeskd-backup/helpdeskd.sqlite", path) == 0)
        #expect(try site.reporters(path) == ["anna@example.edu", "carl@example.net"])

        let replay = try site.run(["subject", "replay-erasures"] + db)
        #expect(replay.contains("erasures logged: 1; already in the store: 0; replayed: 1"), "\(replay)")
        #expect(try site.reporters(path) == ["carl@example.net"])
        let again = try site.run(["subject", "replay-erasures"] + db)
        #expect(again.contains("erasures logged: 1; already in the store: 1; replayed: 0"), "\(again)")
        try site.run(["subject", "replay-erasures", "--since", "yesterday"] + db, expecting: 64)
    }
}
