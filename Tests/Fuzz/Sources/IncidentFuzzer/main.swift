import Incident
import MIME

/// libFuzzer's entry point for the incident extractor: one input is parsed as an email and read into
/// an incident report with the default profile (every built-in field required), which covers labelled
/// lines, detection times, server addresses, screenshots' image headers, secret masking, triage and the
/// ticket reference. Any crash, hang or sanitizer report is a finding; the return value is always 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let message = MIMEParser(limits: ParserLimits()).parse(bytes)
    _ = IncidentExtractor().extract(message, content: MessageContent(message))
    return 0
}
