public import Incident

/// What support staff may do in the web workspace and from the command line.
public enum StaffRole: String, Sendable, Codable, CaseIterable {
    /// Works tickets: reads, answers, notes, assigns, resolves.
    case agent
    /// Everything an agent does, and manages accounts and data-subject requests (the DPO's role).
    case admin
}

/// A staff account: one registry for the web workspace and staff email (`email`).
public struct StaffRecord: Sendable, Equatable {
    public var id: Int64?
    /// The login name, unique, lower-case.
    public var name: String
    public var role: StaffRole
    /// The staff member's own address, for staff email (empty: none).
    public var email: String
    /// bcrypt hash ("$2b$…"); empty: no password login (single sign-on only).
    public var passwordHash: String
    /// Base32 TOTP secret for a second factor; empty: none.
    public var totpSecret: String
    /// A disabled account cannot log in and its sessions are gone.
    public var disabled: Bool
    public var createdAt: Int64

    public init(
        id: Int64? = nil, name: String, role: StaffRole, email: String = "", passwordHash: String,
        totpSecret: String = "", disabled: Bool = false, createdAt: Int64
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.email = email
        self.passwordHash = passwordHash
        self.totpSecret = totpSecret
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// A logged-in browser. The cookie carries a random token; only its SHA-256 is stored, so a copy of the store
/// does not log anyone in.
public struct StaffSessionRecord: Sendable, Equatable {
    /// SHA-256 (hex) of the cookie's token.
    public var tokenHash: String
    public var staffId: Int64
    /// The session's CSRF token, put in every form and checked on every POST.
    public var csrfToken: String
    public var createdAt: Int64
    public var lastSeenAt: Int64

    public init(tokenHash: String, staffId: Int64, csrfToken: String, createdAt: Int64, lastSeenAt: Int64) {
        self.tokenHash = tokenHash
        self.staffId = staffId
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}

/// Which tickets the queue shows: open and suspended ones by default, narrowed by the filters.
public struct QueueFilter: Sendable, Equatable {
    public var statuses: [TicketStatus] = [.open, .suspended]
    public var severity: Severity?
    public var category: String?
    /// A staff name; "" for unassigned tickets; nil for anyone's.
    public var assignee: String?
    /// Only tickets that lack required data.
    public var missingData = false
    /// Words to find in the reference, subject, reporter or the reported text (every word, as a prefix).
    public var search = ""
    /// At most this many tickets (the queue shows the most urgent).
    public var limit = 100

    public init() {}
}
