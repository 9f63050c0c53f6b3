import Testing

@testable import StaffWeb

/// What pages are made of: escaping, form decoding, redirect targets, durations.
@Suite struct PageTests {
    @Test func interpolatedTextIsEscapedAndMarkupIsNot() {
        let hostile = "<script>alert(1)</script> & \"quotes\" 'too'\u{0}"
        let html: HTML = "<p title=\"\(hostile)\">\(hostile)</p>"
        #expect(!html.markup.contains("<script>"))
        #expect(
            html.markup
                == "<p title=\"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;\u{FFFD}\">"
                + "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;\u{FFFD}</p>")
    }

    @Test func formsDecodePlusPercentAndRepeatedNames() {
        let form = FormFields("body=Hello+world%21%0D%0Aline+2&field=server&field=session_id&bad=%G1%&csrf=")
        #expect(form["body"] == "Hello world!\r\nline 2")
        #expect(form.all("field") == ["server", "session_id"])
        #expect(form["bad"] == "%G1%")
        #expect(form["csrf"] == "" && form["missing"] == nil)
        #expect(FormFields("name=%C3%A9%FF")["name"] == "é\u{FFFD}")
    }

    @Test func onlyLocalPathsAreRedirectTargets() {
        #expect(StaffWebServer.localPath("/tickets/HD-000001?x=1") == "/tickets/HD-000001?x=1")
        for hostile in ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""] {
            #expect(StaffWebServer.localPath(hostile) == "/")
        }
    }

    @Test func secretsCompareOnlyWhenEqualAndNonEmpty() {
        #expect(StaffWebServer.same("abc", "abc"))
        #expect(!StaffWebServer.same("abc", "abd") && !StaffWebServer.same("abc", "ab") && !StaffWebServer.same("", ""))
    }

    @Test func timeLeftReadsAsStaffSayIt() {
        #expect(Clock.left(due: 10_000, now: 10_000 - 7500).text == "2h 05m left")
        #expect(Clock.left(due: 10_000, now: 10_000 + 3 * 86_400 + 3600) == ("overdue 3d 1h", true))
        #expect(Clock.left(due: nil, now: 0).text == "clock stopped")
    }
}
