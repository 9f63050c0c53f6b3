/// One header field of a part, as byte ranges into the message: nothing is copied or changed.
public struct HeaderField: Sendable, Hashable {
    /// The field name, without the colon (and without white space before it, as obsolete syntax allows).
    public let name: Range<Int>
    /// The raw value after the colon, folded lines included, up to (not including) the final line break.
    public let value: Range<Int>
}

extension HeaderField {
    /// Whether this field's name equals `lowercasedName` ignoring ASCII case.
    @inline(__always)
    func hasName(_ lowercasedName: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count == lowercasedName.count else { return false }
        var i = name.lowerBound
        for expected in lowercasedName {
            var byte = bytes[i]
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            if byte != expected { return false }
            i += 1
        }
        return true
    }
}

/// Removes folding (a line break followed by white space) and the white space around the value.
func unfold(_ raw: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var start = raw.startIndex
    var end = raw.endIndex
    while start < end, isSpace(raw[start]) { start += 1 }
    while end > start, isSpace(raw[end - 1]) { end -= 1 }
    let trimmed = raw[start..<end]
    return trimmed.withUnsafeBufferPointer { bytes -> ArraySlice<UInt8> in
        // One pass over the bytes; most values are not folded and come back as they are.
        guard let first = bytes.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return trimmed }
        var out = [UInt8](bytes[..<first])
        out.reserveCapacity(bytes.count)
        for byte in bytes[first...] where byte != 0x0A && byte != 0x0D { out.append(byte) }
        return out[...]
    }
}
