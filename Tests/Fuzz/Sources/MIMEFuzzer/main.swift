import MIME

/// libFuzzer's entry point: one input, the whole pipeline a received email goes through — structure
/// parse, full decode of every body and attachment (which includes the envelope), and the envelope of
/// every encapsulated message (forwarded mail is read the same way). Any crash, hang or sanitizer
/// report is a finding; the return value is always 0 because malformed input is not an error.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let message = MIMEParser(limits: ParserLimits()).parse(bytes)
    _ = MessageContent(message)
    for index in message.parts.indices where message.parts[index].isMessageRoot {
        _ = message.envelope(of: index)
    }
    return 0
}
