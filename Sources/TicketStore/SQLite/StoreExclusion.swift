import Glibc

/// Proof that no process has the SQLite store open — the daemon, a staff command, an `sqlite3` shell — held
/// while a restore replaces the store's files (`SQLiteStoreCopier.exclusively`).
///
/// It uses the lock SQLite itself keeps: every connection to a database in WAL mode holds a shared lock
/// on the "DMS" byte (offset 128) of the `-shm` file for as long as it is open, and a connection that
/// opens the database first takes that byte exclusively to reset the shared memory (sqlite.org/walformat.html,
/// "the dead-man switch"). So an exclusive `fcntl` lock on that byte succeeds exactly when no connection is
/// open, in any process, and while it is held no new connection can open the store (SQLite answers
/// `SQLITE_BUSY`). The lock dies with the process that holds it, so a crashed daemon never looks alive.
final class StoreExclusion {
    /// The byte SQLite's unix VFS locks for the life of every WAL connection.
    static let deadManSwitchOffset: off_t = 128

    let storePath: String
    private var fd: Int32
    /// The `-shm` file did not exist and was created to hold the lock: it is removed on release.
    private let created: Bool

    private init(storePath: String, fd: Int32, created: Bool) {
        self.storePath = storePath
        self.fd = fd
        self.created = created
    }

    deinit { release() }

    /// Takes the lock, or returns nil when some process has the store at `storePath` open.
    ///
    /// Call it before this process opens the store itself: POSIX record locks belong to the process, and
    /// closing any descriptor of the file would drop them.
    static func acquire(storePath: String) throws -> StoreExclusion? {
        let shm = storePath + "-shm"
        var created = false
        var fd = open(shm, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0, errno == ENOENT {
            fd = open(shm, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            created = fd >= 0
        }
        guard fd >= 0 else {
            throw StoreCopyError(
                .cannotLock,
                "cannot open \(shm) to check that no process uses the store: " + String(cString: strerror(errno)))
        }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = deadManSwitchOffset
        lock.l_len = 1
        if fcntl(fd, F_SETLK, &lock) != 0 {
            let busy = errno == EAGAIN || errno == EACCES
            let reason = String(cString: strerror(errno))
            close(fd)
            if created { unlink(shm) }
            if busy { return nil }
            throw StoreCopyError(.cannotLock, "cannot lock \(shm): \(reason)")
        }
        return StoreExclusion(storePath: storePath, fd: fd, created: created)
    }

    /// Whether some process has the store at `storePath` open now (the lock is taken and given back).
    static func isInUse(storePath: String) throws -> Bool {
        guard let exclusion = try acquire(storePath: storePath) else { return true }
        exclusion.release()
        return false
    }

    /// Gives the lock back (closing the descriptor releases it); removes a `-shm` file it created, unless
    /// the restore has moved it away already.
    func release() {
        guard fd >= 0 else { return }
        if created {
            var byPath = stat()
            var held = stat()
            if stat(storePath + "-shm", &byPath) == 0, fstat(fd, &held) == 0, byPath.st_ino == held.st_ino {
                unlink(storePath + "-shm")
            }
        }
        close(fd)
        fd = -1
    }
}
