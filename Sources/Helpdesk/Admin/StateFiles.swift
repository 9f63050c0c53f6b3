/// The files that make up one installation's state, found from the store's path and the configuration:
/// the store (with its `-wal` and `-shm`), the relay's journal and the erasure log beside it, and the
/// Message-ID signing key.
public struct StateFiles: Sendable {
    public let store: String
    public let hmacKey: String

    /// `store` is the SQLite file (`--db`, else `helpdeskd.sqlite` in the state directory); `hmacKeyFile` is
    /// the configured `[helpdesk] hmac_key_file` ("" = `hmac.key` beside the store, as the daemon uses it).
    public init(store: String, hmacKeyFile: String) {
        self.store = store
        hmacKey = hmacKeyFile.isEmpty ? StateFiles.directory(of: store) + "/hmac.key" : hmacKeyFile
    }

    public init(configuration: HelpdeskConfiguration, store: String? = nil) {
        self.init(store: store ?? configuration.databasePath, hmacKeyFile: configuration.identity.hmacKeyFile)
    }

    /// The state directory: where the store is.
    public var directory: String { Self.directory(of: store) }
    public var relayJournal: String { store + "-relay-journal" }
    public var erasureLog: String { store + "-erasures" }
    public var wal: String { store + "-wal" }
    public var shm: String { store + "-shm" }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}
