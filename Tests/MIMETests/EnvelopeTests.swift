import Testing

@testable import MIME

@Suite struct EnvelopeTests {
    @Test func encodedWordsWithRaw8BitBytesInDisplayNames() {
        // Old Eudora/Outlook mail (Stalwart's corpus, legacy/009.eml): Q-encoded words that carry raw ISO-8859-1
        // bytes instead of =FC. The bytes belong to the word's charset and must be decoded once.
        var raw = Array("To: =?iso-8859-1?Q?J".utf8) + [0xFC] + Array("rgen?= =?iso-8859-1?Q?_Schm".utf8) + [0xFC]
        raw += Array("rgen?=\r\n  <jschmuergen@example.com>\r\nCc: Heinz M".utf8) + [0xFC]
        raw += Array("ller <M".utf8) + [0xFC] + Array("ller@Example.COM>\r\n\r\nbody".utf8)
        let (envelope, defects) = MIMEParser().parse(raw).envelope()
        #expect(envelope.to == [MailAddress(name: "Jürgen Schmürgen", address: "jschmuergen@example.com")])
        // Outside encoded words 8-bit text is still read as windows-1252, in names and addresses alike, and said once.
        #expect(envelope.cc == [MailAddress(name: "Heinz Müller", address: "Müller@example.com")])
        #expect(defects.map(\.reason) == ["8-bit header text that is not UTF-8; decoded as windows-1252"])
    }

    @Test func utf8DisplayNamesAreUnchanged() {
        let raw = Array("From: \"Jürgen\" <j@example.com>, =?utf-8?B?8J+Ygg==?= <s@example.com>\r\n\r\n".utf8)
        let (envelope, defects) = MIMEParser().parse(raw).envelope()
        #expect(envelope.from.map(\.name) == ["Jürgen", "😂"])
        #expect(defects.isEmpty)
    }
}
