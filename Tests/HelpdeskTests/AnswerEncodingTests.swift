import Incident
import MIME
import Testing

@testable import Helpdesk

@Suite struct AnswerEncodingTests {
    func decode(_ words: [String]) -> String {
        var defects: [String] = []
        let text = EncodedWords.decode(words.joined(separator: " "), defects: &defects)
        #expect(defects.isEmpty)
        return text
    }

    @Test func encodedWordsKeepCharactersWhole() {
        let family = "👩‍👩‍👧‍👦"  // 25 bytes: fits a word, so never split
        let zalgo = "Z" + String(repeating: "\u{0301}", count: 40)  // one cluster of 81 bytes
        for text in ["Привет, мир", String(repeating: family, count: 5), zalgo + " end", "a", "🇩🇪🇫🇷🇬🇧"] {
            let words = HeaderWriter.encodedWords(text)
            #expect(decode(words) == text)
            for word in words {
                #expect(word.count <= 75)
                let payload = Base64.decode(Array(word.dropFirst(10).dropLast(2).utf8)[...]).bytes
                #expect(String(validating: payload, as: UTF8.self) != nil, "whole scalars per word")
            }
        }
        let families = HeaderWriter.encodedWords(String(repeating: family, count: 5))
        for word in families {
            let payload = Base64.decode(Array(word.dropFirst(10).dropLast(2).utf8)[...]).bytes
            #expect(String(decoding: payload, as: UTF8.self).allSatisfy { $0 == Character(family) })
        }
    }

    @Test func quotedPrintableRoundTrip() {
        let texts = [
            "Hello,\n\nplain text.\n",
            "trailing space \nand tab\t\n",
            "=equals= and 100% ü ö — “quotes” 🎓\n",
            String(repeating: "long line without breaks ", count: 20) + "\n",
            String(repeating: "é", count: 100) + "\n",
            ".\n.leading dot\nFrom here\nFrom: not mbox\n",
            "no final newline",
        ]
        for text in texts {
            let encoded = QuotedPrintableEncoder.encode(text)
            let lines = String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.last == "")
            for line in lines {
                #expect(line.utf8.count <= 76)
                #expect(!line.hasPrefix("."))
                #expect(!line.hasPrefix("From "))
                #expect(line.last != " " && line.last != "\t")
            }
            #expect(encoded.allSatisfy { $0 < 0x80 })
            let decoded = QuotedPrintable.decode(encoded[...]).bytes
            let expected = text.hasSuffix("\n") ? text : text + "\n"
            let crlf = expected.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
            #expect(String(decoding: decoded, as: UTF8.self) == crlf)
        }
    }

    @Test func textFormats() {
        let t = AnswerFixture.utc(2024, 11, 12, 7, 47, 59)
        #expect(AnswerText.deadline(t) == "Tue 12 Nov 2024, 07:47 UTC")
        #expect(AnswerText.rfc5322Date(t) == "Tue, 12 Nov 2024 07:47:59 +0000")
        #expect(AnswerText.rfc5322Date(0) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(AnswerText.rfc5322Date(-1) == "Wed, 31 Dec 1969 23:59:59 +0000")
        #expect(AnswerText.period(24 * 3600) == "24 hours")
        #expect(AnswerText.period(3600) == "1 hour")
        #expect(AnswerText.period(8 * 3600, qualifier: "working") == "8 working hours")
        #expect(AnswerText.period(90 * 60) == "90 minutes")
        #expect(AnswerText.size(25 << 20) == "25 MB")
        #expect(AnswerText.size(512 << 10) == "512 KB")
        #expect(AnswerText.size(3 << 29) == "1.5 GB")
        #expect(AnswerText.size(900) == "900 bytes")
    }

    @Test func promptsForEveryDefaultField() {
        for field in IncidentField.defaultRequired {
            #expect(AnswerText.prompt(for: field, custom: [:]) == AnswerText.builtInPrompts[field])
        }
        #expect(AnswerText.prompt(for: .server, custom: [:]).contains("https://proctor.example.edu"))
        #expect(
            AnswerText.prompt(for: .detectedAt, custom: [:])
                == "when you noticed the problem (date, time and time zone)")
        #expect(AnswerText.prompt(for: .screenshots, custom: [:]) == "a screenshot that shows the problem")
        let room = IncidentField("exam_room")
        #expect(AnswerText.prompt(for: room, custom: [:]) == "the exam room")
        #expect(AnswerText.prompt(for: room, custom: [room: "the room\r\nBcc: x"]) == "the room Bcc: x")
    }

    @Test func addressesAndIDs() throws {
        #expect(
            try EmailAddress(validating: "Daniel.Okafor+exam@Mail.Example.ORG").value
                == "Daniel.Okafor+exam@mail.example.org")
        #expect(MessageID("<a.b@c.d>")?.value == "a.b@c.d")
        #expect(MessageID("a@[192.0.2.1]")?.value == "a@[192.0.2.1]")
        for bad in ["", "a", "a@", "@b", "a b@c", "a@b c", "<a@b", "a@b@c", "a\r@b", "\"a\"@b", "a@[x]y", "ä@b"] {
            #expect(MessageID(bad) == nil, "\(bad)")
        }
    }

    @Test func headerWriterRefusesUnsafeValues() {
        var writer = HeaderWriter()
        #expect(throws: AnswerError.self) { try writer.addToken("X-Test", "a\r\nBcc: x") }
        #expect(throws: AnswerError.self) { try writer.addToken("Bad Name", "a") }
        #expect(throws: AnswerError.self) { try writer.addToken("Bad:Name", "a") }
        #expect(throws: AnswerError.self) { try writer.addText("Subject", "\r\n\t ") }
        #expect(throws: AnswerError.self) { try writer.addMessageIDs("References", []) }
        #expect(writer.bytes.isEmpty)
    }
}
