import MIME
import Testing

@testable import Incident

/// Reading what the admin's own MTA says: only its topmost Authentication-Results, only verdicts above its line.
@Suite struct TrustedHeadersTests {
    let mta = TrustedMTA(authservID: "mx.example.com")

    func verdict(_ headers: String) -> MTAVerdict {
        let raw = headers + "From: a@example.edu\nSubject: x\n\nbody\n"
        return MTAVerdict.read(MIMEParser().parse(Array(raw.utf8)), trusting: mta)
    }

    @Test func withoutDMARCFailingSPFAndNoDKIMIsUnauthenticated() {
        let failing = AuthenticationResults("mx.example.com; spf=softfail smtp.mailfrom=x; dkim=none")
        #expect(failing?.senderAuthentication == .fail(reason: "spf=softfail, dkim=none"))
        let signed = AuthenticationResults("mx.example.com (comment; with semicolon); spf=fail; dkim=pass")
        #expect(signed?.senderAuthentication == .pass)
        #expect(AuthenticationResults("mx.example.com; none")?.senderAuthentication == .unknown)
        #expect(
            AuthenticationResults("mx.example.com 1; dmarc=fail (p=reject) header.from=x")?.senderAuthentication
                == .fail(reason: "dmarc=fail"))
    }

    @Test func anotherServersResultsAreIgnored() {
        let forged = verdict("Authentication-Results: evil.example; dmarc=fail\n")
        #expect(forged.authentication == .unknown)
        let ours = verdict(
            "Authentication-Results: MX.example.com; dmarc=fail\nAuthentication-Results: mx.example.com; dmarc=pass\n")
        #expect(ours.authentication.failed)
    }

    @Test func spamVerdictsCountOnlyAboveTheTrustedLine() {
        #expect(verdict("X-Spam: Yes\nReceived: from a by mx.example.com; x\n").spam == "X-Spam: Yes")
        #expect(verdict("X-Rspamd-Action: add header\nAuthentication-Results: mx.example.com; spf=pass\n").spam != nil)
        #expect(verdict("X-Spam-Status: No, score=0.1\nReceived: from a by mx.example.com; x\n").spam == nil)
        #expect(verdict("Received: from a by mx.example.com; x\nX-Spam-Flag: YES\n").spam == nil)
        // No trusted line at all: everything is the sender's.
        #expect(verdict("X-Spam-Flag: YES\nReceived: from a by relay.example; x\n").spam == nil)
        #expect(
            MTAVerdict.read(
                MIMEParser().parse(Array("X-Spam-Flag: YES\r\n\r\n".utf8)), trusting: TrustedMTA(authservID: "")
            ).spam == nil)
    }
}
