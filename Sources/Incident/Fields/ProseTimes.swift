import MIME

/// The time of detection written in a sentence ("since 08:58 GMT", "yesterday around 3pm", "à 14h02 (heure de
/// Paris)", "15:10'dan beri"), told apart from the other times mail is full of: schedules ("the exam starts at
/// 09:00", "de 18h à 20h", "morgen um 10 Uhr"), times in the future, and times weeks before the email.
///
/// A time with a detection cue before (or, in Turkish, Japanese and Chinese, after) it is taken, the first in
/// the text; without a cue, only a lone time in the reporter's words is. Either way the value is "probable".
enum ProseTimes {
    /// Words before a time that mark the moment something went wrong (or was noticed).
    static let cuesBefore: Set<String> = [
        "since", "at", "around", "about", "approximately", "approx", "roughly", "from", "when", "seit", "um", "gegen",
        "ungefähr", "etwa", "ca", "circa", "ab", "depuis", "à", "vers", "dès", "environ", "desde", "a", "las", "hacia",
        "sobre", "alrededor", "dalle", "dal", "alle", "verso", "ore", "intorno", "с", "со", "в", "около", "примерно",
        "od", "o", "około", "ok", "godz", "vanaf", "sinds", "om", "rond", "omstreeks", "ongeveer", "saat", "às",
        "perto", "por", "volta", "cerca", "noticed", "happened", "occurred", "appeared", "la", "ora", "pukul", "jam",
        "sejak", "lúc", "từ", "στις", "από", "בשעה", "сағат", "klockan", "kl", "klo", "kello", "saat", "v", "ve",
        "ob", "oko", "les", "des", "о", "приблизно", "близько", "біля", "เวลา", "kell", "klokken", "klokka", "u",
        "apie", "partir",
    ]
    /// Cues that name the start of the problem itself ("since", "seit", "depuis"): preferred over "at".
    static let strongCues: Set<String> = [
        "partir", "since", "seit", "depuis", "dès", "desde", "dalle", "dal", "с", "со", "od", "vanaf", "sinds", "ab",
        "beri",
        "'dan", "'den", "'tan", "'ten", "dan", "den", "tan", "ten", "以来", "起", "から", "noticed", "happened",
        "occurred", "appeared", "started", "ago", "óta", "부터",
    ]
    /// Words after a time that mark it as a moment (Turkish "'dan beri", Japanese "頃", Chinese "左右").
    static let cuesAfter: Set<String> = [
        "beri", "'dan", "'den", "'tan", "'ten", "dan", "den", "tan", "ten", "sıralarında", "civarında", "頃", "ごろ",
        "から", "左右", "起", "开始", "以来", "uur", "uhr", "h", "körül", "táján", "óta", "kor", "的时候", "的時候",
    ]
    /// Verbs that put a sentence in the past: a weekday beside a time in it was last week's, not next.
    static let pastWords: Set<String> = [
        "was", "were", "happened", "occurred", "war", "passierte", "passiert", "была", "был", "было", "произошла",
        "произошло", "случилось", "była", "był", "było", "fue", "ocurrió", "pasó", "successo", "accaduto", "stato",
        "produit", "ocorreu", "aconteceu", "foi", "gebeurde", "oldu", "була", "був", "було", "sucedió",
    ]
    /// Verbs of seeing the problem before its time: that time is when it was detected, whatever else the text
    /// says started earlier ("the exam started at 9:00 … we noticed it at 9:03").
    static let noticedWords: Set<String> = [
        "noticed", "realised", "realized", "spotted", "discovered", "detected", "observed", "bemerkt", "festgestellt",
        "aufgefallen", "constaté", "constatée", "remarqué", "remarquée", "aperçus", "aperçu", "notamos", "notei",
        "percebemos", "detectamos", "detectado", "notado", "accorti", "accorta", "notato", "accorgemmo",
        "заметили", "заметил", "заметила", "обнаружили", "обнаружил", "помітили", "помітив", "zauważyliśmy",
        "zauważyłem", "zauważyłam", "všimli", "všiml", "všimla", "všimol", "zistili", "zjistili", "opgemerkt",
        "gemerkt", "merkten", "ontdekt", "fark", "farkettik", "observat", "observată", "constatat",
    ]
    /// Verbs of seeing written after the time (Turkish "fark ettik", Japanese 気づ…, Chinese 发现).
    static let noticedWordsAfter = [
        "fark", "気づ", "気付", "发现", "發現", "rilevat", "riscontrat", "constat", "bemerkt", "festgestellt",
        "заметил", "обнаружил", "zauważ", "detectad", "notamos", "percebemos",
    ]
    /// English verbs of seeing after the time, close to it only ("At 9:02 we noticed …"; not "… reason: multiple
    /// faces detected" further on, an error message's word).
    static let noticedWordsAfterNear: Set<String> = ["noticed", "realised", "realized", "spotted"]
    /// Words near a time that make it a schedule or a plan, not the moment of the problem.
    static let scheduleWords: Set<String> = [
        "scheduled", "starts", "begins", "window", "closes", "deadline", "until", "till", "appointment", "booked",
        "slot", "due", "planned", "tomorrow", "next", "resit", "retake", "reschedule", "rescheduled", "postponed",
        "delayed", "moved", "lasts", "beginnt", "startet", "geplant", "morgen", "nächste", "nächsten", "verschoben",
        "bis", "prévu", "prévue", "commence", "débute", "demain", "prochain", "prochaine", "reporté", "reportée",
        "décalé", "jusqu'à", "inizia", "prevista", "previsto", "convocazione", "turno", "domani", "prossimo",
        "prossima", "rinviato", "spostato", "fino", "empieza", "comienza", "programado", "programada", "mañana",
        "próximo", "próxima", "retrasado", "aplazado", "retrasamos", "hasta", "начнётся", "начнется", "начинается",
        "расписанию", "завтра", "перенесли", "отложили", "до", "zaczyna", "jutro", "przełożony", "begint", "aanvang",
        "herkansing", "verplaatst", "tot", "başlayacak", "başlıyor", "yarın", "ertelendi", "kadar", "予定", "明日",
        "明天", "计划", "延后", "まで", "começa", "amanhã", "adiado", "remarcado", "até", "ends", "endet", "termine",
        "termina", "finisce", "заканчивается", "kończy", "eindigt", "終了", "结束", "lief", "läuft", "予定でした",
        "meant", "supposed", "kick", "zítra", "zajtra", "mâine", "αύριο", "holnap", "imorgon", "huomenna", "내일",
        "غدا", "غداً", "besok", "מחר", "พรุ่งนี้", "завтра", "ертең", "programată", "programat", "programata", "утре",
        "skulle", "بيقفل", "يقفل",
        "ينتهي", "بينتهي",
    ]
    /// Words that make a whole sentence's time a plan, however far before it ("scheduled for my … exam at 8:00").
    static let clausePlans: Set<String> = [
        "scheduled", "geplant", "angesetzt", "prévu", "prévue", "programmé", "programmée", "programado", "programada",
        "previsto", "prevista", "agendado", "agendada", "запланирован", "запланирована", "zaplanowany",
        "zaplanowana", "gepland", "planlagt", "planerad",
    ]
    static let clauseBreaks: Set<String> = [
        "but", "and", "however", "aber", "doch", "und", "mais", "et", "pero", "y", "ma", "e", "но", "и", "ale",
        "maar", "men", "och", "og", "ama", "ve",
    ]
    static let tomorrowWords: Set<String> = [
        "утре", "tomorrow", "morgen", "demain", "mañana", "domani", "amanhã", "завтра", "jutro", "yarın", "zítra",
        "zajtra",
        "huomenna", "imorgon", "holnap", "mâine", "αύριο", "besok",
    ]
    /// What may have "started" without making the time a schedule: the problem itself ("This started at
    /// 10:20", "it began around 9", "Das Problem begann um …"), or nothing at all ("Started ~10:05").
    static let problemSubjects: Set<String> = [
        "this", "it", "problem", "problems", "issue", "issues", "error", "errors", "outage", "trouble", "that",
        "which", "fault", "disruption", "freeze", "freezing", "crash", "crashes", "das", "es", "fehler", "störung",
        "ça", "cela", "problème", "panne", "erreur", "esto", "eso", "fallo", "problema", "это", "проблема",
        "сбой", "ошибка", "isso", "falha", "questo", "guasto",
    ]
    /// Words that make a time a schedule only right before it ("the exam start at 9:00", "Beginn 09:00"), unless
    /// negated ("could not start at 14:40").
    static let startWords: Set<String> = [
        "start", "begin", "beginning", "started", "began", "begun", "beginn", "anfang", "début", "inicio", "início",
        "inizio", "начало",
        "rozpoczęcie", "başlangıç", "開始", "开始", "iniziato", "iniziata", "iniziati", "cominciato", "comenzó",
        "empezó", "comenzado", "empezado", "commencé", "débuté", "begonnen", "gestartet", "началось", "начался",
        "начался", "começou", "iniciado", "iniciou", "begonnen", "rozpoczął", "rozpoczęła", "başladı", "begon",
        "startte", "aanvang", "dimulai", "почався", "почалася", "почалось", "розпочався", "розпочалася", "convocado",
        "convocada", "convocato", "convocata",
    ]
    /// Start verbs written after the time ("A vizsga 14:00-kor kezdődött", "Zkouška v 9:00 začala").
    static let startWordsAfter: Set<String> = [
        "kezdődött", "kezdődik", "začala", "začal", "začíná", "začalo", "začína", "začala", "başlayan", "başlayacak",
        "başlıyordu", "開始の", "开考的", "開考的", "begonnen", "angefangen", "gestartet", "început", "inceput",
    ]
    /// Words for an exam sitting: a time right before one names the sitting ("our 9am exam", "the 10:30 exam"),
    /// or right after one through "of" ("l'appello delle 10:30").
    static let sittings: Set<String> = [
        "exam", "exams", "examen", "test", "quiz", "sitting", "section", "slot", "class", "paper", "final", "midterm",
        "prüfung", "klausur", "appello", "esame", "prova", "examen", "sessione", "turno", "tentamen", "egzamin",
        "экзамен", "zkouška", "vizsga", "sınav", "exame",
    ]
    static let sittingLinks: Set<String> = [
        "delle", "dell'", "des", "del", "de", "of", "von", "der", "das", "do", "da",
    ]
    static let negations: Set<String> = [
        "not", "cannot", "can't", "couldn't", "unable", "nicht", "kein", "pas", "no", "não", "non", "не", "nie", "niet",
        "değil", "won't", "didn't", "doesn't", "impossible", "impossibile", "imposible",
    ]

    /// A time found in the reporter's words.
    struct Found {
        var seconds: Int64
        var line: Int
        var cue: String?
    }

    /// The time of detection in `lines` (each with the Date of the message it belongs to), or nil.
    static func detectionTime(in lines: [(index: Int, text: Substring, date: MessageDate?)]) -> Found? {
        var cued: [Found] = []
        var plain: [Found] = []
        // The paragraph so far: the lines just before this one, up to a blank line.
        var paragraph: [(index: Int, text: Substring)] = []
        for (index, text, date) in lines {
            defer {
                if text.trimmingWhitespace.isEmpty || paragraph.last.map({ $0.index != index - 1 }) == true {
                    paragraph = []
                }
                if !text.trimmingWhitespace.isEmpty { paragraph = Array((paragraph + [(index, text)]).suffix(3)) }
            }
            guard let date, text.count <= 2000 else { continue }
            // "ayer rendí el final … y tuve un\nproblema: a eso de las 18:40": a day said in the lines before (the
            // same paragraph, wrapped) holds for a time without one.
            var carriedDays = 0
            if let last = paragraph.last, last.index == index - 1 {
                let before = DetectionTime.Token.scan(String(paragraph.map(\.text).joined(separator: " ").suffix(300)))
                carriedDays = DetectionTime.relativeDays(before, in: max(0, before.count - 40)..<before.count) ?? 0
            }
            // "seit 5 Minuten", "20 minutes ago": counted back from when the email was written.
            if let ago = RelativeTimes.secondsAgo(in: text) {
                cued.append(Found(seconds: date.secondsSince1970 - ago, line: index, cue: "ago"))
            }
            let written = WordTimes.numeric(String(text.prefix(DetectionTime.scannedCharacters)))
            guard written.contains(where: { $0.isNumber }) else { continue }
            let tokens = DetectionTime.Token.scan(written)
            for var mention in DetectionTime.mentions(in: written, reference: date) {
                if !mention.hasDate, carriedDays != 0 { mention.seconds += Int64(carriedDays) * 86_400 }
                // Never after the email was written, nor weeks before it.
                guard mention.seconds <= date.secondsSince1970 + 60,
                    mention.seconds >= date.secondsSince1970 - 21 * 86_400,
                    !mention.inRange || startsSpan(tokens, at: mention.range.lowerBound)
                else { continue }
                if isSchedule(tokens, around: mention.range) { continue }
                // "the player shows 0:00", "the timer is at 00:00": a display, not a moment.
                if !mention.hasDate, mention.range.count >= 3,
                    ["0", "00"].contains(tokens[mention.range.lowerBound].text),
                    tokens[mention.range.lowerBound + 2].text == "00"
                {
                    continue
                }
                let cue = cue(tokens, around: mention.range)
                // A weekday's name beside the time says a past day or a coming one ("W czwartek o 8:00 mam
                // egzamin"); said earlier, with a cue at the time ("on Monday …, around 3:20"), it happened.
                // ("Ошибка была в пятницу примерно в 14:00": a past-tense verb before the day says which; after it,
                // "on Friday at 9:00 I was supposed to" is still a plan.)
                if mention.byWeekday, !mention.weekdayEarlier || cue == nil,
                    cue == nil
                        || !tokens[..<mention.range.lowerBound].suffix(8).contains(where: {
                            $0.kind == .word && pastWords.contains($0.text)
                        })
                {
                    continue
                }
                if let cue {
                    cued.append(Found(seconds: mention.seconds, line: index, cue: cue))
                } else {
                    plain.append(Found(seconds: mention.seconds, line: index, cue: nil))
                }
            }
            if cued.count + plain.count > 32 { break }
        }
        // "Depuis 9h00 (début de l'examen) … Nous l'avons constaté à 9h03": the moment someone saw it.
        if let noticed = cued.first(where: { $0.cue == "noticed" }) { return noticed }
        if let strong = cued.first(where: { $0.cue.map(strongCues.contains) ?? false }) { return strong }
        if let first = cued.first { return first }
        // Several uncued times that agree (the lines of a log, 11:42:17 and 11:42:48): the first moment.
        if let first = plain.min(by: { $0.seconds < $1.seconds }),
            plain.allSatisfy({ $0.seconds - first.seconds <= 300 })
        {
            return first
        }
        return nil
    }

    /// Words before the first end of a span in which the problem happened ("between 12:10 and 12:25", "między
    /// 12:10 a 12:25"): its start is the moment seen. A range alone ("13:30–15:30") is a schedule.
    static let betweenWords: Set<String> = [
        "between", "zwischen", "entre", "tra", "fra", "между", "між", "między", "tussen", "mezi", "arasında",
    ]

    static func startsSpan(_ tokens: [DetectionTime.Token], at start: Int) -> Bool {
        (1...2).contains {
            start - $0 >= 0 && tokens[start - $0].kind == .word && betweenWords.contains(tokens[start - $0].text)
        }
    }

    static func cue(_ tokens: [DetectionTime.Token], around range: Range<Int>) -> String? {
        // Japanese and Chinese glue the cue to the minutes ("55分ごろ", "20分左右").
        if let last = tokens[range.upperBound - 1].text.unicodeScalars.first.map({ _ in
            tokens[range.upperBound - 1].text
        }),
            let glued = ["ごろ", "頃", "左右", "以来", "から", "起", "부터", "경", "쯤"].first(where: { last.includes($0) })
        {
            return glued
        }
        // "~10:05", "≈ 9:40": approximately.
        if range.lowerBound > 0,
            tokens[range.lowerBound - 1].isSymbol("~") || tokens[range.lowerBound - 1].isSymbol("≈")
        {
            return tokens[range.lowerBound - 1].text
        }
        // "We noticed it at 9:03", "Všimli jsme si toho v 8:04", "13:45 civarında fark ettik": when it was seen,
        // in the same clause.
        for index in stride(from: range.lowerBound - 1, through: max(0, range.lowerBound - 6), by: -1) {
            let token = tokens[index]
            if token.kind == .symbol, ".!?;(".contains(token.text) { break }
            if token.kind == .word, noticedWords.contains(token.text) { return "noticed" }
        }
        for index in range.upperBound..<min(tokens.count, range.upperBound + 16) {
            let token = tokens[index]
            if token.kind == .symbol, ".!?;".contains(token.text) { break }
            if token.kind == .word, noticedWordsAfter.contains(where: { token.text.hasPrefix($0) }) { return "noticed" }
            if token.kind == .word, index - range.upperBound < 5, noticedWordsAfterNear.contains(token.text) {
                return "noticed"
            }
        }
        for index in stride(from: range.lowerBound - 1, through: max(0, range.lowerBound - 4), by: -1) {
            let token = tokens[index]
            if token.kind == .word, startWords.contains(token.text), problemStarted(tokens, at: index) {
                return "started"
            }
            // A one-letter cue ("a", "o", "v", "в") is also an article or a preposition of the sentence ("A
            // vizsga 14:00-kor"): only right before the time.
            // (Nor the last letter of an ID before a table's time: "…408e7a  10:41".)
            if token.kind == .word, cuesBefore.contains(token.text),
                token.text.count > 1 || (index == range.lowerBound - 1 && token.spaced)
            {
                return token.text
            }
        }
        // A zone in brackets may stand between the time and its cue ("13時05分（JST）頃から").
        for index in range.upperBound..<min(tokens.count, range.upperBound + 5) {
            let token = tokens[index]
            if token.kind == .word,
                cuesAfter.contains(token.text)
                    || cuesAfter.contains(where: { token.text.hasPrefix($0) && !$0.first!.isASCII && $0 != "h" })
            {
                return token.text
            }
        }
        return nil
    }

    /// Whether the start word at `index` says the problem started: its subject is the problem ("This started
    /// at", "the error began") or it opens the sentence ("Started ~10:05").
    static func problemStarted(_ tokens: [DetectionTime.Token], at index: Int) -> Bool {
        guard
            [
                "started", "began", "begun", "begann", "commencé", "empezó", "comenzó", "началось", "начался",
                "começou", "iniziato", "iniziata", "başladı",
            ].contains(tokens[index].text)
        else { return false }
        if index == 0 { return true }
        let before = tokens[index - 1]
        if before.kind == .symbol { return ".!?;:".contains(before.text) }
        // "This has started", "the problem first began": one adverb or auxiliary may stand between.
        if problemSubjects.contains(before.text) { return true }
        return index >= 2 && ["has", "had", "first", "only", "ist", "hat", "a"].contains(before.text)
            && problemSubjects.contains(tokens[index - 2].text)
    }

    static func isSchedule(_ tokens: [DetectionTime.Token], around range: Range<Int>) -> Bool {
        // (Not the first label of a host name: "13時05分頃から、exam.kita-kogyo.ac.jp".)
        if range.upperBound < tokens.count, sittings.contains(tokens[range.upperBound].text),
            range.upperBound + 1 == tokens.count || !tokens[range.upperBound + 1].isSymbol(".")
                || tokens[range.upperBound + 1].spaced
        {
            return true
        }
        // "l'appello delle 10:30": the article's elision is part of the word.
        if range.lowerBound >= 2, sittingLinks.contains(tokens[range.lowerBound - 1].text),
            sittings.contains(String(tokens[range.lowerBound - 2].text.split(separator: "'").last ?? ""))
        {
            return true
        }
        // "Die Klausur hat um 10:00 Uhr begonnen" — unless the problem is what began ("Das Problem hat um 10:40
        // begonnen").
        if tokens[range.upperBound..<min(tokens.count, range.upperBound + 3)].contains(where: {
            startWordsAfter.contains($0.text)
        }),
            !tokens[max(0, range.lowerBound - 5)..<range.lowerBound].contains(where: {
                problemSubjects.contains($0.text)
            })
        {
            return true
        }
        // "mañana tengo mi examen de Estadística a las 8:00": tomorrow, said further back in the clause.
        for index in max(0, range.lowerBound - 10)..<max(0, range.lowerBound - 6)
        where tokens[index].kind == .word && tomorrowWords.contains(tokens[index].text) {
            let thisMorning = index > 0 && ["heute", "esta", "la", "de", "por"].contains(tokens[index - 1].text)
            let clause = tokens[index..<range.lowerBound].contains { $0.isSymbol(".") || $0.isSymbol(";") }
            if !thisMorning, !clause { return true }
        }
        // "I was scheduled for my Certified Data Steward exam this morning at 8:00": a plan said further back in
        // the same sentence.
        for index in stride(from: range.lowerBound - 1, through: max(0, range.lowerBound - 14), by: -1) {
            let token = tokens[index]
            if token.kind == .symbol, ".!?;".contains(token.text) { break }
            // "…was scheduled for 1:30pm but the software froze at 2:05pm": the plan's clause ends there.
            if token.kind == .word, clauseBreaks.contains(token.text) { break }
            if token.kind == .word, clausePlans.contains(token.text) { return true }
        }
        let window = max(0, range.lowerBound - 6)..<min(tokens.count, range.upperBound + 2)
        for index in window where !range.contains(index) && tokens[index].kind == .word {
            let word = tokens[index].text
            // "heute morgen", "esta mañana": this morning, not tomorrow.
            let thisMorning =
                (word == "morgen" || word == "mañana")
                && index > 0 && ["heute", "esta", "la", "de", "por"].contains(tokens[index - 1].text)
            // "due at 9:00" is a plan; Italian "alle 8.50 due screenshot" counts two.
            let notDue =
                word == "due"
                && !(index + 1 < tokens.count && ["at", "by", "to", "in", "on"].contains(tokens[index + 1].text))
            if scheduleWords.contains(word), !thisMorning, !notDue { return true }
            // Words of scripts written without spaces are found inside a run ("明日の10時から"); elsewhere only
            // whole words count ("до" is not in "додаю").
            if word.count > 1, word.first!.isCJK,
                scheduleWords.contains(where: { $0.count > 1 && $0.first!.isCJK && word.includes($0) })
            {
                return true
            }
            // "Prüfungsbeginn 9:00 Uhr", "Klausurbeginn": a German compound ending in the start word.
            let startWord = startWords.contains(word) || (word.count > 8 && word.hasSuffix("beginn"))
            if startWord, index < range.lowerBound, range.lowerBound - index <= 3,
                !problemStarted(tokens, at: index)
            {
                let before = max(0, index - 4)..<index
                if !before.contains(where: { negations.contains(tokens[$0].text) }) { return true }
            }
        }
        return false
    }
}
