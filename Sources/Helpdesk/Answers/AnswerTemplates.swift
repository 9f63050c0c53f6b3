import Mustache
public import TicketStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Mustache templates answers are rendered from: the built-in ones, each optionally overridden by a
/// file `<kind>.mustache` in the configured `templates_directory`.
///
/// A template renders a whole answer as text: a first line `Subject: …`, one blank line, then the body
/// (see `Samples/templates/README.md` for the format and the variables). Variables are inserted as
/// they are, without HTML escaping: the body is plain text. Every template is checked when it is
/// loaded (syntax, known variable names, and the rendered format for sample answers), so configuration
/// checking reports a broken template with its file, line and column instead of the daemon failing later.
public struct AnswerTemplates: Sendable {
    /// The source text of each template in use.
    public private(set) var sources: [AnswerKind: String]
    /// Where each template came from: the file's path, or "built-in".
    public private(set) var origins: [AnswerKind: String]
    private var compiled: [AnswerKind: MustacheTemplate]

    /// Files larger than this are refused: a template is a page of text.
    public static let maxFileSize = 64 << 10

    /// The pragma put before every template so variables are inserted as text, not HTML-escaped. It is
    /// a standalone line, which Mustache removes, so the template's own first line renders first.
    private static let textPragma = "{{%CONTENT_TYPE:TEXT}}\n"

    /// The built-in templates.
    public init() {
        sources = [:]
        origins = [:]
        compiled = [:]
        for kind in AnswerKind.templated {
            // The built-ins are constants that the tests parse, check and render for every kind.
            do {
                try set(kind, source: BuiltInTemplates.sources[kind]!, origin: "built-in")
            } catch {
                preconditionFailure("built-in template \(kind.rawValue) is broken: \(error)")
            }
        }
    }

    /// The built-in templates overridden by the `<kind>.mustache` files in `directory` (nil or "" = none).
    /// Other `*.mustache` files are an error (most likely a misspelt name); other files are ignored.
    public static func load(directory: String?) throws(AnswerTemplateError) -> AnswerTemplates {
        var templates = AnswerTemplates()
        guard let directory, !directory.isEmpty else { return templates }
        let suffix = ".mustache"
        for name in try TemplateFiles.names(in: directory).sorted() where name.hasSuffix(suffix) && !name.hasPrefix(".")
        {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            guard let kind = AnswerKind(rawValue: String(name.dropLast(suffix.count))), !kind.isToStaff else {
                throw .unknownTemplate(path: path)
            }
            let source = try TemplateFiles.read(path, limit: maxFileSize)
            try templates.set(kind, source: source, origin: path)
        }
        return templates
    }

    /// Replaces the template for `kind` after checking it; `origin` names it in errors (a path).
    public mutating func set(_ kind: AnswerKind, source: String, origin: String) throws(AnswerTemplateError) {
        let text = Self.normalised(source)
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: Self.textPragma + text)
        } catch let error as MustacheTemplate.ParserError {
            // The pragma line shifts every line by one.
            let line = max(1, error.context.lineNumber - 1)
            throw .syntax(
                path: origin, line: line, column: error.context.columnNumber, text: error.context.line,
                message: Self.explain(error.error))
        } catch {
            throw .syntax(path: origin, line: 1, column: 1, text: "", message: "\(error)")
        }
        if let (line, name) = Self.unknownVariable(in: text) {
            throw .unknownVariable(path: origin, line: line, name: name)
        }
        for sample in AnswerContext.samples(for: kind) {
            do {
                _ = try RenderedAnswer(template.render(sample.values))
            } catch {
                throw .format(path: origin, message: error.message)
            }
        }
        sources[kind] = source
        origins[kind] = origin
        compiled[kind] = template
    }

    /// Renders the answer of `kind` for `context`.
    func render(_ kind: AnswerKind, _ context: AnswerContext) throws(AnswerError) -> RenderedAnswer {
        guard let template = compiled[kind] else { throw .invalidRequest("no template for \(kind.rawValue)") }
        do {
            return try RenderedAnswer(template.render(context.values))
        } catch {
            throw .templateOutput(kind, error.message)
        }
    }

    /// Line ends as "\n" and no byte-order mark, so files written on any system parse alike.
    private static func normalised(_ source: String) -> String {
        var text = source
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard text.contains("\r") else { return text }
        return text.replacingCRLF()
    }

    private static func explain(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else {
            // The reader's own error: the text ended inside a tag.
            return "\(error)" == "overflow" ? "a tag is not closed: \"{{\" without \"}}\"" : "\(error)"
        }
        switch error {
        case .sectionCloseNameIncorrect:
            return "this closing tag does not match the open section (every {{#name}} or {{^name}} needs "
                + "its own {{/name}})"
        case .unfinishedName:
            return "unfinished tag or invalid name (a tag is {{name}} with letters, digits, '_', '-' or '.')"
        case .expectedSectionEnd:
            return "a section is not closed: {{#name}} or {{^name}} without {{/name}}"
        case .invalidSetDelimiter:
            return "invalid set-delimiter tag {{=… …=}}"
        case .transformAppliedToInheritanceSection, .illegalTokenInsideInheritSection, .textInsideInheritSection:
            return "template inheritance ({{<parent}}) is not supported in answer templates"
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable:
            return "invalid pragma {{%…}} (only CONTENT_TYPE:TEXT or CONTENT_TYPE:HTML exist)"
        }
    }

    /// The first `{{name}}` (also `{{#name}}`, `{{^name}}`, `{{&name}}`, `{{{name}}}`) that names no
    /// variable answers have, with its line. Templates that change the delimiters are not checked.
    static func unknownVariable(in text: String) -> (line: Int, name: String)? {
        guard !text.contains("{{=") else { return nil }
        var line = 1
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            line += rest[..<open.lowerBound].filter { $0 == "\n" }.count
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { return nil }
            var tag = rest[..<close.lowerBound]
            line += tag.filter { $0 == "\n" }.count
            rest = rest[close.upperBound...]
            guard let sigil = tag.first else { continue }
            if sigil == "!" || sigil == "%" || sigil == "/" || sigil == ">" || sigil == "<" || sigil == "$" { continue }
            if "#^&{".contains(sigil) { tag = tag.dropFirst() }
            let name = tag.trimmingSpacesAndTabs
            if name == "." || name.isEmpty { continue }
            let root = String(name.split(separator: ".").first ?? "")
            if !AnswerContext.isKnownVariable(root) { return (line, String(name)) }
        }
        return nil
    }
}

/// Why a template cannot be used. `description` names the file and, for syntax errors, the line, the
/// column and the offending line, for configuration checking to print.
public enum AnswerTemplateError: Error, Equatable, CustomStringConvertible {
    /// The directory or a file could not be read.
    case unreadable(path: String, reason: String)
    /// A `*.mustache` file whose name is not an answer kind.
    case unknownTemplate(path: String)
    /// Mustache could not parse the template.
    case syntax(path: String, line: Int, column: Int, text: String, message: String)
    /// A tag names a variable answers do not have (most likely misspelt).
    case unknownVariable(path: String, line: Int, name: String)
    /// The template parses but does not render `Subject: …`, a blank line and a body.
    case format(path: String, message: String)

    /// The file (or "built-in") the error is about.
    public var path: String {
        switch self {
        case .unreadable(let path, _), .unknownTemplate(let path), .syntax(let path, _, _, _, _),
            .unknownVariable(let path, _, _), .format(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .unknownTemplate(let path):
            return "\(path): not an answer template; the names are "
                + AnswerKind.templated.map { $0.rawValue + ".mustache" }.joined(separator: ", ")
        case .syntax(let path, let line, let column, let text, let message):
            let shown = String(text.prefix(200))
            let caret = String(repeating: " ", count: max(0, min(column - 1, shown.count))) + "^"
            return "\(path):\(line):\(column): \(message)\n    \(shown)\n    \(caret)"
        case .unknownVariable(let path, let line, let name):
            return "\(path):\(line): unknown variable \"\(name)\"; answers have "
                + AnswerContext.variableNames.sorted().joined(separator: ", ") + ", missing_<field>"
        case .format(let path, let message):
            return "\(path): \(message)"
        }
    }
}

/// An answer as a template renders it: the subject line's text and the body, with "\n" line ends.
struct RenderedAnswer: Equatable {
    struct FormatError: Error {
        var message: String
    }

    var subject: String
    var body: String

    /// Splits rendered text: `Subject: …`, a blank line, the body. The body's lines lose trailing white
    /// space and control characters other than tab, runs of blank lines become one, and it ends in "\n".
    init(_ rendered: String) throws(FormatError) {
        let lines = rendered.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.lowercased().hasPrefix("subject:") else {
            throw FormatError(message: "the first line must be \"Subject: …\" (the answer's subject)")
        }
        subject = HeaderText.sanitised(String(first.dropFirst("subject:".count)))
        guard !subject.isEmpty else { throw FormatError(message: "the Subject line is empty") }
        guard lines.count > 1, lines[1].trimmingSpacesAndTabs.isEmpty else {
            throw FormatError(message: "the Subject line must be followed by a blank line, then the body")
        }
        var body: [String] = []
        for line in lines.dropFirst(2) {
            let clean = Self.cleanLine(line)
            if clean.isEmpty, body.last?.isEmpty ?? true { continue }
            body.append(clean)
        }
        while body.last?.isEmpty == true { body.removeLast() }
        guard !body.isEmpty else { throw FormatError(message: "the body is empty") }
        self.body = body.joined(separator: "\n") + "\n"
    }

    private static func cleanLine(_ line: Substring) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            let v = scalar.value
            if (v < 0x20 && v != 0x09) || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 {
                continue
            }
            scalars.append(scalar)
        }
        var text = String(scalars)
        while let last = text.unicodeScalars.last, last == " " || last == "\t" { text.unicodeScalars.removeLast() }
        return text
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpacesAndTabs: String {
        let scalars = unicodeScalars.drop { $0 == " " || $0 == "\t" }
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let before = scalars.index(before: end)
            guard scalars[before] == " " || scalars[before] == "\t" else { break }
            end = before
        }
        return String(String.UnicodeScalarView(scalars[scalars.startIndex..<end]))
    }

    /// CRLF and lone CR as "\n".
    func replacingCRLF() -> String {
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n", previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.append(scalar)
        }
        return String(out)
    }
}

/// Reading the template directory, with the C library (the core stays Foundation-free).
enum TemplateFiles {
    /// The names of the entries in `directory`.
    static func names(in directory: String) throws(AnswerTemplateError) -> [String] {
        guard let handle = opendir(directory) else {
            throw .unreadable(path: directory, reason: lastError())
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// The UTF-8 text of the regular file at `path`, at most `limit` bytes.
    static func read(_ path: String, limit: Int) throws(AnswerTemplateError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: lastError()) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(path: path, reason: lastError()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        guard Int(info.st_size) <= limit else {
            throw .unreadable(path: path, reason: "larger than \(limit / 1024) KB")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: lastError())
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            guard bytes.count <= limit else { throw .unreadable(path: path, reason: "larger than \(limit / 1024) KB") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif
