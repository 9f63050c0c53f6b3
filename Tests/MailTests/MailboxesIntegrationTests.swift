import Foundation
import GRDB
import Glibc
import Testing

/// Several mailboxes against a real Dovecot (two users, each with an INBOX of their own on one server URL) and
/// the real SMTP sink, run by the `helpdeskd` executable: one daemon polls both, an email sent to both mailboxes
/// (To one, Cc the other) is one ticket with one answer, and each answer comes from the mailbox written to.
@Suite(.serialized) struct MailboxesIntegrationTests {
    /// An email as the two users' deliveries store it: the author's text, each copy with its own trace fields.
    static func copy(of authored: String, deliveredTo user: String, hop: Int) -> [UInt8] {
        Array(
            ("Return-Path: <anna@students.example.edu>\r\n" + "Delivered-To: \(user)@example.edu\r\n"
                + "Received: from mx\(hop).example.edu by imap.example.edu with LMTP id x\(hop); "
                + "Mon, 11 Nov 2024 09:00:0\(hop) +0000\r\n"
                + "Authentication-Results: mx\(hop).example.edu; spf=pass smtp.mailfrom=students.example.edu\r\n"
                + authored).utf8)
    }

    static func report(from sender: String, to: String, cc: String?, id: String, subject: String) -> String {
        """
        From: \(sender)\r
        To: \(to)\r
        \(cc.map { "Cc: \($0)\r\n" } ?? "")Subject: \(subject)\r
        Message-ID: <\(id)>\r
        Date: Mon, 11 Nov 2024 12:00:00 +0300\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        The exam page stays white after the camera check.\r
        \r
        Server: https://proctor.example.edu\r
        Time: 2024-11-11 10:32 +03:00\r
        User ID: st-\(id.prefix(4))\r
        Session ID: 7f3c9a\(id.prefix(4))\r

        """
    }

    @Test func oneDaemonPollsTwoMailboxesAndASharedEmailIsOneTicket() throws {
        let dovecot = try Dovecot.start(homesPerUser: true)
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let directory = try TestSupport.temporaryDirectory("mailboxes")
        defer { TestSupport.removeDirectory(directory) }
        try TestSupport.writeFile(directory + "/imap.secret", Array(dovecot.password.utf8))
        chmod(directory + "/imap.secret", 0o600)
        let config = directory + "/helpdeskd.toml"
        try TestSupport.writeFile(
            config,
            Array(
                """
                [helpdesk]
                address = "support@example.edu"
                name = "Example Support"
                state_directory = "\(directory)/state"

                [[mailbox]]
                name = "support"
                url = "\(dovecot.url(tls: false))"
                user = "support"
                password_file = "\(directory)/imap.secret"
                allow_plaintext = true

                [[mailbox]]
                name = "exams"
                url = "\(dovecot.url(tls: false))"
                user = "exams"
                password_file = "\(directory)/imap.secret"
                allow_plaintext = true
                address = "exams@example.edu"
                display_name = "Exam Support"

                [smtp]
                url = "smtp://127.0.0.1:\(sink.port)"
                tls = "none"
                """.utf8))

        // To support, Cc exams: a copy in each INBOX. And one email to exams alone.
        let shared = Self.report(
            from: "Anna <anna@students.example.edu>", to: "support@example.edu", cc: "exams@example.edu",
            id: "anna-1@students.example.edu", subject: "Exam will not load")
        let examsOnly = Self.report(
            from: "Ben <ben@students.example.edu>", to: "exams@example.edu", cc: nil,
            id: "ben-1@students.example.edu", subject: "Camera check fails")
        try dovecot.seed(messages: [Self.copy(of: shared, deliveredTo: "support", hop: 1)], user: "support")
        try dovecot.seed(
            messages: [
                Self.copy(of: shared, deliveredTo: "exams", hop: 2),
                Self.copy(of: examsOnly, deliveredTo: "exams", hop: 3),
            ], user: "exams")

        let executable = DaemonProcessTests.executable
        // check-config --connect logs in to each mailbox.
        let checkLog = directory + "/check.log"
        #expect(try TestSupport.run(executable, ["check-config", "--connect", "--config", config], log: checkLog) == 0)
        let check = String(decoding: TestSupport.readFile(checkLog) ?? [], as: UTF8.self)
        #expect(check.contains("imap [support] \(dovecot.url(tls: false)): logged in as support"), "\(check)")
        #expect(check.contains("imap [exams] \(dovecot.url(tls: false)): logged in as exams"), "\(check)")

        let runLog = directory + "/run.log"
        #expect(try TestSupport.run(executable, ["run", "--once", "--config", config], log: runLog) == 0)
        let log = String(decoding: TestSupport.readFile(runLog) ?? [], as: UTF8.self)

        // Both mailboxes were polled and emptied; the shared email made one ticket, answered once.
        for user in ["support", "exams"] {
            #expect(dovecot.messages(user: user).isEmpty, "\(user)'s INBOX")
        }
        #expect(dovecot.messages(in: "Processed", user: "support").count == 1)
        #expect(dovecot.messages(in: "Processed", user: "exams").count == 2)
        #expect(log.contains("another copy of an email already taken"), "\(log)")

        let database = try DatabaseQueue(path: directory + "/state/helpdeskd.sqlite")
        defer { try? database.close() }
        let tickets = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT ref, reporterAddress FROM ticket ORDER BY number").map {
                "\($0["ref"] as String) \($0["reporterAddress"] as String)"
            }
        }
        #expect(tickets == ["HD-000001 anna@students.example.edu", "HD-000002 ben@students.example.edu"])
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message") } == 2)
        let copies = try database.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM event WHERE kind = 'copy-received' AND ticketId = 1")
        }
        #expect(copies.count == 1 && copies[0].hasPrefix("also delivered to mailbox "), "\(copies)")

        let answers = sink.received.map { String(decoding: $0, as: UTF8.self) }
        #expect(answers.count == 2, "one answer per ticket, none for the second copy")
        let toAnna = try #require(answers.first { $0.contains("To: <anna@students.example.edu>") })
        let toBen = try #require(answers.first { $0.contains("To: <ben@students.example.edu>") })
        // Ben wrote to exams@: the answer comes from there. Anna's first copy decides hers: whichever mailbox
        // was read first, it is one of the two she wrote to.
        #expect(toBen.contains(#"From: "Exam Support" <exams@example.edu>"#))
        #expect(
            toAnna.contains(#"From: "Example Support" <support@example.edu>"#)
                || toAnna.contains(#"From: "Exam Support" <exams@example.edu>"#))

        // status lists each mailbox with its last poll.
        let statusLog = directory + "/status.log"
        #expect(try TestSupport.run(executable, ["status", "--config", config], log: statusLog) == 0)
        let status = String(decoding: TestSupport.readFile(statusLog) ?? [], as: UTF8.self)
        #expect(status.contains("Mailbox support \(dovecot.url(tls: false)): last poll 20"), "\(status)")
        #expect(status.contains("Mailbox exams \(dovecot.url(tls: false)): last poll 20"), "\(status)")
    }

    /// One mailbox with a password, the other signed in with OAuth 2.0 (client credentials at the test identity
    /// provider, Dovecot checking the token with its oauth2 passdb), the relay with the same token: a shared
    /// email is still one ticket, answered once over SMTP XOAUTH2.
    @Test func aPasswordMailboxAndAnOAuthMailboxTogether() async throws {
        let idp = try IdentityProvider.start(username: "exams")
        defer { idp.stop() }
        let dovecot = try Dovecot.start(oauth2Introspection: idp.introspectionURL, homesPerUser: true)
        defer { dovecot.stop() }
        let sink = try SMTPSink.start(oauth: idp)
        defer { sink.stop() }
        let directory = try TestSupport.temporaryDirectory("mailboxes-oauth")
        defer { TestSupport.removeDirectory(directory) }
        for (name, secret) in [("imap.secret", dovecot.password), ("client.secret", idp.clientSecret)] {
            try TestSupport.writeFile(directory + "/" + name, Array(secret.utf8))
            chmod(directory + "/" + name, 0o600)
        }
        let config = directory + "/helpdeskd.toml"
        try TestSupport.writeFile(
            config,
            Array(
                """
                [helpdesk]
                address = "support@example.edu"
                state_directory = "\(directory)/state"

                [[mailbox]]
                name = "support"
                url = "\(dovecot.url(tls: false))"
                user = "support"
                password_file = "\(directory)/imap.secret"
                allow_plaintext = true
                idle = false

                [[mailbox]]
                name = "exams"
                url = "\(dovecot.url(tls: false))"
                user = "exams"
                auth = "oauth2"
                oauth2 = "m365"
                allow_plaintext = true
                idle = false
                address = "exams@example.edu"

                [smtp]
                url = "smtp://127.0.0.1:\(sink.port)"
                tls = "none"
                user = "exams"
                auth = "oauth2"
                oauth2 = "m365"

                [oauth2.m365]
                grant = "client_credentials"
                token_url = "\(idp.tokenURL)"
                client_id = "\(idp.clientID)"
                client_secret_file = "\(directory)/client.secret"
                scope = "https://outlook.office365.com/.default"
                ca_file = "\(idp.caFile)"
                """.utf8))
        let shared = Self.report(
            from: "Anna <anna@students.example.edu>", to: "exams@example.edu", cc: "support@example.edu",
            id: "anna-2@students.example.edu", subject: "Exam will not load")
        try dovecot.seed(messages: [Self.copy(of: shared, deliveredTo: "support", hop: 1)], user: "support")
        try dovecot.seed(messages: [Self.copy(of: shared, deliveredTo: "exams", hop: 2)], user: "exams")

        let runLog = directory + "/run.log"
        let status = try TestSupport.run(
            DaemonProcessTests.executable, ["run", "--once", "--config", config], log: runLog)
        let log = String(decoding: TestSupport.readFile(runLog) ?? [], as: UTF8.self)
        #expect(status == 0, "\(log)")
        for user in ["support", "exams"] {
            #expect(dovecot.messages(user: user).isEmpty, "\(user)'s INBOX: \(log)")
        }
        #expect(DaemonProcessTests.Installation.count("ticket", in: directory + "/state/helpdeskd.sqlite") == 1)
        let envelopes = sink.envelopes
        #expect(envelopes.count == 1, "one answer for the two copies")
        #expect(envelopes.allSatisfy { ["XOAUTH2", "OAUTHBEARER"].contains($0.authMechanism ?? "") })
        #expect(envelopes.first?.rcptTos == ["anna@students.example.edu"])
        // The token was fetched for the OAuth mailbox and the relay, never for the password mailbox.
        #expect(idp.issued == ["client_credentials": 1], "\(log)")
    }
}
