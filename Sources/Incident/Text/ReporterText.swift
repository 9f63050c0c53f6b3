/// Separates what the reporter wrote in this email from what came along with it: quoted replies,
/// the attribution lines above them, forwarded-message header blocks and signatures.
///
/// Forwarded *bodies* are kept, because a forwarded report is the report; quoted replies are not,
/// because in a reply the quote is our own earlier message (or theirs, already on the ticket).
public enum ReporterText {
    /// The reporter's own lines, in order.
    ///
    /// A quote (a `>` line, an attribution, an Outlook reply header, an "Original Message" separator)
    /// ends the text. A signature (`-- `, a sign-off line, a mobile footer) runs until the next
    /// forward marker, where the forwarded report starts. `subjectIsForward` says whether an Outlook
    /// header block ("From: … Sent: …") introduces a forward rather than a quote.
    public static func lines(of text: String, subjectIsForward: Bool = false) -> [Substring] {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var index = 0
        var inForwardHeaders = false
        var inSignature = false
        while index < all.count {
            let line = all[index]
            let trimmed = line.trimmingWhitespace
            let lower = trimmed.lowercased()
            defer { index += 1 }

            if isForwardMarker(lower) || (subjectIsForward && isOutlookHeaderBlock(all, at: index)) {
                inForwardHeaders = true
                inSignature = false
                continue
            }
            if inForwardHeaders {
                // The forwarded message's header block lasts until its first blank line.
                if trimmed.isEmpty {
                    inForwardHeaders = false
                } else if !looksLikeHeaderLine(lower) {
                    inForwardHeaders = false
                    kept.append(line)
                }
                continue
            }
            if inSignature { continue }
            if trimmed.hasPrefix(">") { break }
            if isReplySeparator(lower) { break }
            if isAttribution(lower, next: index + 1 < all.count ? all[index + 1].trimmingWhitespace.lowercased() : "") {
                break
            }
            if isOutlookHeaderBlock(all, at: index) { break }
            if isSignatureDelimiter(line) || isMobileFooter(lower) || isSignOff(lower) {
                inSignature = true
                continue
            }
            kept.append(line)
        }
        while let last = kept.last, last.trimmingWhitespace.isEmpty { kept.removeLast() }
        return kept
    }

    /// Whether a subject starts with a forward prefix ("Fwd:", "FW:", "WG:", "Пересл:", …).
    public static func isForwardSubject(_ subject: String?) -> Bool {
        guard let subject else { return false }
        let lower = subject.trimmingCharacters("").lowercased()
        let prefixes = ["fwd:", "fw:", "wg:", "tr:", "rv:", "vs:", "enc:", "пересл:", "fwd :", "fw :"]
        return prefixes.contains { lower.hasPrefix($0) }
    }

    static func isForwardMarker(_ lower: String) -> Bool {
        let markers = [
            "---------- forwarded message", "-------- forwarded message", "begin forwarded message",
            "-----forwarded message", "----- forwarded message", "-------- пересылаемое сообщение",
            "---------- пересланное сообщение", "-------- weitergeleitete nachricht", "---------- mensaje reenviado",
        ]
        return markers.contains { lower.hasPrefix($0) }
    }

    static let headerNames = [
        "from:", "to:", "cc:", "date:", "sent:", "subject:", "reply-to:", "от:", "кому:", "дата:", "тема:",
        "отправлено:", "копия:", "von:", "an:", "cc:", "datum:", "betreff:", "gesendet:", "de:", "para:", "fecha:",
        "asunto:", "enviado:", "från:", "skickat:", "till:", "ämne:",
    ]

    static func looksLikeHeaderLine(_ lower: String) -> Bool {
        headerNames.contains { lower.hasPrefix($0) }
    }

    static func isSignatureDelimiter(_ line: Substring) -> Bool {
        line == "-- " || line == "--" || line == "-- \r"
    }

    static func isMobileFooter(_ lower: String) -> Bool {
        let footers = [
            "sent from my iphone", "sent from my ipad", "sent from my android", "sent from my samsung",
            "sent from my mobile", "sent from my phone", "sent from outlook", "get outlook for",
            "sent from mail for windows", "отправлено с iphone", "отправлено из мобильной", "von meinem iphone",
            "enviado desde mi iphone",
        ]
        return footers.contains { lower.hasPrefix($0) }
    }

    static func isReplySeparator(_ lower: String) -> Bool {
        let separators = [
            "-----original message-----", "----- original message -----", "-------- original message --------",
            "-----ursprüngliche nachricht-----", "-----исходное сообщение-----", "-----mensaje original-----",
            "________________________________",
        ]
        return separators.contains { lower.hasPrefix($0) }
    }

    /// "On Mon, 11 Nov 2024 at 10:00, Helpdesk <helpdesk@example.com> wrote:" and its translations,
    /// possibly wrapped onto a second line.
    static func isAttribution(_ lower: String, next: String) -> Bool {
        let endings = [
            "wrote:", "schrieb:", "a écrit :", "a écrit:", "escribió:", "пишет:", "написал:", "написала:",
            "написал(а):", "scrisse:", "skrev:",
        ]
        let starters = ["on ", "am ", "le ", "el ", "il ", "den "]
        if endings.contains(where: { lower.hasSuffix($0) }) {
            return starters.contains { lower.hasPrefix($0) } || lower.count < 200
        }
        // Mail.ru and Yandex: "11.11.2024, 10:05, \"Name\" <addr>:" or "… от Name <addr>:".
        if lower.hasSuffix(">:"), lower.contains("@"), lower.first?.isNumber == true { return true }
        if starters.contains(where: { lower.hasPrefix($0) }), endings.contains(where: { next.hasSuffix($0) }),
            next.count < 120
        {
            return true
        }
        return false
    }

    /// Outlook's header block without a separator: "From: …" followed within three lines by "Sent: …".
    static func isOutlookHeaderBlock(_ lines: [Substring], at index: Int) -> Bool {
        let lower = lines[index].trimmingWhitespace.lowercased()
        guard
            lower.hasPrefix("from:") || lower.hasPrefix("от:") || lower.hasPrefix("von:") || lower.hasPrefix("de:")
                || lower.hasPrefix("från:")
        else { return false }
        for offset in 1...3 where index + offset < lines.count {
            let next = lines[index + offset].trimmingWhitespace.lowercased()
            if next.hasPrefix("sent:") || next.hasPrefix("date:") || next.hasPrefix("отправлено:")
                || next.hasPrefix("дата:") || next.hasPrefix("gesendet:") || next.hasPrefix("enviado:")
                || next.hasPrefix("skickat:")
            {
                return true
            }
        }
        return lower.contains(" sent: ")
    }

    /// A closing line ("Best regards," "С уважением,") ends the message; what follows is the signature.
    static func isSignOff(_ lower: String) -> Bool {
        guard lower.count <= 40 else { return false }
        let closings = [
            "best regards", "kind regards", "warm regards", "regards", "best wishes", "best", "cheers",
            "sincerely", "yours sincerely", "yours faithfully", "many thanks", "thanks", "thank you",
            "thanks in advance",
            "спасибо", "заранее спасибо", "danke",
            "thank you in advance", "с уважением", "с наилучшими пожеланиями", "всего доброго",
            "mit freundlichen grüßen", "viele grüße", "beste grüße", "saludos", "saludos cordiales", "cordialmente",
            "atentamente", "cordialement", "med vänliga hälsningar", "vänliga hälsningar",
        ]
        let stripped = lower.trimmingCharacters(",.!")
        return closings.contains(stripped)
    }
}

extension Substring {
    /// Without leading and trailing white space.
    var trimmingWhitespace: String {
        guard let start = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let end = lastIndex(where: { !$0.isWhitespace })!
        return String(self[start...end])
    }
}

extension String {
    /// Without the given characters and white space at either end.
    func trimmingCharacters(_ characters: String) -> String {
        let set = Set(characters)
        guard let start = firstIndex(where: { !set.contains($0) && !$0.isWhitespace }) else { return "" }
        let end = lastIndex(where: { !set.contains($0) && !$0.isWhitespace })!
        return String(self[start...end])
    }
}
