/// Whether a report describes a critical fault: per the policy, one "that leads to the inability to operate the
/// system" — an outage, a server error everyone gets, or many candidates unable to work — in any language.
/// One person's local problem is normal however it is worded ("I cannot start my exam"), and so is a minority
/// of a group ("3 of 40 students", "the other 37 started normally").
///
/// Sentence by sentence: a sentence is critical when it says the system is down (an outage word, an HTTP 5xx
/// error), or when it says that everyone (a quantifier over people: "all candidates", "keiner der 120
/// Studierenden", "ningún alumno", "所有考生") cannot work (an inability or error word). Phrases are matched at
/// word boundaries over the lower-cased text, each sentence once.
enum Impact {
    /// Words that say the service itself is down.
    static let outage = [
        "outage", "is down", "are down", "went down", "service down", "server down", "site down", "system down",
        "not reachable", "unreachable", "unavailable for everyone", "nicht erreichbar", "ausgefallen", "ausfall",
        "komplett down", "totalausfall", "hors service", "hors ligne pour tous", "panne générale", "inaccessible pour",
        "caído", "caída del", "caida del", "está caído", "fuori servizio", "irraggiungibile",
        "non raggiungibile", "недоступ", "лежит", "упал", "упала", "упало", "всё упало", "все упало", "niedostępn*",
        "awaria", "onbereikbaar", "ligt plat", "erişilemiyor", "ulaşılamıyor", "çöktü", "sistem çöktü",
        "fora do ar", "inacessível", "indisponível para", "ダウン", "障害が発生", "サーバーに接続できません",
        "サーバに接続できません", "宕机", "瘫痪",
        "崩溃", "無法連線", "当机", "當機",
        // Staff had to stop the exam for everyone.
        "exam had to be stopped", "had to stop the exam", "we stopped the exam", "had to cancel the exam",
        "exam cannot take place", "klausur steht", "mussten die prüfung abbrechen", "examen a dû être suspendu",
        "tuvimos que suspender el examen", "abbiamo dovuto sospendere", "экзамен пришлось остановить",
        "пришлось остановить", "musieliśmy przerwać egzamin", "sınavı durdurmak zorunda", "考試已先暫停", "考试已暂停",
        "we suspended the exam", "exam has been suspended", "exam was suspended", "abbiamo sospeso l'esame",
        "esame è sospeso", "nous avons suspendu l'examen", "suspendimos el examen", "haben die prüfung abgebrochen",
        "prüfung wurde abgebrochen", "экзамен приостановлен", "мы остановили экзамен",
        // The exam (a whole sitting) could not start or take place.
        "exam could not take place", "exam could not go ahead", "exam could not start", "exam has not been able to",
        "prüfung konnte nicht stattfinden", "klausur konnte nicht stattfinden", "prüfung konnte nicht beginnen",
        "l'examen n'a pas pu avoir lieu", "l'examen n'a pas pu commencer", "examen no ha podido comenzar",
        "examen no pudo comenzar", "examen no pudo realizarse", "examen no se pudo realizar",
        "l'esame non si è potuto svolgere", "l'esame non è potuto iniziare", "prova não pôde ser realizada",
        "exame não pôde começar", "экзамен не смог начаться", "экзамен не состоялся", "egzamin nie mógł się odbyć",
        "zkouška nemohla proběhnout", "výpadek", "výpadku", "výpadok", "skúška nemohla prebehnúť",
        "испит није могао да почне", "ispit nije mogao",
        "sınav yapılamadı", "sınav başlatılamadı", "tentamen kon niet doorgaan", "試験が実施できません", "考试无法进行",
        "考試無法進行", "peperiksaan tidak dapat dimulakan", "ujian tidak dapat dimulai", "non si è potuto svolgere",
        "dovuto annullare l'appello", "l'appello è stato annullato", "nemôže prebehnúť", "nemohla prebehnúť",
        "実施できない", "実施できません", "متوقف بالكامل", "емтихан өтпей", "ne peut pas avoir lieu",
        "ne pourra pas avoir lieu", "לא יכול להתקיים", "לא יתקיים", "الامتحان متوقف", "الاختبار متوقف",
        // Not a bare "无法进行" or "exam was cancelled": one candidate writes those of their own exam.
        "aflyst dagens eksamen",
    ]
    /// Negative quantifiers over people: they alone say people cannot work ("ningún alumno puede entrar",
    /// "none of the candidates can get past", "nadie puede entrar").
    static let nobody = [
        "nobody", "no one", "none of the", "none of our", "none of them", "aucun d'entre eux", "ninguno de ellos",
        "nessuno di loro", "keiner von ihnen", "no student", "no candidate", "no user", "niemand",
        "keiner der", "keine der", "kein einziger", "keine einzige", "kein kandidat", "kein student", "personne ne",
        "personne n'", "aucun candidat", "aucun étudiant", "aucun élève", "nadie", "ningún alumno", "ningun",
        "ningún estudiante", "ningún candidato", "ninguno de los", "nessuno", "nessun candidato", "nessuno studente",
        "nessun studente", "ninguém", "nenhum aluno", "nenhum candidato", "nenhum estudante", "никто", "ни один",
        "ни одного", "ни у кого", "nikt", "żaden", "żadna", "żadnego", "geen enkele", "geen enkel", "hiçbir", "kimse",
        "誰も", "没有一个", "沒有一個",
        // no, da, sv, cs, sk, pt, hu, fi, ro, el, uk, zh (whole class), ur
        "ingen av kandidatene", "ingen av studentene", "ingen kandidater", "ingen studenter", "ingen af de",
        "ingen av de", "ingen av våre", "ingen av våra", "ingen af vores", "žádný ze", "žádná ze", "nikdo",
        "nikto", "žiadny zo", "žiadny študent", "nenhum dos", "nenhuma das", "senki", "egyik hallgató sem",
        "kukaan", "yksikään", "niciun student", "niciun candidat", "nimeni", "κανένας", "κανείς", "ніхто", "жоден",
        "کوئی بھی",
        // sr, hr, bs; ar ("no student could")
        "ниједан", "ниједна", "нико", "nijedan", "nijedna", "nitko", "niko", "لم يتمكن أي", "لا يستطيع أي",
    ]

    /// Words that alone mean everyone (or no one): "nobody can start", "niemand kommt rein", "所有考生".
    static let everyone = [
        "everyone", "everybody", "nobody", "no one", "none of the", "none of our", "no student", "no candidate",
        "no user", "niemand", "keiner der", "keine der", "kein einziger", "keine einzige", "kein kandidat",
        "kein student", "personne ne", "personne n'", "tout le monde", "aucun candidat", "aucun étudiant",
        "aucun élève", "nadie", "ningún alumno", "ningún estudiante", "ningún candidato", "ninguno de los",
        "nessuno", "nessun candidato", "nessuno studente", "nessun studente", "ninguém", "nenhum aluno",
        "nenhum candidato", "nenhum estudante", "никто", "ни один", "ни одного", "ни у кого", "nikt", "żaden",
        "żadna", "żadnego", "iedereen", "niemand", "geen enkele", "geen enkel", "hiçbir", "kimse", "herkes", "全員",
        "誰も", "全受験者", "所有考生", "全部考生", "全体考生", "所有学生", "所有用户", "考生都", "學生都", "所有考試",
        "所有學生", "모든 학생", "모든 응시자", "the whole exam", "the entire exam", "die ganze klausur",
        "die gesamte prüfung", "l'examen entier", "todo el examen", "l'intero esame", "ทุกคน", "כל הסטודנטים",
        "כל הנבחנים", "כולם", "όλοι οι", "όλοι", "tất cả thí sinh", "tất cả sinh viên", "semua mahasiswa",
        "semua peserta", "semua siswa", "toți studenții", "toți candidații", "toată lumea", "барлық студенттер",
        "барлық үміткерлер", "सभी छात्र", "सभी परीक्षार्थी", "सभी उम्मीदवार", "تمام طلباء", "全班", "全體同學", "全部同學", "全部学生",
        "جميع الطلاب", "لجميع الطلاب", "كل الطلاب", "جميع المرشحين", "сви студенти", "сви кандидати", "svi studenti",
        "svi kandidati", "semua calon", "semua pelajar", "untuk semua", "ниједан кандидат", "nijedan kandidat",
        "لم يتمكن أي طالب", "whole cohort", "entire cohort", "the whole class", "the entire class", "全台",
        "všetkých", "všetci", "všichni", "všech", "nikomu", "seluruh peserta", "אף סטודנט", "אף נבחן", "לכל הסטודנטים",
        "لكل الطلاب", "ingen af vores",
    ]
    /// The words of `everyone` that are not a "no one": a "no one" counts only through `nobody`, where it must
    /// quantify people or be able to do something ("none of our invigilators suspended anything, yet she was
    /// locked out" is one learner's problem).
    static let affirmativeEveryone = everyone.filter { !nobody.contains($0) }

    /// Quantifiers that mean everyone when a word for people follows within three words ("all 212 candidates").
    static let quantifiers: Set<String> = [
        "all", "every", "entire", "whole", "alle", "sämtliche", "gesamte", "ganze", "tous", "toutes", "l'ensemble",
        "todos", "todas", "tutti", "tutte", "todos", "все", "всех", "всем", "wszyscy", "wszystkich", "alle",
        "tüm", "bütün", "모든", "many", "most", "numerous", "viele", "zahlreiche", "meisten", "beaucoup",
        "plupart", "muchos", "muchas", "mayoría", "molti", "molte", "maggior", "muitos", "muitas", "maioria",
        "многие", "многих", "большинство", "wielu", "większość", "veel", "meeste", "çoğu", "birçok",
    ]
    /// "nobody can start", "nadie puede entrar", "niemand kommt rein": a pronoun for no one, then a verb of being
    /// able (or getting in) within four words — "nessuno dei supervisori ha terminato" is not an outage.
    static func nobodyCan(_ sentence: String) -> Bool {
        let pronouns: Set<String> = [
            "nobody", "niemand", "nadie", "nessuno", "ninguém", "никто", "nikt", "kimse", "none", "nikomu", "nikto",
        ]
        let verbs = [
            "can", "could", "is able", "kann", "konnte", "kommt", "peut", "pouvait", "arrive", "puede", "pudo",
            "consigue",
            "può", "riesce", "pode", "consegue", "может", "смог", "сможет", "może", "mógł", "kan", "kon", "lukt",
            "gets", "got", "giriş", "gire", "entra", "entre", "kommt", "nedá", "nejde", "nemôže", "nemůže",
        ]
        let words = sentence.split(whereSeparator: { $0.isWhitespace || ",;:".contains($0) })
        for (index, word) in words.enumerated() {
            let isPronoun =
                pronouns.contains(String(word))
                || (word == "no" && index + 1 < words.count && words[index + 1] == "one")
            guard isPronoun else { continue }
            // "None of our Year 12s": people; "none of the fixes can help", "none of this" are not.
            if word == "none" {
                let of = index + 2 < words.count && words[index + 1] == "of" ? String(words[index + 2]) : ""
                let what = index + 3 < words.count ? String(words[index + 3]) : ""
                guard ["our", "the", "my", "your", "them"].contains(of), !notPeople.contains(what) else { continue }
            }
            // ("None of our Year 12s can get past …": a few words for the people may stand between.)
            for (offset, next) in words[(index + 1)..<min(words.count, index + 6)].enumerated()
            where verbs.contains(where: { next.hasPrefix($0) }) {
                // "nobody there could help": no one helping is not no one working.
                let object = index + offset + 2 < words.count ? String(words[index + offset + 2]) : ""
                if helping.contains(object) { continue }
                return true
            }
        }
        return sentence.includes("誰も") || sentence.includes("没有一个") || sentence.includes("沒有一個")
    }

    /// What "none of the …" may count that is not people.
    static let notPeople: Set<String> = [
        "fixes", "steps", "options", "things", "tips", "above", "suggestions", "solutions", "links", "buttons",
        "browsers", "pages", "settings", "workarounds", "methods", "devices", "computers", "pcs",
    ]

    /// Verbs of helping after "nobody can": the helpers, not the candidates.
    static let helping: Set<String> = [
        "help", "assist", "answer", "tell", "explain", "helfen", "aider", "ayudar", "aiutare", "ajudar", "помочь",
        "pomóc", "helpen", "yardım",
    ]

    /// Negative quantifiers that need a word for people after them ("none of the 26 candidates", "hiçbir öğrenci").
    static let negativeQuantifiers: Set<String> = [
        "none", "no", "keiner", "keine", "kein", "aucun", "aucune", "ningún", "ningun", "ninguna", "ninguno", "nessun",
        "nessuno", "nenhum", "nenhuma", "ни", "żaden", "żadna", "żadnego", "geen", "hiçbir", "ingen", "žádný",
        "žádná", "žiadny", "žiadna", "niciun", "niciuna", "жоден", "жодна",
    ]
    /// Words for the people who sit exams (prefixes: "candidat" covers candidates, candidats, candidatos).
    static let people = [
        "candidat", "kandidat", "student", "studierend", "estudiant", "studenti", "studenten", "étudiant", "élève",
        "alumn", "aluno", "user", "utilisateur", "usuari", "utent", "benutzer", "nutzer", "teilnehm", "participant",
        "partecipant", "prüfling", "examinee", "test taker", "test-taker", "learner", "кандидат", "студент",
        "участник", "пользовател", "слушател", "student", "kandydat", "uczestni", "deelnemer", "öğrenci", "aday",
        "kullanıcı", "受験者", "学生", "考生", "用户", "학생", "응시자", "sınava girenler", "people", "persone",
        "personas", "pessoas", "люди", "osoby", "mensen", "žák", "žiak", "hallgató",
        "opiskelij", "elev", "студент", "учн", "iscritti", "inscrits", "inscritos", "študent",
        "studerende", "peserta", "נבחנ", "סטודנט",
        // Every test centre or site of an exam: all its candidates.
        "examination cent", "exam cent", "test cent", "testing cent", "centres", "centers", "prüfungszentren",
        "centres d'examen", "centros", "sedi", "locations", "venues", "campuses",
    ]

    /// The words of `people` that name whole sites (each with all its candidates).
    static let sites: Set<String> = [
        "examination cent", "exam cent", "test cent", "testing cent", "centres", "centers", "prüfungszentren",
        "centres d'examen", "centros", "sedi", "locations", "venues", "campuses",
    ]

    /// Words that say people cannot work.
    static let inability = [
        "cannot", "can't", "can not", "could not", "couldn't", "unable", "not able", "won't", "doesn't work",
        "does not work", "not working", "stuck", "blocked", "fail", "fails", "failed", "failing", "error",
        "kicked", "kann nicht", "können nicht", "konnte nicht", "konnten nicht", "kommt nicht", "kommen nicht",
        "nicht möglich", "funktioniert nicht", "geht nicht", "hängt", "hängen", "blockiert", "fehler", "nicht starten",
        "ne peut", "ne peuvent", "ne pouvait", "impossible", "n'arrive", "n'arrivent", "bloqué", "bloqués",
        "bloquées", "erreur", "ne fonctionne", "no puede", "no pueden", "no puedo", "no consigue", "no consiguen",
        "no logra", "imposible", "bloqueado", "bloqueados", "no funciona", "non riesce", "non riescono", "non può",
        "non possono", "impossibile", "bloccat*", "errore", "non funziona", "não consegue", "não conseguem",
        "não pode", "não podem", "impossível", "erro", "bloquead*", "não funciona", "не может", "не могут",
        "не удаётся", "не удается", "не получается", "ошибк", "не работает", "не открывается", "не запускается",
        "не могу", "nie może", "nie mogą", "nie da się", "błąd", "nie działa", "kan niet", "kunnen niet",
        "lukt niet", "foutmelding", "werkt niet", "storing", "giremiyor", "giriş yapamıyor", "açılmıyor", "hata",
        "çalışmıyor",
        "yapamıyor", "başlatamıyor", "できない", "できません", "エラー", "入れない", "無法", "无法", "不能", "进不去", "進不去",
        "错误", "錯誤", "打不开", "打不開", "할 수 없", "오류", "stopped", "froze", "frozen", "crashed",
        "disconnected", "kicked out", "thrown out", "gestoppt", "abgestürzt", "eingefroren", "getrennt", "arrêté",
        "figé", "planté", "déconnecté", "se detuvo", "congelado", "desconectado", "bloccato", "interrotto",
        "disconnesso", "parou", "congelou", "desconectado", "остановил", "завис", "отключ", "przestał", "zawiesił",
        "rozłącz*", "gestopt", "vastgelopen", "losgekoppeld", "durdu", "dondu", "bağlantı koptu", "止まった", "フリーズ",
        "停止", "卡住", "断开", "斷開", "中断", "中斷", "tidak bisa", "tidak dapat", "gagal", "không thể",
        "không vào được", "bị lỗi", "ไม่สามารถ", "เข้าไม่ได้", "δεν μπορ*", "σφάλμα", "לא יכול*", "שגיאה", "nu pot",
        "nu poate", "eroare", "кіре алмай*", "қате", "नहीं कर", "नहीं हो", "त्रुटि", "не може", "не можу",
        "ne može", "ne mogu", "greška", "грешка", "لا يستطيع*", "لم يتمكن", "خطأ", "الخطأ", "تعذر", "لا يستجيب",
        "できなく", "алмай", "алмайды", "nedá", "nemôže", "nemůže", "nelze",
    ]

    /// Words for things rather than people, after "the other(s)": "the other systems/sites work" says nothing about
    /// how many people are affected.
    static let things = [
        "system", "site", "website", "service", "application", "app", "page", "server", "network", "tool",
        "software", "platform", "exam", "course", "room", "computer", "pc", "device", "browser", "sistem", "site",
        "servis", "uygulama", "ağ", "system", "seite", "dienst", "anwendung", "rechner", "gerät", "netz", "système",
        "service", "site", "application", "ordinateur", "appareil", "réseau", "sistema", "sitio", "servicio",
        "aplicación", "equipo", "red", "servizio", "sito", "applicazione", "rete", "serviço", "aplicativo", "rede",
        "систем", "сайт", "сервис", "приложени", "сеть", "компьютер", "systeem", "dienst", "netwerk", "serwis",
        "strona", "sieć", "システム", "サイト", "系统", "系統", "网站", "網站",
    ]

    /// "3 of 40 students", "2 de 30", "4 di 26", "the other 37 started normally": a minority.
    static func minority(in sentence: String) -> Bool {
        let others = [
            "the other", "the others", "the rest", "a third of", "a few of", "some of the", "die anderen",
            "die übrigen", "les autres", "le reste", "los demás",
            "el resto", "gli altri", "le altre", "os outros", "o resto", "остальные", "pozostali", "de andere",
            "de overige", "diğer", "他の", "其他", "其餘", "everyone else", "everybody else", "all the others",
            "other students", "other candidates", "andere studenten",
            "andere kandidaten", "andere studierende", "autres étudiants", "autres candidats", "otros estudiantes",
            "otros alumnos", "altri studenti",
        ]
        // "The others are fine" is about people; "all other systems work" (diğer tüm sistemler) is not.
        for phrase in others where sentence.includes(phrase) {
            var search = sentence[...]
            while let range = search.firstRange(of: phrase) {
                // "A few of them: lhc-88213, lhc-88240 … but it's literally all of them": examples, not a part.
                if sentence[range.upperBound...].prefix(8).contains(":") {
                    search = sentence[range.upperBound...]
                    continue
                }
                let after = sentence[range.upperBound...].prefix(60).split(whereSeparator: \.isWhitespace).prefix(3)
                if !after.contains(where: { word in things.contains(where: { word.hasPrefix($0) }) }) { return true }
                search = sentence[range.upperBound...]
            }
        }
        // "Most students are fine, but the 3 below are stuck": the affected are the few.
        if majorityWords.contains(where: { sentence.includes($0) }),
            fineWords.contains(where: { sentence.includes($0) })
        {
            return true
        }
        let words = sentence.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" })
        for (index, word) in words.enumerated() where index + 2 < words.count {
            guard let part = Int(word.filter(\.isNumber)), word.allSatisfy({ $0.isNumber }),
                ["of", "von", "de", "di", "из", "z", "van", "/", "sur", "out"].contains(words[index + 1].lowercased()),
                let whole = Int(words[index + 2].filter(\.isNumber)), whole > 0
            else { continue }
            if part * 2 < whole { return true }
        }
        return false
    }

    /// "31 of 46", "31 sur 46" (at least half of at least six), or a word for most of them.
    static func majority(in sentence: String) -> Bool {
        // "Started fine for 28 of 30 candidates, but two are stuck": the most are the ones it works for.
        let fine = fineWords + [" fine", "normally", "normalement", "normal", "normale", "worked", "funktioniert"]
        if fine.contains(where: { sentence.includes($0) }) { return false }
        if majorityWords.contains(where: { sentence.includes($0) }) { return true }
        let words = sentence.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" })
        for (index, word) in words.enumerated() where index + 2 < words.count {
            guard word.allSatisfy(\.isNumber), let part = Int(word),
                ["of", "von", "de", "di", "из", "z", "van", "/", "sur", "out"].contains(words[index + 1].lowercased()),
                let whole = Int(words[index + 2].filter(\.isNumber)), whole >= 6, part <= whole
            else { continue }
            if part * 2 >= whole { return true }
        }
        return false
    }

    static let majorityWords = [
        "large majorité", "la majorité des", "most of the students", "most of the candidates", "most students",
        "most candidates", "the majority of", "la mayoría de", "a maioria d", "la maggior parte d", "die meisten",
        "большинство", "większość", "de meeste", "çoğu", "大部分", "大多数", "大多數", "大半の",
    ]
    /// Words that say people are fine.
    static let fineWords = [
        "are fine", "are ok", "are okay", "were fine", "no problem", "without problem", "sans problème",
        "n'ont rien eu", "ohne probleme", "problemlos", "sin problema", "sin novedad", "senza problemi",
        "sem problema", "без проблем", "bez problemu", "zonder problemen", "sorunsuz", "正常",
    ]
    /// Words for being thrown out of the exam.
    static let ejection = [
        "thrown out", "kicked out", "ejected", "éjecté", "expulsad", "espulsi", "rausgeworfen", "rausgeflogen",
        "выкинул", "выбросил", "wyrzuci", "disconnected", "déconnecté", "desconectad", "disconness", "отключил",
        "atıldı", "uitgegooid", "eruit gegooid",
    ]

    /// Whether the subject and description describe a critical fault.
    static func isCritical(_ text: TriageText, extra: [String]) -> Bool {
        if extra.contains(where: text.contains) { return true }
        let all = sentences(text.lowercased)
        // "It happens for about a third of the students, the others are fine": a minority anywhere in the
        // report means the group-wide readings below do not apply (an outage still does).
        let minorityReported = all.contains(where: minority(in:))
        for sentence in all {
            let words = TriageText(subject: nil, description: sentence)
            // A server error is everyone's. "Two students were thrown out with 'Proctoring service unreachable';
            // everyone else carried on": an outage word of a message a few saw is not an outage.
            if ServerErrorCode.mentioned(in: sentence) { return true }
            if minorityReported { continue }
            if outage.contains(where: { words.contains($0) && !negated($0, in: sentence) }) { return true }
            if nobody.contains(where: words.contains), quantifiesPeople(sentence, negative: true) || nobodyCan(sentence)
            {
                return true
            }
            // "Une large majorité d'étudiants (31 sur 46) ont été éjectés": most of a group is the group.
            if majority(in: sentence),
                inability.contains(where: words.contains) || ejection.contains(where: { sentence.includes($0) })
            {
                return true
            }
            guard inability.contains(where: words.contains) else { continue }
            if affirmativeEveryone.contains(where: words.contains) || quantifiesPeople(sentence)
                || pluralSubject(sentence)
            {
                return true
            }
        }
        return false
    }

    /// Whether the outage word is denied ("I don't think this is an outage", "keine Störung", "not down"):
    /// a negation within the five words before it, in the same clause.
    static func negated(_ phrase: String, in sentence: String) -> Bool {
        guard let range = sentence.firstRange(of: phrase.hasSuffix("*") ? String(phrase.dropLast()) : phrase)
        else { return false }
        let before = sentence[..<range.lowerBound].split(whereSeparator: \.isWhitespace).suffix(5)
        for word in before.reversed() {
            let bare = String(word).trimmingCharacters(",;:\"'")
            if clauseBreaks.contains(bare) || word.hasSuffix(",") { return false }
            if outageNegations.contains(bare) || bare.hasSuffix("n't") { return true }
        }
        return false
    }

    static let outageNegations: Set<String> = [
        "not", "no", "never", "kein", "keine", "keinen", "nicht", "pas", "aucune", "non", "não", "не", "nie", "geen",
        "niet", "değil", "hiç",
    ]
    static let clauseBreaks: Set<String> = [
        "because", "since", "as", "but", "and", "so", "weil", "aber", "und", "car", "mais", "et", "porque", "pero",
        "y", "perché", "ma", "e", "потому", "но", "и",
    ]

    /// "all 212 candidates", "alle Studierenden", "tous les candidats": a quantifier, then a word for people
    /// within three words.
    static func quantifiesPeople(_ sentence: String, negative: Bool = false) -> Bool {
        let words = sentence.split(whereSeparator: { $0.isWhitespace || ",;:()\"«»".contains($0) })
        let wanted = negative ? negativeQuantifiers : quantifiers
        for (index, word) in words.enumerated() where wanted.contains(String(word)) {
            // "all three students in Lab 2": a few people, all of whom are named by their count, are no group.
            let few =
                !negative && index + 1 < words.count
                && ["two", "three", "four", "five", "both", "2", "3", "4", "5"].contains(String(words[index + 1]))
            for (offset, next) in words[(index + 1)..<min(words.count, index + 6)].enumerated() {
                if let person = people.first(where: { next.hasPrefix($0) }) {
                    if few, !sites.contains(person) { break }
                    return true
                }
                // Past the third word only through "four of our" and the like ("all four of our examination
                // centres").
                if offset >= 2, !(next.allSatisfy(\.isNumber) || quantityFillers.contains(String(next))) { break }
            }
        }
        return false
    }

    /// Words of a count between a quantifier and its people ("all four of our …").
    static let quantityFillers: Set<String> = [
        "of", "our", "the", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "de", "nos", "des",
        "unserer", "der", "di", "dei", "nostri", "e", "gli", "i", "le", "les", "los", "las", "y", "und", "and",
    ]

    /// "The candidates cannot start", "Students in the CS 101 final cannot start": the group named as a whole
    /// (a plural with an article, or opening the sentence) — not "two students" or "4 candidates".
    static func pluralSubject(_ sentence: String) -> Bool {
        let words = sentence.split(whereSeparator: { $0.isWhitespace || ",;:()\"«»".contains($0) }).prefix(12)
        let plurals = [
            "candidates", "students", "users", "examinees", "test takers", "learners", "participants", "kandidaten",
            "studierenden", "studenten", "teilnehmer", "teilnehmenden", "candidats", "étudiants", "élèves",
            "alumnos", "estudiantes", "candidatos", "studenti", "candidati", "alunos", "студенты", "кандидаты",
            "studenci", "kandydaci", "deelnemers", "öğrenciler", "adaylar",
        ]
        let articles: Set<String> = [
            "the", "our", "die", "unsere", "les", "nos", "los", "las", "nuestros", "gli",
            "i", "nostri", "os", "nossos", "de", "onze", "наши",
        ]
        let numbers: Set<String> = [
            "two", "three", "four", "five", "a", "one", "some", "few", "several", "zwei", "drei",
            "vier", "einige", "deux", "trois", "quatre", "quelques", "dos", "tres", "cuatro", "algunos", "due", "tre",
            "quattro", "alcuni", "dois", "três", "quatro", "alguns", "два", "три", "четыре", "несколько", "dwóch",
            "trzech", "kilku", "twee", "drie", "vier", "enkele", "iki", "üç", "dört", "birkaç",
        ]
        for (index, word) in words.enumerated() where plurals.contains(String(word)) {
            let before = index > 0 ? String(words[words.startIndex + index - 1]) : ""
            // "One of our candidates", "some of the students": a part of the group.
            if index >= 2,
                ["of", "von", "de", "des", "di", "dei", "degli", "delle", "dos", "das", "из", "z", "van"]
                    .contains(String(words[words.startIndex + index - 2]))
            {
                return false
            }
            // "the 42 students of group 5IM2": a count after an article names the whole group.
            if index >= 2, before.count >= 2, before.allSatisfy(\.isNumber),
                articles.contains(String(words[words.startIndex + index - 2]))
            {
                return true
            }
            if numbers.contains(before) || before.allSatisfy(\.isNumber) && !before.isEmpty { return false }
            if index == 0 || articles.contains(before) { return true }
        }
        return false
    }

    /// Sentences: split at . ! ? and line ends (and their CJK forms), at most 400 of them.
    static func sentences(_ text: String) -> [String] {
        var found: [String] = []
        var current = ""
        for character in text {
            if ".!?\n。！？".contains(character) {
                if !current.isEmpty { found.append(current) }
                current = ""
                if found.count >= 400 { break }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty, found.count < 400 { found.append(current) }
        return found
    }
}
