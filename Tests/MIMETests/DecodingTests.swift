import Testing

@testable import MIME

@Suite struct Base64Tests {
    @Test(arguments: [
        ("aGVsbG8gd29ybGQ=", "hello world"),
        ("aGVs\r\nbG8g\r\nd29y\r\nbGQ=", "hello world"),
        ("aGVsbG8gd29ybGQ", "hello world"),  // missing padding
        ("a G V s b G 8 =", "hello"),  // stray spaces
        ("a\nG\nV\ns\nb\nG\n8\n=", "hello"),  // one character per line
        ("aGVs*bG8!", "hello"),  // garbage skipped
        ("aGVsbA==aGVsbA==", "hellhell"),  // concatenated encodings
        ("", ""),
    ])
    func decodesTolerantly(_ input: String, _ expected: String) {
        #expect(String(decoding: Base64.decode(Array(input.utf8)[...]).bytes, as: UTF8.self) == expected)
    }

    @Test func reportsProblems() {
        #expect(Base64.decode(Array("aGVs*bG8".utf8)[...]).problems.contains(.invalidCharacters))
        #expect(Base64.decode(Array("aGVsb".utf8)[...]).problems.contains(.truncated))
        #expect(Base64.decode(Array("aGVsbA==aGVsbA==".utf8)[...]).problems.contains(.dataAfterPadding))
        #expect(Base64.decode(Array("aGVs\r\nbG8=".utf8)[...]).problems.isEmpty)
    }

    @Test func roundTripsEveryByteValue() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(Base64.decode(Array(Base64.encode(bytes).utf8)[...]).bytes == bytes)
    }
}

@Suite struct QuotedPrintableTests {
    @Test(arguments: [
        ("caf=C3=A9", "café"),
        ("caf=c3=a9", "café"),  // lower-case hex
        ("soft=\r\nbreak", "softbreak"),
        ("soft= \t\r\nbreak", "softbreak"),  // white space after the '='
        ("bare=\nLF", "bareLF"),
        ("1 + 1 = 2", "1 + 1 = 2"),  // invalid escape kept literally
        ("=ZZ", "=ZZ"),
        ("trailing   \r\nspace", "trailing\r\nspace"),
        ("ends with =", "ends with "),
    ])
    func decodes(_ input: String, _ expected: String) {
        #expect(String(decoding: QuotedPrintable.decode(Array(input.utf8)[...]).bytes, as: UTF8.self) == expected)
    }

    @Test func invalidEscapesAreReported() {
        #expect(QuotedPrintable.decode(Array("=ZZ".utf8)[...]).problems.contains(.invalidEscape))
        #expect(QuotedPrintable.decode(Array("=3D".utf8)[...]).problems.isEmpty)
    }

    @Test func qVariantTurnsUnderscoresIntoSpaces() {
        let decoded = QuotedPrintable.decode(Array("a_b=5F".utf8)[...], underscoreIsSpace: true)
        #expect(String(decoding: decoded.bytes, as: UTF8.self) == "a b_")
    }
}

@Suite struct EncodedWordTests {
    func decode(_ value: String) -> (String, [String]) {
        var defects: [String] = []
        let text = EncodedWords.decode(value, defects: &defects)
        return (text, defects)
    }

    @Test(arguments: [
        ("=?utf-8?B?0J/RgNC40LLQtdGC?=", "Привет"),
        ("=?UTF-8?Q?caf=C3=A9_au_lait?=", "café au lait"),
        ("=?iso-8859-1?q?this=20is=20some=20text?=", "this is some text"),
        ("Re: =?utf-8?q?a?= =?utf-8?q?b?=", "Re: ab"),  // white space between words is dropped
        ("=?utf-8?q?a?=\r\n =?utf-8?q?b?= c", "ab c"),
        ("=?utf-8?q?a?= b =?utf-8?q?c?=", "a b c"),  // but not text between them
        ("prefix=?utf-8?q?glued?=suffix", "prefixgluedsuffix"),
        ("=?utf-8*en?q?lang?=", "lang"),  // RFC 2231 language tag
        ("=?utf-8?x?unknown encoding?=", "=?utf-8?x?unknown encoding?="),  // broken words stay readable
        ("=?utf-8?q?unterminated", "=?utf-8?q?unterminated"),
        ("plain subject", "plain subject"),
        ("", ""),
    ])
    func decodesWords(_ input: String, _ expected: String) {
        #expect(decode(input).0 == expected)
    }

    @Test func splitMultiByteCharacterAcrossWordsIsJoined() {
        // "é" is C3 A9; a broken encoder put each byte in its own word.
        #expect(decode("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=").0 == "café")
        #expect(decode("=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=").0 == "éé")
    }

    @Test func encodedLineBreaksCannotInjectHeaders() {
        let (text, _) = decode("=?utf-8?q?Hello=0D=0ABcc:_victim@example.org?=")
        #expect(!text.contains("\r") && !text.contains("\n"))
        #expect(text == "Hello  Bcc: victim@example.org")
    }

    /// Decoded header text is one line: every control character becomes one space, whatever its UTF-8 length,
    /// and the characters around it are kept intact.
    @Test func controlCharactersBecomeSpaces() {
        #expect(EncodedWords.sanitised("a\tb\r\nc\u{0}d\u{7F}e") == "a b  c d e")
        #expect(EncodedWords.sanitised("ä\u{85}€\u{2028}日\u{2029}本\u{9F}") == "ä € 日 本 ")
        #expect(EncodedWords.sanitised("\u{A0}\u{2027}\u{202A}ok") == "\u{A0}\u{2027}\u{202A}ok")  // not controls
        #expect(EncodedWords.sanitised("clean subject") == "clean subject")
        #expect(EncodedWords.sanitised("") == "")
        #expect(decode("=?utf-8?q?tab=09and=C2=85next?=").0 == "tab and next")
    }

    @Test func rawUTF8HeadersAreAccepted() {
        let (text, defects) = decode("Привет, мир")
        #expect(text == "Привет, мир")
        #expect(defects.isEmpty)
    }

    /// `pieces` is the reading `decode` is built on: the pieces cover the value without gap, a run of
    /// encoded words (with the white space the decoder drops after it) decodes to the same text, and
    /// text as written reads as its bytes. A caller can map decoded text back to the raw bytes.
    @Test(arguments: [
        "Re: =?utf-8?q?a?= =?utf-8?q?b?=  tail", "=?utf-8?q?a?=\r\n =?iso-8859-1?q?=E9?= c",
        "prefix=?utf-8?q?glued?=suffix",
        "=?utf-8?x?unknown?= =?utf-8?q?x?=", "=?utf-8?q?caf=C3?= =?utf-8?q?=A9?= ", "plain", "",
        "a =?utf-8?q?unterminated",
        "x =?utf-8?B?YW5uYUBleGFtcGxlLmVkdQ==?= y",
    ])
    func piecesCoverTheValueAndReadAsDecodeReads(_ value: String) {
        let raw = Array(value.utf8)[...]
        var defects: [String] = []
        let pieces = EncodedWords.pieces(raw, defects: &defects)
        var cursor = raw.startIndex
        var text = ""
        for piece in pieces {
            #expect(piece.range.lowerBound == cursor)
            cursor = piece.range.upperBound
            if let decoded = piece.decoded {
                #expect(raw[piece.range].starts(with: Array("=?".utf8)))
                text += decoded
            } else {
                text += String(decoding: raw[piece.range], as: UTF8.self)
            }
        }
        #expect(cursor == (pieces.isEmpty ? raw.startIndex : raw.endIndex))
        #expect(EncodedWords.sanitised(text) == decode(value).0, "\(pieces)")
    }

    @Test func piecesKnowWhereOneWordEndsAndTheNextBegins() {
        var defects: [String] = []
        let joined = EncodedWords.pieces(
            Array("=?utf-8?q?ab?= =?utf-8?q?c?==?utf-8?q?d?=".utf8)[...], defects: &defects)
        #expect(joined.map(\.decoded) == ["abcd"])
        #expect(joined.first?.seams == [2, 3])
        // A character split across two words: no word decodes to its share, so no seam is claimed.
        let split = EncodedWords.pieces(Array("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=".utf8)[...], defects: &defects)
        #expect(split.map(\.decoded) == ["café"] && split.first?.seams == [])
    }

    @Test func piecesUseTheIndicesOfTheSliceGiven() {
        let bytes = Array("Subject: x =?utf-8?q?y?=".utf8)
        var defects: [String] = []
        let pieces = EncodedWords.pieces(bytes[9...], defects: &defects)
        #expect(pieces.map(\.range) == [9..<11, 11..<24])
        #expect(pieces.map(\.decoded) == [nil, "y"])
    }

    @Test func manyWordsAndManyOpenersStayLinear() {
        let words = String(repeating: "=?utf-8?q?a?= ", count: 20_000)
        #expect(decode(words).0 == String(repeating: "a", count: 20_000))
        let openers = String(repeating: "=?", count: 200_000)
        #expect(decode(openers).0.utf8.count == 400_000)
    }
}

@Suite struct ParameterTests {
    func parse(_ value: String) -> ParameterizedValue {
        var defects: [String] = []
        return ParameterizedValue.parse(Array(value.utf8)[...], defects: &defects)
    }

    @Test func quotedAndUnquotedValues() {
        let value = parse(#"Text/Plain; charset="UTF-8"; format=flowed (comment); delsp=yes"#)
        #expect(value.value == "text/plain")
        #expect(value.parameters["charset"] == "UTF-8")
        #expect(value.parameters["format"] == "flowed (comment)" || value.parameters["format"] == "flowed")
        #expect(value.parameters["delsp"] == "yes")
    }

    @Test func escapesInQuotedStrings() {
        #expect(
            parse(#"attachment; filename="a \"quoted\" name.png""#).parameters["filename"] == #"a "quoted" name.png"#)
    }

    @Test func unquotedValueWithSpaces() {
        #expect(parse("attachment; filename=My Screenshot.png").parameters["filename"] == "My Screenshot.png")
    }

    @Test func rfc2231ContinuationsInAnyOrderWithCharset() {
        let value = parse(
            "attachment; filename*1*=%20%D0%B4%D0%BD%D1%8F.png; filename*0*=utf-8'ru'%D0%A1%D0%BD%D0%B8%D0%BC%D0%BE%D0%BA"
        )
        #expect(value.parameters["filename"] == "Снимок дня.png")
    }

    @Test func rfc2231PlainContinuations() {
        let value = parse(#"message/external-body; URL*0="ftp://"; URL*1="example.org/file""#)
        #expect(value.parameters["url"] == "ftp://example.org/file")
    }

    @Test func rfc2231WinsOverThePlainParameter() {
        let value = parse("attachment; filename=fallback.txt; filename*=utf-8''na%C3%AFve.txt")
        #expect(value.parameters["filename"] == "naïve.txt")
    }

    @Test func encodedWordInsideQuotedName() {
        let value = parse(#"image/png; name="=?utf-8?B?0KHQvdC40LzQvtC6LnBuZw==?=""#)
        #expect(value.parameters["name"] == "Снимок.png")
    }

    @Test func hostileParameterFloodIsCapped() {
        var text = "text/plain"
        for index in 0..<5_000 { text += "; p\(index)=v" }
        var defects: [String] = []
        let value = ParameterizedValue.parse(Array(text.utf8)[...], defects: &defects)
        #expect(value.parameters.count == ParameterizedValue.maxParameters)
        #expect(!defects.isEmpty)
    }
}

@Suite struct MagicBytesTests {
    @Test(
        arguments: [
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], "image/png"),
            ([0xFF, 0xD8, 0xFF, 0xE0], "image/jpeg"),
            (Array("GIF89a..".utf8), "image/gif"),
            (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), "image/webp"),
            (Array("%PDF-1.7".utf8), "application/pdf"),
            ([0x50, 0x4B, 0x03, 0x04], "application/zip"),
            (Array("<?xml version=\"1.0\"?>\n<!-- x -->\n<svg xmlns=\"\">".utf8), "image/svg+xml"),
            (Array("  <!DOCTYPE html><html>".utf8), "text/html"),
            (Array("<HTML><BODY>".utf8), "text/html"),
        ] as [([UInt8], String)])
    func detects(_ bytes: [UInt8], _ expected: String) {
        #expect(MagicBytes.detect(bytes) == expected)
    }

    @Test func unknownAndShortInputs() {
        #expect(MagicBytes.detect([UInt8]()) == nil)
        #expect(MagicBytes.detect(Array("hello".utf8)) == nil)
        #expect(MagicBytes.detect([0x89, 0x50]) == nil)
    }
}
