import Testing

@testable import Incident

@Suite struct TicketReferenceTests {
    @Test func formatsWithSixDigitsAndParsesBack() throws {
        let reference = try #require(TicketReference(prefix: "hd", number: 123))
        #expect(reference.description == "HD-000123")
        #expect(TicketReference(parsing: "[hd-000123]", prefix: "HD") == reference)
        #expect(TicketReference(parsing: "HD-1234567", prefix: "HD")?.description == "HD-1234567")
    }

    @Test(arguments: ["HD-", "HD-12a", "XX-000123", "HD-0000000000", "HD000123", "[HD-12"])
    func rejectsMalformedReferences(_ text: String) {
        #expect(TicketReference(parsing: Substring(text), prefix: "HD") == nil)
    }

    @Test func rejectsUnsafePrefixes() {
        #expect(TicketReference(prefix: "H D", number: 1) == nil)
        #expect(TicketReference(prefix: "", number: 1) == nil)
        #expect(TicketReference(prefix: "HD", number: 0) == nil)
    }
}
