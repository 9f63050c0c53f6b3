import Helpdesk
import Synchronization
import Testing
import TicketStore

@testable import StaffWeb

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    let now = Mutex<Int64>(1_000_000)
    func advance(by seconds: Int64) { now.withLock { $0 += seconds } }
    var read: @Sendable () -> Int64 { { [self] in now.withLock { $0 } } }
}

/// Logins, sessions and single sign-on on a real temporary store, bcrypt at its cheapest cost.
@Suite struct SessionGateTests {
    let store: SQLiteTicketStore
    let clock = ManualClock()
    var settings = HelpdeskConfiguration.Web()

    init() throws {
        store = try SQLiteTicketStore.temporary()
        settings.sessionIdle = 600
        settings.sessionMax = 3600
        settings.loginFailures = 3
        settings.loginWindow = 900
        let directory = StaffDirectory(store: store)
        try directory.add(
            name: "Olga", role: .admin, email: "olga@example.com",
            passwordHash: StaffPasswords.hash("correct horse battery", cost: 4), at: 0)
        try directory.add(name: "sso-only", role: .agent, email: "", passwordHash: "", at: 0)
    }

    var gate: SessionGate { SessionGate(store: store, settings: settings, clock: clock.read) }

    func token(_ outcome: SessionGate.LoginOutcome) -> String? {
        if case .success(let token) = outcome { return token }
        return nil
    }

    @Test func theRightPasswordOpensASessionThatStoresOnlyTheTokensHash() async throws {
        let token = try #require(
            token(try await gate.login(username: "OLGA", password: "correct horse battery", address: "10.0.0.1")))
        let signed = try #require(try await gate.signed(token: token))
        #expect(signed.staff.name == "olga" && signed.session.csrfToken.count == 64)
        let hash = StaffPasswords.tokenHash(token)
        #expect(try await store.snapshot { try $0.staffSession(tokenHash: token) } == nil)
        #expect(try await store.snapshot { try $0.staffSession(tokenHash: hash) } != nil)
        try await gate.logout(token: token)
        #expect(try await gate.signed(token: token) == nil)
    }

    @Test func wrongPasswordsUnknownNamesAndPasswordlessAccountsAreRefused() async throws {
        #expect(try await gate.login(username: "olga", password: "wrong", address: "10.0.0.1") == .refused)
        #expect(try await gate.login(username: "nobody", password: "x", address: "10.0.0.2") == .refused)
        #expect(try await gate.login(username: "sso-only", password: "", address: "10.0.0.3") == .refused)
    }

    @Test func failuresThrottleTheNameAndTheAddressForTheWindow() async throws {
        for _ in 0..<3 {
            #expect(try await gate.login(username: "olga", password: "guess", address: "10.0.0.9") == .refused)
        }
        // The right password no longer helps: the name is throttled, from any address…
        #expect(
            try await gate.login(username: "olga", password: "correct horse battery", address: "10.0.0.5") == .throttled
        )
        // …and so is the address, for any name.
        #expect(try await gate.login(username: "ivan", password: "x", address: "10.0.0.9") == .throttled)
        clock.advance(by: 901)
        #expect(
            token(try await gate.login(username: "olga", password: "correct horse battery", address: "10.0.0.5")) != nil
        )
    }

    @Test func sessionsExpireWhenIdleAndAfterTheirMaximumAge() async throws {
        let idle = try #require(
            token(try await gate.login(username: "olga", password: "correct horse battery", address: "a")))
        clock.advance(by: 601)
        #expect(try await gate.signed(token: idle) == nil, "idle longer than session_idle")

        let busy = try #require(
            token(try await gate.login(username: "olga", password: "correct horse battery", address: "a")))
        for step in 1...7 {
            clock.advance(by: 500)
            #expect(try await gate.signed(token: busy) != nil, "in use after \(step * 500) s")
        }
        clock.advance(by: 500)
        #expect(try await gate.signed(token: busy) == nil, "used every 500 s, yet older than session_max")
    }

    @Test func disablingAnAccountOrChangingItsPasswordEndsItsSessions() async throws {
        let directory = StaffDirectory(store: store)
        let first = try #require(
            token(try await gate.login(username: "olga", password: "correct horse battery", address: "a")))
        try directory.setPassword("olga", hash: StaffPasswords.hash("another long password", cost: 4))
        #expect(try await gate.signed(token: first) == nil)
        let second = try #require(
            token(try await gate.login(username: "olga", password: "another long password", address: "a")))
        try directory.disable("olga")
        #expect(try await gate.signed(token: second) == nil)
        #expect(try await gate.login(username: "olga", password: "another long password", address: "a") == .refused)
    }

    @Test func theProxyHeaderCountsOnlyFromTheConfiguredProxy() async throws {
        var sso = settings
        sso.trustedUserHeader = "X-Remote-User"
        sso.trustedProxies = ["127.0.0.1"]
        let gate = SessionGate(store: store, settings: sso, clock: clock.read)
        #expect(try await gate.signed(proxyUser: "sso-only", from: "10.1.2.3", token: nil) == nil)
        #expect(try await gate.signed(proxyUser: "stranger", from: "127.0.0.1", token: nil) == nil)
        let signed = try #require(try await gate.signed(proxyUser: "SSO-only", from: "127.0.0.1", token: nil))
        #expect(signed.staff.name == "sso-only")
        let token = try #require(signed.newToken)
        let again = try #require(try await gate.signed(proxyUser: "sso-only", from: "127.0.0.1", token: token))
        #expect(again.newToken == nil, "the session the proxy's first request made is reused")
    }

    @Test func accountNamesAndPasswordsAreChecked() throws {
        let directory = StaffDirectory(store: store)
        #expect(throws: StaffAccountError.self) {
            try directory.add(name: "olga", role: .agent, email: "", passwordHash: "", at: 0)
        }
        #expect(throws: StaffAccountError.self) {
            try directory.add(name: "<b>", role: .agent, email: "", passwordHash: "", at: 0)
        }
        #expect(StaffPasswords.problem(with: "short") != nil)
        #expect(StaffPasswords.problem(with: String(repeating: "x", count: 73)) != nil)
        #expect(StaffPasswords.problem(with: "twelve chars") == nil)
    }
}

/// The view audit: views noted in memory reach the audit trail in one transaction.
@Suite struct ViewAuditTests {
    @Test func viewsAreRecordedOnTheirTicketWithWhoAndWhat() async throws {
        let store = try SQLiteTicketStore.temporary()
        let id = try await store.transaction { transaction in
            try transaction.insert(
                TicketRecord(
                    number: 1, ref: "HD-000001", status: .open, severity: .normal, category: "other",
                    reporterAddress: "anna@example.edu", copiedAddresses: "", subject: "S", missing: "", createdAt: 0,
                    updatedAt: 0, slaConsumed: 0, answersSent: 0)
            ).id!
        }
        let audit = ViewAudit(store: store)
        audit.record("ticket page", on: "HD-000001", by: "olga", at: 5)
        audit.record("file shot.png", on: "HD-000001", by: "ivan", at: 6)
        audit.record("ticket page", on: "HD-999999", by: "olga", at: 7)
        try await audit.flush()
        let events = try await store.snapshot { try $0.events(ticketID: id) }
        #expect(events.map(\.detail) == ["ticket page by olga", "file shot.png by ivan"])
        #expect(events.allSatisfy { $0.kind == .personalDataViewed })
        try await audit.flush()
        #expect(try await store.snapshot { try $0.events(ticketID: id) }.count == 2, "each view once")
    }
}
