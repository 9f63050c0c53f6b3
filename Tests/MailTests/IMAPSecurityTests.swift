import Foundation
import Testing

@testable import Mail

/// TLS, plaintext rules, XOAUTH2 and an unreachable server, against a real Dovecot.
@Suite struct IMAPSecurityTests {
    @Test func imapsWithTheGeneratedCertificate() throws {
        try Dovecot.with(tls: true) { dovecot in
            try dovecot.seed(messages: [TestMail.message(1)])
            for host in ["127.0.0.1", "localhost"] {
                var configuration = dovecot.configuration()
                configuration.url = dovecot.url(tls: true, host: host)
                #expect(configuration.url.hasPrefix("imaps://"))
                let mailbox = try IMAPMailbox(configuration: configuration)
                #expect(try mailbox.open().messages == 1)
                #expect(TestMail.fingerprint(try mailbox.fetch(uid: 1)) == TestMail.fingerprint(TestMail.message(1)))
            }
        }
    }

    @Test func imapsFailsWithoutTheCAFile() throws {
        try Dovecot.with(tls: true) { dovecot in
            var configuration = dovecot.configuration()
            configuration.caFile = nil
            let mailbox = try IMAPMailbox(configuration: configuration)
            let error = #expect(throws: MailError.self) { try mailbox.open() }
            #expect(error?.code == .tls)
            #expect(dovecot.logins == 0)
        }
    }

    @Test func imapURLRequiresAndUsesSTARTTLS() throws {
        try Dovecot.with(tls: true) { dovecot in
            var configuration = dovecot.configuration()
            configuration.url = dovecot.url(tls: false)
            configuration.allowPlaintext = false
            let mailbox = try IMAPMailbox(configuration: configuration)
            #expect(try mailbox.open().messages == 0)
            #expect(dovecot.logins == 1)
            let log = String(decoding: TestSupport.readFile(dovecot.logPath) ?? [], as: UTF8.self)
            #expect(log.contains("TLS"))
        }
    }

    @Test func plainIMAPOnLoopbackOnlyWithAllowPlaintext() throws {
        try Dovecot.with(tls: false) { dovecot in
            var configuration = dovecot.configuration()
            #expect(configuration.url.hasPrefix("imap://127.0.0.1:"))

            // Without allowPlaintext an imap:// URL demands STARTTLS, which this server lacks.
            configuration.allowPlaintext = false
            let refused = #expect(throws: MailError.self) { try IMAPMailbox(configuration: configuration).open() }
            #expect(refused?.code == .tls)
            #expect(dovecot.logins == 0)

            configuration.allowPlaintext = true
            let plain = try IMAPMailbox(configuration: configuration)
            #expect(try plain.open().messages == 0)
            configuration.url = dovecot.url(tls: false, host: "localhost")
            let named = try IMAPMailbox(configuration: configuration)
            #expect(try named.open().messages == 0)

            // Never to another host, even when asked.
            for host in ["mail.example.com", "10.0.0.7", "127.0.0.1.example.com"] {
                configuration.url = "imap://\(host):143/INBOX"
                let remote = #expect(throws: MailError.self) { try IMAPMailbox(configuration: configuration) }
                #expect(remote?.code == .configuration)
            }
        }
    }

    @Test func xoauth2BearerTokenLogsIn() throws {
        try Dovecot.with(tls: true) { dovecot in
            var configuration = dovecot.configuration()
            // The test Dovecot accepts its password as the bearer token too.
            configuration.credential = .xoauth2(user: dovecot.user, bearerToken: Secret(dovecot.password))
            let mailbox = try IMAPMailbox(configuration: configuration)
            #expect(try mailbox.open().messages == 0)
            let log = String(decoding: TestSupport.readFile(dovecot.logPath) ?? [], as: UTF8.self)
            #expect(log.contains("method=XOAUTH2"))

            let token = "bad-token-" + dovecot.password
            configuration.credential = .xoauth2(user: dovecot.user, bearerToken: Secret(token))
            let error = #expect(throws: MailError.self) { try IMAPMailbox(configuration: configuration).open() }
            #expect(error?.code == .authentication)
            #expect(error.map { !"\($0)".contains(token) } == true)
        }
    }

    @Test func unreachableServerIsATransientConnectionError() throws {
        let port = try TestSupport.freePort()
        let configuration = IMAPConfiguration(
            url: "imap://127.0.0.1:\(port)/INBOX", user: "helpdesk", password: "secret", allowPlaintext: true)
        let mailbox = try IMAPMailbox(configuration: configuration)
        let error = #expect(throws: MailError.self) { try mailbox.open() }
        #expect(error?.code == .connection)
        #expect(error?.isTransient == true)
    }

    @Test func serverThatGoesAwayIsATransientError() throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        try dovecot.seed(messages: [TestMail.message(1)])
        let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
        #expect(TestMail.fingerprint(try mailbox.fetch(uid: 1)) == TestMail.fingerprint(TestMail.message(1)))
        dovecot.stop()
        let error = #expect(throws: MailError.self) { try mailbox.fetch(uid: 1) }
        #expect(error?.isTransient == true, "\(error.map { "\($0)" } ?? "")")
    }

    @Test func configurationIsCheckedBeforeConnecting() {
        let cases = [
            "http://mail.example.com/INBOX", "imaps://user:pw@mail.example.com/INBOX",
            "imaps://mail.example.com:99999/",
            "imaps:///INBOX", "imaps://mail.example.com/INBOX;UID=5", "mail.example.com",
        ]
        for url in cases {
            let error = #expect(throws: MailError.self) {
                try IMAPMailbox(configuration: IMAPConfiguration(url: url, user: "u", password: "p"))
            }
            #expect(error?.code == .configuration, "\(url)")
            #expect(error.map { !"\($0)".contains("pw@") } == true)
        }
    }
}
