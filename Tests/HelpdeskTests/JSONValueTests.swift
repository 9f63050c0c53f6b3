import Testing

@testable import Helpdesk

@Suite struct JSONValueTests {
    @Test func keepsKeyOrderAndEscapes() {
        let value = JSONValue.object([
            ("b", .string("line\nbreak \"quoted\" \u{1}")), ("a", .array([.int(1), .null, .bool(true)])),
        ])
        #expect(value.serialized() == #"{"b":"line\nbreak \"quoted\" \u0001","a":[1,null,true]}"#)
    }

    @Test func prettyPrintsNestedValues() {
        let value = JSONValue.object([("k", .array([.object([("x", .string(nil))])]))])
        #expect(value.serialized(pretty: true) == "{\n  \"k\": [\n    {\n      \"x\": null\n    }\n  ]\n}")
    }
}
