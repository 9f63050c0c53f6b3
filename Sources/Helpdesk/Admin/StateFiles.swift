public import TicketStore

/// The files that make up one installation's state, as a backup copies them and a restore puts them back: the
/// store (through its backend's `StoreCopier`), and, found from the state directory, the relay's journal, the
/// erasure log and — unless configured elsewhere — the Message-ID signing key. `HelpdeskContext` finds the key
/// and the journal by the same rules.
public struct StateFiles: Sendable {
    /// The state directory: the configured one, or the directory of a store given with `--db`.
    public let directory: String
    /// The store, as a backup copies it and a restore replaces it.
    public let store: any StoreCopier
    public let hmacKey: String

    /// File names in the state directory (the journal's and the log's name their store: the names of a
    /// single-file store's companions, kept for every backend).
    static let relayJournalName = "helpdeskd.sqlite-relay-journal"
    static let erasureLogName = "helpdeskd.sqlite-erasures"
    static let hmacKeyName = "hmac.key"

    /// `hmacKeyFile` is the configured `[helpdesk] hmac_key_file` ("": `hmac.key` in the state directory).
    public init(directory: String, store: any StoreCopier, hmacKeyFile: String) {
        self.directory = directory
        self.store = store
        hmacKey = Self.hmacKeyPath(configured: hmacKeyFile, directory: directory)
    }

    /// The configured installation's files: the SQLite store at `databasePath` (`--db`), else `helpdeskd.sqlite`
    /// in the configured state directory. Like `HelpdeskContext.init(configuration:databasePath:)`, this is where
    /// the configuration picks the backend.
    public init(configuration: HelpdeskConfiguration, databasePath: String? = nil) {
        self.init(
            directory: Self.stateDirectory(configuration: configuration, databasePath: databasePath),
            store: SQLiteStoreCopier(path: databasePath ?? configuration.databasePath),
            hmacKeyFile: configuration.identity.hmacKeyFile)
    }

    public var relayJournal: String { directory + "/" + Self.relayJournalName }
    public var erasureLog: String { directory + "/" + Self.erasureLogName }

    /// The state directory: the configured one, or the directory of a store given by path (which keeps its
    /// companion files beside it).
    static func stateDirectory(configuration: HelpdeskConfiguration, databasePath: String?) -> String {
        databasePath.map(directory(of:)) ?? configuration.identity.stateDirectory
    }

    /// The signing key: the configured file, else `hmac.key` in the state directory.
    static func hmacKeyPath(configured: String, directory: String) -> String {
        configured.isEmpty ? directory + "/" + hmacKeyName : configured
    }

    /// The directory that holds `path` ("." for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}
