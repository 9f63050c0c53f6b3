import Dispatch
import Testing

@testable import Mail

/// IMAPIdle against a real Dovecot: IDLE over libcurl's CONNECT_ONLY connection.
@Suite struct IMAPIdleTests {
    @Test(arguments: [false, true])
    func returnsEarlyWhenMailArrives(tls: Bool) throws {
        try Dovecot.with(tls: tls) { dovecot in
            let idle = try IMAPIdle(configuration: dovecot.configuration())
            let maildir = dovecot.maildir
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(600)) {
                try? Dovecot.deliver(TestMail.message(1), maildir: maildir, name: "0000000001.idle-test")
            }
            let started = ContinuousClock.now
            #expect(try idle.wait(timeout: .seconds(20)) == .newMail)
            let waited = ContinuousClock.now - started
            #expect(waited >= .milliseconds(500))
            #expect(waited < .seconds(10))

            // The connection stays for the next wait, which times out quietly.
            #expect(try idle.wait(timeout: .milliseconds(300)) == .timedOut)
            #expect(idle.connectionsOpened == 1)
            #expect(dovecot.logins == 1)
        }
    }

    @Test func timesOutWithoutMail() throws {
        try Dovecot.with { dovecot in
            let idle = try IMAPIdle(configuration: dovecot.configuration())
            let started = ContinuousClock.now
            #expect(try idle.wait(timeout: .milliseconds(400)) == .timedOut)
            #expect(ContinuousClock.now - started >= .milliseconds(400))
            #expect(try idle.wait(timeout: .milliseconds(100)) == .timedOut)
            #expect(idle.connectionsOpened == 1)
        }
    }

    @Test func reportsMailThatArrivedBeforeTheWait() throws {
        try Dovecot.with { dovecot in
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            let status = try mailbox.open()
            try dovecot.seed(messages: [TestMail.message(1)])
            let idle = try IMAPIdle(configuration: dovecot.configuration())
            let started = ContinuousClock.now
            #expect(try idle.wait(timeout: .seconds(20), knownUIDNext: status.uidNext) == .newMail)
            #expect(ContinuousClock.now - started < .seconds(5))
            // "Look now" means open() and list: the open refreshes the server's view of the mailbox.
            _ = try mailbox.open()
            #expect(try mailbox.uids(from: status.uidNext) == [1])
        }
    }

    @Test func missingMailboxAndWrongPassword() throws {
        try Dovecot.with { dovecot in
            let missing = #expect(throws: MailError.self) {
                try IMAPIdle(configuration: dovecot.configuration(mailbox: "Nope")).wait(timeout: .seconds(1))
            }
            #expect(missing?.code == .notFound)

            // Last: after a failed login Dovecot delays further logins from this address.
            var configuration = dovecot.configuration()
            configuration.credential = .password(user: dovecot.user, password: Secret("nope-" + dovecot.password))
            let refused = #expect(throws: MailError.self) {
                try IMAPIdle(configuration: configuration).wait(timeout: .seconds(1))
            }
            #expect(refused?.code == .authentication)
        }
    }
}
