import Testing

@testable import MIME

/// Decodes and returns text and defects, to keep expectations on one line.
private func decode(_ bytes: [UInt8], _ label: String?) -> DecodedText {
    CharsetDecoder.decode(bytes, label: label)
}

/// The bytes of an ASCII string, for building inputs that mix ASCII with raw bytes.
private func ascii(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

@Suite struct CharsetLabelTests {
    @Test(arguments: [
        ("UTF-8", "utf-8"), (" \"utf8\" ", "utf-8"), ("'UTF-8'", "utf-8"), ("x-unicode20utf8", "utf-8"),
        ("unicode-1-1-utf-8", "utf-8"), ("utf-8*en", "utf-8"),
        ("ANSI_X3.4-1968", "us-ascii"), ("646", "us-ascii"), ("ascii", "us-ascii"),
        ("latin1", "iso-8859-1"), ("L1", "iso-8859-1"), ("iso_8859-1", "iso-8859-1"), ("ISO8859-1", "iso-8859-1"),
        ("cp1252", "windows-1252"), ("cp1251", "windows-1251"), ("win-1251", "windows-1251"),
        ("x-cp1250", "windows-1250"), ("koi8r", "koi8-r"), ("csKOI8R", "koi8-r"),
        ("x-gbk", "gbk"), ("cp936", "gbk"), ("euc-cn", "gb2312"), ("GB18030", "gb18030"),
        ("x-euc-jp", "euc-jp"), ("x-sjis", "shift_jis"), ("Shift_JIS", "shift_jis"), ("cp932", "windows-31j"),
        ("x-euc-kr", "euc-kr"), ("ks_c_5601-1987", "cp949"), ("ISO-2022-JP", "iso-2022-jp"),
        ("iso-8859-8-i", "iso-8859-8"), ("x-mac-roman", "macintosh"), ("UTF-7", "utf-7"),
        ("tis620", "tis-620"), ("cp874", "windows-874"), ("latin9", "iso-8859-15"), ("utf-16le", "utf-16le"),
    ])
    func aliasesResolveToCanonicalNames(label: String, name: String) {
        #expect(Charset(label: label)?.name == name)
        #expect(Charset(label: label)?.description == name)
    }

    @Test func labelsOnlyIconvKnowsAreAccepted() {
        #expect(Charset(label: "CP850")?.name == "cp850")
        #expect(Charset(label: "IBM437")?.name == "ibm437")
    }

    @Test(arguments: [
        "x-foo", "", "  ", "UTF-8//TRANSLIT", "utf-8\0", "../../etc/passwd", "utf 8", String(repeating: "a", count: 41),
        "ütf-8",
    ])
    func unknownOrUnsafeLabelsAreRejected(label: String) {
        #expect(Charset(label: label) == nil)
    }

    @Test func equalLabelsGiveEqualCharsets() {
        #expect(Charset(label: "latin1") == Charset(label: "ISO-8859-1"))
        #expect(Charset(label: "koi8-r") != Charset(label: "koi8-u"))
    }
}

@Suite struct CharsetFastPathTests {
    @Test func cleanUTF8HasNoDefects() {
        let result = decode(ascii("Grüße, Привет, 日本語, 😀"), "utf-8")
        #expect(result == DecodedText(text: "Grüße, Привет, 日本語, 😀", defects: []))
    }

    @Test func utf8ByteOrderMarkIsDropped() {
        #expect(decode([0xEF, 0xBB, 0xBF] + ascii("hi"), "utf-8").text == "hi")
    }

    @Test func invalidUTF8IsRepairedNotReinterpreted() {
        // A latin1 é inside "utf-8" text: replaced, not guessed as another charset.
        let result = decode(ascii("caf") + [0xE9] + ascii(" ok"), "utf-8")
        #expect(result.text == "caf\u{FFFD} ok")
        #expect(result.defects == ["invalid utf-8 sequences replaced"])
    }

    @Test func truncatedUTF8AtEndIsReplaced() {
        let result = decode(ascii("ab") + [0xE6, 0x97], "UTF-8")
        #expect(result.text == "ab\u{FFFD}")
        #expect(result.defects == ["invalid utf-8 sequences replaced"])
    }

    @Test func manyInvalidBytesGiveOneDefect() {
        let result = decode([UInt8](repeating: 0xFF, count: 10_000), "utf-8")
        #expect(result.defects == ["invalid utf-8 sequences replaced"])
        #expect(result.text.unicodeScalars.count == 10_000)
    }

    @Test func asciiIsClean() {
        #expect(decode(ascii("plain text\r\n"), "us-ascii") == DecodedText(text: "plain text\r\n", defects: []))
        #expect(decode(ascii("plain text"), nil) == DecodedText(text: "plain text", defects: []))
    }

    @Test func eightBitUnderAsciiLabelIsReadAsUTF8WhenValid() {
        let result = decode(ascii("naïve"), "us-ascii")
        #expect(result.text == "naïve")
        #expect(result.defects == [#"charset label "us-ascii" but 8-bit bytes present; decoded as utf-8"#])
    }

    @Test func eightBitUnderAsciiLabelFallsBackToWindows1252() {
        let result = decode(ascii("na") + [0xEF] + ascii("ve ") + [0x93, 0x71, 0x94], "ascii")
        #expect(result.text == "naïve “q”")
        #expect(result.defects == [#"charset label "us-ascii" but 8-bit bytes present; decoded as windows-1252"#])
    }

    @Test func eightBitWithoutLabelIsReported() {
        let utf8 = decode(ascii("Grüße"), nil)
        #expect(utf8.text == "Grüße")
        #expect(utf8.defects == ["no charset label but 8-bit bytes present; decoded as utf-8"])
        let legacy = decode([0x47, 0x72, 0xFC, 0xDF, 0x65], nil)
        #expect(legacy.text == "Grüße")
        #expect(legacy.defects == ["no charset label but 8-bit bytes present; decoded as windows-1252"])
    }

    @Test func latin1IsReadAsWindows1252() {
        // Outlook's curly quotes, dash and euro, in mail labelled iso-8859-1.
        let bytes: [UInt8] = [0x93, 0x43, 0x61, 0x66, 0xE9, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35]
        #expect(decode(bytes, "iso-8859-1") == DecodedText(text: "“Café” – €5", defects: []))
        #expect(decode(bytes, "latin1").text == "“Café” – €5")
    }

    @Test func windows1252CoversEveryByte() {
        // The five bytes Microsoft leaves undefined become C1 controls (WHATWG), not losses.
        let result = decode([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x9F, 0xA0, 0xFF], "windows-1252")
        #expect(result.text == "\u{81}\u{8D}\u{8F}\u{90}\u{9D}Ÿ\u{A0}ÿ")
        #expect(result.defects.isEmpty)
        let all = decode((0...255).map { UInt8($0) }, "cp1252")
        #expect(all.text.unicodeScalars.count == 256)
        #expect(all.defects.isEmpty)
    }

    @Test func asciiRunsAroundHighBytesSurviveTheWordAtATimeCopy() {
        // Lengths around the eight-byte stride, with the high byte in every position.
        for length in 1...20 {
            for position in 0..<length {
                var bytes = [UInt8](repeating: 0x61, count: length)
                bytes[position] = 0xE9
                var expected = String(repeating: "a", count: length)
                let index = expected.index(expected.startIndex, offsetBy: position)
                expected.replaceSubrange(index...index, with: "é")
                #expect(decode(bytes, "windows-1252").text == expected)
                #expect(decode(bytes, "iso-8859-15").text == expected)
            }
        }
    }
}

@Suite struct CharsetSingleByteTests {
    @Test func cyrillic() {
        let privet = "Привет"
        #expect(decode([0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "koi8-r") == DecodedText(text: privet, defects: []))
        #expect(decode([0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "windows-1251") == DecodedText(text: privet, defects: []))
        #expect(decode([0xF0, 0xD2, 0xC9, 0xD7, 0xA6, 0xD4], "koi8-u").text == "Привіт")
        #expect(decode([0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2], "iso-8859-5").text == privet)
    }

    @Test func otherSingleByteCharsets() {
        #expect(decode([0xA3, 0xF3, 0x64, 0xBC], "iso-8859-2").text == "Łódź")
        #expect(decode([0xC5, 0xEB, 0xEB, 0xE7, 0xED, 0xE9, 0xEA, 0xDC], "iso-8859-7").text == "Ελληνικά")
        #expect(decode([0xF9, 0xEC, 0xE5, 0xED], "iso-8859-8-i").text == "שלום")
        #expect(decode([0x43, 0x61, 0x66, 0x8E], "x-mac-roman").text == "Café")
        #expect(decode([0xC0, 0xD2, 0xC9, 0xD2, 0xE4, 0xB7, 0xC2], "tis-620").text == "ภาษาไทย")
        #expect(decode([0x80, 0x20, 0xA4], "iso-8859-15").text == "\u{80} €")
        #expect(decode([0x54, 0x69, 0xEA, 0xEC, 0x6E, 0x67], "windows-1258").text == "Tiếng")
    }

    @Test func statefulIconvCharsetsKeepTheirLastCharacter() {
        // iconv holds a windows-1258/1255 letter back in case a combining mark follows; only the final
        // flush releases it.
        #expect(decode([0x54, 0x69, 0xEA], "windows-1258") == DecodedText(text: "Tiê", defects: []))
        #expect(decode([0xF9, 0xEC], "windows-1255") == DecodedText(text: "של", defects: []))
    }

    @Test func holesInTheC1RangeAreControlsNotLosses() {
        // 0x98 has no character in windows-1251, 0x81 none in windows-1254 (which reads iso-8859-9).
        #expect(decode([0x98, 0xC0], "windows-1251") == DecodedText(text: "\u{98}А", defects: []))
        #expect(decode([0x81, 0xD0], "iso-8859-9") == DecodedText(text: "\u{81}Ğ", defects: []))
    }

    @Test func undefinedSingleByteIsReplacedWithDefect() {
        // 0xA5 has no character in ISO-8859-3.
        let result = decode([0x61, 0xA5, 0x62], "iso-8859-3")
        #expect(result.text == "a\u{FFFD}b")
        #expect(result.defects == ["invalid byte sequences in iso-8859-3 replaced"])
    }
}

@Suite struct CharsetMultiByteTests {
    let nihongo = "日本語"

    @Test func shiftJIS() {
        let bytes: [UInt8] = [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA]
        #expect(decode(bytes, "Shift_JIS") == DecodedText(text: nihongo, defects: []))
        #expect(decode(bytes, "x-sjis").text == nihongo)
        // NEC row 13 (①, ㈱) and half-width katakana are CP932, which real Shift_JIS mail uses.
        #expect(decode([0x87, 0x40, 0x87, 0x8A, 0xB1], "shift_jis").text == "①㈱ｱ")
    }

    @Test func eucJP() {
        #expect(decode([0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC], "euc-jp") == DecodedText(text: nihongo, defects: []))
        #expect(decode([0xAD, 0xA1, 0xAD, 0xEA], "x-euc-jp").text == "①㈱")
    }

    @Test func iso2022JP() {
        let bytes: [UInt8] = [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42]
        #expect(decode(ascii("Re: ") + bytes + ascii("!"), "iso-2022-jp") == DecodedText(text: "Re: 日本語!", defects: []))
    }

    @Test func iso2022JPToleratesWhatMailersSend() {
        // Half-width katakana designated with ESC ( I.
        #expect(decode([0x1B, 0x28, 0x49, 0x31, 0x1B, 0x28, 0x42], "iso-2022-jp").text == "ｱ")
        // NEC row 13 inside ESC $ B, as Outlook writes ① and ㈱.
        #expect(decode([0x1B, 0x24, 0x42, 0x2D, 0x21, 0x2D, 0x6A, 0x1B, 0x28, 0x42], "iso-2022-jp").text == "①㈱")
        // No ESC ( B before the end, a line break inside double-byte mode.
        let unterminated: [UInt8] = [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x0D, 0x0A, 0x4B, 0x5C]
        #expect(decode(unterminated, "iso-2022-jp") == DecodedText(text: "日\r\n本", defects: []))
    }

    @Test func iso2022JPOtherCharsetsGoThroughISO2022JP2() {
        // ESC . A puts ISO-8859-1 in G2; ESC N shifts one character from it.
        #expect(decode(ascii("caf") + [0x1B, 0x2E, 0x41, 0x1B, 0x4E, 0x69], "iso-2022-jp").text == "café")
    }

    @Test func iso2022JPTruncatedDoubleByte() {
        let result = decode([0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B], "iso-2022-jp")
        #expect(result.text == "日\u{FFFD}")
        #expect(!result.defects.isEmpty)
    }

    @Test func chinese() {
        let zhongwen: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4]
        for label in ["gb2312", "GBK", "gb18030", "cp936"] {
            #expect(decode(zhongwen, label) == DecodedText(text: "中文", defects: []))
        }
        // A four-byte GB18030 sequence, outside GBK, read even under a gb2312 label.
        #expect(decode([0x94, 0x39, 0xFC, 0x36, 0xA2, 0xE3], "gb2312").text == "😀€")
    }

    @Test func big5() {
        #expect(decode([0xA4, 0xA4, 0xA4, 0xE5, 0xA3, 0xE1], "big5") == DecodedText(text: "中文€", defects: []))
        // An HKSCS-only character under a plain big5 label: the HKSCS reading is cleaner and wins.
        #expect(decode([0x88, 0x40, 0xA4, 0xA4], "big5") == DecodedText(text: "㇀中", defects: []))
        #expect(decode([0x88, 0x40], "big5-hkscs").text == "㇀")
    }

    @Test func korean() {
        #expect(decode([0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE], "euc-kr") == DecodedText(text: "한국어", defects: []))
        // 똠 exists only in CP949's extension, which Windows labels ks_c_5601-1987 (and sometimes euc-kr).
        #expect(decode([0x8C, 0x63], "ks_c_5601-1987").text == "똠")
        #expect(decode([0x8C, 0x63], "euc-kr").text == "똠")
    }

    @Test func utf7FlushesItsShiftState() {
        #expect(decode(ascii("+BB8EQAQ4BDIENQRC-"), "utf-7") == DecodedText(text: "Привет", defects: []))
        // No closing "-": the text is still all there once iconv is flushed.
        #expect(decode(ascii("+BB8EQAQ4BDIENQRC"), "UTF-7").text == "Привет")
        #expect(decode(ascii("Hi Mom -+Jjo--!"), "utf-7").text == "Hi Mom -☺-!")
    }

    @Test func truncatedMultibyteAtEndIsReplaced() {
        let result = decode([0xD6, 0xD0, 0xCE], "gb18030")
        #expect(result.text == "中\u{FFFD}")
        #expect(result.defects == ["truncated multibyte sequence at end of gb18030 replaced"])
    }

    @Test func invalidBytesAreReplacedAndDecodingGoesOn() {
        // 0x80 and 0xA0 are not Shift_JIS characters; the text around them must survive.
        let result = decode([0x93, 0xFA, 0x80, 0x96, 0x7B, 0xA0, 0x41], "shift_jis")
        #expect(result.text == "日\u{FFFD}本\u{FFFD}A")
        #expect(result.defects == ["invalid byte sequences in shift_jis replaced"])
    }

    @Test func labelsOnlyIconvKnowsAreDecoded() {
        // CP850 (DOS Latin-1): 0x82 is é.
        #expect(decode([0x63, 0x61, 0x66, 0x82], "cp850") == DecodedText(text: "café", defects: []))
    }
}

@Suite struct CharsetUnicodeTests {
    @Test func utf16WithByteOrderMark() {
        #expect(decode([0xFE, 0xFF, 0x00, 0x48, 0x04, 0x1F], "utf-16") == DecodedText(text: "HП", defects: []))
        #expect(decode([0xFF, 0xFE, 0x48, 0x00, 0x1F, 0x04], "utf-16") == DecodedText(text: "HП", defects: []))
    }

    @Test func utf16WithoutByteOrderMarkIsGuessed() {
        // ASCII-rich little-endian text: NULs at odd positions.
        #expect(decode([0x48, 0x00, 0x69, 0x00, 0x1F, 0x04], "utf-16").text == "HiП")
        #expect(decode([0x00, 0x48, 0x00, 0x69, 0x04, 0x1F], "utf-16").text == "HiП")
        // No NULs to go by: big-endian, per RFC 2781.
        #expect(decode([0x65, 0xE5, 0x67, 0x2C], "utf-16").text == "日本")
    }

    @Test func utf16ExplicitByteOrder() {
        #expect(decode([0x65, 0xE5, 0x67, 0x2C], "utf-16be").text == "日本")
        #expect(decode([0xE5, 0x65, 0x2C, 0x67], "UTF-16LE").text == "日本")
        // Surrogate pair.
        #expect(decode([0x3D, 0xD8, 0x00, 0xDE], "utf-16le").text == "😀")
    }

    @Test func brokenUTF16IsRepaired() {
        // A lone high surrogate, then an odd trailing byte.
        let result = decode([0xD8, 0x3D, 0x00, 0x41, 0x00], "utf-16be")
        #expect(result.text == "\u{FFFD}A\u{FFFD}")
        #expect(result.defects == ["invalid utf-16be sequences replaced"])
    }

    @Test func utf32() {
        #expect(decode([0x00, 0x00, 0xFE, 0xFF, 0x00, 0x01, 0xF6, 0x00], "utf-32").text == "😀")
        #expect(decode([0x41, 0x00, 0x00, 0x00, 0x00, 0xF6, 0x01, 0x00], "utf-32").text == "A😀")
        let invalid = decode([0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0xD8, 0x00], "utf-32be")
        #expect(invalid.text == "\u{FFFD}\u{FFFD}")
        #expect(invalid.defects == ["invalid utf-32be sequences replaced"])
    }
}

@Suite struct CharsetFallbackTests {
    @Test func unknownLabelWithUTF8Bytes() {
        let result = decode(ascii("Grüße"), "x-foo")
        #expect(result.text == "Grüße")
        #expect(result.defects == [#"unknown charset "x-foo"; decoded as utf-8"#])
    }

    @Test func unknownLabelWithLegacyBytes() {
        let result = decode([0x93, 0x68, 0xE9, 0x94], "unknown-8bit")
        #expect(result.text == "“hé”")
        #expect(result.defects == [#"unknown charset "unknown-8bit"; decoded as windows-1252"#])
    }

    @Test func hostileLabelsAreSanitisedInDefects() {
        let long = decode(ascii("x"), String(repeating: "A", count: 10_000))
        #expect(long.text == "x")
        #expect(
            long.defects == [#"unknown charset ""# + String(repeating: "A", count: 64) + #"..."; decoded as utf-8"#])

        let weird = decode(ascii("x"), "utf-8\"; evil\r\n\u{1B}[31m\\é")
        #expect(weird.text == "x")
        #expect(weird.defects == [#"unknown charset "utf-8?; evil???[31m??"; decoded as utf-8"#])
    }

    @Test func labelsWithIconvSuffixesAreNeverPassedOn() {
        // glibc would honour //TRANSLIT or //IGNORE; such labels are refused before iconv sees them.
        let result = decode([0xE9], "ISO-8859-1//IGNORE")
        #expect(result.text == "é")
        #expect(result.defects == [#"unknown charset "ISO-8859-1//IGNORE"; decoded as windows-1252"#])
    }

    @Test func blankLabelMeansNoLabel() {
        #expect(decode(ascii("hi"), "\"\"") == DecodedText(text: "hi", defects: []))
    }

    @Test(arguments: [
        nil, "utf-8", "us-ascii", "iso-8859-1", "koi8-r", "shift_jis", "iso-2022-jp", "utf-7", "utf-16", "utf-32",
        "x-foo", "big5",
    ])
    func emptyInputIsEmptyAndClean(label: String?) {
        #expect(decode([], label) == DecodedText(text: "", defects: []))
    }

    @Test func sliceInputIsDecodedByItsOwnBounds() {
        let bytes: [UInt8] = [0xFF] + ascii("Привет") + [0xFF]
        #expect(CharsetDecoder.decode(bytes[1..<(bytes.count - 1)], label: "utf-8").text == "Привет")
    }
}

@Suite struct CharsetLargeInputTests {
    /// About 5 MB, so iconv's output crosses many 64 KiB chunks and multibyte characters straddle them.
    static let repetitions = 5 << 20 / 16

    @Test func largeUTF8() {
        let line = "Grüße 日本 😀\n"
        let result = decode(Array(String(repeating: line, count: Self.repetitions).utf8), "utf-8")
        #expect(result.defects.isEmpty)
        #expect(result.text.utf8.count == line.utf8.count * Self.repetitions)
        #expect(result.text.hasSuffix(line + line))
    }

    @Test func largeSingleByte() {
        let koi8: [UInt8] = [
            0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4, 0x2C, 0x20, 0x6D, 0x69, 0x72, 0x21, 0x21, 0x21, 0x21, 0x0A,
        ]
        let expected = String(repeating: "Привет, mir!!!!\n", count: Self.repetitions)
        let result = decode(Array([[UInt8]](repeating: koi8, count: Self.repetitions).joined()), "koi8-r")
        #expect(result == DecodedText(text: expected, defects: []))
    }

    @Test func largeWindows1252() {
        let line: [UInt8] = [
            0x93, 0x43, 0x61, 0x66, 0xE9, 0x94, 0x20, 0x96, 0x20, 0x80, 0x35, 0x20, 0x20, 0x20, 0x20, 0x0A,
        ]
        let expected = String(repeating: "“Café” – €5    \n", count: Self.repetitions)
        let result = decode(Array([[UInt8]](repeating: line, count: Self.repetitions).joined()), "iso-8859-1")
        #expect(result == DecodedText(text: expected, defects: []))
    }

    @Test func largeShiftJISThroughIconv() {
        // Each line is 19 bytes of UTF-8, so the 64 KiB output chunks end inside characters at every offset.
        let line: [UInt8] = [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA] + ascii("abcdefghi\n")
        let expected = String(repeating: "日本語abcdefghi\n", count: Self.repetitions)
        let result = decode(Array([[UInt8]](repeating: line, count: Self.repetitions).joined()), "shift_jis")
        #expect(result == DecodedText(text: expected, defects: []))
    }
}

@Suite struct CharsetConcurrencyTests {
    @Test func decodesFromManyTasksAtOnce() async {
        let cases: [([UInt8], String, String)] = [
            ([0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "koi8-u", "Привет"),
            ([0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "windows-1251", "Привет"),
            ([0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "shift_jis", "日本語"),
            ([0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42], "iso-2022-jp", "日本語"),
            (ascii("+BB8EQAQ4BDIENQRC-"), "utf-7", "Привет"),
        ]
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<32 {
                group.addTask {
                    var failures = 0
                    for round in 0..<200 {
                        let (bytes, label, expected) = cases[(task + round) % cases.count]
                        if CharsetDecoder.decode(bytes, label: label).text != expected { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
