/// Identifies a file's real type from its first bytes, whatever its headers claim: a "screenshot"
/// that is really HTML or SVG must not be treated as an image.
public enum MagicBytes {
    /// The detected media type, or nil when the bytes match no signature helpdeskd knows.
    public static func detect(_ bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(1024))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<(offset + signature.count)]) == signature
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts(Array("BM".utf8)), head.count >= 18, [12, 40, 52, 56, 64, 108, 124].contains(Int(head[14])),
            head[15] == 0, head[16] == 0, head[17] == 0
        {
            return "image/bmp"
        }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "image/tiff" }
        if starts(Array("ftyp".utf8), at: 4),
            starts(Array("heic".utf8), at: 8) || starts(Array("heix".utf8), at: 8)
                || starts(Array("mif1".utf8), at: 8)
        {
            return "image/heic"
        }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return "application/zip" }
        return markupType(head)
    }

    /// SVG and HTML are text: skip a BOM, white space, an XML declaration, comments and a doctype.
    private static func markupType(_ head: [UInt8]) -> String? {
        var text = head[...]
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        let lowered = String(decoding: text.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        var rest = Substring(lowered)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
            if rest.hasPrefix("<?xml") || rest.hasPrefix("<!--") || rest.hasPrefix("<!doctype svg") {
                let terminator = rest.hasPrefix("<!--") ? "-->" : ">"
                guard let end = rest.firstRange(of: terminator) else { break }
                rest = rest[end.upperBound...]
                continue
            }
            break
        }
        if rest.hasPrefix("<svg") { return "image/svg+xml" }
        for tag in ["<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<div", "<p>", "<table"]
        where rest.hasPrefix(tag) {
            return "text/html"
        }
        return nil
    }
}
