import Digest
import Foundation
import Incident
import Testing

@testable import Helpdesk

@Suite struct MessageIDSignerTests {
    let signer = AnswerFixture.signer
    let ticket = AnswerFixture.ticket

    /// The 16 hex digits of a correctly made id.
    func tag(_ id: String) -> String {
        String(id.split(separator: "@")[0].split(separator: ".")[2])
    }

    @Test func staffTokensRoundTripAndAreNoCustomerIds() throws {
        let token = signer.makeStaffToken(ticket: ticket, sequence: 2)
        #expect(token.hasPrefix("HD-000002.n2.") && token.hasSuffix("@example.com"))
        #expect(signer.verifyStaffToken(token) == ticket)
        #expect(signer.verifyStaffToken("<" + token + ">") == ticket)
        // The two kinds are signed under different labels: neither verifies as the other.
        #expect(signer.verify(token) == nil)
        let answer = signer.make(ticket: ticket, sequence: 2)
        #expect(signer.verifyStaffToken(answer) == nil)
        #expect(signer.verifyStaffToken(answer.replacingOccurrences(of: ".2.", with: ".n2.")) == nil)
        // Another ticket, another number, another key, a changed digit: refused.
        #expect(signer.verifyStaffToken(token.replacingOccurrences(of: "000002", with: "000003")) == nil)
        #expect(signer.verifyStaffToken(token.replacingOccurrences(of: ".n2.", with: ".n3.")) == nil)
        let other = MessageIDSigner(key: Array(repeating: 7, count: 32), domain: "example.com", prefix: "HD")
        #expect(other.verifyStaffToken(token) == nil)
        let hex = tag(token)
        let flipped = String(hex.dropLast()) + (hex.last == "0" ? "1" : "0")
        #expect(signer.verifyStaffToken(token.replacingOccurrences(of: hex, with: flipped)) == nil)
        #expect(signer.verifyStaffToken(String(repeating: "HD-000002.n", count: 40)) == nil)
    }

    @Test func roundTrip() throws {
        let id = signer.make(ticket: ticket, sequence: 3)
        #expect(id.hasPrefix("HD-000002.3."))
        #expect(id.hasSuffix("@example.com"))
        let hex = tag(id)
        #expect(hex.count == 16 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        let expected = HMACSHA256.authenticationCode(for: Array("HD-000002.3".utf8), key: AnswerFixture.key)
        #expect(hex == Array(expected.prefix(8)).hexString)

        let verified = try #require(signer.verify(id))
        #expect(verified.ticket == ticket && verified.sequence == 3)
        #expect(signer.verify("<" + id + ">")?.sequence == 3)
        #expect(signer.verify(id.replacingOccurrences(of: "example.com", with: "EXAMPLE.Com"))?.sequence == 3)
        #expect(signer.verify(id.replacingOccurrences(of: hex, with: hex.uppercased()))?.sequence == 3)
        let big = TicketReference(prefix: "HD", number: 1_234_567)!
        #expect(signer.verify(signer.make(ticket: big, sequence: 999_999_999))?.ticket == big)
    }

    @Test func forgedHMACIsRejected() {
        let id = signer.make(ticket: ticket, sequence: 3)
        let hex = tag(id)
        let flipped = String(hex.dropLast()) + (hex.last == "0" ? "1" : "0")
        #expect(signer.verify(id.replacingOccurrences(of: hex, with: flipped)) == nil)
        #expect(signer.verify(id.replacingOccurrences(of: hex, with: String(repeating: "0", count: 16))) == nil)
        // The tag of another answer, or of another ticket, does not carry over.
        let other = signer.make(ticket: ticket, sequence: 4)
        #expect(signer.verify("HD-000002.3." + tag(other) + "@example.com") == nil)
        // Sample 04 quotes an id whose tag was made with another key.
        #expect(signer.verify("HD-000002.1.5e0c7b29d4a1f836@example.com") == nil)
        let stranger = MessageIDSigner(key: Array(repeating: 1, count: 32), domain: "example.com", prefix: "HD")
        #expect(signer.verify(stranger.make(ticket: ticket, sequence: 3)) == nil)
    }

    @Test func otherDomainIsRejected() {
        let id = signer.make(ticket: ticket, sequence: 1)
        #expect(signer.verify(id.replacingOccurrences(of: "@example.com", with: "@example.org")) == nil)
        #expect(signer.verify(id.replacingOccurrences(of: "@example.com", with: "@mail.example.com")) == nil)
        #expect(signer.verify(id.replacingOccurrences(of: "@example.com", with: "@example.com.")) == nil)
        #expect(signer.verify(id + "@example.com") == nil)
    }

    @Test func otherPrefixIsRejected() {
        let other = MessageIDSigner(key: AnswerFixture.key, domain: "example.com", prefix: "TK")
        let theirs = other.make(ticket: TicketReference(prefix: "TK", number: 2)!, sequence: 1)
        #expect(other.verify(theirs) != nil)
        #expect(signer.verify(theirs) == nil)
        #expect(other.verify(signer.make(ticket: ticket, sequence: 1)) == nil)
    }

    @Test func garbageIsRejected() {
        let id = signer.make(ticket: ticket, sequence: 3)
        let hex = tag(id)
        let cases = [
            "", "<>", "<", "@", "HD-000002.3@example.com", "HD-000002.3.\(hex)", "HD-000002.3.\(hex)@",
            "HD-000002.3.\(hex)0@example.com", "HD-000002.3.\(hex.dropLast())@example.com",
            "HD-000002.3.zz\(hex.dropFirst(2))@example.com", "HD-000002.03.\(hex)@example.com",
            "HD-000002.0.\(hex)@example.com", "HD-000002.-3.\(hex)@example.com", "HD-2.3.\(hex)@example.com",
            "HD-0000002.3.\(hex)@example.com", "[HD-000002].3.\(hex)@example.com", "HD-000002.3.\(hex).x@example.com",
            "HD-000002..3.\(hex)@example.com", " HD-000002.3.\(hex)@example.com", "<HD-000002.3.\(hex)@example.com",
            "HD-000002.3.\(hex)@example.com>", "HD-000002.3.\(hex)@exa mple.com",
            "HD-000002.3.\(hex)@example.com\r\nBcc: x@y", "HD-000002.٣.\(hex)@example.com",
            String(repeating: "a", count: 10_000),
        ]
        for text in cases { #expect(signer.verify(text) == nil, "\(text)") }
    }

    @Test func configurationProblems() {
        #expect(MessageIDSigner.problem(key: AnswerFixture.key, domain: "example.com", prefix: "HD") == nil)
        #expect(MessageIDSigner.problem(key: [1, 2, 3], domain: "example.com", prefix: "HD")?.contains("32") == true)
        #expect(MessageIDSigner.problem(key: AnswerFixture.key, domain: "exa mple.com", prefix: "HD") != nil)
        #expect(MessageIDSigner.problem(key: AnswerFixture.key, domain: "example.com", prefix: "H-D") != nil)
    }
}
