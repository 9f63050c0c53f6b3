import Foundation
import Glibc
import MIME
import TicketStore

/// `helpdeskd backup`: one archive (`BackupManifest`) with a consistent copy of the store taken while the
/// daemon runs, the Message-ID signing key, the relay's journal and the erasure log, each with its SHA-256.
///
/// The store is copied by its backend (`StoreCopier`; for SQLite, its online backup API) into a temporary file
/// beside the archive (one read transaction: every email committed before it began is in the copy, whole, and
/// intake goes on), the copy passes the store's consistency check, and the archive is written under a temporary name, flushed, and renamed
/// into place: an archive under its own name is always complete. It is created mode 0600, never over an
/// existing file.
///
/// The relay's journal is read after the snapshot: answers whose sending the relay had recorded only in its
/// journal are recorded in the copy too. An answer sent between the snapshot and the journal's reading may be
/// sent again after a restore — as may any answer sent after the backup.
public enum StoreBackup {
    public struct Summary: Sendable {
        public var archive: String
        public var size: Int
        public var manifest: BackupManifest
    }

    /// Writes the archive to `output` (which must not exist).
    public static func create(
        files: StateFiles, helpdesk: BackupManifest.Helpdesk, output: String, now: () -> Int64
    ) throws -> Summary {
        var status = stat()
        guard lstat(output, &status) != 0 else {
            throw AdminError(.refused, "\(output) exists: a backup never overwrites a file", fix: "choose a new name")
        }
        let directory = StateFiles.directory(of: output)
        let name = String(output.split(separator: "/").last ?? "backup")
        let temporaryArchive = "\(directory)/.\(name).partial-\(getpid())"
        let temporaryStore = "\(directory)/.\(name).store-\(getpid())"
        defer {
            unlink(temporaryStore)
            unlink(temporaryArchive)
        }
        let fd = open(temporaryArchive, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw AdminError.io("cannot create", temporaryArchive) }
        defer { close(fd) }
        // Mode 0600 whatever the umask.
        fchmod(fd, 0o600)

        let takenAt = now()
        let inspection: StoreInspection
        do {
            inspection = try files.store.copy(to: temporaryStore)
        } catch {
            throw AdminError(.io, "\(error)")
        }
        guard inspection.isHealthy else {
            throw AdminError(
                .storeDamaged, "the store's integrity check failed: \(inspection.integrity)",
                fix: files.store.repairAdvice)
        }

        let writer = TarWriter(fd: fd, path: temporaryArchive)
        let prefix = BackupManifest.directory
        var entries: [BackupManifest.Entry] = []
        let copied = try writer.add(
            name: prefix + BackupManifest.File.store.rawValue, file: temporaryStore, modified: takenAt)
        entries.append(.init(name: BackupManifest.File.store.rawValue, size: copied.size, sha256: copied.sha256))
        for (file, path) in [
            (BackupManifest.File.hmacKey, files.hmacKey), (.relayJournal, files.relayJournal),
            (.erasureLog, files.erasureLog),
        ] {
            guard let bytes = try readIfPresent(path) else { continue }
            let digest = try writer.add(name: prefix + file.rawValue, bytes: bytes, modified: takenAt)
            entries.append(.init(name: file.rawValue, size: bytes.count, sha256: digest))
        }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let manifest = BackupManifest(
            createdAt: MessageDate(secondsSince1970: takenAt, utcOffsetSeconds: 0).iso8601,
            createdAtSeconds: takenAt, helpdeskdVersion: HelpdeskVersion.current,
            hostname: String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
            helpdesk: helpdesk, store: inspection, files: entries)
        let manifestBytes = try manifest.encoded()
        let manifestDigest = try writer.add(name: prefix + "manifest.json", bytes: manifestBytes, modified: takenAt)
        try writer.add(
            name: prefix + "SHA256SUMS",
            bytes: BackupManifest.checksums(
                entries + [.init(name: "manifest.json", size: manifestBytes.count, sha256: manifestDigest)]),
            modified: takenAt)
        try writer.finish()
        guard rename(temporaryArchive, output) == 0 else { throw AdminError.io("cannot rename the archive to", output) }
        syncDirectory(directory)
        return Summary(archive: output, size: writer.offset, manifest: manifest)
    }

    /// Where an archive goes: `output` itself, or, when `output` is a directory, a new
    /// `helpdeskd-<UTC time>.tar` in it (the names sort by time, for `prune`).
    public static func destination(_ output: String, now: Int64) -> String {
        var status = stat()
        guard stat(output, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return output }
        let stamp = MessageDate(secondsSince1970: now, utcOffsetSeconds: 0).iso8601
            .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return (output.hasSuffix("/") ? output : output + "/") + "helpdeskd-\(stamp).tar"
    }

    /// Deletes the oldest `helpdeskd-*.tar` archives in `directory` beyond the newest `keep`; returns their paths.
    public static func prune(_ directory: String, keep: Int) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw AdminError(.io, "cannot list \(directory): \(error)")
        }
        let archives = names.filter { $0.hasPrefix("helpdeskd-") && $0.hasSuffix(".tar") }.sorted()
        let doomed = archives.dropLast(max(0, keep)).map { "\(directory)/\($0)" }
        for path in doomed where unlink(path) != 0 { throw AdminError.io("cannot delete the old backup", path) }
        return doomed
    }

    /// A small file's bytes, or nil when it does not exist.
    static func readIfPresent(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0, errno == ENOENT { return nil }
        guard fd >= 0 else { throw AdminError.io("cannot read", path) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw AdminError.io("cannot read", path) }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
        }
    }

    /// Flushes a directory's entries (a rename in it) to disk.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
