import Testing

@testable import MIME

@Suite struct HTMLTextTests {
    @Test func dropsScriptsAndStylesAndKeepsParagraphs() {
        let html = """
            <html><head><title>t</title><style>p{color:red}</style></head>
            <body><script>alert(1)</script><p>Hello   <b>world</b></p><p>Second&nbsp;line</p></body></html>
            """
        #expect(HTMLText.text(fromHTML: html) == "Hello world\nSecond line")
    }

    @Test func tableRowsKeepLabelAndValueTogether() {
        let html = "<table><tr><th>Session ID</th><td>abc123</td></tr><tr><td>User</td><td>s.ivanova</td></tr></table>"
        #expect(HTMLText.text(fromHTML: html) == "Session ID | abc123\nUser | s.ivanova")
    }

    @Test func brBreaksLinesAndLinksKeepTheirURL() {
        let html = #"Server: <a href="https://proctor.example.edu/exam">the exam site</a><br>Time: 10:32"#
        #expect(
            HTMLText.text(fromHTML: html) == "Server: the exam site <https://proctor.example.edu/exam>\nTime: 10:32")
    }

    @Test func linkWhoseTextIsTheURLIsNotRepeated() {
        let html = #"<a href="https://x.example/a">https://x.example/a</a>"#
        #expect(HTMLText.text(fromHTML: html) == "https://x.example/a")
    }

    @Test func deepNestingDoesNotExhaustTheStack() {
        let html = String(repeating: "<div>", count: 20_000) + "deep" + String(repeating: "</div>", count: 20_000)
        #expect(HTMLText.text(fromHTML: html) == "deep")
    }

    @Test func garbageIsReadWithoutCrashing() {
        let bytes: [UInt8] = [0x3C, 0x00, 0xFF, 0x3E, 0x3C, 0x61, 0x20, 0x68, 0x72, 0x65, 0x66, 0x3D]
        _ = HTMLText.text(fromHTML: bytes)
        #expect(HTMLText.text(fromHTML: []) == "")
    }
}
