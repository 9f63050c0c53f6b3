import Dispatch
public import Helpdesk
public import TicketStore

/// Who is asking: logs staff in (bcrypt, throttled), keeps their sessions in the store with idle and absolute
/// expiry, recognises a single-sign-on proxy's header, and logs them out.
///
/// Concurrency: immutable and `Sendable`; the store through its async face; bcrypt on a Dispatch queue, so a
/// login's quarter second of hashing never holds a thread of the cooperative pool.
public struct SessionGate: Sendable {
    /// A request's staff member and the session it came with.
    public struct Signed: Sendable {
        public var staff: StaffRecord
        public var session: StaffSessionRecord
        /// Set when the request made a new session (single sign-on): the cookie to send back.
        public var newToken: String?
    }

    /// What a login attempt gave.
    public enum LoginOutcome: Sendable, Equatable {
        /// Logged in: the cookie's token.
        case success(token: String)
        /// Wrong name or password, or a disabled account (the reply never says which).
        case refused
        /// Too many failures for this name or from this address: try again after the window.
        case throttled
    }

    let store: any TicketStore
    let settings: HelpdeskConfiguration.Web
    let clock: @Sendable () -> Int64

    public init(
        store: any TicketStore, settings: HelpdeskConfiguration.Web,
        clock: @escaping @Sendable () -> Int64 = WallClock.seconds
    ) {
        self.store = store
        self.settings = settings
        self.clock = clock
    }

    /// Checks `password` for `username` from `address`; a success opens a session.
    public func login(username: String, password: String, address: String) async throws -> LoginOutcome {
        let now = clock()
        let name = username.lowercased()
        let since = now - settings.loginWindow
        let limit = settings.loginFailures
        let (staff, throttled) = try await store.snapshot { snapshot in
            let failures = max(
                try snapshot.loginFailures(username: name, since: since),
                try snapshot.loginFailures(address: address, since: since))
            return (try snapshot.staffMember(name: name), failures >= limit)
        }
        // A throttled attempt is not even checked: guessing at the limit learns nothing.
        if throttled { return .throttled }
        let hash = staff?.passwordHash ?? ""
        let matches = await Self.verify(password, hash: hash.isEmpty ? StaffPasswords.decoyHash : hash)
        guard let staff, !staff.disabled, !hash.isEmpty, matches else {
            try await store.transaction { transaction in
                try transaction.recordLoginFailure(username: name, address: address, at: now)
                // What was typed as a name may be personal data (an email address): kept only for the window.
                try transaction.pruneLoginFailures(before: since, username: nil)
            }
            return .refused
        }
        let token = StaffPasswords.token()
        let session = StaffSessionRecord(
            tokenHash: StaffPasswords.tokenHash(token), staffId: staff.id!, csrfToken: StaffPasswords.token(),
            createdAt: now, lastSeenAt: now)
        let settings = self.settings
        try await store.transaction { transaction in
            try transaction.insert(session)
            try transaction.pruneLoginFailures(before: since, username: name)
            try transaction.deleteExpiredSessions(
                idleBefore: now - settings.sessionIdle, createdBefore: now - settings.sessionMax)
        }
        return .success(token: token)
    }

    /// The staff member a session token belongs to, nil when the session is unknown, expired, or its account is
    /// disabled. A use more than a few seconds after the last one is recorded (the idle expiry counts from it).
    public func signed(token: String?) async throws -> Signed? {
        guard let token, token.count == 64 else { return nil }
        let now = clock()
        let hash = StaffPasswords.tokenHash(token)
        let settings = self.settings
        let found = try await store.snapshot { snapshot -> (StaffSessionRecord, StaffRecord?)? in
            guard let session = try snapshot.staffSession(tokenHash: hash) else { return nil }
            return (session, try snapshot.staffMember(id: session.staffId))
        }
        guard let (session, staff) = found else { return nil }
        let expired =
            session.lastSeenAt < now - settings.sessionIdle || session.createdAt < now - settings.sessionMax
        guard !expired, let staff, !staff.disabled else {
            try await store.transaction { try $0.deleteSession(tokenHash: hash) }
            return nil
        }
        // Writing on every request would serialise all reads behind the store's one writer; the idle expiry
        // needs the last use only to a tenth of its length (at most a minute).
        if now - session.lastSeenAt >= max(1, min(60, settings.sessionIdle / 10)) {
            try await store.transaction { try $0.touchSession(tokenHash: hash, at: now) }
        }
        return Signed(staff: staff, session: session, newToken: nil)
    }

    /// The staff member a single-sign-on proxy names in `trusted_user_header`, honoured only when the connection
    /// comes from one of `trusted_proxies`. A new session is made for them (its cookie carries the CSRF token's
    /// session), so forms work as after a password login.
    public func signed(proxyUser: String?, from address: String, token: String?) async throws -> Signed? {
        guard !settings.trustedUserHeader.isEmpty, settings.trustedProxies.contains(address),
            let name = proxyUser?.lowercased(), StaffDirectory.problem(withName: name) == nil
        else { return nil }
        if let signed = try await signed(token: token), signed.staff.name == name { return signed }
        let now = clock()
        guard let staff = try await store.snapshot({ try $0.staffMember(name: name) }), !staff.disabled else {
            return nil
        }
        let token = StaffPasswords.token()
        let session = StaffSessionRecord(
            tokenHash: StaffPasswords.tokenHash(token), staffId: staff.id!, csrfToken: StaffPasswords.token(),
            createdAt: now, lastSeenAt: now)
        try await store.transaction { try $0.insert(session) }
        return Signed(staff: staff, session: session, newToken: token)
    }

    public func logout(token: String?) async throws {
        guard let token else { return }
        let hash = StaffPasswords.tokenHash(token)
        try await store.transaction { try $0.deleteSession(tokenHash: hash) }
    }

    private static func verify(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: StaffPasswords.verify(password, hash: hash)) }
        }
    }
}
