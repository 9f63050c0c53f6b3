public import MIME
import Digest

/// Turns a parsed email into an incident report: reads the fields the policy requires, decides which
/// are missing, and triages the report (automated?, category, severity, ticket reference).
///
/// Pure and synchronous: the same message and profile always give the same report.
public struct IncidentExtractor: Sendable {
    public var profile: IncidentProfile
    private let labels: LabelledLines
    private let customLabels: LabelledLines

    public init(profile: IncidentProfile = IncidentProfile()) {
        self.profile = profile
        labels = LabelledLines(labels: profile.labels)
        var custom: [IncidentField: [String]] = [:]
        for field in profile.customFields { custom[field.field] = field.labels }
        customLabels = LabelledLines(labels: custom)
    }

    /// The most text read from one email; a report is never longer, and the cap keeps hostile
    /// multi-megabyte bodies from costing more than a normal one.
    static let maxTextLength = 256 * 1024

    public func extract(_ message: MIMEMessage, content: MessageContent) -> IncidentReport {
        let envelope = content.envelope
        let reporter = envelope.from.first ?? envelope.sender.first
        let subject = envelope.subject.map(SecretMasker.masked)

        // The reporter's words: the body text, then each forwarded message. Each source is cut on its
        // own, so the forwarder's signature does not cut off the forwarded report; each keeps its own
        // Date, the zone a time written without one is in.
        var budget = Self.maxTextLength
        var lines: [Substring] = []
        var lineDates: [MessageDate?] = []
        let forward = ReporterText.isForwardSubject(envelope.subject)
        for source in reporterSources(message, content: content) where budget > 0 {
            let text = SecretMasker.masked(String(source.text.prefix(budget)))
            budget -= text.utf8.count
            if !lines.isEmpty {
                lines.append("")
                lineDates.append(source.date)
            }
            let sourceLines = ReporterText.lines(of: text, subjectIsForward: forward)
            lines += sourceLines
            lineDates += Array(repeating: source.date, count: sourceLines.count)
        }
        let found = labels.matches(in: lines)
        let customFound = customLabels.matches(in: lines)

        var values: [IncidentField: String] = [:]
        var usedLines = Set<Int>()
        var detectedAt: Int64? = nil
        var labelled: Set<IncidentField> = []
        for match in found {
            // A labelled line is a field line even when its value is unusable ("N/A").
            if match.field != .description { usedLines.formUnion(match.lines) }
            guard !match.value.isEmpty else { continue }
            switch match.field {
            case .description:
                continue  // "Description: …" stays in the description.
            case .server:
                if values[.server] == nil, let address = ServerAddress.fromLabelledValue(match.value) {
                    values[.server] = address
                }
            case .detectedAt:
                if detectedAt == nil {
                    let reference = match.lines.first.map { lineDates[$0] } ?? envelope.date
                    detectedAt = DetectionTime.parse(match.value, reference: reference)
                    if detectedAt != nil { labelled.insert(.detectedAt) }
                }
            case .sessionID, .userID:
                let value = LabelledLines.withoutRemark(match.value)
                if values[match.field] == nil, !value.isEmpty { values[match.field] = String(value.prefix(500)) }
            default:
                if values[match.field] == nil { values[match.field] = String(match.value.prefix(500)) }
            }
        }
        for match in customFound {
            usedLines.formUnion(match.lines)
            guard values[match.field] == nil, let value = customValue(match) else { continue }
            values[match.field] = value
        }
        labelled.formUnion(values.keys)

        let newText = lines.joined(separator: "\n")
        let candidates = ServerAddress.candidates(in: newText).filter(isCandidateServer)
        if values[.server] == nil, let server = candidates.first { values[.server] = server }
        if values[.sessionID] == nil {
            let urls = [values[.server]].compactMap { $0 } + candidates
            values[.sessionID] = urls.lazy.compactMap(ServerAddress.sessionID(inURL:)).first
        }
        if values[.browser] == nil, let browser = SoftwareNames.browser(in: newText) { values[.browser] = browser }
        if values[.os] == nil, let os = SoftwareNames.operatingSystem(in: newText) { values[.os] = os }

        let screenshots = self.screenshots(content, reference: envelope.date)
        if detectedAt == nil { detectedAt = screenshots.lazy.compactMap(\.takenAt).first }

        let description = describe(lines, skipping: usedLines)
        if description.count >= profile.descriptionMinLength { values[.description] = description }

        // Triage reads what the reporter says in their own words: never labels, quotes or signatures.
        let searchable = TriageText(subject: subject, description: description)
        let verdict = MTAVerdict.read(message, trusting: profile.trustedMTA)
        let automated = AutomatedMailDetector.reason(
            for: message, envelope: envelope, profile: profile, verdict: verdict)
        let category =
            profile.categories.first { rule in rule.phrases.contains(where: searchable.contains) }?
            .category ?? "other"
        // A forgotten password is one person's problem, answered with the reset instructions: never critical.
        let severity: Severity = category != "password-reset" && isCritical(searchable) ? .critical : .normal

        var report = IncidentReport(
            reporter: reporter, subject: subject, ticketReference: ticketReference(in: envelope.subject),
            automated: automated, category: category, severity: severity, values: values, detectedAt: detectedAt,
            screenshots: screenshots, missing: [])
        report.missing = profile.required.filter { !report.has($0) }
        report.labelled = labelled
        report.author = envelope.author
        report.authorProblem = envelope.authorProblem
        report.verdict = verdict
        return report
    }

    // MARK: Text

    /// The body text, then the text of each forwarded message attached as message/rfc822, each with
    /// the Date of the message it belongs to.
    func reporterSources(_ message: MIMEMessage, content: MessageContent) -> [(text: String, date: MessageDate?)] {
        var sources: [(text: String, date: MessageDate?)] = [(content.text ?? "", content.envelope.date)]
        for part in message.parts where part.kind == .message && part.parent != nil {
            guard let encapsulated = part.children.first else { continue }
            let pieces = message.bodyParts(of: encapsulated).text.map { body -> String in
                let decoded = message.text(ofPart: body).text
                return message.parts[body].contentType == "text/html" ? HTMLText.text(fromHTML: decoded) : decoded
            }
            if !pieces.isEmpty {
                sources.append((pieces.joined(separator: "\n"), message.envelope(of: encapsulated).envelope.date))
            }
        }
        return sources
    }

    /// The reporter's lines minus the labelled-field lines: wrapped lines joined into paragraphs,
    /// paragraphs separated by a blank line, white space collapsed.
    func describe(_ lines: [Substring], skipping used: Set<Int>) -> String {
        var paragraphs: [String] = []
        var current: [String] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingWhitespace
            if used.contains(index) || trimmed.isEmpty {
                if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
                current = []
                continue
            }
            var text = trimmed
            let decoration = LabelledLines.strippingDecoration(line)
            if let rest = profile.labels[.description]?.lazy.compactMap({
                LabelledLines.rest(of: decoration, after: $0)
            })
            .first, let value = LabelledLines.value(afterSeparatorIn: rest) {
                text = value
            }
            if !text.isEmpty { current.append(text.collapsingWhitespace) }
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
        return paragraphs.joined(separator: "\n\n")
    }

    func customValue(_ match: LabelledLines.Match) -> String? {
        guard let definition = profile.customFields.first(where: { $0.field == match.field }) else { return nil }
        guard let pattern = definition.pattern else { return match.value.isEmpty ? nil : match.value }
        guard let regex = try? Regex(pattern), let found = match.value.firstMatch(of: regex) else { return nil }
        return String(match.value[found.range])
    }

    // MARK: Server

    func isCandidateServer(_ url: String) -> Bool {
        guard let host = ServerAddress.host(of: url) else { return false }
        if let own = profile.ownDomain, host == own || host.hasSuffix("." + own) { return false }
        if profile.mailProviderDomains.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { return false }
        if !profile.knownServers.isEmpty {
            return profile.knownServers.contains { ServerAddress.matches(host, pattern: $0) }
        }
        return true
    }

    // MARK: Screenshots

    func screenshots(_ content: MessageContent, reference: MessageDate?) -> [Screenshot] {
        content.attachments.compactMap { attachment in
            guard let info = ImageInfo.read(attachment.bytes), info.width >= profile.minScreenshotWidth,
                info.height >= profile.minScreenshotHeight
            else { return nil }
            var taken = attachment.filename.flatMap { ScreenshotName.timestamp(in: $0, reference: reference) }
            if taken == nil, let original = info.dateTimeOriginal {
                let offset = info.offsetTimeOriginal.map { " " + $0 } ?? ""
                taken = DetectionTime.parse(original.replacingFirstColons() + offset, reference: reference)
            }
            return Screenshot(
                part: attachment.part, filename: attachment.filename, contentType: info.type, width: info.width,
                height: info.height, sha256: SHA256.hex(attachment.bytes), takenAt: taken)
        }
    }

    // MARK: Triage

    func ticketReference(in subject: String?) -> TicketReference? {
        subject.flatMap { TicketReference.first(in: $0, prefix: profile.ticketPrefix) }
    }

    func isCritical(_ text: TriageText) -> Bool {
        profile.criticalPhrases.contains(where: text.contains) || ServerErrorCode.mentioned(in: text.lowercased)
    }
}

/// HTTP 5xx status codes written as errors ("HTTP 502", "error 503", "500 Internal Server Error").
enum ServerErrorCode {
    static func mentioned(in lowercased: String) -> Bool {
        let characters = Array(lowercased)
        var index = 0
        while index + 2 < characters.count {
            defer { index += 1 }
            guard characters[index] == "5", characters[index + 1].isASCII, characters[index + 1].isNumber,
                characters[index + 2].isASCII, characters[index + 2].isNumber
            else { continue }
            if index > 0, characters[index - 1].isNumber || characters[index - 1].isLetter { continue }
            if index + 3 < characters.count, characters[index + 3].isNumber || characters[index + 3].isLetter {
                continue
            }
            let before = String(characters[max(0, index - 12)..<index])
            let after = String(characters[(index + 3)..<min(characters.count, index + 28)])
            if ["http", "error", "status", "code", "ошибка"].contains(where: { before.contains($0) })
                || ["error", "bad gateway", "internal server", "service unavailable", "gateway timeout"]
                    .contains(where: { after.contains($0) })
            {
                return true
            }
        }
        return false
    }
}

extension String {
    /// "2024:11:11 10:32:15" (EXIF) → "2024-11-11 10:32:15".
    func replacingFirstColons() -> String {
        var result = ""
        var replaced = 0
        for character in self {
            if character == ":", replaced < 2 {
                result.append("-")
                replaced += 1
            } else {
                result.append(character)
            }
        }
        return result
    }
}
