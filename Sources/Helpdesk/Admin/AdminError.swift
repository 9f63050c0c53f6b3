import Glibc

/// Why a backup, a restore or an erasure replay refused to go on, or failed: what is wrong, and what to do.
public struct AdminError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it is; tests and scripts can tell them apart. Cases can be added without breaking
    /// callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case io = "i/o"
            case archiveCorrupt = "archive corrupt"
            case archiveMismatch = "archive mismatch"
            case storeInUse = "store in use"
            case storeDamaged = "store damaged"
            case newerSchema = "newer schema"
            case otherHelpdesk = "other helpdesk"
            case refused
        }
        private let value: Value

        /// Reading or writing a file failed.
        public static let io = Code(value: .io)
        /// The archive is unreadable, truncated, or a file in it does not match its checksum.
        public static let archiveCorrupt = Code(value: .archiveCorrupt)
        /// The archive is readable but not what a helpdeskd backup holds (its manifest disagrees with it).
        public static let archiveMismatch = Code(value: .archiveMismatch)
        /// A process has the store open (the daemon, a staff command).
        public static let storeInUse = Code(value: .storeInUse)
        /// The store fails its consistency check (`integrity_check` for SQLite).
        public static let storeDamaged = Code(value: .storeDamaged)
        /// The store was written by a newer helpdeskd, whose schema this one does not know.
        public static let newerSchema = Code(value: .newerSchema)
        /// The archive is of a helpdesk with another address or ticket prefix.
        public static let otherHelpdesk = Code(value: .otherHelpdesk)
        /// Anything else the command will not do (overwrite a file, say).
        public static let refused = Code(value: .refused)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String
    /// What to run or change, when there is something.
    public let fix: String?

    public init(_ code: Code, _ message: String, fix: String? = nil) {
        self.code = code
        self.message = message
        self.fix = fix
    }

    public var description: String { fix.map { "\(message)\n  fix: \($0)" } ?? message }

    /// A failed system call on `path`, with errno's text.
    static func io(_ what: String, _ path: String) -> AdminError {
        AdminError(.io, "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
