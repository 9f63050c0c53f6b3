import Digest
public import MIME

/// The JSON that `helpdeskd parse` prints for one message (the shape is documented in the README).
public enum ParseReport {
    public static func json(for message: MIMEMessage, content: MessageContent) -> JSONValue {
        let envelope = content.envelope
        return .object([
            ("message_id", .string(envelope.messageID)),
            ("date", .string(envelope.date?.iso8601)),
            ("subject", .string(envelope.subject)),
            ("from", addresses(envelope.from)),
            ("to", addresses(envelope.to)),
            ("cc", addresses(envelope.cc)),
            ("reply_to", addresses(envelope.replyTo)),
            ("in_reply_to", .array(envelope.inReplyTo.map { .string($0) })),
            ("references", .array(envelope.references.map { .string($0) })),
            ("text", .string(content.text)),
            ("html", .string(content.html)),
            ("attachments", .array(content.attachments.map(attachment))),
            ("parts", tree(message, 0)),
            ("defects", .array(content.defects.map { .string($0.description) })),
        ])
    }

    static func addresses(_ list: [MailAddress]) -> JSONValue {
        .array(list.map { .object([("name", .string($0.name)), ("address", .string($0.address))]) })
    }

    static func attachment(_ attachment: MessageContent.Attachment) -> JSONValue {
        .object([
            ("part", .string(attachment.path)),
            ("filename", .string(attachment.filename)),
            ("content_type", .string(attachment.contentType)),
            ("detected_type", .string(attachment.detectedType)),
            ("disposition", .string(attachment.disposition)),
            ("content_id", .string(attachment.contentID)),
            ("size", .int(attachment.bytes.count)),
            ("sha256", .string(SHA256.hex(attachment.bytes))),
        ])
    }

    /// The structure as a tree; iterative so a deeply nested message cannot exhaust the stack.
    static func tree(_ message: MIMEMessage, _ root: Int) -> JSONValue {
        var built: [Int: JSONValue] = [:]
        // Children always have larger indices than their parents, so a reverse sweep builds bottom-up.
        var members = Set<Int>([root])
        for index in message.parts.indices where index > root {
            if let parent = message.parts[index].parent, members.contains(parent) { members.insert(index) }
        }
        for index in members.sorted(by: >) {
            let part = message.parts[index]
            switch part.kind {
            case .multipart, .message:
                built[index] = .object([
                    ("content_type", .string(part.contentType)),
                    ("parts", .array(part.children.compactMap { built.removeValue(forKey: $0) })),
                ])
            case .leaf:
                let body = message.decodedBody(of: index).bytes
                built[index] = .object([
                    ("part", .string(part.path)),
                    ("content_type", .string(part.contentType)),
                    ("charset", .string(part.charset)),
                    ("filename", .string(part.filename)),
                    ("disposition", .string(part.disposition)),
                    ("size", .int(body.count)),
                    ("sha256", .string(SHA256.hex(body))),
                ])
            }
        }
        return built[root] ?? .null
    }
}
