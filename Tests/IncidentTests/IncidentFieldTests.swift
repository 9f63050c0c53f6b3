import Testing

@testable import Incident

@Suite struct IncidentFieldTests {
    @Test func defaultRequiredSetFollowsThePolicyOrder() {
        #expect(
            IncidentField.defaultRequired.map(\.key)
                == ["server", "description", "detected_at", "session_id", "user_id", "screenshots"]
        )
    }
}
