/// One entity of a message: the top-level message, a part of a multipart, or a message carried
/// inside a `message/rfc822` part. Everything is a range into the original bytes, which are never
/// modified.
public struct MIMEPart: Sendable {
    /// What an entity holds.
    public enum Kind: Sendable, Hashable {
        /// A leaf: its body is content (text, an image, …).
        case leaf
        /// A multipart: its children are the parts between its boundaries.
        case multipart
        /// A `message/rfc822` (or `message/global`) part: its single child is the encapsulated message.
        case message
    }

    /// IMAP-style part number: "" for the top-level multipart, "1" for the body of a single-part
    /// message, "2.1" for the first part inside the second part, and so on.
    public internal(set) var path: String
    /// The enclosing multipart or message part; nil for the top-level entity.
    public internal(set) var parent: Int?
    /// Child entities, in order (parts of a multipart; the encapsulated message of a message part).
    public internal(set) var children: [Int] = []
    /// Nesting depth: 0 for the top-level entity.
    public internal(set) var depth: Int
    public internal(set) var kind: Kind = .leaf
    /// Whether this entity's headers are a message's headers (the top level, or one encapsulated).
    public internal(set) var isMessageRoot: Bool

    /// The whole entity, headers and body.
    public internal(set) var range: Range<Int>
    /// The header section: every field with its line break, without the blank line that ends the section.
    public internal(set) var headerRange: Range<Int>
    /// The body, transfer-encoded as it was sent (for a multipart: everything between its headers and its end).
    public internal(set) var bodyRange: Range<Int>
    /// The header fields, in order, as ranges.
    public internal(set) var headers: [HeaderField] = []

    /// The media type, lower-cased, e.g. "image/png"; defaults per RFC 2045 when absent or unreadable.
    public internal(set) var contentType: String = "text/plain"
    /// Content-Type parameters (charset, boundary, name, …), decoded.
    public internal(set) var contentTypeParameters: [String: String] = [:]
    /// The Content-Transfer-Encoding, lower-cased; "7bit" when absent.
    public internal(set) var transferEncoding: String = "7bit"
    /// "inline", "attachment" or another disposition type, lower-cased; nil when absent.
    public internal(set) var disposition: String?
    /// Content-Disposition parameters, decoded.
    public internal(set) var dispositionParameters: [String: String] = [:]
    /// The Content-ID without angle brackets.
    public internal(set) var contentID: String?

    init(path: String, parent: Int?, depth: Int, isMessageRoot: Bool, start: Int) {
        self.path = path
        self.parent = parent
        self.depth = depth
        self.isMessageRoot = isMessageRoot
        self.range = start..<start
        self.headerRange = start..<start
        self.bodyRange = start..<start
    }

    /// The charset parameter, if any.
    public var charset: String? { contentTypeParameters["charset"] }

    /// The attachment's file name: Content-Disposition's filename, else Content-Type's name.
    public var filename: String? {
        if let name = dispositionParameters["filename"], !name.isEmpty { return name }
        if let name = contentTypeParameters["name"], !name.isEmpty { return name }
        return nil
    }

    /// The top-level type, e.g. "image" for "image/png".
    public var mediaType: Substring { contentType.prefix { $0 != "/" } }

    /// Whether this is a leaf.
    public var isLeaf: Bool { kind == .leaf }
}
