/// Separates what the reporter wrote in this email from what came along with it: quoted replies, the
/// attribution lines above them, forwarded-message header blocks, signatures and disclaimers.
///
/// Forwarded *bodies* are the reporter's (a forwarded report is the report); quoted replies are not (in a
/// reply the quote is our own earlier message, or theirs, already on the ticket). Quotes and own text may be
/// interleaved: a customer who answers under each quoted line of our information request writes their own
/// lines between `>` lines, or — in clients that quote without markers — between the lines of our message,
/// which we recognise because we wrote it (`OwnAnswerText`).
///
/// One pass over the lines, with a precomputed "next `>` line" table instead of look-ahead scans, so hostile
/// text costs linear time.
public enum ReporterText {
    /// What a line is to the reader.
    public enum Role: Sendable, Equatable {
        /// The reporter's own words (or a forwarded report's).
        case own
        /// Quoted from an earlier message.
        case quoted
        /// "On … wrote:", an Outlook "From: … Sent: …" block, an "Original Message" separator.
        case attribution
        /// A forwarded message's header block.
        case forwardHeader
        /// Sign-off, signature, mobile footer, disclaimer.
        case signature
    }

    /// One line of the body with its role.
    public struct Line: Sendable {
        public var text: Substring
        public var role: Role
        /// For a line of the reporter's own written under a quoted question of ours ("- the ID of the affected
        /// user"): the field that question asked for.
        public var answers: IncidentField? = nil
        /// For a line of an inline-forwarded message: its "Date:"/"Sent:"/"Gesendet:" value as written, the day a
        /// "today" or "heute Abend" in it refers to.
        public var forwardedDate: Substring? = nil
    }

    /// The reporter's own lines, in order (every line whose role is `.own`).
    public static func lines(
        of text: String, subjectIsForward: Bool = false, ours: OwnAnswerText = .none
    )
        -> [Substring]
    {
        ownLines(of: text, subjectIsForward: subjectIsForward, ours: ours).map(\.text)
    }

    /// The reporter's own lines with what each answers, without trailing blank lines.
    public static func ownLines(
        of text: String, subjectIsForward: Bool = false, ours: OwnAnswerText = .none
    )
        -> [Line]
    {
        var kept = read(text, subjectIsForward: subjectIsForward, ours: ours).filter { $0.role == .own }
        while let last = kept.last, last.text.trimmingWhitespace.isEmpty { kept.removeLast() }
        return kept
    }

    /// Every line of `text` with its role.
    public static func read(_ text: String, subjectIsForward: Bool = false, ours: OwnAnswerText = .none) -> [Line] {
        let split = text.split(separator: "\n", omittingEmptySubsequences: false)
        let all = subjectIsForward ? unquotingForward(split) : split
        // nextMarked[i]: the index of the first `>` line at or after i (all.count when none): whether a quote
        // below an attribution uses markers is one lookup, not a scan.
        var nextMarked = [Int](repeating: all.count, count: all.count + 1)
        for index in stride(from: all.count - 1, through: 0, by: -1) {
            nextMarked[index] = isMarkedQuote(all[index]) ? index : nextMarked[index + 1]
        }
        enum Mode {
            case own
            case signature
            case forwardHeaders
            /// Below an attribution without `>` markers: everything is quoted, except — in our own message —
            /// the lines we did not write (the customer's inline answers).
            case unmarkedQuote(ours: Bool)
            /// An Outlook header block, until its first blank line.
            case quoteHeaders(ours: Bool)
        }
        var mode = Mode.own
        var oursSeen = 0
        // Whether the message being quoted is ours (its attribution names us).
        var quotingUs = false
        var quotedFrom = ""
        // Words the reporter wrote above the first quote: a full top-posted message, not "answers below".
        var wordsAbove = 0
        var quoteSeen = false
        // "Please see my answers below in red": whatever the reporter wrote above, the answers are in the quote.
        var answersBelow = false
        // The field our last quoted question asked for, while the customer's answer may follow it.
        var asked: IncidentField? = nil
        var forwardedDate: Substring? = nil
        // Inside our quote, after an answer the reporter marked ("[AK] …"), until a blank line.
        var answerParagraph = false
        var result: [Line] = []
        result.reserveCapacity(all.count)
        var index = 0
        while index < all.count {
            let line = all[index]
            let trimmed = line.trimmingWhitespace
            let lower = trimmed.lowercased()
            defer { index += 1 }
            func emit(_ role: Role) {
                switch role {
                case .quoted:
                    // A quoted question of ours (or its wrapped continuation) sets what an answer below it is for;
                    // other quoted text ends that.
                    let content = trimmed.drop { $0 == ">" || $0 == " " }
                    if !content.isEmpty {
                        if let field = ours.question(String(content))
                            ?? (quotingUs ? OwnAnswerText.listedQuestion(content) : nil)
                        {
                            asked = field
                        } else if let current = asked, ours.continues(current, String(content)) {
                            asked = current
                        } else {
                            asked = nil
                        }
                    }
                    result.append(Line(text: line, role: role))
                case .own:
                    if !quoteSeen, wordsAbove < 40 { wordsAbove += trimmed.split(separator: " ").count }
                    if !quoteSeen, !answersBelow {
                        let lower = trimmed.lowercased()
                        answersBelow = Self.answersBelowPhrases.contains(where: { lower.includes($0) })
                    }
                    result.append(
                        Line(
                            text: line, role: role, answers: trimmed.isEmpty ? nil : asked, forwardedDate: forwardedDate
                        ))
                default:
                    asked = nil
                    result.append(Line(text: line, role: role))
                }
            }

            // A forward whose client marks it like a reply ("------------------ 原始邮件 ------------------" in QQ
            // Mail and Foxmail, Outlook's "-----Original Message-----") is the report passed on too.
            if isForwardMarker(lower) || (subjectIsForward && isOutlookHeaderBlock(all, at: index))
                || (subjectIsForward && isReplySeparator(lower) && !lower.hasPrefix("_"))
            {
                mode = .forwardHeaders
                forwardedDate = nil
                emit(.forwardHeader)
                continue
            }
            if case .forwardHeaders = mode {
                if trimmed.isEmpty {
                    mode = .own
                    emit(.forwardHeader)
                    continue
                }
                if looksLikeHeaderLine(lower) {
                    let form = headerForm(lower)
                    if sentNames.contains(where: { form.hasPrefix($0) }),
                        let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" })
                    {
                        forwardedDate = line[line.index(after: colon)...]
                    }
                    emit(.forwardHeader)
                    continue
                }
                // Yandex and Mail.ru head a forward with their attribution ("26.11.2026, 10:22, "Иван" <…>:"):
                // the forwarded message's date, and the report below it.
                if isAttribution(lower, next: "") {
                    let end = line.firstIndex(where: { $0 == "\"" || $0 == "<" }) ?? line.endIndex
                    forwardedDate = line[..<end]
                    mode = .own
                    emit(.forwardHeader)
                    continue
                }
                mode = .own
            }
            if isMarkedQuote(line) {
                if case .signature = mode { mode = .own }
                // Apple Mail quotes the attribution too ("> Il giorno 1 dic 2026, … ProctorEdu Support <…> ha
                // scritto:"): the quote under it is ours, and its numbered questions say what each answer is for.
                let content = trimmed.drop { $0 == ">" || $0 == " " }
                if content.count < 300, isAttribution(content.lowercased(), next: ""), ours.namesUs([content]) {
                    quotingUs = true
                }
                emit(.quoted)
                continue
            }
            if case .quoteHeaders(let ours) = mode {
                if trimmed.isEmpty {
                    mode = .unmarkedQuote(ours: ours)
                    emit(.attribution)
                    continue
                }
                if looksLikeHeaderLine(lower) || lower.hasPrefix("[mailto:") {
                    emit(.attribution)
                    continue
                }
                mode = .unmarkedQuote(ours: ours)
            }
            let next = index + 1 < all.count ? all[index + 1].trimmingWhitespace.lowercased() : ""
            let headerBlock = isOutlookHeaderBlock(all, at: index)
            if isReplySeparator(lower) || isAttribution(lower, next: next) || headerBlock {
                // Who wrote the quoted message: ours when the attribution (or its From line) names us.
                let namesUs = ours.namesUs(all[index..<min(all.count, index + (headerBlock ? 1 : 2))])
                quotingUs = namesUs
                // Lines we did not write inside our unmarked quote are answers only when the reporter left the
                // answering to them; below a whole top-posted message they are older text we do not know.
                let ours = namesUs && (wordsAbove < 40 || answersBelow)
                quoteSeen = true
                // A quote with `>` markers close below: the lines between them are the reporter's.
                let marked = nextMarked[index + 1] < min(all.count, index + 8)
                oursSeen = 0
                quotedFrom = OwnAnswerText.normalised(line)
                if headerBlock {
                    mode = .quoteHeaders(ours: ours)
                } else {
                    mode = marked ? .own : .unmarkedQuote(ours: ours)
                }
                emit(.attribution)
                continue
            }
            switch mode {
            case .unmarkedQuote(let isOurs):
                // Our own message quoted without markers: what we did not write is the customer's answer. Our
                // answers are a few dozen lines; past that the quote is older mail. The name we signed with is
                // the one the quote's From line shows.
                oursSeen += 1
                let signedName = trimmed.count >= 4 && quotedFrom.includes(OwnAnswerText.normalised(Substring(trimmed)))
                // Only answers count: a line right under a question of ours (or continuing such an answer), or a
                // question answered on its own line ("- the user ID: mtorres4"). Other lines we do not know are
                // still ours — a colleague's free-text answer, an older template — and stay quoted; so does a
                // paragraph under a question (an answer typed between our lines is a short line).
                let question = OwnAnswerText.listedQuestion(Substring(trimmed)) ?? ours.question(trimmed)
                // Answered on the line of our own prompt ("- the ID of the affected user: mtorres4"); a "- User ID:
                // kb20417" in other words is as likely a read-back of ours.
                let answersInline =
                    trimmed.lastIndex(where: { $0 == ":" || $0 == "：" }).map { colon in
                        !trimmed[trimmed.index(after: colon)...].trimmingWhitespace.isEmpty
                            && ours.question(String(trimmed[..<colon]).trimmingCharacters("-*• ")) != nil
                    } == true
                // "[AK] Poniżej – 3 osoby:" and the rows under it: an answer the reporter marked as theirs holds,
                // with the lines that continue it (to a blank line), whichever question it answers.
                let markedAnswer = Self.startsWithAnswerMarker(trimmed)
                if trimmed.isEmpty { answerParagraph = false }
                if isOurs, oursSeen <= 400, !trimmed.isEmpty, trimmed.count <= 300, !ours.wrote(trimmed), !signedName,
                    answersInline || markedAnswer || (answerParagraph && question == nil)
                        || (question == nil && asked != nil && trimmed.count <= 120)
                {
                    if markedAnswer { answerParagraph = true }
                    emit(.own)
                } else {
                    answerParagraph = false
                    emit(.quoted)
                }
                continue
            case .signature:
                emit(Self.isSignedStudentNumber(lower) ? .own : .signature)
                continue
            default:
                break
            }
            if isSignatureDelimiter(line) || isMobileFooter(lower) || isSignOff(lower) || isDisclaimer(lower) {
                mode = .signature
                emit(.signature)
                continue
            }
            emit(.own)
        }
        return result
    }

    /// Labels of a student's or candidate's own number, which a student signs with ("Jonas Brückner /
    /// Matrikelnr. 3318820"): that line of a signature is the reporter's data. Staff sign with phones and
    /// addresses, never with these.
    static let signedStudentLabels = [
        "matrikelnr", "matrikelnummer", "matr.-nr", "matrikel-nr", "student id", "student number", "student no",
        "candidate number", "candidate no", "candidate id", "n° étudiant", "numéro étudiant", "numéro d'étudiant",
        "matricola", "matrícula", "número de estudiante", "número de aluno", "numer albumu", "nr albumu",
        "numer indeksu", "nr indeksu", "studentnummer", "öğrenci no", "öğrenci numarası", "номер зачётки",
        "номер зачетки", "学号", "學號", "学籍番号", "受験番号", "학번", "mssv", "nim", "roll no", "roll number",
        "matric no", "matric number", "registration no", "registration number", "reg no", "opiskelijanumero",
    ]

    /// Whether a signature line is a student number after its label ("Matrikelnr. 3318820", "NIM: 2108051122").
    static func isSignedStudentNumber(_ lower: String) -> Bool {
        guard lower.count <= 60, lower.contains(where: \.isNumber),
            let label = signedStudentLabels.first(where: { lower.hasPrefix($0) })
        else { return false }
        // The label must end a word: "nimbus 3" is no "nim".
        let after = lower.dropFirst(label.count).first
        return after.map { !$0.isLetter || label.last!.isCJK } ?? false
    }

    /// What a reporter writes above a quote they answered inside.
    static let answersBelowPhrases = [
        "answers below", "answered below", "see below", "answers inline", "inline", "in red", "in blue",
        "between the lines", "unten", "im text", "ci-dessous", "en rouge", "abajo", "en rojo", "sotto", "in rosso",
        "abaixo", "em vermelho", "ниже", "в тексте", "poniżej", "hieronder", "aşağıda", "下記", "以下", "아래",
    ]

    /// Whether a subject starts with a forward prefix ("Fwd:", "FW:", "WG:", "TR:", "I:", "Пересл:", …).
    public static func isForwardSubject(_ subject: String?) -> Bool {
        guard let subject else { return false }
        let lower = subject.trimmingCharacters("").lowercased()
        let prefixes = [
            "fwd:", "fw:", "wg:", "tr:", "rv:", "vs:", "enc:", "i:", "pd:", "doorst:", "fw :", "fwd :", "tr :",
            "пересл:", "fwd：", "转发：", "转发:", "轉寄：", "轉寄:", "転送:", "転送：", "fw：", "vb:", "vl:", "př:", "ilt:", "i̇lt:",
            "továbbítás:", "πρθ:",
            "переслано:", "fwd.:",
        ]
        return prefixes.contains { lower.hasPrefix($0) }
    }

    static func isMarkedQuote(_ line: Substring) -> Bool {
        line.drop { $0 == " " || $0 == "\t" }.first == ">"
    }

    static func isForwardMarker(_ lower: String) -> Bool {
        // Apple Mail's "Begin forwarded message:" in the languages it speaks.
        if appleForwardMarkers.contains(where: { lower.hasPrefix($0) }) { return true }
        guard lower.hasPrefix("-") || lower.hasPrefix("begin") || lower.hasPrefix("_") else { return false }
        let words = [
            "forwarded message", "weitergeleitete nachricht", "message transféré", "mensaje reenviado",
            "messaggio inoltrato", "doorgestuurd bericht", "przekazana wiadomość", "mensagem encaminhada",
            "iletilen ileti", "пересылаемое сообщение", "пересланное сообщение", "begin forwarded message",
            "original message follows",
        ]
        return words.contains { lower.includes($0) }
    }

    /// An inline answer marked as the reporter's: their initials in brackets ("[AK] …", "[답변] …").
    static func startsWithAnswerMarker(_ line: String) -> Bool {
        guard line.first == "[", let close = line.firstIndex(of: "]") else { return false }
        let inside = line[line.index(after: line.startIndex)..<close]
        return (1...6).contains(inside.count) && inside.allSatisfy(\.isLetter)
            && line[line.index(after: close)...].first == " "
    }

    static let appleForwardMarkers = [
        "anfang der weitergeleiteten nachricht", "début du message réexpédié", "inicio del mensaje reenviado",
        "inizio messaggio inoltrato", "begin doorgestuurd bericht", "início da mensagem reencaminhada",
        "início da mensagem encaminhada", "начало переадресованного сообщения", "początek przekazywanej wiadomości",
        "転送されたメッセージ", "转发的邮件", "以下為轉寄的郵件",
    ]

    /// A forward whose client quoted the forwarded message with `>` (Apple Mail in plain text: "> Anfang der
    /// weitergeleiteten Nachricht:"): the quote is the report passed on, read without its markers. Only in a
    /// message whose subject says it is a forward, and only the quoted block that opens with the marker.
    static func unquotingForward(_ lines: [Substring]) -> [Substring] {
        var result = lines
        var index = 0
        // Whether the lines just above are a forward's marker and headers ("----- Forwarded Message -----",
        // "From: …", "Sent: …"), under which Rediffmail quotes the forwarded body with `>`.
        var underForwardHeaders = false
        while index < result.count {
            defer { index += 1 }
            guard isMarkedQuote(result[index]) else {
                let lower = result[index].trimmingWhitespace.lowercased()
                if isForwardMarker(lower) {
                    underForwardHeaders = true
                } else if underForwardHeaders, !lower.isEmpty, !looksLikeHeaderLine(lower) {
                    underForwardHeaders = false
                }
                continue
            }
            let content = result[index].drop { $0 == " " || $0 == "\t" }.dropFirst().drop { $0 == " " }
            guard underForwardHeaders || isForwardMarker(content.trimmingWhitespace.lowercased()) else { continue }
            underForwardHeaders = false
            var line = index
            while line < result.count, isMarkedQuote(result[line]) {
                let text = result[line].drop { $0 == " " || $0 == "\t" }.dropFirst()
                result[line] = text.first == " " ? text.dropFirst() : text
                line += 1
            }
            index = line
        }
        return result
    }

    /// Header names of quoted and forwarded header blocks, in the languages mail clients write them.
    static let headerNames = [
        "from:", "to:", "cc:", "bcc:", "date:", "sent:", "subject:", "reply-to:", "от:", "кому:", "дата:", "тема:",
        "отправлено:", "копия:", "von:", "an:", "datum:", "betreff:", "gesendet:", "de:", "para:", "fecha:",
        "asunto:", "enviado:", "från:", "skickat:", "till:", "ämne:", "à:", "envoyé:", "objet:", "da:", "a:",
        "inviato:", "oggetto:", "data:", "van:", "aan:", "verzonden:", "onderwerp:", "od:", "do:", "wysłano:",
        "wysłane:", "temat:", "kimden:", "kime:", "tarih:", "gönderildi:", "konu:", "bilgi:", "assunto:", "差出人:",
        "送信日時:", "宛先:", "件名:", "発信者:", "发件人:", "发送时间:", "收件人:", "主题:", "寄件者:", "寄件日期:",
        "收件者:", "主旨:", "抄送:", "副本:", "cc:", "от кого:", "отправитель:", "получатель:", "від:", "кому:",
        "надіслано:", "тема:", "enviada em:", "enviado em:", "enviada:", "cc.:", "odesláno:", "komu:", "předmět:",
        "lähettäjä:", "lähetetty:", "vastaanottaja:", "aihe:", "feladó:", "elküldve:", "címzett:", "tárgy:",
        "trimis:", "către:", "subiect:", "από:", "στάλθηκε:", "προς:", "θέμα:", "dari:", "dikirim:", "kepada:",
        "perihal:", "subjek:", "odoslané:", "predmet:", "보낸 사람:", "받는 사람:", "보낸 날짜:", "참조:", "제목:",
    ]

    /// The line with white space before a colon removed and full-width colons made ASCII ("De :" → "de:").
    static func headerForm(_ lower: String) -> String {
        guard let colon = lower.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return lower }
        let name = lower[..<colon].trimmingWhitespace
        return name + ":" + lower[lower.index(after: colon)...]
    }

    static func looksLikeHeaderLine(_ lower: String) -> Bool {
        let form = headerForm(lower.hasPrefix("*") ? String(lower.drop { $0 == "*" }) : lower)
        return headerNames.contains { form.hasPrefix($0) }
    }

    static func isSignatureDelimiter(_ line: Substring) -> Bool {
        line == "-- " || line == "--" || line == "-- \r" || line == "—" || line == "__"
    }

    static func isMobileFooter(_ lower: String) -> Bool {
        let footers = [
            "sent from my ", "sent from outlook", "get outlook for", "sent from mail for windows", "sent from yahoo",
            "sent from samsung", "sent via ", "отправлено с iphone", "отправлено из мобильной", "von meinem iphone",
            "von meinem samsung", "gesendet von", "enviado desde mi", "enviado do meu", "envoyé de mon",
            "envoyé depuis",
            "inviato da ", "verzonden vanaf", "wysłane z ", "iphone'umdan gönderildi", "obtener outlook para",
            "obter o outlook para", "télécharger outlook", "outlook for ios", "outlook for android",
            "iphoneから送信", "从我的iphone发送", "發自我的 iphone", "发自我的iphone", "yahoo mail for",
        ]
        return footers.contains { lower.hasPrefix($0) }
    }

    static func isReplySeparator(_ lower: String) -> Bool {
        if lower.hasPrefix("________________________________") { return true }
        guard lower.hasPrefix("-----") || lower.hasPrefix("----- ") || lower.hasPrefix("--------") else {
            return false
        }
        let words = [
            "original message", "ursprüngliche nachricht", "исходное сообщение", "mensaje original",
            "message d'origine",
            "messaggio originale", "oorspronkelijk bericht", "oryginalna wiadomość", "mensagem original",
            "özgün ileti", "original meddelande", "元のメッセージ", "原始邮件", "原始郵件", "oprindelig meddelelse",
            "opprinnelig melding", "alkuperäinen viesti", "eredeti üzenet", "původní zpráva", "pôvodná správa",
            "izvirno sporočilo", "originalna poruka", "оригинална порука", "оригинално съобщение", "αρχικό μήνυμα",
            "orijinal mesaj", "mesajul original", "originele bericht", "исходное письмо", "оригінальне повідомлення",
        ]
        return words.contains { lower.includes($0) }
    }

    /// Verbs of attribution lines ("On … wrote:") in the languages clients write them.
    static let attributionVerbs = [
        "wrote", "schrieb", "écrit", "escribió", "escreveu", "ha scritto", "scrisse", "schreef", "pisze", "napisał",
        "napisała", "написал", "написала", "пишет", "yazdı", "skrev", "kirjoitti", "寫道", "写道", "書きました",
        "のメッセージ", "wrote:", "писали", "писал(а)", "you wrote", "sie schrieben", "vous avez écrit", "пише",
        "написав", "написа", "napsal", "napísal", "napisao", "napisala", "napisal", "írta", "a scris", "έγραψε",
        "작성", "đã viết", "menulis", "va escriure", "rašė", "rakstīja", "kirjutas", "كتب", "כתב", "เขียน", "نوشت",
    ]

    /// "On Mon, 11 Nov 2024 at 10:00, Helpdesk <helpdesk@example.com> wrote:" and its translations, possibly
    /// wrapped onto a second line; Mail.ru's "11.11.2024, 10:05, \"Name\" <addr>:".
    static func isAttribution(_ lower: String, next: String) -> Bool {
        guard lower.count < 300 else { return false }
        let ends = lower.hasSuffix(":") || lower.hasSuffix("：")
        // After the verb come at most a name and an address ("Den 30 nov. 2026 kl. 10:00 skrev Helpdesk <…>:"):
        // "Jag skrev tentan i morse och kl. 09.50 frös … i webbläsaren:" is a sentence that says "wrote".
        if ends {
            let text = ByteText(lower)
            let verbEnds = attributionVerbs.lazy.compactMap { verb in
                text.occurrences(of: Array(verb.utf8)).last.map { $0 + verb.utf8.count }
            }
            // The sender's address, however long, is not counted ("schrieb Prüfungsamt der Fakultät … <…>:").
            let bracket = text.bytes.lastIndex(of: UInt8(ascii: "<"))
            // And it names a sender or a moment: an address, a time or a year — or the verb ends a short line
            // ("Helpdesk wrote:"). "reszta grupy pisze bez problemu:" ("the rest of the group writes without
            // problems:") introduces the reporter's own table.
            let evidence = lower.includes("@") || bracket != nil || Self.hasClockOrYear(lower)
            if verbEnds.contains(where: { verbEnd in
                let end = bracket.map { $0 >= verbEnd ? $0 : text.bytes.count } ?? text.bytes.count
                return end - verbEnd <= 100 && (evidence || (text.bytes.count - verbEnd <= 1 && lower.count <= 80))
            }) {
                return true
            }
        }
        if lower.hasSuffix(">:"), lower.includes("@"), lower.first?.isNumber == true { return true }
        // A two-line attribution: the first line starts it, the second carries the verb.
        let starters = ["on ", "am ", "le ", "el ", "il ", "den ", "op ", "w dniu ", "em ", "в "]
        if starters.contains(where: { lower.hasPrefix($0) }), next.count < 160,
            next.hasSuffix(":") || next.hasSuffix("："), attributionVerbs.contains(where: { next.includes($0) })
        {
            return true
        }
        return false
    }

    /// Whether the text has a clock time ("10:00", "9.05") or a year ("2026").
    static func hasClockOrYear(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var digits = 0
        for (index, byte) in bytes.enumerated() {
            if byte >= 0x30, byte <= 0x39 {
                digits += 1
                if digits == 4 { return true }
                continue
            }
            if digits >= 1, byte == UInt8(ascii: ":") || byte == UInt8(ascii: "."), index + 2 < bytes.count,
                (0x30...0x39).contains(bytes[index + 1]), (0x30...0x39).contains(bytes[index + 2])
            {
                return true
            }
            digits = 0
        }
        return false
    }

    static let fromNames = [
        "from:", "от:", "von:", "de:", "från:", "da:", "van:", "od:", "kimden:", "差出人:", "发件人:", "寄件者:", "fra:",
        "від:", "lähettäjä:", "feladó:", "από:", "dari:", "보낸 사람:",
    ]
    static let sentNames = [
        "sent:", "date:", "отправлено:", "дата:", "gesendet:", "datum:", "enviado:", "envoyé:", "skickat:", "inviato:",
        "data:", "verzonden:", "wysłano:", "wysłane:", "gönderildi:", "tarih:", "送信日時:", "发送时间:", "寄件日期:", "fecha:",
        "enviada em:", "enviado em:", "enviada:", "odesláno:", "надіслано:", "lähetetty:", "elküldve:", "trimis:",
        "στάλθηκε:", "dikirim:", "tanggal:", "sendt:", "poslano:", "poslato:", "изпратено:", "보낸 날짜:", "odoslané:",
    ]

    /// Outlook's header block without a separator: "From: …" followed within four lines by "Sent: …".
    static func isOutlookHeaderBlock(_ lines: [Substring], at index: Int) -> Bool {
        let form = headerForm(lines[index].trimmingWhitespace.lowercased().drop { $0 == "*" }.lowercased())
        guard fromNames.contains(where: { form.hasPrefix($0) }) else { return false }
        for offset in 1...4 where index + offset < lines.count {
            let next = headerForm(lines[index + offset].trimmingWhitespace.lowercased().drop { $0 == "*" }.lowercased())
            if sentNames.contains(where: { next.hasPrefix($0) }) { return true }
        }
        return form.includes(" sent: ")
    }

    /// A closing line ("Best regards," "С уважением,") ends the message; what follows is the signature.
    static func isSignOff(_ lower: String) -> Bool {
        guard lower.count <= 40 else { return false }
        // Turkish "İ" lower-cases to "i" and a combining dot: "İyi çalışmalar" is "iyi çalışmalar".
        let stripped = String(
            String.UnicodeScalarView(lower.trimmingCharacters(",.!。、").unicodeScalars.filter { $0.value != 0x307 }))
        return signOffs.contains(stripped)
    }

    static let signOffs: Set<String> = [
        "best regards", "kind regards", "warm regards", "regards", "best wishes", "best", "cheers", "sincerely",
        "yours sincerely", "yours faithfully", "many thanks", "thanks", "thank you", "thanks in advance",
        "thank you in advance", "thanks a lot", "br", "kr", "all the best", "with thanks", "many thanks in advance",
        "спасибо", "заранее спасибо", "с уважением", "с наилучшими пожеланиями", "всего доброго", "благодарю",
        "danke", "vielen dank", "danke im voraus", "mit freundlichen grüßen", "mit freundlichen grüssen",
        "freundliche grüße", "viele grüße", "beste grüße", "liebe grüße", "schöne grüße", "gruß", "grüße", "lg", "vg",
        "mfg", "saludos", "saludos cordiales", "un saludo", "un cordial saludo", "cordialmente", "atentamente",
        "gracias", "muchas gracias", "cordialement", "bien cordialement", "bien à vous", "merci", "merci d'avance",
        "merci beaucoup", "bonne journée", "salutations", "cordiali saluti", "distinti saluti", "saluti", "grazie",
        "grazie mille", "un saluto", "buona giornata", "atenciosamente", "att", "abraços", "obrigado", "obrigada",
        "cumprimentos", "com os melhores cumprimentos", "met vriendelijke groet", "met vriendelijke groeten",
        "vriendelijke groet", "groetjes", "groeten", "mvg", "hartelijke groet", "pozdrawiam", "z poważaniem",
        "pozdrawiam serdecznie", "dziękuję", "z góry dziękuję", "saygılarımızla", "saygılarımla", "teşekkürler",
        "teşekkür ederim", "iyi çalışmalar", "med vänliga hälsningar", "vänliga hälsningar", "mvh",
        "以上", "よろしくお願いいたします", "よろしくお願いします", "宜しくお願い致します", "谢谢", "此致", "敬礼",
        "此致敬礼", "祝好", "謝謝", "感謝", "順頌時祺", "감사합니다",
    ]

    /// The first lines of legal disclaimers: what follows is boilerplate, never the report.
    static func isDisclaimer(_ lower: String) -> Bool {
        guard lower.count >= 30 else { return false }
        let phrases = [
            "this e-mail may contain confidential", "this email may contain confidential",
            "this message is confidential",
            "intended recipient", "intended solely for", "diese e-mail kann vertrauliche",
            "diese e-mail enthält vertrauliche",
            "vertrauliche informationen", "ce message est confidentiel", "ce courriel est confidentiel",
            "destinataire prévu", "este mensaje es confidencial", "información confidencial",
            "questo messaggio è riservato",
            "informazioni riservate", "dit bericht is vertrouwelijk", "ta wiadomość jest poufna", "конфиденциальн",
            "bu e-posta gizli", "この電子メールは機密", "本邮件可能包含保密", "本郵件可能包含機密", "disclaimer:",
        ]
        return phrases.contains { lower.includes($0) }
    }
}

/// Recognises the lines of our own answers when a reply quotes them without `>` markers, so the customer's
/// inline answers between them can be told apart. Built from the answer templates and prompts (with their
/// variables as wildcards), the helpdesk's name and addresses.
public struct OwnAnswerText: Sendable {
    /// Our answers' text, normalised (lower case, white space collapsed, variables removed), one string.
    private let corpus: String
    /// Addresses and names that mark a quoted message as ours ("ProctorEdu Support <helpdesk@example.com>").
    private let marks: [String]
    /// How our information request asks for each field, normalised.
    private let prompts: [(field: IncidentField, text: String)]

    public static let none = OwnAnswerText(texts: [], marks: [])

    /// Beginnings of our lines whose rest varies ("- the session ID: 9b2e…", the values we read back).
    private let linePrefixes: [String]

    public init(texts: [String], marks: [String], prompts: [IncidentField: String] = [:], linePrefixes: [String] = []) {
        self.linePrefixes = linePrefixes.map { Self.normalised(Substring($0)) }.filter { $0.count >= 6 }
        self.prompts = prompts.map { ($0.key, Self.normalised(Substring($0.value))) }.sorted {
            $0.field.key < $1.field.key
        }
        var pieces: [String] = []
        for text in texts {
            // Mustache tags become line breaks: the literal text around them is matched piece by piece.
            var literal = ""
            var rest = Substring(text)
            while let open = rest.firstRange(of: "{{") {
                literal += rest[..<open.lowerBound] + "\n"
                guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
                rest = rest[close.upperBound...]
            }
            literal += rest
            for line in literal.split(separator: "\n") {
                let normal = Self.normalised(line)
                if normal.count >= 2 { pieces.append(normal) }
            }
        }
        corpus = " " + pieces.joined(separator: " ") + " "
        self.marks = marks.map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    /// Whether a quoted line is (part of) our text: its normalised form occurs in our answers.
    func wrote(_ line: String) -> Bool {
        let normal = Self.normalised(Substring(line))
        guard normal.count >= 2 else { return true }
        if corpus.includes(" " + normal + " ") || corpus.includes(" " + normal) { return true }
        if linePrefixes.contains(where: { normal.hasPrefix($0) }) { return true }
        // A paragraph of ours reflowed onto one line with the values we read back after it ("We read these
        // from your message; … the right value: the server: …"): its first 40 characters are ours.
        if normal.count > 60, let cut = normal.dropFirst(40).firstIndex(of: " "),
            corpus.includes(" " + normal[..<cut] + " ")
        {
            return true
        }
        // Our ticket references and subjects vary: "We have registered it as ticket HD-000123." and our own
        // header lines are ours whatever the number.
        var kept: [Substring] = []
        for word in normal.split(separator: " ") {
            let isReference = word.includes("-") && word.contains(where: { $0.isNumber }) && word.count <= 14
            if !isReference { kept.append(word) }
        }
        let withoutReference = kept.joined(separator: " ")
        return withoutReference.count >= 12 && corpus.includes(" " + withoutReference)
    }

    /// The field a quoted line of our information request asks for: the line is a prompt's beginning (at least
    /// a dozen characters of it), and only one prompt has it.
    func question(_ line: String) -> IncidentField? {
        let normal = Self.normalised(Substring(line))
        guard normal.count >= 12 else { return nil }
        let hits = prompts.filter { $0.text.hasPrefix(normal) }
        return hits.count == 1 ? hits[0].field : nil
    }

    /// A list item or question of a quoted request of ours, worded differently from today's prompts (an older
    /// template, a colleague's paraphrase): "- the user ID of the affected candidate", "3. Идентификатор сессии",
    /// "User ID / student number?". It asks for the one field whose label it names; none or several, nil.
    static func listedQuestion(_ line: Substring) -> IncidentField? {
        let trimmed = line.drop { $0 == " " || $0 == ">" }.trimmingWhitespace
        guard let marker = trimmed.first, trimmed.count <= 90 else { return nil }
        // A list item ("- the user ID", "3. Идентификатор сессии") or a question ("User ID / student number?").
        let numbered = marker.isNumber && trimmed.dropFirst().prefix(2).contains { $0 == "." || $0 == ")" }
        guard "-*•–·".contains(marker) || numbered || trimmed.last.map({ "?:？：".contains($0) }) == true else {
            return nil
        }
        let normal = " " + normalised(Substring(trimmed)) + " "
        let fields = [IncidentField.server, .detectedAt, .sessionID, .userID].filter { field in
            (FieldLexicon.labels[field] ?? []).contains { label in
                label.count >= 4 && normal.includes(" " + normalised(Substring(label)) + " ")
            }
        }
        return fields.count == 1 ? fields[0] : nil
    }

    /// Whether a quoted line continues the prompt for `field` (a client wrapped it).
    func continues(_ field: IncidentField, _ line: String) -> Bool {
        let normal = Self.normalised(Substring(line))
        return normal.count >= 3 && prompts.contains { $0.field == field && $0.text.includes(normal) }
    }

    /// Whether these lines (an attribution and what follows it) name our address or name.
    func namesUs(_ lines: ArraySlice<Substring>) -> Bool {
        guard !marks.isEmpty else { return false }
        return lines.contains { line in
            let lower = line.lowercased()
            return marks.contains { lower.includes($0) }
        }
    }

    /// Lower case, letters, digits and single spaces only: wrapping, bullets and punctuation do not matter.
    static func normalised(_ line: Substring) -> String {
        var words: [String] = []
        var current = ""
        for character in line.lowercased() {
            if character.isLetter || character.isNumber || character == "-" {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.trimmingCharacters("-") }.filter { !$0.isEmpty }.joined(separator: " ")
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
