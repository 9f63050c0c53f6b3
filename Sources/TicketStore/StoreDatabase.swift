public import GRDB
import Glibc

/// Opens the SQLite file that holds everything helpdeskd knows, with the durability settings the
/// pipeline's promises rest on: WAL journal, `synchronous = FULL` (a committed email survives a power
/// cut), foreign keys on, and a file only the service user can read.
public enum StoreDatabase {
    /// Why a store could not be opened safely.
    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens (creating when needed) the database at `path`. Its directory is created `0700` when
    /// missing; an existing file readable by group or others is refused, since it holds personal data.
    public static func open(path: String) throws -> DatabasePool {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty {
            try ensureDirectory(directory)
        }
        var status = stat()
        if stat(path, &status) == 0 {
            if status.st_mode & 0o077 != 0 {
                throw OpenError(description: "\(path) is readable by other users (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 on it")
            }
        } else {
            // Create the file ourselves so it is born 0600, whatever the umask.
            let fd = Glibc.open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw OpenError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            close(fd)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB chooses synchronous = NORMAL for WAL, which may lose the last commits on power loss.
        // The setting is per connection; writes all go through the pool's one writer connection.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    private static func ensureDirectory(_ directory: String) throws {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw OpenError(description: "\(directory) is not a directory")
            }
            return
        }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw OpenError(description: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
    }
}
