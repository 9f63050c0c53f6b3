public import GRDB
import Glibc

/// Opens the SQLite file that holds everything helpdeskd knows, with the durability settings the
/// pipeline's promises rest on: WAL journal, `synchronous = FULL` (a committed email survives a power
/// cut), foreign keys on, `secure_delete` on (deleted rows are overwritten with zeros, so erased and
/// expired personal data does not linger in free pages), and a file only the service user can read.
public enum StoreDatabase {
    /// Why a store could not be opened safely, with a `code` to switch on. The description says what is wrong
    /// and what to run.
    public struct OpenError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable, CaseIterable {
            /// The file or its directory cannot be created.
            case cannotCreate
            /// The store's directory is not a directory.
            case notADirectory
            /// The file or a journal is a symbolic link or a device.
            case notARegularFile
            /// Group or others may read the file or enter the directory: the fix is a `chmod`.
            case readableByOthers
            /// The file or directory belongs to another user: the fix is to run as its owner (`sudo -u`).
            case wrongOwner
            /// A newer helpdeskd migrated the store to a schema this one does not know.
            case newerSchema
        }

        public let code: Code
        public let description: String

        public init(_ code: Code, _ description: String) {
            self.code = code
            self.description = description
        }
    }

    /// Opens (creating when needed) the database at `path`.
    ///
    /// The store holds personal data, so it is refused, with the command that fixes it, when:
    /// - its directory (created `0700` when missing) can be entered or read by group or others;
    /// - the file, or its `-wal`/`-shm` journal, is readable by group or others, or is not a regular file;
    /// - the directory or a file belongs to another user: as root, files SQLite creates next to it would
    ///   belong to root and lock the service user out; as anyone else, the file cannot be used anyway.
    public static func open(path: String) throws -> DatabasePool {
        let directory = directory(of: path)
        try ensureDirectory(directory)
        var status = stat()
        if lstat(path, &status) == 0 {
            try checkFile(path, status)
        } else {
            // Create the file ourselves so it is born 0600, whatever the umask.
            let fd = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else {
                throw OpenError(.cannotCreate, "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            close(fd)
        }
        for journal in [path + "-wal", path + "-shm"] where lstat(journal, &status) == 0 {
            try checkFile(journal, status)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Deleted content is overwritten with zeros, in table and index pages and in freed pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB chooses synchronous = NORMAL for WAL, which may lose the last commits on power loss.
        // The setting is per connection; writes all go through the pool's one writer connection.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    /// The directory that holds `path` ("." for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    private static func ensureDirectory(_ directory: String) throws {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw OpenError(.notADirectory, "\(directory) is not a directory")
            }
            try checkOwner(directory, status)
            if status.st_mode & 0o077 != 0 {
                throw OpenError(
                    .readableByOthers,
                    "the store directory \(directory) is accessible by other users (mode "
                        + "\(mode(status))); it holds personal data: run chmod 700 \(shellQuoted(directory))")
            }
            return
        }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw OpenError(.cannotCreate, "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        // mkdir applies the umask, which can only remove bits: make sure of 0700 anyway.
        chmod(directory, 0o700)
    }

    private static func checkFile(_ path: String, _ status: stat) throws {
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw OpenError(
                .notARegularFile, "\(path) is not a regular file (a symbolic link or a device); refusing to use it")
        }
        try checkOwner(path, status)
        if status.st_mode & 0o077 != 0 {
            throw OpenError(
                .readableByOthers,
                "\(path) is readable by other users (mode \(mode(status))); it holds personal data: "
                    + "run chmod 600 \(shellQuoted(path))")
        }
    }

    private static func checkOwner(_ path: String, _ status: stat) throws {
        let me = geteuid()
        guard status.st_uid != me else { return }
        let owner = userName(status.st_uid)
        let rerun = "sudo -u \(owner) " + commandLine()
        if me == 0 {
            throw OpenError(
                .wrongOwner,
                "\(path) belongs to \(owner) (uid \(status.st_uid)), but this command runs as root: the "
                    + "files SQLite creates next to the store would belong to root and lock \(owner) out. Run it as "
                    + "the store's owner: \(rerun)")
        }
        throw OpenError(
            .wrongOwner,
            "\(path) belongs to \(owner) (uid \(status.st_uid)), not to \(userName(me)): run the "
                + "command as the store's owner: \(rerun)")
    }

    private static func mode(_ status: stat) -> String { String(status.st_mode & 0o7777, radix: 8) }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "#\(uid)" }
        return String(cString: name)
    }

    /// This process's command line, quoted for a shell, as an example to run again.
    private static func commandLine() -> String {
        var arguments = CommandLine.arguments
        if let first = arguments.first, first.contains("/") {
            arguments[0] = String(first[first.index(after: first.lastIndex(of: "/")!)...])
        }
        return arguments.map(shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ text: String) -> String {
        let safe = text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || Array("@%+=:,./-_".utf8).contains(byte)
        }
        if safe, !text.isEmpty { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
