/// Everything a reader needs from a message, decoded: envelope, body text, HTML and attachments.
///
/// This is the "full parse": every leaf is transfer-decoded, text is converted to UTF-8, and the
/// defects of every step are collected, so one call tells what the message says and what was wrong.
public struct MessageContent: Sendable {
    /// A leaf entity that is not one of the chosen body parts, decoded.
    public struct Attachment: Sendable {
        /// Index into `MIMEMessage.parts`.
        public var part: Int
        public var path: String
        public var filename: String?
        /// The declared type.
        public var contentType: String
        /// The type the bytes show (see `MagicBytes`), nil when unknown.
        public var detectedType: String?
        public var disposition: String?
        public var contentID: String?
        /// The transfer-decoded content.
        public var bytes: [UInt8]
    }

    public var envelope: Envelope
    /// The best plain-text body: text/plain parts, else HTML converted to text; nil when the message has no text body.
    public var text: String?
    /// The HTML body, decoded; nil when there is none.
    public var html: String?
    /// Entities that make up `text` and `html`.
    public var textParts: [Int]
    public var htmlParts: [Int]
    /// The decoded text of each body part (HTML as HTML), by part index.
    public var bodyTexts: [Int: String]
    public var attachments: [Attachment]
    /// Structure defects and every decoding defect, in order.
    public var defects: [Defect]

    /// Decodes `message` fully. `maxHTMLText` caps the text produced from HTML (a markup bomb cannot inflate it).
    public init(_ message: MIMEMessage, maxHTMLText: Int = 16 << 20) {
        var defects = message.defects
        let (envelope, envelopeDefects) = message.envelope(of: 0)
        defects += envelopeDefects
        self.envelope = envelope
        let (textParts, htmlParts) = message.bodyParts(of: 0)
        self.textParts = textParts
        self.htmlParts = htmlParts

        var decodedText: [Int: String] = [:]
        func textOf(_ index: Int) -> String {
            if let known = decodedText[index] { return known }
            let decoded = message.text(ofPart: index)
            defects += decoded.defects.map { Defect(part: message.parts[index].path, reason: $0) }
            decodedText[index] = decoded.text
            return decoded.text
        }
        let htmlOnly = htmlParts.filter { message.parts[$0].contentType == "text/html" }
        html = htmlOnly.isEmpty ? nil : htmlOnly.map(textOf).joined(separator: "\n")
        if textParts.isEmpty {
            text = nil
        } else {
            text = textParts.map { index in
                let body = textOf(index)
                return message.parts[index].contentType == "text/html"
                    ? HTMLText.text(fromHTML: Array(body.utf8), maxOutput: maxHTMLText) : body
            }.joined(separator: "\n")
        }

        bodyTexts = decodedText
        let bodies = Set(textParts).union(htmlParts)
        var attachments: [Attachment] = []
        for index in message.leaves where !bodies.contains(index) {
            let part = message.parts[index]
            let decoded = message.decodedBody(of: index)
            if let problem = decoded.problem { defects.append(Defect(part: part.path, reason: problem)) }
            attachments.append(
                Attachment(
                    part: index, path: part.path, filename: part.filename, contentType: part.contentType,
                    detectedType: MagicBytes.detect(decoded.bytes), disposition: part.disposition,
                    contentID: part.contentID, bytes: decoded.bytes))
        }
        self.attachments = attachments
        self.defects = defects
    }
}
