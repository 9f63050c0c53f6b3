import CLibXML2

/// Turns an HTML body into readable plain text, the way a support engineer would want to read it.
///
/// libxml2's HTML parser reads the markup (it recovers from anything and never touches the network);
/// the tree is then walked iteratively, so deeply nested hostile markup cannot exhaust the stack.
/// Scripts, styles and the document head are dropped, block elements end lines, table rows become
/// one line with cells joined by `" | "` (so "Session ID | abc123" stays together), and links keep
/// their URL after the link text.
public enum HTMLText {
    /// Elements whose content is never shown to a reader.
    private static let hidden: Set<String> = [
        "script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg", "math",
    ]

    /// Elements that start and end a line of text.
    private static let blocks: Set<String> = [
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "address", "blockquote",
        "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption", "form",
        "fieldset", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center", "body", "html",
    ]

    /// Converts HTML (already decoded to UTF-8 by the caller) to text.
    ///
    /// - Parameter maxOutput: the converted text is cut after this many bytes, so an entity or
    ///   markup bomb cannot make the output larger than the caller is prepared to keep.
    public static func text(fromHTML html: [UInt8], maxOutput: Int = 16 << 20) -> String {
        if html.isEmpty { return "" }
        hd_xml_install_quiet_errors()
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
                // Without HUGE libxml2 drops everything below 256 levels of nesting; our own walk
                // is iterative, and the caller bounds the input size.
                | XML_PARSE_HUGE.rawValue
        )
        // libxml2 takes an Int32 length: larger inputs are cut, which the caller's size limits make moot.
        let length = Int32(clamping: html.count)
        let document = html.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                htmlReadMemory(base, length, nil, "UTF-8", options)
            }
        }
        guard let document else { return "" }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return "" }
        var writer = TextWriter(limit: maxOutput)
        walk(root, into: &writer)
        return writer.finish()
    }

    /// Convenience for callers holding a `String`.
    public static func text(fromHTML html: String, maxOutput: Int = 16 << 20) -> String {
        text(fromHTML: Array(html.utf8), maxOutput: maxOutput)
    }

    private enum Step {
        case enter(xmlNodePtr)
        case leave(xmlNodePtr, name: String, href: String?, textMark: Int)
    }

    private static func walk(_ root: xmlNodePtr, into writer: inout TextWriter) {
        var stack: [Step] = [.enter(root)]
        var preDepth = 0
        while let step = stack.popLast(), !writer.isFull {
            switch step {
            case .enter(let node):
                switch node.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    if let content = node.pointee.content {
                        writer.appendText(String(cString: content), preformatted: preDepth > 0)
                    }
                case XML_ELEMENT_NODE:
                    let name = elementName(node)
                    if hidden.contains(name) { continue }
                    var href: String? = nil
                    switch name {
                    case "br":
                        writer.lineBreak()
                        continue
                    case "img":
                        if let alt = attribute(node, "alt"), !alt.isEmpty {
                            writer.appendText(alt, preformatted: false)
                        }
                        continue
                    case "td", "th":
                        writer.cell()
                    case "a":
                        href = attribute(node, "href")
                    case "pre":
                        preDepth += 1
                    default:
                        break
                    }
                    if blocks.contains(name) { writer.blockBoundary(name) }
                    stack.append(.leave(node, name: name, href: href, textMark: writer.textCount))
                    // Children are pushed in reverse so they pop in document order.
                    var children: [xmlNodePtr] = []
                    var child = node.pointee.children
                    while let current = child {
                        children.append(current)
                        child = current.pointee.next
                    }
                    for child in children.reversed() { stack.append(.enter(child)) }
                default:
                    continue
                }
            case .leave(_, let name, let href, let textMark):
                if name == "pre" { preDepth -= 1 }
                if name == "a", let href {
                    writer.link(href, textSince: textMark)
                }
                if name == "td" || name == "th" { writer.endCell() }
                if blocks.contains(name) { writer.blockBoundary(name) }
            }
        }
    }

    private static func elementName(_ node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name).lowercased()
    }

    private static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { hd_xml_free(value) }
        return String(cString: value)
    }
}

/// Accumulates text with HTML's whitespace rules: runs of spaces collapse, block boundaries
/// become single line breaks, and blank lines never pile up.
private struct TextWriter {
    private var lines: [String] = []
    private var current = ""
    private var pendingSpace = false
    private var cellsInRow = 0
    private var inCell = false
    /// How many table cells the writer is inside (nested tables nest them).
    private var cellDepth = 0
    private var size = 0
    private let limit: Int
    /// Bytes of text written so far; used to find what a link's content added.
    private(set) var textCount = 0
    private var recent = ""

    init(limit: Int) { self.limit = limit }

    var isFull: Bool { size >= limit }

    mutating func appendText(_ text: String, preformatted: Bool) {
        if preformatted {
            var first = true
            for piece in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if !first { lineBreak() }
                first = false
                emit(String(piece))
            }
            return
        }
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
                || scalar == "\u{A0}"
            {
                pendingSpace = !current.isEmpty
            } else {
                if pendingSpace {
                    emit(" ")
                    pendingSpace = false
                }
                emit(String(scalar))
            }
        }
    }

    mutating func cell() {
        cellDepth += 1
        if cellsInRow > 0 {
            emit(" | ")
        } else if !current.isEmpty {
            lineBreak()
        }
        pendingSpace = false
        cellsInRow += 1
        inCell = true
    }

    mutating func endCell() {
        inCell = false
        cellDepth = max(0, cellDepth - 1)
        pendingSpace = false
    }

    /// Appends the URL after the link text unless the text already shows it.
    mutating func link(_ href: String, textSince mark: Int) {
        let trimmed = href.trimmingSpaces
        if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.lowercased().hasPrefix("javascript:") { return }
        var shown = trimmed
        if shown.lowercased().hasPrefix("mailto:") { shown = String(shown.dropFirst(7)) }
        let added = textCount - mark
        let tail = added > 0 ? String(recent.suffix(min(added, 4096))) : ""
        if tail.contains(shown) { return }
        if added == 0 {
            appendText(shown, preformatted: false)
        } else {
            emit(" <\(shown)>")
        }
    }

    mutating func lineBreak() {
        lines.append(current)
        current = ""
        pendingSpace = false
        cellsInRow = 0
    }

    mutating func blockBoundary(_ name: String = "") {
        // Paragraphs inside a table cell (Outlook wraps every cell's text in <p class="MsoNormal">) keep the row
        // on one line: "Candidate ID | Session ID", not one cell per line. Rows of a table nested in the cell
        // still break.
        let rowLevel = name == "tr" || name == "table" || name == "thead" || name == "tbody" || name == "tfoot"
        if cellDepth > 0, cellsInRow > 0, !rowLevel {
            pendingSpace = !current.isEmpty && !current.hasSuffix(" | ")
            return
        }
        if !current.isEmpty { lineBreak() }
        cellsInRow = 0
        pendingSpace = false
    }

    private mutating func emit(_ text: String) {
        guard size < limit else { return }
        current += text
        size += text.utf8.count
        textCount += text.utf8.count
        recent += text
        if recent.utf8.count > 8192 { recent = String(recent.suffix(4096)) }
    }

    mutating func finish() -> String {
        if !current.isEmpty { lines.append(current) }
        // Trim each line and collapse runs of blank lines to one.
        var out: [String] = []
        for line in lines {
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty, out.last?.isEmpty ?? true { continue }
            out.append(trimmed)
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n")
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (Foundation-free).
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}
