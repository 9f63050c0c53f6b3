import Testing

@testable import Mail

/// The pure parts: response parsing, URL rules, redaction, line ends. No servers.
@Suite struct MailSyntaxTests {
    @Test func esearchRangesExpandAndCount() throws {
        let lines = ["* 301 EXISTS", #"* ESEARCH (TAG "A005") UID ALL 4:7,9,12:10 COUNT 8"#]
        let result = try IMAPSyntax.esearch(in: lines)
        #expect(result == IMAPSyntax.ESearch(all: [4, 5, 6, 7, 9, 10, 11, 12], count: 8))
        #expect(
            try IMAPSyntax.esearch(in: [#"* ESEARCH (TAG "A1") UID COUNT 0"#]) == IMAPSyntax.ESearch(all: [], count: 0))
        #expect(try IMAPSyntax.esearch(in: ["* SEARCH 1 2"]) == nil)
        #expect(throws: MailError.self) { try IMAPSyntax.sequenceSet("4:x") }
        #expect(throws: MailError.self) { try IMAPSyntax.sequenceSet("1:4000000000", limit: 10) }
        #expect(IMAPSyntax.search(in: ["* SEARCH 2 84 882", "* 3 EXPUNGE"]) == [2, 84, 882])
    }

    @Test func uidSetsWriteRunsAsRanges() {
        #expect(IMAPSyntax.uidSet([1, 2, 3, 7, 9, 10]) == "1:3,7,9:10")
        #expect(IMAPSyntax.uidSet([5]) == "5")
        #expect(IMAPSyntax.uidSet([]) == "")
        #expect(IMAPSyntax.uidSet(Array(1...100)) == "1:100")
        #expect(IMAPSyntax.uidSet([4_294_967_294, 4_294_967_295]) == "4294967294:4294967295")
        // Out of order: only neighbours that follow each other merge; nothing is lost or invented.
        #expect(IMAPSyntax.uidSet([3, 1, 2]) == "3,1:2")
    }

    @Test func statusCapabilitiesFetchAndCopyUID() {
        let status = IMAPSyntax.status(in: [#"* STATUS "Support Desk" (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 1795325862)"#])
        #expect(status == ["MESSAGES": 3, "UIDNEXT": 4, "UIDVALIDITY": 1_795_325_862])
        #expect(
            IMAPSyntax.capabilities(in: ["* CAPABILITY IMAP4rev1 MOVE uidplus"]) == ["IMAP4REV1", "MOVE", "UIDPLUS"])

        let items = IMAPSyntax.fetchItems(in: [
            #"* 12 FETCH (UID 7 RFC822.SIZE 1234 FLAGS (\Seen $Ticketed) BODY[HEADER.FIELDS (FROM)] "x")"#,
            "* 13 FETCH (FLAGS (\\Deleted))",
        ])
        #expect(items.count == 2)
        #expect(items[0]["UID"]?.number == 7)
        #expect(items[0]["RFC822.SIZE"]?.number == 1234)
        #expect(items[0]["FLAGS"] == .list([.atom("\\Seen"), .atom("$Ticketed")]))
        #expect(items[0]["BODY[HEADER.FIELDS (FROM)]"] == .string("x"))
        #expect(items[1]["UID"] == nil)

        let listed = IMAPSyntax.listedMailboxes(in: [
            #"* LIST (\HasNoChildren) "/" "Support Desk/Done 100%""#, #"* LIST (\Noselect \HasChildren) "/" Archive"#,
            #"* LIST () NIL INBOX"#,
        ])
        #expect(listed.map(\.name) == ["Support Desk/Done 100%", "Archive", "INBOX"])
        #expect(listed[1].attributes == ["\\NOSELECT", "\\HASCHILDREN"])
        #expect(IMAPSyntax.copiedUID(in: ["* OK [COPYUID 1795325863 2 17] Moved UIDs.", "A4 OK Move completed"]) == 17)
        #expect(IMAPSyntax.copiedUID(in: ["A4 OK [COPYUID 9 2:3 5:6] Copy completed"]) == nil)
        #expect(IMAPSyntax.taggedFailure(in: ["* OK fine", "A003 NO [ALREADYEXISTS] Mailbox exists"]) != nil)
        #expect(IMAPSyntax.responseCode(of: "A003 NO [ALREADYEXISTS] Mailbox exists") == "ALREADYEXISTS")
    }

    @Test func commandArgumentsAreQuotedOrRefused() throws {
        #expect(try IMAPSyntax.quotedMailbox(#"Say "hi" \ bye"#) == #""Say \"hi\" \\ bye""#)
        #expect(throws: MailError.self) { try IMAPSyntax.quotedMailbox("Evil\r\nA1 LOGOUT") }
        #expect(throws: MailError.self) { try IMAPSyntax.quotedMailbox("Zürich") }
        #expect(IMAPSyntax.customRequest(#"UID MOVE 5 "50%off""#) == #"UID MOVE 5 "50%25off""#)
    }

    @Test func urlsAreParsedStrictly() throws {
        let url = try ServerURL("IMAPS://Mail.Example.com:993/Support%20Desk/", schemes: ["imaps"])
        #expect(url.scheme == "imaps")
        #expect(url.host == "mail.example.com")
        #expect(url.port == 993)
        #expect(url.path == "Support Desk")
        #expect(url.base == "imaps://mail.example.com:993/")
        #expect(!url.isLoopback)
        let ipv6 = try ServerURL("smtp://[::1]:2525", schemes: ["smtp"])
        #expect(ipv6.host == "::1" && ipv6.port == 2525 && ipv6.isLoopback)
        #expect(ipv6.base == "smtp://[::1]:2525/")
        for host in ["localhost", "127.0.0.1", "127.9.8.7", "a.localhost"] {
            #expect(try ServerURL("smtp://\(host)", schemes: ["smtp"]).isLoopback, "\(host)")
        }
        for host in ["127.0.0.1.nip.io", "128.0.0.1", "localhost.example.com", "10.0.0.1"] {
            #expect(try !ServerURL("smtp://\(host)", schemes: ["smtp"]).isLoopback, "\(host)")
        }
        #expect(ServerURL.percentEncode("Done 100%/x", keepSlash: true) == "Done%20100%25/x")
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2-very-secret")
        let configuration = IMAPConfiguration(
            url: "imaps://mail.example.com/INBOX", credential: .password(user: "desk", password: secret))
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [
            "\(configuration)", String(reflecting: configuration), dumped, "\(secret)", String(reflecting: secret),
        ] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        let smtp = SMTPConfiguration(
            url: "smtp://mail.example.com", credential: .xoauth2(user: "desk", bearerToken: "tok-abcdef"))
        dumped = ""
        dump(smtp, to: &dumped)
        #expect(!dumped.contains("tok-abcdef") && !"\(smtp)".contains("tok-abcdef"))

        let error = MailError(
            .authentication, "login with hunter2-very-secret failed", serverResponse: "NO hunter2-very-secret"
        )
        .redacting(["hunter2-very-secret"])
        #expect(!"\(error)".contains("hunter2"))
    }

    @Test func smtpLineEndsBecomeCRLF() {
        func normalized(_ text: String) -> String {
            String(decoding: SMTPSender.normalizingLineEnds(Array(text.utf8)), as: UTF8.self)
        }
        #expect(normalized("a\nb\n") == "a\r\nb\r\n")
        #expect(normalized("a\r\nb") == "a\r\nb\r\n")
        #expect(normalized("a\r\nb\r\n") == "a\r\nb\r\n")
        #expect(normalized("\nx\r") == "\r\nx\r\n")
        #expect(normalized("") == "")
    }

    @Test func durationsBecomeMilliseconds() {
        #expect(Duration.seconds(15).milliseconds == 15_000)
        #expect(Duration.microseconds(10).milliseconds == 1)
        #expect(Duration.zero.milliseconds == 0)
    }
}
