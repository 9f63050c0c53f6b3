import MIME
import Testing

@testable import Helpdesk

/// What makes two deliveries copies of one email (`AuthorDigest`): the author's fields and body, not the trace
/// and verdict fields each receiving server adds.
@Suite struct AuthorDigestTests {
    static let authored = """
        From: Anna Example <anna@example.edu>\r
        To: support@example.edu\r
        Cc: exams@example.edu\r
        Subject: Exam will not load\r
        Date: Mon, 11 Nov 2024 12:00:00 +0300\r
        Message-ID: <report-1@example.edu>\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        The exam page stays white after the camera check.\r

        """

    static func digest(_ text: String) -> String { AuthorDigest.sha256(MIMEMessage(parsing: Array(text.utf8))) }

    @Test func copiesWithTheirOwnTraceAndVerdictFieldsAgree() {
        let first =
            "Return-Path: <anna@example.edu>\r\nDelivered-To: support@example.edu\r\n"
            + "Received: from mx1 by imap1; Mon, 11 Nov 2024 09:00:01 +0000\r\nX-Spam-Flag: NO\r\n" + Self.authored
        // Microsoft 365 adds its own fields, refolds, and puts a field of its own among the author's.
        let second =
            "Received: from mx2\r\n by imap2; Mon, 11 Nov 2024 09:00:02 +0000\r\n"
            + "ARC-Seal: i=1; a=rsa-sha256; cv=none\r\nAuthentication-Results: mx2; dkim=pass\r\n"
            + Self.authored.replacingOccurrences(
                of: "Subject: Exam will not load\r\n",
                with: "Subject: Exam will not load\r\nX-MS-Exchange-Organization-SCL: 1\r\n")
        // Exchange rewrites the header section and may put the fields in another order.
        let reordered = Self.authored.replacingOccurrences(
            of: "From: Anna Example <anna@example.edu>\r\nTo: support@example.edu\r\n",
            with: "To: support@example.edu\r\nFrom: Anna Example <anna@example.edu>\r\n")
        #expect(reordered != Self.authored)
        #expect(Self.digest(first) == Self.digest(Self.authored))
        #expect(Self.digest(second) == Self.digest(Self.authored))
        #expect(Self.digest(reordered) == Self.digest(Self.authored))
    }

    @Test func anotherAuthorTextOrDateIsAnotherEmail() {
        let base = Self.digest(Self.authored)
        for (old, new) in [
            ("anna@example.edu>", "mallory@example.net>"), ("stays white", "stays black"),
            ("12:00:00", "12:00:01"), ("Exam will not load", "Exam will not start"),
        ] {
            #expect(Self.digest(Self.authored.replacingOccurrences(of: old, with: new)) != base, "\(new)")
        }
    }
}
