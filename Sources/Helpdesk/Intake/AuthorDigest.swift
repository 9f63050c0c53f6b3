import Digest
import MIME

/// The SHA-256 of what an email's author wrote — the originator's header fields and the body — without what the
/// servers on the way added. It recognises the same email delivered to two of our mailboxes (To one, Cc the other).
///
/// Why not the raw bytes: each delivery gets its own trace fields (Received, Return-Path, Delivered-To,
/// X-Original-To), its own verdicts (Authentication-Results, ARC-*, spam flags) and, at Microsoft 365 or Google,
/// dozens of provider fields, so the two copies' raw hashes differ. Why not the Message-ID alone: anyone can write
/// any Message-ID, and a stranger who saw someone's report (a Cc, a list) could send a message with its id first
/// and so have the real report dropped as a "duplicate". So the rule is the Message-ID *and* this digest: an email
/// counts as another copy only when its author's fields (From, Sender, Reply-To, To, Cc, Date, Subject, the ids,
/// the MIME framing) and its body are byte for byte those of one already taken. A stranger can then suppress only
/// an email identical to one they sent themselves — the same From, the same text — which is a copy in every sense
/// that matters: its ticket exists, and its answers go to that From.
///
/// Fields are taken by a list of what the author writes, not by a list of what servers add: a server's new
/// field must not make copies look different. A server that rewrites one copy's body (an "external sender"
/// banner, a disclaimer) makes the copies differ: they then make two tickets — never fewer than there were
/// emails. Linear in the email's size; the header fields were parsed already.
enum AuthorDigest {
    /// The originator's fields (RFC 5322 §3.6 and RFC 2045's framing), lower-cased, in the order they are hashed.
    static let authorFields = [
        "from", "sender", "reply-to", "to", "cc", "date", "subject", "message-id", "in-reply-to", "references",
        "mime-version", "content-type", "content-transfer-encoding",
    ]
    private static let fieldIndex = Dictionary(
        uniqueKeysWithValues: authorFields.enumerated().map { ($0.element, $0.offset) })

    static func sha256(_ message: MIMEMessage) -> String {
        let hasher = SHA256Hasher()
        guard let root = message.parts.first else { return hasher.finalize() }
        // By name in a fixed order, each name's fields in the order written: a server that rewrites the header
        // section (Exchange does) may reorder the fields, never what they say. One pass, linear.
        var values = Array(repeating: [ArraySlice<UInt8>](), count: authorFields.count)
        for field in root.headers {
            guard let index = fieldIndex[message.name(of: field).lowercased()] else { continue }
            // Unfolded and trimmed: a server that refolds a long field does not change what it says.
            values[index].append(message.rawValue(of: field))
        }
        for (index, name) in authorFields.enumerated() {
            for value in values[index] {
                hasher.update(Array(name.utf8) + [0x3A])
                value.withUnsafeBytes { hasher.update($0) }
                hasher.update([0x0D, 0x0A])
            }
        }
        hasher.update([0x0D, 0x0A])
        let body = message.bytes[root.bodyRange]
        body.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }
}
