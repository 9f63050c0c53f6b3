import Foundation
import Testing

@testable import Mail

/// SMTPSender against a real SMTP server (Tests/Servers/smtp_sink.py), one server per test.
@Suite struct SMTPSenderTests {
    @Test func sendsWithAuthPlainOverSTARTTLSExactBytesAndEnvelope() throws {
        try SMTPSink.with(auth: true, security: .starttls) { sink in
            let sender = try SMTPSender(configuration: sink.configuration())
            let message = TestMail.message(1)
            try sender.send(raw: message, from: "helpdesk@example.test", to: "customer1@example.test")

            #expect(TestMail.fingerprints(sink.received) == TestMail.fingerprints([message]))
            #expect(
                sink.envelopes == [
                    SMTPSink.Envelope(
                        mailFrom: "helpdesk@example.test", rcptTos: ["customer1@example.test"], authMechanism: "PLAIN",
                        authLogin: "bot", tls: true)
                ])
        }
    }

    @Test func consecutiveSendsShareOneConnection() throws {
        let sink = try SMTPSink.start(auth: true, starttls: true)
        defer { sink.stop() }
        do {
            let sender = try SMTPSender(configuration: sink.configuration())
            let before = sink.connections  // the readiness probe
            let messages = (1...3).map { TestMail.message($0) }
            for (index, message) in messages.enumerated() {
                try sender.send(raw: message, to: "customer\(index + 1)@example.test")
            }
            #expect(TestMail.fingerprints(sink.received) == TestMail.fingerprints(messages))
            #expect(
                sink.envelopes.map(\.rcptTos) == [
                    ["customer1@example.test"], ["customer2@example.test"], ["customer3@example.test"],
                ])
            #expect(sink.connections == before + 1)
            #expect(sender.connectionsOpened == 1)
        }
    }

    @Test func nullSenderAndLineEndNormalisation() throws {
        try SMTPSink.with { sink in
            let sender = try SMTPSender(configuration: sink.configuration(envelopeSender: ""))
            let lf = Array("Subject: auto-reply\n\n.dot first\nbody without final line end".utf8)
            try sender.send(raw: lf, to: "<customer@example.test>")
            #expect(
                sink.received == [
                    Array("Subject: auto-reply\r\n\r\n.dot first\r\nbody without final line end\r\n".utf8)
                ])
            #expect(sink.envelopes.first?.mailFrom == "")
            #expect(sink.envelopes.first?.rcptTos == ["customer@example.test"])
            #expect(sink.envelopes.first?.tls == false)
        }
    }

    @Test func largeMessageArrivesIntact() throws {
        try SMTPSink.with(auth: true, security: .starttls) { sink in
            let sender = try SMTPSender(configuration: sink.configuration())
            let message = TestMail.message(5, bodyBytes: 5 << 20)
            try sender.send(raw: message, to: "customer@example.test")
            #expect(TestMail.fingerprint(sink.received.first) == TestMail.fingerprint(message))

            var limited = sink.configuration()
            limited.maxMessageBytes = 1 << 20
            let error = #expect(throws: MailError.self) {
                try SMTPSender(configuration: limited).send(raw: message, to: "customer@example.test")
            }
            #expect(error?.code == .tooLarge)
        }
    }

    @Test func replyCodesClassifyAsTemporaryOrPermanent() throws {
        try SMTPSink.with(auth: true, security: .starttls) { sink in
            let sender = try SMTPSender(configuration: sink.configuration())
            let message = TestMail.message(1)

            try sink.fail(at: "DATA", with: "451 4.3.0 Mail system busy, try later")
            let busy = #expect(throws: MailError.self) { try sender.send(raw: message, to: "a@example.test") }
            #expect(busy?.code == .temporary)
            #expect(busy?.isTransient == true)
            #expect(busy?.responseCode == 451)
            #expect(busy?.serverResponse?.contains("Mail system busy") == true)

            try sink.fail(at: "RCPT", with: "550 5.1.1 No such user here")
            let unknown = #expect(throws: MailError.self) { try sender.send(raw: message, to: "nobody@example.test") }
            #expect(unknown?.code == .permanent)
            #expect(unknown?.isTransient == false)
            #expect(unknown?.responseCode == 550)

            try sink.fail(at: "MAIL", with: "452 4.3.1 Insufficient system storage")
            let full = #expect(throws: MailError.self) { try sender.send(raw: message, to: "a@example.test") }
            #expect(full?.code == .temporary)
            #expect(full?.responseCode == 452)

            try sink.fail(at: "DATA", with: "554 5.7.1 Message rejected as spam")
            let spam = #expect(throws: MailError.self) { try sender.send(raw: message, to: "a@example.test") }
            #expect(spam?.code == .permanent)

            sink.recover()
            try sender.send(raw: message, to: "a@example.test")
            #expect(TestMail.fingerprints(sink.received) == TestMail.fingerprints([message]))
        }
    }

    @Test func wrongPasswordIsAnAuthenticationErrorWithoutThePassword() throws {
        try SMTPSink.with(auth: true, security: .starttls) { sink in
            var configuration = sink.configuration()
            let wrong = "not-" + (sink.password ?? "")
            configuration.credential = .password(user: "bot", password: Secret(wrong))
            let error = #expect(throws: MailError.self) {
                try SMTPSender(configuration: configuration).send(raw: TestMail.message(1), to: "a@example.test")
            }
            #expect(error?.code == .authentication)
            #expect(error.map { !"\($0)".contains(wrong) } == true)
            #expect(sink.received.isEmpty)
        }
    }

    @Test func implicitTLSAndCertificateChecks() throws {
        try SMTPSink.with(auth: true, security: .implicit) { sink in
            let configuration = sink.configuration()
            #expect(configuration.url.hasPrefix("smtps://"))
            try SMTPSender(configuration: configuration).send(raw: TestMail.message(1), to: "a@example.test")
            #expect(sink.envelopes.first?.tls == true)

            var untrusted = configuration
            untrusted.caFile = nil
            let error = #expect(throws: MailError.self) {
                try SMTPSender(configuration: untrusted).send(raw: TestMail.message(2), to: "a@example.test")
            }
            #expect(error?.code == .tls)
            #expect(sink.received.count == 1)
        }
    }

    @Test func starttlsIsRequiredWhenConfigured() throws {
        try SMTPSink.with { sink in
            var configuration = sink.configuration()
            configuration.security = .starttls
            let error = #expect(throws: MailError.self) {
                try SMTPSender(configuration: configuration).send(raw: TestMail.message(1), to: "a@example.test")
            }
            #expect(error?.code == .tls)
            #expect(sink.received.isEmpty)
        }
    }

    @Test func serverDownIsATransientConnectionError() throws {
        let port = try TestSupport.freePort()
        let sender = try SMTPSender(
            configuration: SMTPConfiguration(url: "smtp://127.0.0.1:\(port)", security: .none))
        let error = #expect(throws: MailError.self) { try sender.send(raw: TestMail.message(1), to: "a@example.test") }
        #expect(error?.code == .connection)
        #expect(error?.isTransient == true)
    }

    @Test func configurationAndAddressesAreChecked() throws {
        let invalid: [(String, SMTPConfiguration.Security)] = [
            ("smtp://mail.example.com", .none), ("smtps://mail.example.com", .starttls),
            ("smtp://mail.example.com:587", .implicit), ("imap://mail.example.com", .starttls),
            ("smtp://bot:secret@mail.example.com", .starttls),
        ]
        for (url, security) in invalid {
            let error = #expect(throws: MailError.self) {
                try SMTPSender(configuration: SMTPConfiguration(url: url, security: security))
            }
            #expect(error?.code == .configuration, "\(url) \(security)")
        }
        #expect(throws: Never.self) {
            try SMTPSender(configuration: SMTPConfiguration(url: "smtp://localhost:25", security: .none))
        }

        let sender = try SMTPSender(configuration: SMTPConfiguration(url: "smtp://127.0.0.1:9", security: .none))
        for (from, to) in [
            ("", ""), ("a@b.test", "x@y.test>\r\nRCPT TO:<z@evil.test"), ("a@b.test> SIZE=1", "x@y.test"),
            ("a@b.test", "no-at-sign"), ("a@b.test", "sp ace@y.test"),
        ] {
            let error = #expect(throws: MailError.self) { try sender.send(raw: [65], from: from, to: to) }
            #expect(error?.code == .invalidArgument, "\(from) → \(to)")
        }
    }
}
