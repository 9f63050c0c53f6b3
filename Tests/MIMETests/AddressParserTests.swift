import Testing

@testable import MIME

/// One address-list header value and the exact mailboxes it must give.
struct AddressCase: Sendable, CustomTestStringConvertible {
    let input: String
    let expected: [MailAddress]

    init(_ input: String, _ expected: [MailAddress]) {
        self.input = input
        self.expected = expected
    }

    var testDescription: String { input.debugDescription }
}

private func box(_ name: String?, _ address: String, group: String? = nil, ambiguous: Bool = false) -> MailAddress {
    MailAddress(name: name, address: address, group: group, isAmbiguous: ambiguous)
}

@Suite struct AddressParserTests {
    static let basic: [AddressCase] = [
        AddressCase("John Doe <john@example.com>", [box("John Doe", "john@example.com")]),
        AddressCase("\"Last, First\" <first.last@example.com>", [box("Last, First", "first.last@example.com")]),
        AddressCase("john@example.com (John Doe)", [box("John Doe", "john@example.com")]),
        AddressCase("<john@example.com> (John Doe)", [box("John Doe", "john@example.com")]),
        AddressCase("John Doe <john@example.com> (work)", [box("John Doe", "john@example.com")]),
        AddressCase("john@example.com", [box(nil, "john@example.com")]),
        AddressCase("<john@example.com>", [box(nil, "john@example.com")]),
        AddressCase("John Q. Public <jqp@example.com>", [box("John Q. Public", "jqp@example.com")]),
        AddressCase("\"John \\\"JD\\\" Doe\" <jd@example.com>", [box("John \"JD\" Doe", "jd@example.com")]),
        AddressCase("John (the man) Doe <jd@example.com>", [box("John Doe", "jd@example.com")]),
        AddressCase("jd@example.com (John (JD) Doe)", [box("John (JD) Doe", "jd@example.com")]),
        AddressCase("jd@example.com ()", [box(nil, "jd@example.com")]),
        AddressCase("\"\" <jd@example.com>", [box(nil, "jd@example.com")]),
        AddressCase("\"jd@example.com\" <jd@example.com>", [box("jd@example.com", "jd@example.com")]),
        AddressCase("[EXTERNAL] John <jd@example.com>", [box("[EXTERNAL] John", "jd@example.com")]),
        AddressCase("John.Doe@Example.COM", [box(nil, "John.Doe@example.com")]),
    ]

    static let lists: [AddressCase] = [
        AddressCase(
            "\"Doe, John\" <john@example.com>, jane@example.com, \"Smith, Bob\" <bob@example.com>",
            [box("Doe, John", "john@example.com"), box(nil, "jane@example.com"), box("Smith, Bob", "bob@example.com")]
        ),
        AddressCase("a@example.com,,, ,b@example.com,", [box(nil, "a@example.com"), box(nil, "b@example.com")]),
        // Outlook-style semicolons separate like commas outside a group.
        AddressCase("a@example.com; B <b@example.com>", [box(nil, "a@example.com"), box("B", "b@example.com")]),
        // No comma between two bracketed addresses.
        AddressCase("<a@example.com> <b@example.com>", [box(nil, "a@example.com"), box(nil, "b@example.com")]),
        AddressCase(
            "A <a@example.com> B <b@example.com>", [box("A", "a@example.com"), box("B", "b@example.com")]
        ),
        AddressCase("", []),
        AddressCase(" \r\n\t ", []),
        AddressCase(",;,", []),
    ]

    static let groups: [AddressCase] = [
        AddressCase("undisclosed-recipients:;", []),
        AddressCase("Undisclosed recipients: ;", []),
        AddressCase(
            "Team: a@x.example, B <b@y.example>;",
            [box(nil, "a@x.example", group: "Team"), box("B", "b@y.example", group: "Team")]
        ),
        AddressCase(
            "Team: a@x.example;, c@z.example",
            [box(nil, "a@x.example", group: "Team"), box(nil, "c@z.example")]
        ),
        AddressCase(
            "\"My Team\" (ops): a@x.example, b@y.example; Boss <boss@z.example>",
            [
                box(nil, "a@x.example", group: "My Team"), box(nil, "b@y.example", group: "My Team"),
                box("Boss", "boss@z.example"),
            ]
        ),
        // An unterminated group still yields its members.
        AddressCase("Team: a@x.example", [box(nil, "a@x.example", group: "Team")]),
        AddressCase("x@a.example, Empty:;, y@b.example", [box(nil, "x@a.example"), box(nil, "y@b.example")]),
    ]

    static let localParts: [AddressCase] = [
        AddressCase("\"john..doe\"@example.com", [box(nil, "\"john..doe\"@example.com")]),
        AddressCase("\"john doe\"@example.com", [box(nil, "\"john doe\"@example.com")]),
        AddressCase("\"john\"@example.com", [box(nil, "john@example.com")]),
        AddressCase("John <\"john doe\"@example.com>", [box("John", "\"john doe\"@example.com")]),
        AddressCase("\"john\\\"q\"@example.com", [box(nil, "\"john\\\"q\"@example.com")]),
        AddressCase("\".john\"@example.com", [box(nil, "\".john\"@example.com")]),
        AddressCase("john.\"doe\"@example.com", [box(nil, "john.doe@example.com")]),
        AddressCase("user+tag@example.com", [box(nil, "user+tag@example.com")]),
        // Several "@": the last one separates local part and domain, the rest stays as written.
        AddressCase("john@doe@example.com", [box(nil, "john@doe@example.com", ambiguous: true)]),
        AddressCase("<a@b@EXAMPLE.com>", [box(nil, "a@b@example.com", ambiguous: true)]),
        // Broken input: a local part alone, or an empty domain.
        AddressCase("postmaster", [box(nil, "postmaster")]),
        AddressCase("<postmaster>", [box(nil, "postmaster")]),
        AddressCase("john@", [box(nil, "john@")]),
        // Whitespace around "@" (obsolete CFWS) is not part of the address.
        AddressCase("john @ example.com", [box(nil, "john@example.com")]),
        AddressCase("<john . doe @ example.com>", [box(nil, "john.doe@example.com")]),
    ]

    static let domains: [AddressCase] = [
        AddressCase("Ivan <ivan@ПРИМЕР.РФ>", [box("Ivan", "ivan@пример.рф")]),
        AddressCase("ivan@XN--E1AFMKFD.XN--P1AI", [box(nil, "ivan@xn--e1afmkfd.xn--p1ai")]),
        AddressCase("user@[192.0.2.1]", [box(nil, "user@[192.0.2.1]")]),
        AddressCase("Admin <root@[IPv6:2001:DB8::1]>", [box("Admin", "root@[ipv6:2001:db8::1]")]),
        AddressCase("user@[ 192.0.2.1 ]", [box(nil, "user@[192.0.2.1]")]),
        // Obsolete route: dropped.
        AddressCase(
            "<@route1.example,@route2.example:jdoe@example.com>", [box(nil, "jdoe@example.com", ambiguous: true)]),
        AddressCase("Jane <@relay.example:jane@example.com>", [box("Jane", "jane@example.com", ambiguous: true)]),
    ]

    static let unicode: [AddressCase] = [
        AddressCase("Иван Петров <иван@пример.рф>", [box("Иван Петров", "иван@пример.рф")]),
        AddressCase("\"用户\" <用户@例子.广告>", [box("用户", "用户@例子.广告")]),
        AddressCase("δοκιμή@παράδειγμα.δοκιμή", [box(nil, "δοκιμή@παράδειγμα.δοκιμή")]),
        AddressCase("Jürgen Müller <jürgen@MÜLLER.example>", [box("Jürgen Müller", "jürgen@müller.example")]),
        // RFC 2047 encoded words stay encoded for the caller.
        AddressCase("=?utf-8?B?0J/RgNC40LLQtdGC?= <a@b.example>", [box("=?utf-8?B?0J/RgNC40LLQtdGC?=", "a@b.example")]),
        AddressCase(
            "=?utf-8?Q?J=C3=BCrgen?=  =?utf-8?Q?M=C3=BCller?= <j@m.example>",
            [box("=?utf-8?Q?J=C3=BCrgen?= =?utf-8?Q?M=C3=BCller?=", "j@m.example")]
        ),
        AddressCase(
            "\"=?utf-8?B?0J/RgNC40LLQtdGC?=\" <a@b.example>", [box("=?utf-8?B?0J/RgNC40LLQtdGC?=", "a@b.example")]),
    ]

    static let broken: [AddressCase] = [
        // Missing ">".
        AddressCase("John <john@example.com", [box("John", "john@example.com")]),
        AddressCase(
            "John <john@example.com, Jane <jane@example.com>",
            [box("John", "john@example.com"), box("Jane", "jane@example.com")]
        ),
        AddressCase("<<john@example.com>>", [box(nil, "john@example.com", ambiguous: true)]),
        AddressCase("john@example.com>", [box(nil, "john@example.com")]),
        // Missing closing quote: the name ends where the address starts.
        AddressCase("\"John Doe <john@example.com>", [box("John Doe", "john@example.com")]),
        AddressCase(
            "\"Last, First <a@example.com>, b@example.com",
            [box("Last, First", "a@example.com"), box(nil, "b@example.com")]
        ),
        AddressCase("John\" <john@example.com>", [box("John", "john@example.com")]),
        // Null addresses are skipped in lists.
        AddressCase("<>", []),
        AddressCase("Nobody <>, a@example.com", [box(nil, "a@example.com")]),
        // A display name without any address gives nothing to reply to.
        AddressCase("John Doe", []),
        AddressCase("\"John Doe\"", []),
        AddressCase("John Doe, a@example.com", [box(nil, "a@example.com")]),
        // No angle brackets around the address of a named mailbox.
        AddressCase("John Doe john@example.com", [box("John Doe", "john@example.com")]),
        // mailto: prefixes.
        AddressCase("mailto:john@example.com", [box(nil, "john@example.com")]),
        AddressCase("MAILTO:john@example.com", [box(nil, "john@example.com")]),
        AddressCase("John mailto:john@example.com", [box("John", "john@example.com")]),
        AddressCase("John <mailto:john@example.com>", [box("John", "john@example.com")]),
        AddressCase("<mailto:john@example.com?subject=Hi>", [box(nil, "john@example.com")]),
        // Whitespace and line breaks anywhere.
        AddressCase("John\r\n Doe\t<john@example.com>", [box("John Doe", "john@example.com")]),
        AddressCase("\"John \r\n\t Doe\" <john@example.com>", [box("John Doe", "john@example.com")]),
        AddressCase(
            "  a@example.com  ,\r\n  b@example.com  \r\n", [box(nil, "a@example.com"), box(nil, "b@example.com")]
        ),
        AddressCase("John <\r\n john@example.com\r\n >", [box("John", "john@example.com")]),
        // Stray closing parenthesis and an unterminated comment.
        AddressCase("John) <john@example.com>", [box("John", "john@example.com")]),
        AddressCase("john@example.com (John", [box("John", "john@example.com")]),
    ]

    @Test(arguments: basic + lists + groups + localParts + domains + unicode + broken)
    func parses(_ testCase: AddressCase) {
        #expect(AddressParser.parse(testCase.input) == testCase.expected)
    }

    @Test func substringsAreAccepted() {
        let header = "To: John <john@example.com>"
        #expect(AddressParser.parse(header.dropFirst(4)) == [box("John", "john@example.com")])
    }

    // MARK: Message-IDs

    struct IDCase: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: [String]
        var testDescription: String { input.debugDescription }
    }

    static let messageIDs: [IDCase] = [
        IDCase(input: "<a@b.example>", expected: ["a@b.example"]),
        IDCase(input: "<a@b> (comment) <c@d>", expected: ["a@b", "c@d"]),
        IDCase(input: "a@b", expected: ["a@b"]),
        IDCase(input: "<a@b>,<c@d>", expected: ["a@b", "c@d"]),
        IDCase(input: "<a@b>\r\n <c@d>\t<e@f>", expected: ["a@b", "c@d", "e@f"]),
        IDCase(input: "<a@b><c@d>", expected: ["a@b", "c@d"]),
        IDCase(input: "<CAF=x+1_y-z@mail.gmail.com>", expected: ["CAF=x+1_y-z@mail.gmail.com"]),
        IDCase(input: "<a@b> <a@b>", expected: ["a@b", "a@b"]),
        IDCase(input: "<abc\r\n def@example>", expected: ["abcdef@example"]),
        IDCase(input: "<a@b", expected: ["a@b"]),
        IDCase(input: "<a@b <c@d>", expected: ["a@b", "c@d"]),
        IDCase(input: "<a@b junk", expected: ["a@b"]),
        IDCase(input: "a@b, c@d; e@f", expected: ["a@b", "c@d", "e@f"]),
        IDCase(input: "<>", expected: []),
        IDCase(input: "", expected: []),
        IDCase(input: "no ids here", expected: []),
        IDCase(input: "(<x@y>) <a@b>", expected: ["a@b"]),
        IDCase(input: "<a@b>(comment (nested) <x@y>)<c@d>", expected: ["a@b", "c@d"]),
        IDCase(input: "Your message of \"Mon, 11 Nov x@y\" <a@b>", expected: ["a@b"]),
        IDCase(input: "<  a@b  >", expected: ["a@b"]),
        IDCase(input: "<local-only-id>", expected: ["local-only-id"]),
        IDCase(input: "<a@b> (unterminated <c@d>", expected: ["a@b"]),
        IDCase(input: "\"unterminated <a@b>", expected: ["a@b"]),
    ]

    @Test(arguments: messageIDs)
    func readsMessageIDs(_ testCase: IDCase) {
        #expect(AddressParser.messageIDs(testCase.input) == testCase.expected)
    }

    // MARK: Hostile input (no timing asserts: a quadratic scan would simply never finish here)

    @Test func hundredThousandAddresses() {
        let value = (0..<100_000).map { "u\($0)@example.com" }.joined(separator: ", ")
        let parsed = AddressParser.parse(value)
        #expect(parsed.count == 100_000)
        #expect(parsed.last == box(nil, "u99999@example.com"))
    }

    @Test func megabytesOfQuotesParenthesesAndBrackets() {
        let size = 2 << 20
        #expect(AddressParser.parse(String(repeating: "\"", count: size)).isEmpty)
        #expect(
            AddressParser.parse(String(repeating: "\"", count: size - 1) + " <a@b.example>") == [
                box(nil, "a@b.example")
            ])
        #expect(AddressParser.parse("\"" + String(repeating: "\\\"", count: size / 2)).isEmpty)
        #expect(AddressParser.parse(String(repeating: "(", count: size)).isEmpty)
        #expect(AddressParser.parse(String(repeating: ")", count: size)).isEmpty)
        #expect(
            AddressParser.parse(String(repeating: "()", count: size / 2) + "a@b.example") == [box(nil, "a@b.example")])
        #expect(AddressParser.parse(String(repeating: "<", count: size)).isEmpty)
        #expect(AddressParser.parse(String(repeating: "<>", count: size / 2)).isEmpty)
        #expect(AddressParser.parse(String(repeating: ",", count: size)).isEmpty)
        #expect(AddressParser.parse(String(repeating: ":", count: size)).isEmpty)
        #expect(AddressParser.parse(String(repeating: "[", count: size)).count <= 1)
        #expect(AddressParser.parse(String(repeating: "a", count: size) + "@b.example").count == 1)
    }

    @Test func deeplyNestedCommentsUseNoRecursion() {
        let depth = 10_000
        // Unbalanced: the comment never closes, so everything after it is commentary.
        #expect(AddressParser.parse(String(repeating: "(", count: depth) + "a@b.example").isEmpty)
        let nested = String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth)
        let parsed = AddressParser.parse("<a@b.example> " + nested + ", c@d.example")
        #expect(parsed.map(\.address) == ["a@b.example", "c@d.example"])
        #expect(parsed.first?.name?.utf8.count == 2 * depth - 1)
        #expect(AddressParser.messageIDs(nested + " <a@b>") == ["a@b"])
        #expect(AddressParser.messageIDs(String(repeating: "(", count: 2 << 20) + "<a@b>").isEmpty)
    }

    @Test func megabytesOfMessageIDJunk() {
        let size = 2 << 20
        #expect(AddressParser.messageIDs(String(repeating: "<", count: size)).isEmpty)
        #expect(AddressParser.messageIDs(String(repeating: "< ", count: size / 2)).isEmpty)
        #expect(AddressParser.messageIDs(String(repeating: "\"\\", count: size / 2) + " <a@b>") == ["a@b"])
        #expect(AddressParser.messageIDs(String(repeating: "<a@b>", count: 100_000)).count == 100_000)
    }

    /// Pseudo-random strings over the structural characters: nothing traps, and every address is non-empty.
    @Test func randomInputNeverTraps() {
        let alphabet = Array("ab@.<>,;:()\"\\[] \r\nЖ=?".unicodeScalars)
        var state: UInt64 = 0xD1B5_4A32_D192_ED03
        for _ in 0..<3000 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 58)
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.unicodeScalars.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            #expect(AddressParser.parse(text).allSatisfy { !$0.address.isEmpty })
            #expect(AddressParser.messageIDs(text).allSatisfy { !$0.isEmpty })
        }
    }
}
