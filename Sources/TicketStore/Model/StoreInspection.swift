/// What a store holds, read without changing it: the verdict of its own consistency check, the schema
/// migrations applied to it, and how much it holds. A backup records it in its manifest; a restore checks it
/// before the copy replaces anything.
public struct StoreInspection: Sendable, Codable, Equatable {
    /// The store's consistency check (`TicketStore.integrityCheck`): "ok" when healthy.
    public var integrity: String
    /// The schema migrations applied to the store, oldest first.
    public var migrations: [String]
    /// Applied migrations this build does not know: a newer helpdeskd wrote the store, and this one must not
    /// open it (it cannot know what the newer schema means).
    public var unknownMigrations: [String]
    public var tickets: Int
    public var messages: Int
    public var answers: Int
    /// The newest ticket's reference (`HD-000123`), nil for an empty store.
    public var lastTicket: String?

    public init(
        integrity: String, migrations: [String], unknownMigrations: [String], tickets: Int, messages: Int,
        answers: Int, lastTicket: String?
    ) {
        self.integrity = integrity
        self.migrations = migrations
        self.unknownMigrations = unknownMigrations
        self.tickets = tickets
        self.messages = messages
        self.answers = answers
        self.lastTicket = lastTicket
    }

    public var isHealthy: Bool { integrity == "ok" }

    enum CodingKeys: String, CodingKey {
        case integrity = "integrity_check"
        case migrations
        case unknownMigrations = "unknown_migrations"
        case tickets, messages, answers
        case lastTicket = "last_ticket"
    }
}
