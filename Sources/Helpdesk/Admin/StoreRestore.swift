import Digest
import Foundation
import Glibc
import MIME
import TicketStore

/// `helpdeskd restore`: puts a backup archive (`StoreBackup`) back in place of the state files.
///
/// In order, each step refusing to go on when it fails:
/// 1. no process has the store open (`StoreCopier.isInUse`: the daemon, a staff command) — stop the daemon
///    first;
/// 2. the archive is read into a private directory beside the store, every file checked against
///    `SHA256SUMS` and `manifest.json` (a damaged archive, or one whose manifest disagrees with it, is refused);
/// 3. the store in it passes its consistency check, holds what the manifest says, and was not written by a newer
///    helpdeskd; the archive is of this helpdesk (address and ticket prefix, unless told to ignore them);
/// 4. logged erasures (`ErasureLog`, the installation's own and the archive's) the restored copy does not record
///    — made after the backup, or still running when it was taken — are applied again to it (`ErasureReplay`),
///    before anyone can read it;
/// 5. while no process can open the store (`StoreCopier.exclusively`), the current store (with its logs) and
///    relay journal are moved into `replaced-<time>/` in the state directory, and the restored files take
///    their places, owned by the state directory's owner; then the signing key, when it differs. The erasure log
///    is kept and gains the archive's entries it lacked.
public enum StoreRestore {
    public struct Options: Sendable {
        public var archive: String
        public var files: StateFiles
        public var helpdesk: BackupManifest.Helpdesk
        /// Restore an archive of a helpdesk with another address or ticket prefix.
        public var ignoreIdentity = false
        /// Check the archive and change nothing.
        public var dryRun = false
        /// For the erasure replay.
        public var requiredFields: [String] = []
        public var ownAddresses: [String] = []
        public var actor = "restore"

        public init(archive: String, files: StateFiles, helpdesk: BackupManifest.Helpdesk) {
            self.archive = archive
            self.files = files
            self.helpdesk = helpdesk
        }
    }

    public struct Summary: Sendable {
        public var manifest: BackupManifest
        public var dryRun: Bool
        /// Where the replaced files went (nil: nothing was replaced).
        public var replacedDirectory: String?
        public var keyChanged = false
        public var journalRestored = false
        public var erasureLogEntriesAdded = 0
        public var replay: ErasureReplay.Outcome?

        public var lines: [String] {
            let store = manifest.store
            var lines = [
                "archive: helpdeskd \(manifest.helpdeskdVersion) backup of \(manifest.helpdesk.address) on "
                    + "\(manifest.hostname), taken \(manifest.createdAt)",
                "  store: \(store.tickets) ticket(s) (last \(store.lastTicket ?? "none")), \(store.messages) "
                    + "message(s), \(store.answers) answer(s); schema \(store.migrations.last ?? "empty"); "
                    + "integrity ok; every checksum matches",
            ]
            if dryRun {
                lines.append("dry run: the archive can be restored; nothing was changed")
                return lines
            }
            if let replay { lines += replay.lines }
            lines.append(
                "restored: the store" + (journalRestored ? ", the relay journal" : "")
                    + (keyChanged ? ", the Message-ID signing key" : ""))
            if erasureLogEntriesAdded > 0 {
                lines.append("erasure log: \(erasureLogEntriesAdded) entr(y/ies) of the archive added")
            }
            if let replacedDirectory {
                lines.append(
                    "the files it replaced are in \(replacedDirectory): they hold personal data; delete the "
                        + "directory once the restored store is checked")
            }
            return lines
        }
    }

    static let limits: [String: Int] = [
        BackupManifest.File.hmacKey.rawValue: 1 << 16, BackupManifest.File.relayJournal.rawValue: 1 << 26,
        BackupManifest.File.erasureLog.rawValue: 1 << 26, "manifest.json": 1 << 20, "SHA256SUMS": 1 << 16,
    ]

    public static func run(_ options: Options, now: Int64) throws -> Summary {
        let files = options.files
        let owner = try stateOwner(files.directory)
        if !options.dryRun, try files.store.isInUse() { throw inUse(files.store) }

        let staging = "\(files.directory)/.restore-\(getpid())"
        guard mkdir(staging, 0o700) == 0 else { throw AdminError.io("cannot create", staging) }
        defer { removeStaging(staging) }
        let staged = "\(staging)/\(BackupManifest.File.store.rawValue)"
        let (manifest, small) = try extract(options.archive, storeTo: staged)
        try check(staged: staged, manifest: manifest, options: options)
        var summary = Summary(manifest: manifest, dryRun: options.dryRun)
        if options.dryRun { return summary }

        // Erasures the copy may lack: the installation's log, and the archive's (a new host has none). Each is
        // checked against the copy's own record of erasures: the backup's time is no cut-off (`ErasureReplay`).
        let log = ErasureLog(path: files.erasureLog)
        let live = try log.entries()
        let archived = small[.erasureLog].map(ErasureLog.parse) ?? []
        let known = Set(live)
        let added = archived.filter { !known.contains($0) }
        if !(live + added).isEmpty {
            summary.replay = try storeCall {
                try files.store.withCopy(at: staged) { store in
                    try ErasureReplay(
                        store: store, requiredFields: options.requiredFields, ownAddresses: options.ownAddresses
                    ).run(live + added, now: now, actor: options.actor)
                }
            }
        }
        let stagedJournal = "\(staging)/relay-journal"
        if let journal = small[.relayJournal] { try write(journal, to: stagedJournal) }
        for path in [staged, stagedJournal] where access(path, F_OK) == 0 {
            guard chown(path, owner.uid, owner.gid) == 0 || geteuid() == owner.uid else {
                throw AdminError.io("cannot give \(owner.name) the file", path)
            }
        }

        // The replaced files go aside, into a private directory that is removed again when nothing went there.
        let stamp = MessageDate(secondsSince1970: now, utcOffsetSeconds: 0).iso8601
            .replacingOccurrences(of: ":", with: "")
        let aside = "\(files.directory)/replaced-\(stamp)"
        guard mkdir(aside, 0o700) == 0 else { throw AdminError.io("cannot create", aside) }
        _ = chown(aside, owner.uid, owner.gid)
        defer { rmdir(aside) }
        func moveAside(_ path: String, as name: String) throws {
            guard access(path, F_OK) == 0 else { return }
            guard rename(path, "\(aside)/\(name)") == 0 else { throw AdminError.io("cannot move aside", path) }
        }

        // The signing key it replaces is copied aside first: it may live on another file system (`/etc`).
        let currentKey = try StoreBackup.readIfPresent(files.hmacKey)
        let restoredKey = small[.hmacKey].flatMap { $0 == currentKey ? nil : $0 }
        if restoredKey != nil, let currentKey { try write(currentKey, to: "\(aside)/\(StateFiles.hmacKeyName)") }

        // The swap, with no process able to open the store meanwhile.
        let swapped: Void? = try storeCall {
            try files.store.exclusively {
                try files.store.replace(with: staged, keepingReplacedIn: aside)
                try moveAside(files.relayJournal, as: StateFiles.relayJournalName)
                if access(stagedJournal, F_OK) == 0 {
                    guard rename(stagedJournal, files.relayJournal) == 0 else {
                        throw AdminError.io("cannot move the restored relay journal to", files.relayJournal)
                    }
                    summary.journalRestored = true
                }
                StoreBackup.syncDirectory(files.directory)
            }
        }
        guard swapped != nil else { throw inUse(files.store) }

        if let restoredKey {
            try replaceKey(files.hmacKey, with: restoredKey, stateOwner: owner)
            summary.keyChanged = true
        }
        if !added.isEmpty {
            try log.append(added)
            _ = chown(files.erasureLog, owner.uid, owner.gid)
            summary.erasureLogEntriesAdded = added.count
        }
        // Empty (a first restore on a new host): nothing to keep.
        if rmdir(aside) != 0 { summary.replacedDirectory = aside }
        return summary
    }

    /// Runs `body`, turning the store's own errors (`StoreCopyError`) into `AdminError`s.
    static func storeCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreCopyError {
            throw AdminError(.io, error.description)
        }
    }

    /// Reads the archive: the store into `storeTo`, the small files into memory; checks every checksum.
    static func extract(
        _ archive: String, storeTo staged: String
    ) throws -> (
        BackupManifest, [BackupManifest.File: [UInt8]]
    ) {
        let fd = open(archive, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AdminError.io("cannot read", archive) }
        defer { close(fd) }
        let reader = TarReader(fd: fd, path: archive)
        var contents: [String: [UInt8]] = [:]
        var actual: [String: BackupManifest.Entry] = [:]
        let storeName = BackupManifest.File.store.rawValue
        while let member = try reader.next() {
            guard member.name.hasPrefix(BackupManifest.directory), member.isRegularFile else {
                throw AdminError(.archiveMismatch, "\(archive) holds \(member.name), which no helpdeskd backup has")
            }
            let name = String(member.name.dropFirst(BackupManifest.directory.count))
            guard name == storeName || limits[name] != nil, actual[name] == nil else {
                throw AdminError(.archiveMismatch, "\(archive) holds \(member.name), which no helpdeskd backup has")
            }
            if name == storeName {
                let out = open(staged, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
                guard out >= 0 else { throw AdminError.io("cannot create", staged) }
                defer { close(out) }
                let hasher = SHA256Hasher()
                try reader.read(member) { piece in
                    hasher.update(piece)
                    var written = 0
                    while written < piece.count {
                        let result = Glibc.write(out, piece.baseAddress! + written, piece.count - written)
                        if result < 0, errno == EINTR { continue }
                        guard result > 0 else { throw AdminError.io("cannot write", staged) }
                        written += result
                    }
                }
                guard fsync(out) == 0 else { throw AdminError.io("cannot flush", staged) }
                actual[name] = .init(name: name, size: member.size, sha256: hasher.finalize())
            } else {
                guard member.size <= limits[name]! else {
                    throw AdminError(.archiveMismatch, "\(archive): \(name) is too large for a helpdeskd backup")
                }
                let bytes = try reader.readAll(member)
                contents[name] = bytes
                actual[name] = .init(name: name, size: bytes.count, sha256: SHA256.hex(bytes))
            }
        }
        guard let manifestBytes = contents["manifest.json"], let sumsBytes = contents["SHA256SUMS"] else {
            throw AdminError(.archiveMismatch, "\(archive) has no manifest.json or SHA256SUMS: not a helpdeskd backup")
        }
        guard let sums = BackupManifest.parseChecksums(sumsBytes) else {
            throw AdminError(.archiveCorrupt, "\(archive): SHA256SUMS is damaged")
        }
        guard sums["manifest.json"] == actual["manifest.json"]?.sha256 else {
            throw AdminError(
                .archiveCorrupt, "\(archive): manifest.json does not match its checksum: the archive is damaged")
        }
        let manifest = try BackupManifest.decode(manifestBytes)
        guard manifest.format == BackupManifest.formatName, manifest.formatVersion == BackupManifest.currentVersion
        else {
            throw AdminError(
                .archiveMismatch,
                "\(archive) is a \(manifest.format) archive of version \(manifest.formatVersion); this helpdeskd "
                    + "reads \(BackupManifest.formatName) version \(BackupManifest.currentVersion)")
        }
        let listed = Dictionary(manifest.files.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard listed[storeName] != nil else {
            throw AdminError(.archiveMismatch, "\(archive): the manifest lists no store")
        }
        for name in Set(actual.keys).subtracting(["manifest.json", "SHA256SUMS"]).union(listed.keys).sorted() {
            guard let recorded = listed[name], let found = actual[name], sums[name] == recorded.sha256 else {
                throw AdminError(
                    .archiveMismatch,
                    "\(archive): \(name) is missing, or not listed alike in the manifest and SHA256SUMS")
            }
            guard found == recorded else {
                throw AdminError(
                    .archiveCorrupt,
                    "\(archive): \(name) does not match its checksum (\(found.size) bytes, sha256 \(found.sha256); the "
                        + "manifest says \(recorded.size) bytes, sha256 \(recorded.sha256)): the archive is damaged")
            }
        }
        var small: [BackupManifest.File: [UInt8]] = [:]
        for file in BackupManifest.File.allCases where file != .store { small[file] = contents[file.rawValue] }
        return (manifest, small)
    }

    /// The restored store is healthy, is what the manifest says, is of a schema this build knows, and is of
    /// this helpdesk.
    static func check(staged: String, manifest: BackupManifest, options: Options) throws {
        let inspection: StoreInspection
        do {
            inspection = try options.files.store.inspect(copy: staged)
        } catch {
            throw AdminError(.archiveCorrupt, "the store in \(options.archive) cannot be read: \(error)")
        }
        guard inspection.isHealthy else {
            throw AdminError(
                .storeDamaged, "the store in \(options.archive) fails its integrity check: \(inspection.integrity)")
        }
        guard inspection.unknownMigrations.isEmpty else {
            throw AdminError(
                .newerSchema,
                "the store in \(options.archive) was written by a newer helpdeskd (schema "
                    + "\(inspection.unknownMigrations.joined(separator: ", ")), which this one (\(HelpdeskVersion.current)) "
                    + "cannot read",
                fix: "install helpdeskd \(manifest.helpdeskdVersion) or newer, then restore")
        }
        guard inspection == manifest.store else {
            throw AdminError(
                .archiveMismatch,
                "the store in \(options.archive) is not the one its manifest describes (\(inspection.tickets) tickets, "
                    + "schema \(inspection.migrations.last ?? "none"); the manifest says \(manifest.store.tickets), "
                    + "\(manifest.store.migrations.last ?? "none"))")
        }
        if !options.ignoreIdentity,
            manifest.helpdesk.address.lowercased() != options.helpdesk.address.lowercased()
                || manifest.helpdesk.ticketPrefix != options.helpdesk.ticketPrefix
        {
            throw AdminError(
                .otherHelpdesk,
                "\(options.archive) is a backup of \(manifest.helpdesk.address) (tickets \(manifest.helpdesk.ticketPrefix)-…); "
                    + "this configuration is \(options.helpdesk.address) (tickets \(options.helpdesk.ticketPrefix)-…)",
                fix: "restore with the configuration of that helpdesk, or add --ignore-identity to take it over")
        }
    }

    struct Owner {
        let uid: uid_t
        let gid: gid_t
        let name: String
    }

    /// The state directory's owner, who must own every restored file. Only root can give files to another user.
    static func stateOwner(_ directory: String) throws -> Owner {
        var status = stat()
        guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw AdminError.io("no state directory", directory)
        }
        let name =
            getpwuid(status.st_uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "#\(status.st_uid)"
        guard geteuid() == 0 || geteuid() == status.st_uid else {
            throw AdminError(
                .refused, "\(directory) belongs to \(name): only root or \(name) can restore into it",
                fix: "run the restore as root (sudo)")
        }
        return Owner(uid: status.st_uid, gid: status.st_gid, name: name)
    }

    static func inUse(_ store: any StoreCopier) -> AdminError {
        AdminError(
            .storeInUse,
            "a process has the store \(store) open (the daemon, or a staff command): a restore never replaces a live store",
            fix: "sudo systemctl stop helpdeskd (and wait for other helpdeskd commands to end), then restore again")
    }

    /// Writes the restored signing key in one rename: mode 0600, owned as the file it replaces (else as its
    /// directory, or the state directory's owner when the key lives there).
    static func replaceKey(_ path: String, with key: [UInt8], stateOwner: Owner) throws {
        var status = stat()
        let directory = StateFiles.directory(of: path)
        let (uid, gid): (uid_t, gid_t) =
            lstat(path, &status) == 0
            ? (status.st_uid, status.st_gid)
            : (stat(directory, &status) == 0 ? (status.st_uid, status.st_gid) : (stateOwner.uid, stateOwner.gid))
        let temporary = "\(path).restore-\(getpid())"
        try write(key, to: temporary)
        if chown(temporary, uid, gid) != 0, geteuid() == 0 {
            unlink(temporary)
            throw AdminError.io("cannot set the owner of", temporary)
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw AdminError.io("cannot replace the signing key", path)
        }
        StoreBackup.syncDirectory(directory)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw AdminError.io("cannot create", path) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw AdminError.io("cannot write", path) }
            written += result
        }
        guard fsync(fd) == 0 else { throw AdminError.io("cannot flush", path) }
    }

    private static func removeStaging(_ directory: String) {
        if let names = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for name in names { unlink("\(directory)/\(name)") }
        }
        rmdir(directory)
    }
}
