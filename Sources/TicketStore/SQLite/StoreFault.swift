import GRDB

/// Whose failure a failed write is: the store's (no write can succeed now) or the one email's that was being
/// written. Intake leaves mail in the mailbox while the store is at fault, and quarantines an email whose own
/// content made a write fail, so that one bad email never stops the others.
///
/// This is where a backend's own errors are sorted: SQLite's result codes here; a second backend adds its own
/// (a PostgreSQL connection failure, a serialisation failure) to `isStoreUnavailable`.
public enum StoreFault {
    /// Whether `error` means the store cannot take writes now, whatever is written: disk full, I/O error,
    /// locked, read-only, out of memory, a damaged file. Decided by SQLite's result code, the failure itself:
    /// "too many SQL variables", a value too big or a constraint are what one email's data caused.
    public static func isStoreUnavailable(_ error: any Error) -> Bool {
        if error is StoreUnavailable { return true }
        guard let error = error as? DatabaseError else { return false }
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_READONLY, .SQLITE_CANTOPEN,
            .SQLITE_NOMEM, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_PROTOCOL, .SQLITE_PERM, .SQLITE_AUTH,
            .SQLITE_INTERRUPT:
            return true
        default:
            return false
        }
    }

    /// What kind of store fault `error` is, when it is one.
    public static func code(of error: any Error) -> StoreUnavailable.Code? {
        if let error = error as? StoreUnavailable { return error.code }
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return .full
        case .SQLITE_IOERR: return .ioError
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH, .SQLITE_CANTOPEN: return .notWritable
        case .SQLITE_NOMEM: return .outOfMemory
        case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_PROTOCOL: return .damaged
        case .SQLITE_INTERRUPT: return .interrupted
        default: return nil
        }
    }

    /// A short description for logs and status lines.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return "store: \(error.message ?? "\(error.resultCode)")" }
        return "\(error)"
    }
}

/// The store refused a write for a reason of its own (see `StoreFault`): the email stays in the mailbox. The
/// `code` says what is wrong, for a caller that reacts differently to a full disk and a damaged file.
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The disk (or the database's size limit) is full.
        case full
        /// Reading or writing the file failed.
        case ioError
        /// Another connection or process holds the lock for too long.
        case busy
        /// The file cannot be written (read-only, permissions, cannot be opened).
        case notWritable
        case outOfMemory
        /// The file is damaged or not a database.
        case damaged
        case interrupted
        /// Anything else a backend sorts as its own fault.
        case other
    }

    public let code: Code
    public let description: String

    public init(_ error: any Error) {
        code = StoreFault.code(of: error) ?? .other
        description = "store refused the write: " + StoreFault.describe(error)
    }
}
