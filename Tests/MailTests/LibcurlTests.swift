import Testing

@testable import Mail

@Suite struct LibcurlTests {
    @Test func linkedLibcurlSpeaksIMAPAndSMTPOverTLS() {
        let curl = Libcurl.linked()
        #expect(curl.version.split(separator: ".").count == 3)
        #expect(curl.missingProtocols.isEmpty)
        #expect(curl.tlsBackend != nil)
    }
}
