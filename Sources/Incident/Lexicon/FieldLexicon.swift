/// How people name the fields of an incident report, in the languages of exam candidates (en, de, fr, es, it,
/// pt, ru, pl, nl, tr, ja, zh, and a few more): the labels they write before a value ("Session ID:",
/// "Matrikelnummer", "ID de sesión :", "■学籍番号："), and the words that introduce a value in a sentence ("my
/// student number is …"). Lower case; `LabelledLines` also accepts `-`, `_` or nothing where a label has a space.
///
/// Precision first: a label here must mean the field and nothing else in a support email. "Date" alone is a
/// label for the detection time only because a value must also parse as a time of day; "candidate" alone
/// names a user only when the value has the shape of an ID (`ValueShape`).
public enum FieldLexicon {
    public static let labels: [IncidentField: [String]] = [
        .server: [
            // el, he, id, ro, th, kk, hi, vi
            "διακομιστής", "διεύθυνση", "שרת", "כתובת", "peladen", "alamat", "alamat server", "serverul", "adresa",
            "เซิร์ฟเวอร์", "ที่อยู่", "сервер", "сервердің мекенжайы", "सर्वर", "địa chỉ", "máy chủ",
            "server", "server address", "proctoring server", "proctoring server address", "proctor server",
            "proctoring url", "proctoring platform", "proctoring system", "proctoring site", "exam server",
            "exam platform", "exam url", "exam link", "exam portal", "exam site", "host", "hostname", "url", "address",
            "platform", "portal", "instance", "link", "web address", "site", "system url", "server url",
            // de
            "serveradresse", "prüfungsserver", "proctoring-server", "prüfungsplattform", "plattform", "adresse",
            "instanz", "prüfungsportal", "webadresse",
            // fr
            "serveur", "adresse du serveur", "serveur de surveillance", "plateforme", "plateforme de surveillance",
            "lien", "adresse web", "site web",
            // es
            "servidor", "dirección", "dirección del servidor", "plataforma", "enlace", "sitio", "dirección web",
            "plataforma de examen",
            // it
            "indirizzo", "indirizzo del server", "piattaforma", "collegamento", "sito",
            // pt
            "endereço", "endereço do servidor", "servidor de proctoring",
            // ru
            "сервер", "адрес сервера", "адрес", "платформа", "ссылка", "сайт", "сервер прокторинга",
            // pl
            "serwer", "adres serwera", "adres", "platforma",
            // nl
            "serveradres", "adres", "omgeving",
            // tr
            "sunucu", "sunucu adresi", "adres", "bağlantı", "platform adresi",
            // ja, zh
            "サーバー", "サーバ", "サーバーアドレス", "サーバーurl", "アドレス", "試験url", "服务器", "服务器地址", "网址", "平台地址",
            "监考系统", "伺服器", "網址", "系統網址", "平台網址",
            // ko, uk, cs, sv, ar, pt
            "서버", "서버 주소", "시험 사이트", "사이트", "접속 주소", "주소", "адреса", "адреса сервера", "адреса сайту",
            "посилання", "adresa", "adresa serveru", "odkaz", "webbadress", "serveradress", "adress", "länk",
            "الخادم", "عنوان الخادم", "الرابط", "الموقع", "المنصة", "منصة الاختبار", "site", "link",
        ],
        .detectedAt: [
            "ώρα", "χρόνος", "שעה", "זמן", "waktu", "jam", "ora", "data și ora", "เวลา", "уақыт", "समय", "thời gian",
            "thời điểm", "lúc",
            "time", "time of detection", "detection time", "detected at", "detected", "detected on", "noticed",
            "noticed at", "noticed on", "first noticed", "when", "date/time", "date and time", "date & time",
            "occurred at", "occurred", "occurred on", "occurrence", "time of incident", "incident time", "timestamp",
            "first seen", "first occurred", "observed", "happened at", "time (utc)", "date", "since",
            // de
            "zeit", "uhrzeit", "zeitpunkt", "datum", "datum/uhrzeit", "datum und uhrzeit", "aufgetreten",
            "aufgetreten am", "aufgetreten um", "festgestellt", "festgestellt am", "bemerkt", "wann", "seit",
            // fr
            "heure", "date/heure", "date et heure", "horaire", "moment", "détecté", "détecté le", "constaté",
            "constaté le", "survenu", "survenu le", "quand", "heure de détection", "depuis",
            // es
            "hora", "fecha", "fecha y hora", "fecha/hora", "cuándo", "cuando", "momento", "detectado", "ocurrido",
            "hora de detección", "desde",
            // it
            "ora", "data", "data e ora", "data/ora", "orario", "quando", "ora rilevamento", "rilevato", "rilevato il",
            "ora di rilevamento", "momento",
            // pt
            "data e hora", "horário", "detectado em", "ocorrido em",
            // ru
            "время", "дата", "дата и время", "когда", "время обнаружения", "обнаружено", "время возникновения",
            "начало",
            // pl
            "czas", "godzina", "data i godzina", "kiedy", "wystąpienie", "czas wystąpienia",
            // nl
            "tijd", "tijdstip", "datum/tijd", "wanneer", "opgemerkt", "sinds",
            // tr
            "zaman", "saat", "tarih", "tarih/saat", "ne zaman", "oluşma zamanı",
            // ja, zh
            "発生日時", "日時", "時刻", "発生時刻", "時間", "発生時間", "时间", "发生时间", "發生時間", "日期", "時間點",
            // ko, uk, cs, sv, ar
            "시간", "발생 시간", "일시", "발생 일시", "час", "дата і час", "коли", "час виникнення", "čas", "datum a čas",
            "kdy", "tid", "tidpunkt", "datum och tid", "när", "الوقت", "التاريخ والوقت", "وقت حدوث المشكلة",
        ],
        .sessionID: [
            "κωδικός συνεδρίας", "συνεδρία", "מזהה סשן", "מזהה מפגש", "id sesi", "sesi", "id sesiune", "sesiune",
            "รหัสเซสชัน", "เซสชัน", "сессия id", "सत्र आईडी", "session आईडी", "mã phiên", "phiên", "mã phiên thi",
            "session id", "session", "session data", "exam session", "attempt id", "attempt", "session number",
            "session no", "session code", "session key", "session token", "proctoring session", "proctoring session id",
            "sid", "session identifier", "test session", "exam session id",
            // de
            "sitzungs-id", "sitzung", "sitzungsnummer", "sitzungskennung", "prüfungssitzung", "sitzungs id",
            // fr
            "id de session", "identifiant de session", "n° de session", "numéro de session", "session d'examen",
            "id session", "id sessão",
            // es
            "id de sesión", "sesión", "id sesión", "número de sesión", "identificador de sesión", "id de la sesión",
            // it
            "id sessione", "sessione", "id della sessione", "codice sessione", "id di sessione",
            // pt
            "id da sessão", "sessão", "id de sessão", "código da sessão", "identificador da sessão",
            // ru
            "id сессии", "сессия", "идентификатор сессии", "номер сессии", "ид сессии", "сессия прокторинга",
            // pl
            "id sesji", "sesja", "identyfikator sesji", "numer sesji",
            // nl
            "sessie-id", "sessie", "sessienummer", "sessie id",
            // tr
            "oturum id", "oturum kimliği", "oturum", "oturum no", "oturum numarası", "sınav oturumu",
            // ja, zh
            "セッションid", "セッション", "セッション番号", "セッションｉｄ", "会话id", "会话", "会话编号", "会话号", "监考会话", "监考会话id", "會話id", "场次id",
            "場次編號", "场次编号", "場次id",
            "場次id", "工作階段id", "工作階段編號", "工作階段代碼", "監考會話", "會話id",
            // pt, es attempts; uk, ko, cs, sv, ar
            "id da tentativa", "tentativa", "número da tentativa", "id de intento", "intento", "id сесії", "сесія",
            "ідентифікатор сесії", "номер сесії", "세션 id", "세션", "세션 번호", "시험 세션", "id relace", "relace",
            "id sezení", "sessions-id", "sessionsid", "numéro de séance", "istunnon tunnus", "munkamenet-azonosító",
            "munkamenet azonosító", "id del tentativo", "معرف الجلسة", "رقم الجلسة", "الجلسة",
            // attempts and sittings: it "prova", fr "tentative", zh "考试场次"
            "id prova", "codice prova", "tentative", "no de tentative", "n° de tentative", "numéro de tentative",
            "id de tentative", "identifiant de tentative", "考试场次", "考試場次", "场次", "場次",
            // uk/ru attempts, cs/sk/sl/hr/sr/no sessions and attempts, fa
            "id спроби", "номер спроби", "спроба", "id попытки", "попытка", "id pokusu", "pokus", "seja", "id seje",
            "सेशन आईडी", "सेशन id", "सत्र आईडी", "응시 id", "id sesiune", "sesiune", "id-ul sesiunii",
            "id συνεδρίας", "συνεδρία", "κωδικός συνεδρίας", "αναγνωριστικό συνεδρίας", "sesija", "id sesije", "сесија",
            "ид сесије", "sesjon", "sesjons-id", "sesjonsid", "sesja egzaminu",
            "شناسه جلسه", "شناسه آزمون", "նստաշրջանի id", "mã phiên", "sessió", "id de sessió",
            "identificador de sessió",
        ],
        .userID: [
            "αριθμός μητρώου", "όνομα χρήστη", "αμ", "מספר סטודנט", "שם משתמש", "תעודת זהות", "nim", "nomor induk",
            "nama pengguna", "număr matricol", "nr. matricol", "numele de utilizator", "nume utilizator",
            "utilizator", "รหัสนักศึกษา", "ชื่อผู้ใช้", "студенттік нөмір", "логин", "रोल नंबर", "रोल नं", "mssv",
            "mã số sinh viên", "mã sinh viên", "tên đăng nhập", "số báo danh",
            "user id", "user", "login", "username", "user name", "login name", "student id", "student number",
            "student no", "student nr", "candidate id", "candidate number", "candidate no", "candidate",
            "candidate login", "learner id", "account", "matriculation number", "registration number", "userid",
            "examinee id", "test taker id", "user login", "student login", "affected user", "student",
            // de
            "benutzer", "benutzerkennung", "benutzername", "benutzer-id", "kennung", "matrikelnummer", "matrikel-nr",
            "matr.-nr", "matrikel", "studierenden-nr", "kandidaten-nr", "kandidatennummer", "kandidat", "nutzer",
            "nutzer-id", "teilnehmer-id", "teilnehmernummer",
            // fr
            "identifiant", "identifiant candidat", "utilisateur", "nom d'utilisateur", "numéro étudiant",
            "n° étudiant", "numéro de candidat", "n° candidat", "n° de candidat", "matricule", "identifiant étudiant",
            "id utilisateur", "numéro d'étudiant", "candidat",
            // es
            "usuario", "id de usuario", "nombre de usuario", "matrícula", "número de estudiante", "nº de alumno",
            "id del alumno", "alumno", "identificador", "número de alumno", "id de candidato", "candidato",
            // it
            "utente", "id utente", "nome utente", "matricola", "numero di matricola", "codice persona",
            "id studente", "candidato",
            // pt
            "usuário", "utilizador", "id do usuário", "número de aluno", "número de estudante", "aluno",
            "nome de usuário",
            // ru
            "логин", "пользователь", "id пользователя", "номер студента", "номер зачётки", "номер зачетки",
            "логин студента", "студент", "ид пользователя", "учётная запись", "учетная запись",
            // pl
            "użytkownik", "numer indeksu", "nr indeksu", "indeks", "numer albumu", "nr albumu", "id użytkownika",
            "login studenta",
            // nl
            "gebruiker", "gebruikersnaam", "studentnummer", "studentnr", "student-id", "kandidaatnummer",
            // tr
            "kullanıcı", "kullanıcı adı", "öğrenci no", "öğrenci numarası", "kullanıcı id", "aday no",
            "kullanıcı kimliği", "öğrenci", "kullanıcı adım", "étudiant", "estudiante", "studente", "teilnehmer",
            "teilnehmernummer", "participant", "número de inscrição", "numéro d'inscription", "número de inscripción",
            "inscrição", "número de matrícula", "n° matricule",
            // ja, zh
            // roll, employee and record numbers; feminine forms
            "roll no", "roll number", "roll no.", "employee no", "employee number", "employee id", "personnel number",
            "staff number", "staff id", "personalnummer", "mitarbeiternummer", "enrolment number",
            "enrollment number", "enrolment no", "enrollment no", "admission number", "hall ticket number",
            "registration no", "numéro de da", "code permanent", "número de legajo", "legajo", "número do ra",
            "identifiant étudiante", "numéro étudiante", "numéro d'étudiante", "n° étudiante", "número de aluna",
            "matricola studente", "matrícula do aluno", "matrícula da aluna", "номер зачётной книжки",
            "学籍番号", "ユーザーid", "ユーザー名", "受験番号", "ログインid", "ユーザid", "受験者id", "学号", "用户名", "用户id",
            "账号", "考生账号", "考生帐号", "学生账号", "帐号", "考生号", "准考证号", "學號", "帳號", "使用者名稱", "使用者id", "考生編號", "准考證號",
            // en (Nigeria, India), ko, uk, cs, sv, ar
            "matric number", "matric no", "matric", "matriculation no", "학번", "아이디", "사용자 id", "사용자 아이디",
            "수험번호", "로그인 id", "логін", "користувач", "номер студентського", "студентський номер",
            "студенческий номер", "přihlašovací jméno", "prihlasovacie meno", "benutzer-id", "neptun-kódom",
            "neptun kódom", "prn", "prn no", "prn number", "studienr",
            "studienr.", "cod candidat", "codul candidatului", "cod student",
            "număr matricol", "номер залікової книжки", "номер залікової", "número de control", "index number",
            "cms id", "uživatelské jméno", "číslo studenta",
            "osobní číslo", "studijní číslo", "användarnamn", "användar-id", "اسم المستخدم", "رقم الطالب",
            "الرقم الجامعي", "معرف المستخدم", "رقم المرشح", "anonymitetskod", "anonymkod", "رقمي الجامعي", "niu",
            "cand. no", "cand no", "kennung", "reg no", "reg. no", "registration no", "студенттік id",
            "מספר סטודנטית", "matricula", "öğrenci numaraları", "etkilenen aday numaraları", "etkilenen adaylar",
            "aday numaraları",
            "aday numarası", "aday no", "candidate numbers", "no. matrik", "no matrik", "matrik", "nombor matrik",
            "студенттік билет", "студенттік билет №", "студенческий билет", "номер студенческого билета",
            "شماره دانشجویی", "شماره دانشجو", "no. empleado", "número de empleado", "brukernavn", "brugernavn",
            "vpisna številka", "jmbag", "broj indeksa", "број индекса", "ra", "tài khoản sinh viên", "tài khoản",
            "opiskelijanumero", "neptun-kód", "neptun kód", "neptun", "სტუდენტის id", "ուսանող", "no. pekerja",
            "no pekerja", "رقم الجلوس", "alumna", "alumne", "usuari", "estudiant", "nom d'usuari", "nia", "লগইন আইডি",
            "রেজিস্ট্রেশন নম্বর", "mã sv", "mã sinh viên", "teilnehmer-nr",
            "courriel de connexion",
            "adresse de connexion", "login email", "login e-mail", "ת.ז. סטודנט", "ת.ז", "ת\"ז",
            "student numbers", "affected candidate numbers", "affected student numbers", "affected candidates",
            "affected students", "affected users", "betroffene studierende", "betroffene kandidaten",
        ],
        .browser: [
            "browser", "navigateur", "navegador", "browser web", "браузер", "przeglądarka", "tarayıcı", "ブラウザ",
            "浏览器", "瀏覽器", "webbrowser",
        ],
        .os: [
            "os", "operating system", "système d'exploitation", "sistema operativo", "betriebssystem", "ос",
            "операционная система", "system operacyjny", "işletim sistemi", "besturingssysteem", "sistema operacional",
            "platform os", "オペレーティングシステム", "操作系统", "作業系統",
        ],
        .description: [
            "description", "problem", "issue", "details", "problem description", "beschreibung", "problembeschreibung",
            "fehlerbeschreibung", "description du problème", "problème", "descripción", "problema", "descrizione",
            "descrição", "описание", "проблема", "opis", "opis problemu", "omschrijving", "probleem", "açıklama",
            "sorun", "内容", "現象", "問題", "问题描述", "问题", "問題描述", "說明",
        ],
    ]

    /// Labels made of "ID" and the word for a candidate, student or user, in the orders languages write them
    /// ("ID candidato", "Kandidaten-ID", "id de l'étudiant", "ID studenta").
    static let generatedUserLabels: [String] = {
        let nouns = [
            "candidate", "candidato", "candidat", "kandidat", "kandidaten", "student", "studente", "studenten",
            "studenta", "étudiant", "estudiante", "alumno", "aluno", "usuario", "usuário", "utente", "utilisateur",
            "benutzer", "nutzer", "teilnehmer", "kullanıcı", "öğrenci", "użytkownika", "gebruiker", "deelnemer",
            "участника", "студента", "пользователя", "partecipante", "participante", "participant", "examinee",
            "learner", "test taker", "étudiante", "alumna", "aluna", "studentin", "kandidatin", "candidata",
            "studentessa", "utilisatrice", "teilnehmerin", "employee", "utilizador", "utilizadora", "usuária",
            "estudante",
        ]
        var labels: [String] = []
        for noun in nouns {
            labels += [
                "id " + noun, noun + " id", noun + "-id", "id de " + noun, "id del " + noun, "id do " + noun,
                "id della " + noun, "id de l'" + noun, "id dello " + noun, noun + " nr", noun + "-nr",
                noun + "nummer", noun + " number", noun + " no", "identifiant " + noun, "identifiant de l'" + noun,
                "numéro " + noun, "numéro d'" + noun, "numéro de " + noun, "n° " + noun, "número de " + noun,
                "numero " + noun, "numero di " + noun, "codice " + noun, "matricola " + noun, "login " + noun,
                noun + " n.º", noun + " nº", noun + " n°", "n.º de " + noun, "nº de " + noun,
            ]
        }
        return labels
    }()

    /// Words in a sentence that introduces a list of affected users, one per line under it.
    static let listedPeople = [
        "student", "candidate", "user", "examinee", "learner", "matrikelnummer", "matrikel-nr", "kandidat",
        "teilnehmer", "studierende", "prüfling", "étudiant", "candidat", "élève", "estudiante", "alumno", "aluno",
        "candidato", "studente", "studenti", "studenci", "studentów", "kandydat", "numery albumów", "студент",
        "öğrenci", "aday", "deelnemer", "študent", "студенти", "aspirante", "empleado", "učenik", "roll number",
        "roll no", "学籍番号", "受験者", "受験番号", "学生", "考生", "학번",
        "수험", "학생", "studenți", "studentii", "matric number", "candidate number",
    ]

    /// User labels that may also introduce a person's name: after them only an ID with a digit is taken.
    public static let nameLikeUserLabels: Set<String> = [
        "candidate", "student", "kandidat", "candidat", "candidato", "alumno", "aluno", "студент", "öğrenci",
        "affected user", "account", "identifiant", "identificador", "étudiant", "estudiante", "studente",
        "teilnehmer", "participant", "participante", "partecipante", "deelnemer", "affected candidates",
        "affected students", "affected users", "betroffene studierende", "betroffene kandidaten",
    ]

    /// Words that introduce a user's ID inside a sentence ("my student number is 19387265", "Matrikelnummer
    /// 3318842", "numéro étudiant est le 21904512"). The value must then have the shape of an ID.
    public static let userCues = [
        "student number", "student no", "student id", "candidate number", "candidate no", "candidate id",
        "user id", "username", "login", "matriculation number", "registration number", "learner id", "student",
        "candidate", "matrikelnummer", "matrikel-nr", "matrikelnr", "kandidatennummer", "benutzerkennung",
        "benutzername", "numéro étudiant", "numéro d'étudiant", "numéro de candidat", "identifiant", "matricule",
        "matrícula", "número de estudiante", "número de alumno", "usuario", "matricola", "codice persona",
        "número de aluno", "número de estudante", "логин", "номер студента", "номер зачётки", "номер зачетки",
        "numer indeksu", "nr indeksu", "numer albumu", "nr albumu", "numer albumu", "studentnummer", "gebruikersnaam",
        "número de inscrição", "numéro d'inscription", "número de inscripción", "teilnehmernummer", "öğrenci numaram",
        "öğrenci numarası", "öğrenci no", "kullanıcı adım", "kullanıcı adı", "user name", "nome utente",
        "nombre de usuario", "nom d'utilisateur", "nome de usuário", "mój login", "学籍番号", "受験番号", "学号", "學號",
        "考生号", "准考证号", "用户名", "帳號", "número de aluna", "numéro d'étudiante", "numéro étudiante", "meu ra",
        "o ra", "ra do aluno", "ra da aluna", "numéro de da", "roll no", "roll number", "employee no",
        "employee number", "legajo", "personalnummer",
        "numéro d'étudiant", "id studente", "id candidato", "candidate id", "numero di matricola",
        "matric number", "matric no", "kandidat", "kandidaten", "kandidatin", "학번", "수험번호", "логін",
        "de inscrição", "studijní číslo", "osobní číslo", "användarnamn", "الرقم الجامعي", "رقم الطالب",
        "userid", "user_id", "login_id", "candidate_id", "student_id", "candidateid", "studentid", "student numbers",
        "student ids", "candidate numbers", "candidate ids", "user ids", "usernames",
        "uživatel", "użytkownik", "utente", "usuário", "utilizador", "benutzer", "n.º de estudante",
        "nº de estudante", "n.º de aluno", "nº de aluno", "n.º de candidato", "n° étudiant", "n° d'étudiant",
        "n° de candidat", "matrikelnummern", "numery albumów", "numer albumu", "matricula", "reg no", "reg. no",
        "registration no", "reg number", "студенттік id", "öğrenci numaraları", "מספר סטודנטית",
        "رقمي الجامعي", "anonymitetskod", "رقم القيد", "αριθμός μητρώου", "מספר סטודנט", "nim", "număr matricol",
        "รหัสนักศึกษา", "mssv", "mã số sinh viên", "रोल नंबर", "kennung", "logged in as", "log in as", "signed in as",
        "login as", "cand. no", "niu", "teilnehmer-nr", "teilnehmer-nr.", "candidat", "candidate no.",
        "teilnehmerin", "přihlášen jako", "přihlášena jako", "prihlásený ako", "zalogowany jako",
        "zalogowana jako", "angemeldet als", "eingeloggt als", "connecté en tant que", "connectée en tant que",
        "conectado como", "conectada como", "collegato come", "collegata come", "logget inn som", "inloggad som",
        "brukernavn", "brukernavnet", "brugernavn", "brugernavnet", "användarnamnet", "пользователь", "пользователя",
        "vpisno številko", "vpisna številka", "broj indeksa", "brojem indeksa", "број индекса", "бројем индекса",
        "aluna", "aluno", "no. matrik", "no matrik", "l'étudiant", "l'étudiante", "el alumno", "la alumna",
        "alumno es", "osobním číslem", "α.μ.", "ra", "nia", "mi nia", "με αμ", "αμ", "mã sinh viên", "mã sv",
        "candidates affected include", "students affected include", "affected candidates include", "matr.-nr.",
        "matr.-nr", "opiskelijamme", "studienummer", "фак. №", "факултетен №", "studente",
        "studentessa", "la studentessa", "lo studente",
        "opiskelijanumero", "opiskelijanumeroni", "رقم الجلوس",
        "სტუდენტის id", "tài khoản sinh viên", "no. pekerja", "neptun-kód", "test account", "admin account",
        "proctoring account", "exam account", "student account", "candidate account", "아이디", "准考證號碼",
        "准考證號", "准考证号码", "студентський номер", "номер студентського",
        "студенческий номер", "응시번호", "수험 번호", "benutzer-id", "benutzer id", "nutzer-id", "kandidaat", "matr nr",
        "matr. nr",
        "matr.nr", "prn", "prn no", "r-nummer", "mijn r-nummer", "mi código",
        "código de estudiante", "código estudiantil",
        "código de alumno",
        "número de control", "no. de control", "num. de control", "index number", "index no", "cms id",
        "номер залікової книжки", "номер залікової", "studenten met nummers", "met studentnummer", "met studentnummers",
        "students with numbers", "students with ids", "al alumno", "a la alumna", "del alumno", "de la alumna", "jmbag",
    ]

    /// User cues after which a login without digits counts ("Мой логин ivanova_ea").
    public static let loginCues: Set<String> = [
        "login", "username", "user name", "логин", "kullanıcı adım", "kullanıcı adı", "benutzername",
        "nom d'utilisateur", "nombre de usuario", "nome utente", "nome de usuário", "gebruikersnaam", "用户名",
        "帳號", "login name", "user id", "usuario", "utilisateur", "логін", "ім'я користувача", "uživatelské jméno",
        "användarnamn", "아이디", "logged in as", "log in as", "signed in as", "login as", "přihlášen jako",
        "přihlášena jako", "prihlásený ako", "zalogowany jako", "zalogowana jako", "angemeldet als", "eingeloggt als",
        "connecté en tant que", "connectée en tant que", "conectado como", "conectada como", "collegato come",
        "collegata come", "logget inn som", "inloggad som", "brukernavn", "brukernavnet", "brugernavn",
        "brugernavnet", "användarnamnet", "пользователь", "пользователя", "test account", "admin account",
        "proctoring account", "exam account", "student account", "candidate account",
    ]

    /// Words that introduce a proctoring session's ID inside a sentence.
    public static let sessionCues = [
        "session id", "session", "attempt id", "sitzungs-id", "sitzung", "id de session", "session",
        "id de sesión", "sesión", "id sessione", "sessione", "sessão", "сессии", "сессия", "sesji", "sessie",
        "oturum", "セッション", "会话", "場次", "proctoring session", "attempt number", "attempt no",
        "versuchs-id", "versuchsnummer", "id del intento", "número de intento", "id tentativo", "номер попытки",
        "tentativa", "attempt", "intento", "сесії", "сесія", "세션", "relace", "الجلسة", "sessions-id", "会话id", "场次id",
        "場次編號", "场次编号", "会话编号", "会话号", "會話編號", "sesion", "id del tentativo", "økt-id", "økt id",
        "numéro de séance", "istunnon tunnus", "munkamenet-azonosító", "munkamenet azonosító", "sessiecode",
        "session code", "code de session",
        "código de sesión", "codice sessione",
        "sessionid", "session_id", "attemptid",
        "attempt_id",
        "會話id", "sessió", "id pokusu", "pokusu", "seja", "sesija", "sesjons-id", "sesjon", "id спроби", "спроби",
        "попытки", "id sesiune", "sesiune", "sesiunea", "सेशन आईडी", "응시 id", "id συνεδρίας", "συνεδρία",
    ]
}
