import MIME

/// Whether a description describes the problem, or only greets, points at an attachment ("see screenshot",
/// "смотрите скриншот во вложении", "請參考附件截圖") or — in a reply — talks about the data it sends ("here are
/// the answers", "I don't know the session ID"). Such text is kept for staff, but it does not supply the
/// description the policy asks for: counting it would silence our question with a non-answer.
enum DescriptionSubstance {
    /// Greetings that open a message.
    static let greetings = [
        "hello", "hi", "hey", "dear", "good morning", "good afternoon", "good evening", "hallo", "guten tag",
        "guten morgen", "sehr geehrte", "liebe", "lieber", "moin", "servus", "bonjour", "bonsoir", "salut", "madame",
        "monsieur", "buenos días", "buenos dias", "buenas tardes", "buenas noches", "buenas", "hola", "estimados",
        "estimado", "estimada", "buongiorno", "buonasera", "salve", "ciao", "gentili", "gentile", "bom dia",
        "boa tarde", "boa noite", "olá", "prezados", "prezado", "caro", "здравствуйте", "добрый день",
        "доброе утро", "добрый вечер", "привет", "уважаемые", "dzień dobry", "witam", "szanowni", "szanowny",
        "goedemorgen", "goedemiddag", "goedenavond", "beste", "hoi", "geachte", "merhaba", "iyi günler",
        "sayın", "selam", "こんにちは", "お世話になっております", "您好", "你好", "안녕하세요",
    ]

    /// "See the attachment / the screenshot" in the languages of our customers.
    static let pointers = [
        "see attached", "see attachment", "see the attachment", "see screenshot", "see the screenshot",
        "screenshot attached", "attached screenshot", "please find attached", "see below", "siehe anhang",
        "siehe screenshot", "siehe bildschirmfoto", "screenshot anbei", "im anhang", "voir pièce jointe",
        "voir la pièce jointe", "voir capture", "voir la capture", "ci-joint", "en pièce jointe", "ver adjunto",
        "ver captura", "adjunto captura", "vedi allegato", "vedi screenshot", "in allegato", "veja anexo",
        "veja o anexo", "em anexo", "segue anexo", "смотрите скриншот", "см. скриншот", "скриншот во вложении",
        "во вложении", "zobacz załącznik", "w załączniku", "zie bijlage", "in de bijlage", "ekte", "ektedir",
        "添付", "见附件", "見附件", "请参考附件", "請參考附件", "截图见附件", "截圖見附件", "첨부", "如附件", "如附图", "如附圖",
        "见截图", "見截圖", "прикладываю", "прилагаю", "i attach", "attaching", "adjunto", "allego", "je joins",
        "hänge ich an", "załączam", "bijgevoegd", "ekliyorum", "附上",
    ]

    /// Names of the fields we ask for (not "answers", "details", "below"): a sentence naming two of them is about
    /// the data.
    static let fieldWords = [
        "session", "sesión", "sessione", "sessão", "sitzung", "сесси", "sesj", "sessie", "oturum", "セッション", "会话",
        "identifiant", "identificador", "kennung", "matricola", "matrícula", "username", "screenshot", "captura",
        "capture", "скриншот", "zrzut", "bildschirmfoto", "スクリーンショット", "截图", "截圖", "étudiant", "student",
    ]

    /// Words of a contact line (a signature the reader did not recognise as one): not a description.
    static let contactWords = [
        "tel", "phone", "mobile", "fax", "тел", "телефон", "電話", "电话", "手机", "手機", "分機", "内線", "內線", "携帯",
    ]

    /// Words that make a short line of a reply talk about the data rather than the problem.
    static let dataWords = [
        "session", "sesión", "sessione", "sessão", "sitzung", "сесси", "sesj", "sessie", "oturum", "セッション", "会话",
        "user", "usuario", "usuário", "utente", "utilisateur", "benutzer", "login", "логин", "username", "screenshot",
        "captura", "capture", "скриншот", "zrzut", "ekran görüntüsü", "bildschirmfoto", "スクリーンショット", "截图",
        "截圖", "server", "servidor", "serveur", "сервер", "serwer", "sunucu", "answers", "respuestas", "respostas",
        "risposte", "réponses", "antworten", "ответ", "odpowied", "antwoorden", "cevap", "bilgiler", "details",
        "daten", "données", "datos", "dati", "dados", "данные", "dane", "gegevens", "information", "informações",
        "informaci", "informazioni", "informationen", "photo", "foto", "фото", "photo", "below", "unten", "dessous",
        "abajo", "sotto", "abaixo", "ниже", "poniżej", "hieronder", "aşağıda", "identifiant", "identificador",
        "kennung", "matricola", "matrícula", "お答え", "回答", "インライン", "回复如下", "回覆如下", "以下の通り", "sessie",
        "sitzungs", "ご連絡いたします", "情報", "お送りします", "送付します",
    ]

    /// Thanks and closing courtesies: in a reply, a short sentence with one is not the problem.
    static let courtesies = [
        "thank you", "thanks", "danke", "vielen dank", "merci", "gracias", "grazie", "obrigad", "спасибо", "дякую",
        "dziękuję", "dzięki", "bedankt", "dank je", "dank u", "teşekkür", "ありがとうございます", "よろしくお願い", "谢谢",
        "謝謝", "감사합니다", "mulțumesc", "multumesc", "děkuji", "köszönöm", "kiitos", "tack", "takk", "tak",
    ]

    /// Whether `description` says what the problem is. In a reply (`isReply`), short lines about the data are
    /// left out too; `answers` is the reporter's text written under our questions, where only a long sentence
    /// describes the problem ("Toen belde de student dat zijn toets halverwege was vastgelopen: …") and the
    /// rest is about the data asked for ("Photo the invigilator took is attached.").
    static func isSubstantive(_ description: String, isReply: Bool, answers: [String] = []) -> Bool {
        var letters = 0
        // In a reply each sentence is judged on its own ("It was yesterday around 7:30am. My username is …").
        var pieces = isReply ? sentences(description.replacingNewlines) : description.split(separator: "\n")
        for answer in answers {
            // The first sentence of an answer is about the field asked for; what follows may describe the problem.
            let said = sentences(answer.replacingNewlines)
            pieces += said.first.map { $0.count > 90 ? said : Array(said.dropFirst()) } ?? []
        }
        for line in pieces {
            let lower = line.lowercased()
            let length = lower.count
            if length <= 40, greetings.contains(where: { lower.hasPrefix($0) }) {
                // "Hello," and "Buongiorno, rispondo qui sotto." are no description; the rest of a longer line is.
                if isReply || length <= 20 { continue }
            }
            if length <= 90, pointers.contains(where: { lower.includes($0) }) { continue }
            if isAddressOrIntroduction(lower) { continue }
            // A link counts as the data it is, not as words ("Serverul nostru este https://…/ , iar …").
            let wordsLength = lower.split(separator: " ").filter { !$0.includes("://") && !$0.includes("@") }
                .reduce(0) { $0 + $1.count + 1 }
            if isReply, wordsLength <= 90, dataWords.contains(where: { lower.includes($0) }) { continue }
            // "Thank you!", "Mulțumesc, Andreea Popescu Secretariat – Facultatea de Litere".
            if isReply,
                courtesies.contains(where: { length <= 60 && lower.includes($0) || length <= 80 && lower.hasPrefix($0) }
                )
            {
                continue
            }
            // "Attached - the candidate sent it from her laptop.": what the attachment is.
            if isReply, length <= 90,
                ["attached", "anbei", "ci-joint", "adjunto", "in allegato", "em anexo"].contains(
                    where: { lower.hasPrefix($0) })
            {
                continue
            }
            // "Pour l'identifiant de session et celui de l'étudiante je dois demander …": about the data asked for.
            if isReply, length <= 160, Set(fieldWords.filter { lower.includes($0) }).count >= 2 { continue }
            if length <= 120, contactWords.contains(where: { lower.hasPrefix($0) || lower.includes(" " + $0) }),
                lower.contains(where: \.isNumber), !lower.contains(where: { ".!?。".contains($0) })
            {
                continue  // "林怡君 國立東岸科技大學 … 電話：(03) 555-2718"
            }
            if isReply, length <= 90, !DetectionTime.mentions(in: line, reference: anyDay).isEmpty {
                continue  // the time they answer with
            }
            letters += lower.filter(\.isLetter).count
        }
        return letters >= 25
    }
}

extension DescriptionSubstance {
    /// "ProctorEdu サポート ご担当者様" (whom the mail is for), "桜陵大学の佐藤です" / "我是东华大学的王老师" (who writes).
    static func isAddressOrIntroduction(_ lower: String) -> Bool {
        let text = lower.trimmingCharacters(" 　,，、:：")
        guard text.count <= 30, text.contains(where: { $0.isCJK }) else { return false }
        if ["様", "御中", "さま", "殿", "先生", "老师", "老師", "您好", "님"].contains(where: { text.hasSuffix($0) }) {
            return true
        }
        if text.count <= 20, text.hasSuffix("です") || text.hasSuffix("と申します"), text.includes("の") { return true }
        return text.count <= 20 && (text.hasPrefix("我是") || text.hasPrefix("我們是") || text.hasPrefix("我们是"))
    }

    /// Any date: a time is recognised as one whatever day it is on.
    static let anyDay = MessageDate(secondsSince1970: 1_780_000_000, utcOffsetSeconds: 0)

    /// Sentences: split after `.`, `!` or `?` followed by white space (not inside "24.10"), and at CJK stops.
    static func sentences(_ text: String) -> [Substring] {
        var found: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            let ends =
                "。！？\n".contains(character)
                || (".!?".contains(character) && (next == text.endIndex || text[next].isWhitespace))
            if ends {
                if start < index { found.append(text[start..<index]) }
                start = next
            }
            index = next
        }
        if start < text.endIndex { found.append(text[start...]) }
        return found
    }
}

extension String {
    /// Single line breaks joined with a space; paragraph breaks kept.
    fileprivate var replacingNewlines: String {
        split(separator: "\n\n", omittingEmptySubsequences: false).map {
            $0.split(separator: "\n").joined(separator: " ")
        }.joined(separator: "\n")
    }
}
