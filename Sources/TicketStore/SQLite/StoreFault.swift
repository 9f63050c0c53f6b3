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

    /// A short description for logs and status lines.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return "store: \(error.message ?? "\(error.resultCode)")" }
        return "\(error)"
    }
}

/// The store refused a write for a reason of its own (see `StoreFault`): the email stays in the mailbox.
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ error: any Error) {
        description = "store refused the write: " + StoreFault.describe(error)
    }
}
