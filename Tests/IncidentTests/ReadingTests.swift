import MIME
import Testing

@testable import Incident

/// The classes of mail an independent review found misread (issue #17), one behaviour per test.
@Suite struct ReadingTests {
    /// Mon, 30 Nov 2026 10:00:00 +0100.
    static let date = "Mon, 30 Nov 2026 10:00:00 +0100"

    func report(
        _ body: String, subject: String = "Exam problem", headers: String = "", attachments: String = ""
    )
        -> IncidentReport
    {
        var raw = headers + "From: Anna <anna@uni.example.edu>\nTo: helpdesk@example.com\nSubject: \(subject)\n"
        raw += "Date: \(Self.date)\nMIME-Version: 1.0\n"
        if attachments.isEmpty {
            raw += "Content-Type: text/plain; charset=utf-8\n\n\(body)\n"
        } else {
            raw += "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n"
            raw += body + "\n" + attachments + "--b--\n"
        }
        let message = MIMEParser().parse(Array(raw.utf8))
        var profile = IncidentProfile()
        profile.ownAnswers = OwnAnswerText(
            texts: ["Before we can start working on it, we need the following from you:"],
            marks: ["helpdesk@example.com"],
            prompts: [
                .sessionID: "the ID of the affected proctoring session",
                .userID: "the ID or login name of the affected user",
            ])
        return IncidentExtractor(profile: profile).extract(message, content: MessageContent(message))
    }

    static func utc(_ text: String) -> Int64? {
        DetectionTime.parse(text, reference: MessageDate(secondsSince1970: 0, utcOffsetSeconds: 0))
    }

    @Test(arguments: [
        ("Candidate no. 448812", "448812"), ("Candidate no.: 448812", "448812"), ("User ID 71-220-4581", "71-220-4581"),
        ("Identifiant : cand-50231", "cand-50231"), ("Benutzerkennung: weber-k", "weber-k"),
        ("Matrikelnummer 3318842", "3318842"), ("■学籍番号：A230417", "A230417"), ("【受験者ID】KB-77031", "KB-77031"),
        ("my student number is 19387265", "19387265"), ("Meine Teilnehmernummer: TN-55012-AEVO", "TN-55012-AEVO"),
        ("Mój login: kowalczyk.m", "kowalczyk.m"), ("Логин: 20-ЭК-1043 (номер зачётки)", "20-ЭК-1043"),
        ("Мій логін: ivanenko.o", "ivanenko.o"), ("제 수험번호는 SLC2611-0457 이고 마감이 밤 11시입니다", "SLC2611-0457"),
        ("我是外国语学院的学生刘洋，学号：2020301177。今天上午考试的时候黑屏。", "2020301177"),
        ("Αριθμός μητρώου: 1234567", "1234567"), ("NIM: 2106123456", "2106123456"), ("MSSV: 20521234", "20521234"),
        ("รหัสนักศึกษา: 6401234567", "6401234567"), ("Număr matricol: 12345", "12345"),
        ("מספר סטודנט: 312345678", "312345678"),
    ])
    func userLabelsInTheFormsPeopleWrite(_ line: String, _ expected: String) {
        #expect(report("The exam does not load for this candidate.\n\(line)").values[.userID] == expected)
    }

    @Test func aCyrillicWordAfterALoginLabelIsAName() {
        #expect(report("Не могу войти в экзамен.\nЛогин: Иванов").values[.userID] == nil)
    }

    @Test func anAddressGluedToChineseOrJapaneseText() {
        #expect(report("您好：\n考试平台地址：kaoshi.donghai.edu.cn，请帮忙").values[.server] == "kaoshi.donghai.edu.cn")
        #expect(report("本日13時05分頃から、exam.kita.ac.jpにアクセスすると503と表示されます。").values[.server] == "exam.kita.ac.jp")
    }

    @Test func aParenthesisInsideALabelAndFrenchSpacing() {
        let read = report("Session ID (seat TC-07, second try): 9b2e7c41aa\nServeur : proctor.uni.example.edu")
        #expect(read.values[.sessionID] == "9b2e7c41aa")
        #expect(read.values[.server] == "proctor.uni.example.edu")
    }

    @Test func aLabelFollowedByWordsIsNoValue() {
        let read = report("Session ID: I don't know it\nUser: Rossi Giulia\nStudent: Anna Kowalska")
        #expect(read.values[.sessionID] == nil && read.values[.userID] == nil)
    }

    @Test(arguments: [
        ("502 Bad Gateway on https://exam.uni.example.edu since 08:58 GMT", "2026-11-30T08:58:00Z"),
        ("It stopped at 10:30 (EET) for everyone.", "2026-11-30T08:30:00Z"),
        ("Depuis 9h05 (heure de Paris) la page reste blanche.", "2026-11-30T08:05:00Z"),
        ("It happened yesterday around 3pm, the page froze.", "2026-11-29T14:00:00Z"),
        ("The page froze at 10:45 a.m. PST for me.", "2026-11-30T18:45:00Z"),
    ])
    func timesInSentences(_ sentence: String, _ expected: String) {
        let read = report(sentence)
        let shown = read.detectedAt.map { MessageDate(secondsSince1970: $0, utcOffsetSeconds: 0).iso8601 }
        // 10:45 PST on the Date's day is after the email was written: never recorded.
        #expect(shown == (expected == "2026-11-30T18:45:00Z" ? nil : expected))
    }

    @Test func aScheduleIsNotTheTimeOfDetection() {
        let read = report("The exam starts at 09:30 and is scheduled until 11:00, the candidate cannot log in.")
        #expect(read.detectedAt == nil)
    }

    @Test func aScreenshotNameIsLocalTimeAndNeverAfterTheEmail() {
        let png =
            "--b\nContent-Type: image/png; name=\"Screenshot 2026-11-30 at 09.14.02.png\"\n"
            + "Content-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUgAABQAAAALQCAIAAADQ\n"
        let read = report("see screenshot, the exam is stuck on a white page", attachments: png)
        #expect(
            read.detectedAt.map { MessageDate(secondsSince1970: $0, utcOffsetSeconds: 0).iso8601 }
                == "2026-11-30T08:14:02Z")
        let later = png.replacingAll("09.14.02", with: "11.14.02")
        #expect(report("see screenshot, the exam is stuck on a white page", attachments: later).detectedAt == nil)
    }

    @Test func inlineAnswersUnderOurQuotedQuestionsAreRead() {
        let body = """
            On Mon, 30 Nov 2026 at 09:02, ProctorEdu Support <helpdesk@example.com> wrote:
            > Before we can start working on it, we need the following from you:
            >   - the ID of the affected proctoring session
            sess_4Kp9QwZ2mT7v
            >   - the ID or login name of the affected user
            s412987 (the student)
            > Example session: 11111111-2222-3333-4444-555555555555
            """
        let read = report(body, subject: "Re: [HD-000431] Exam")
        #expect(read.values[.sessionID] == "sess_4Kp9QwZ2mT7v")
        #expect(read.values[.userID] == "s412987")
    }

    @Test func anAnswerInASentenceGivesItsOneIDAsProbable() {
        let body = """
            On Mon, 30 Nov 2026 at 09:02, ProctorEdu Support <helpdesk@example.com> wrote:
            > Before we can start working on it, we need the following from you:
            >   - the ID or login name of the affected user
            lo studente accede con s298114
            >   - the ID of the affected proctoring session
            non la trovo, forse 4411 o 4412
            """
        let read = report(body, subject: "Re: [HD-000431] Exam")
        #expect(read.values[.userID] == "s298114" && read.sources[.userID]?.isSure == false)
        #expect(read.values[.sessionID] == nil)  // two candidates: none taken
    }

    @Test func labelsWithEmphasisOrAFewWordsBeforeTheirColon() {
        let read = report(
            """
            The recording stopped.
            *ID sessione:* 6a1f0e3b9c2d48e7b5a0f1c2
            Matricola studente: S293311
            """)
        #expect(read.values[.sessionID] == "6a1f0e3b9c2d48e7b5a0f1c2")
        #expect(read.values[.userID] == "S293311")
        let qualified = report("The page froze.\nSession ID from the admin panel: ses-2611-9QX4T")
        #expect(qualified.values[.sessionID] == "ses-2611-9QX4T" && qualified.sources[.sessionID]?.isSure == false)
        // Words that are no label qualifier do not make one.
        #expect(report("The page froze.\nSession crashed with error: E12345").values[.sessionID] == nil)
    }

    @Test func aWeekdaySaidEarlierHoldsWhenTheTimeIsCued() {
        // Friday before Monday 30 Nov; 3:20 pm at the header's +0100.
        let read = report(
            "I wrote my midterm on Friday through exam.uni.example.edu, and around 3:20 pm the panel locked me out.")
        #expect(read.detectedAt == Self.utc("2026-11-27T14:20:00Z"))
        // Beside the time, a weekday may be the coming one: the exam on Thursday at 8:00 is a schedule.
        #expect(report("W czwartek o 8:00 mam egzamin, a hasło nie działa.").detectedAt == nil)
    }

    @Test func aRegionalZoneSaysTheDayToo() {
        // 04:00 in New York when the email is sent: "yesterday" there is the 29th; 9:52 PM EST = 02:52Z.
        #expect(report("It happened yesterday at 9:52 PM Eastern.").detectedAt == Self.utc("2026-11-30T02:52:00Z"))
    }

    @Test func aDaySaidEarlierInTheSentenceHolds() {
        let read = report(
            "ich habe gestern die Klausur in Technische Mechanik II geschrieben. Gegen 14:30 (die Klausur lief "
                + "seit 14 Uhr) bin ich plötzlich rausgeflogen.")
        #expect(read.detectedAt == Self.utc("2026-11-29T13:30:00Z"))
        // "iniziato alle 9:30" is when the exam started, not when the problem was seen.
        #expect(report("durante l'appello di stamattina (iniziato alle 9:30) la webcam si bloccava").detectedAt == nil)
    }

    @Test(arguments: [
        ("Ik probeer al sinds kwart over negen mijn examen te starten.", "2026-11-30T08:15:00Z"),
        ("Seit halb zehn geht nichts mehr.", "2026-11-30T08:30:00Z"),
        ("It froze at quarter to nine.", "2026-11-30T07:45:00Z"),
        // The afternoon "half past two" has not come yet when the email is sent at 10:00: the night's one.
        ("It froze at half past two.", "2026-11-30T01:30:00Z"),
    ])
    func timesInWords(_ line: String, _ expected: String?) {
        #expect(report(line).detectedAt == expected.flatMap(Self.utc))
    }

    @Test func aMailRuForwardHeaderIsNoLabelledTime() {
        let body = """
            Пересылаю письмо студента.

            -------- Пересылаемое сообщение --------
            От кого: Артём <st0923118@students.example.ru>
            Кому: Елена <e.m@example.ru>
            Дата: Понедельник, 30 ноября 2026, 09:55 +01:00
            Тема: Не могу начать тест

            Сегодня в 09:20 хотел начать итоговый тест, а на сайте выскочила ошибка.
            """
        #expect(report(body, subject: "Fwd: Не могу начать тест").detectedAt == Self.utc("2026-11-30T08:20:00Z"))
    }

    @Test func otherSystemsWorkingIsNoMinorityOfPeople() {
        let read = report(
            "Bugün saat 08:10'dan itibaren hiçbir öğrencimiz sınav sistemine giriş yapamıyor. "
                + "Kampüs ağında diğer tüm sistemler çalışıyor.")
        #expect(read.severity == .critical)
        #expect(report("Three candidates cannot log in. The others are fine.").severity == .normal)
    }

    @Test func aTableIsReadByItsColumns() {
        let body = """
            Three students cannot finish the identity check:

            Name\tRoom\tMatricola\tTime
            Rossi Giulia\tA 2.3\tVR481223\t10:30
            Bianchi Marco\tA 2.3\tVR479015\t10:31
            """
        let read = report(body)
        #expect(read.userIDs == ["VR481223", "VR479015"])
        #expect(read.values[.userID] == "VR481223")
    }

    @Test(arguments: [
        ("keiner der 120 Studierenden kann starten", Severity.critical),
        ("Seit 10:15 ningún alumno puede entrar, error 503.", .critical),
        ("Nobody can start the exam since this morning.", .critical),
        ("I cannot start my exam, the camera is not detected.", .normal),
        ("Three of 40 students cannot start; the others are fine.", .normal),
        ("所有考生都进不去了", .critical),
    ])
    func severityIsTheImpact(_ text: String, _ expected: Severity) {
        #expect(report(text).severity == expected)
    }

    @Test func anotherTicketSystemsNotificationIsMachineMail() {
        let body = """
            Incident INC0051877 has been updated.
            This is an automatically generated email, please do not reply directly to this message.
            """
        #expect(report(body, subject: "Incident INC0051877 updated").automated == .notification)
        let servicenow = report("Incident assigned", headers: "X-ServiceNow-Source: Notification-1\n")
        #expect(servicenow.automated == .notification)
    }

    @Test(arguments: ["Ho dimenticato la password del portale", "Şifremi unuttum, giriş yapamıyorum", "忘记密码了"])
    func passwordRequestsInOtherLanguages(_ text: String) {
        let read = report(text)
        #expect(read.category == "password-reset" && read.severity == .normal)
    }

    @Test func aLoginInASentenceIsNoServer() {
        let read = report("Her login on the platform is ivanova.ea and the exam runs on proctor.urtc-exam.ru today.")
        #expect(read.values[.server] == "proctor.urtc-exam.ru")
    }

    @Test func monitoringAlertsAreMachineMailWithoutAutoSubmitted() {
        let zabbix = report(
            "Problem started at 03:14:07 on 2026.11.28\nProblem name: Free disk space is less than 10%\n"
                + "Original problem ID: 48812337", subject: "Problem: Free disk space is less than 10%")
        #expect(zabbix.automated == .notification)
        let grafana = report(
            "**Firing**\nLabels:\n - alertname = DiskSpaceLow\nSent by Grafana v11.3.1",
            subject: "[FIRING:1] DiskSpaceLow")
        #expect(grafana.automated == .notification)
        #expect(report("The exam froze, the problem started at 10:05.").automated == nil)
    }

    @Test(arguments: [
        ("seit 5 minuten hängt bei mir die seite", "2026-11-30T08:55:00Z"),
        ("It froze 20 minutes ago.", "2026-11-30T08:40:00Z"),
        ("10分前から画面が固まっています。", "2026-11-30T08:50:00Z"),
        ("Hace media hora que no puedo entrar.", "2026-11-30T08:30:00Z"),
        (
            "Ich wollte heute morgen gegen 9 meine Klausur schreiben, aber die Kamera geht nicht.",
            "2026-11-30T08:00:00Z"
        ),
        ("I opened it around 10 this morning and it failed.", "2026-11-30T09:00:00Z"),
        ("Bugün saat 09.10'da oturum koptu.", "2026-11-30T08:10:00Z"),
        ("Kl. 08.30 fick en student meddelandet.", "2026-11-30T07:30:00Z"),
        ("Ieri alle tre e un quarto del pomeriggio si sono bloccati.", "2026-11-29T14:15:00Z"),
    ])
    func timesCountedBackOrSaidLoosely(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc(expected))
    }

    @Test(arguments: [
        "The exam lasted 90 minutes and the camera froze.", "Around 10 students could not log in this morning.",
        "Die Prüfung ist morgen gegen 9 Uhr.", "Sınav 14.10 tarihinde.",
    ])
    func countsAndPlansAreNoTimes(_ text: String) {
        #expect(report(text).detectedAt == nil)
    }

    @Test(arguments: [
        "Since 10:40 the proctoring page shows \"Service Unavailable\" after face verification.",
        "Alle 9:15 si sono bloccati tutti e 45 gli studenti dell'aula 3.",
        "Candidates at all four of our examination centres are unable to start the exam.",
        "로그인 후 \"세션을 생성할 수 없습니다 (오류 코드 500)\"라는 메시지가 나옵니다.",
        "Semua mahasiswa tidak bisa masuk ke ujian.", "Tất cả thí sinh không thể đăng nhập vào hệ thống.",
        "Όλοι οι φοιτητές δεν μπορούν να συνδεθούν.", "כל הסטודנטים לא יכולים להיכנס למבחן.",
        "Fra kl. 09:07 får ingen av kandidatene startet besvarelsen.",
        "Dnes se žádný ze studentů nemůže připojit k testu.",
        "Nenhum dos nossos alunos consegue entrar na prova.", "上午 9:02 起全班 45 位同學都無法進入考試。",
    ])
    func outagesWrittenOtherwiseAreCritical(_ text: String) {
        #expect(report(text).severity == .critical)
    }

    @Test func oneStudentInThoseLanguagesIsNormal() {
        #expect(report("Saya tidak bisa masuk ujian.").severity == .normal)
        #expect(report("Tôi không thể đăng nhập vào hệ thống.").severity == .normal)
    }

    @Test func forgottenPasswordsInMoreLanguages() {
        #expect(report("Zapomněl jsem heslo a odkaz nefunguje. Můj login je xnovak07.").category == "password-reset")
        #expect(report("Zapomněl jsem heslo a odkaz nefunguje. Můj login je xnovak07.").values[.userID] == "xnovak07")
        #expect(report("نسيت كلمة المرور الخاصة بمنصة الامتحانات، رقمي الجامعي 20215567.").category == "password-reset")
        for text in [
            "I can't remember my password for the exam portal.", "Quên mật khẩu, không đăng nhập được.",
            "Olvidé mi clave del portal de exámenes.",
        ] {
            #expect(report(text).category == "password-reset")
        }
    }

    @Test func aSwedishForwardIsTheReportersOwn() {
        let body = """
            Hej, vidarebefordrar ett ärende från vår tentamensvakt.

            Från: Eva Sjöström <eva.sjostrom@uni.example.se>
            Skickat: den 30 november 2026 09:47
            Till: Lars Nyberg <lars.nyberg@uni.example.se>
            Ämne: Student utkastad

            Kl. 09.30 fick en student meddelandet "Din session har avslutats" på tenta.uni.example.se.
            Anonymitetskod: MIK-4417-KX
            """
        let read = report(body, subject: "VB: Student utkastad")
        #expect(read.values[.server] == "tenta.uni.example.se" && read.values[.userID] == "MIK-4417-KX")
        #expect(read.detectedAt == Self.utc("2026-11-30T08:30:00Z"))
    }

    @Test func aTextNoteAttachedIsRead() {
        let attachment = """
            --b
            Content-Type: text/plain; charset=utf-8
            Content-Disposition: attachment; filename="incident-note.txt"

            Incident note. Server: exams.uni.example.edu
            Session ID: 61c0d9e4-2f7a-4b3c-8e15-a9d2f6b0c873

            """
        let read = report("See the attached note.", attachments: attachment)
        #expect(read.values[.server] == "exams.uni.example.edu")
        #expect(read.values[.sessionID] == "61c0d9e4-2f7a-4b3c-8e15-a9d2f6b0c873")
    }

    @Test func answersUnderNumberedOrAskedQuestionsOfOurs() {
        let body = """
            Ответы ниже.

            24.11.2026 12:40, Helpdesk <helpdesk@example.com> пишет:
            > Чтобы разобраться в проблеме, пришлите, пожалуйста:
            > 3. Идентификатор сессии

            4417-AB-20261124-0093

            > User ID / student number?

            cp2231187
            """
        let read = report(body)
        #expect(read.values[.sessionID] == "4417-AB-20261124-0093" && read.values[.userID] == "cp2231187")
    }

    @Test func aPortugueseOutlookHeaderBlockAboveOurRequest() {
        let body = """
            Seguem as respostas abaixo.

            Att.,
            Rafael

            De: Helpdesk <helpdesk@example.com>
            Enviada em: segunda-feira, 30 de novembro de 2026 08:48
            Para: Rafael <rafael@fptec.example.br>
            Assunto: [HD-000239] Candidatos desconectados

            Before we can start working on it, we need the following from you:
              - the ID of the affected proctoring session
            R: bf2447f5-a23c-41d6-9d72-0d40a45f2b2f
            """
        #expect(report(body).values[.sessionID] == "bf2447f5-a23c-41d6-9d72-0d40a45f2b2f")
    }

    @Test func aColleaguesFreeTextAnswerQuotedWithoutMarkersStaysQuoted() {
        let body = """
            Thanks, that fixed it! All good now.

            From: Helpdesk <helpdesk@example.com>
            Sent: Monday, November 30, 2026 9:11 AM
            Subject: Re: [HD-000399] Dashboard does not load

            Hello Kevin,

            Please clear the browser cache for proctor.harmon.example.edu and sign in again.
            """
        #expect(report(body).values[.server] == nil)
    }

    @Test(arguments: [
        ("hab schon neu geladen. kennung: fsu-23-8812", "fsu-23-8812"), ("NIU: 1580342", "1580342"),
        ("Cand. No 2207719", "2207719"), ("受験者1名（受験番号 A2314）が画面共有できません。", "A2314"),
        ("I logged in as rgarza14@students.example.edu and it froze.", "rgarza14@students.example.edu"),
    ])
    func moreUserForms(_ line: String, _ expected: String) {
        #expect(report("The exam does not load.\n\(line)").values[.userID] == expected)
    }

    @Test func oneIDPerLineUnderALabelIsAList() {
        let read = report("Sunucu çöktü.\nEtkilenen aday numaraları:\n40012233\n40012234\n40012251\n\nTeşekkürler")
        #expect(read.userIDs == ["40012233", "40012234", "40012251"])
    }

    @Test func aNumberSignInATableHeaderIsPartOfTheLabel() {
        let read = report(
            "Affected:\nCandidate # | Seat | Message\nLCC-77310 | 3 | No camera\nLCC-77342 | 7 | No camera")
        #expect(read.userIDs == ["LCC-77310", "LCC-77342"])
    }

    @Test func minutesInWordsAndWeekdaysOfOtherScripts() {
        #expect(
            report("At twenty to ten this morning two candidates were thrown out.").detectedAt
                == Self.utc("2026-11-30T08:40:00Z"))
        #expect(report("Seit zehn nach neun geht nichts.").detectedAt == Self.utc("2026-11-30T08:10:00Z"))
        // The exam on Tuesday at 10 (화요일 오전 10시) is a plan, not when something happened.
        #expect(report("비밀번호를 잊어버렸습니다. 화요일 오전 10시에 기말고사가 있습니다.").detectedAt == nil)
    }

    @Test func helpersWhoCouldNotHelpAndOneStudentsFaultAreNotCritical() {
        #expect(report("The app froze and kicked me out. Nobody there could help.").severity == .normal)
        #expect(
            report("Storing bij één student, andere studenten in dezelfde zaal hadden geen last.", subject: "Storing")
                .severity
                == .normal)
    }

    @Test(arguments: [
        ("The proctoring session according to our admin view is HLV-55902-A.", "HLV-55902-A"),
        ("Session/attempt id as shown on the candidate's screen: a3f9c2d17b8e4f60", "a3f9c2d17b8e4f60"),
        ("номер сессии я скопировала из списка сессий — 65a1f0c2e4b0d91a7c3e5f82.", "65a1f0c2e4b0d91a7c3e5f82"),
    ])
    func aSessionNamedAFewWordsBeforeItsValue(_ line: String, _ expected: String) {
        #expect(report("The exam froze.\n\(line)").values[.sessionID] == expected)
    }

    @Test func keyValuePairsOfALogLine() {
        let read = report(
            "Log:\n[08:20:11] WARN proctor: sessionId=7f3c9a2e user_id=s12345\n2026-11-30 ERROR session=abc123")
        #expect(read.values[.sessionID] == "7f3c9a2e" && read.values[.userID] == "s12345")
        #expect(report("Log:\nERROR session=abc123").values[.sessionID] == "abc123")
    }

    @Test func wordsBetweenACueAndANumberThatIsNoID() {
        // Another number between the cue and the link, or a sentence end: nothing is taken.
        #expect(report("The session for exam BIO-201 is 7718203.").values[.sessionID] == nil)
        #expect(report("The session froze. It is 7718203 seconds later.").values[.sessionID] == nil)
    }

    @Test func aPlainLoginWordEndingTheSentence() {
        #expect(report("I forgot my password. My username is gkonstantinou.").values[.userID] == "gkonstantinou")
        #expect(report("I forgot my password. My username is blocked.").values[.userID] == nil)
        #expect(report("I forgot my password. My username is disabled since Monday.").values[.userID] == nil)
    }

    @Test(arguments: [
        ("Ujian saya berhenti pukul 09.20 WIB tadi.", "2026-11-30T02:20:00Z"),
        ("ระบบค้างตั้งแต่เวลา 08.20 น.", "2026-11-30T07:20:00Z"),
        ("La ora 08.20 examenul s-a blocat.", "2026-11-30T07:20:00Z"),
    ])
    func dotTimesAfterTheirLeadWords(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc(expected))
    }

    @Test(arguments: [("Waktu: 09.20 WIB", "2026-11-30T02:20:00Z"), ("Zeitpunkt: 08.20", "2026-11-30T07:20:00Z")])
    func aDotTimeAfterATimeLabel(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc(expected))
    }

    @Test func aCalendarServicesInvitationIsMachineMailButAnAttachedInviteIsNot() {
        let invitation = """
            Content-Type: multipart/alternative; boundary=alt

            --alt
            Content-Type: text/plain; charset=utf-8

            Invitation: Exam debrief @ Mon 7 Dec 10:00
            --alt
            Content-Type: text/calendar; charset=utf-8; method=REQUEST

            BEGIN:VCALENDAR
            METHOD:REQUEST
            END:VCALENDAR
            --alt--

            """
        #expect(report("", attachments: "--b\n" + invitation).automated == .notification)
        let attached = """
            --b
            Content-Type: text/calendar; charset=utf-8; method=REQUEST; name="invite.ics"
            Content-Disposition: attachment; filename="invite.ics"

            BEGIN:VCALENDAR
            METHOD:REQUEST
            END:VCALENDAR

            """
        #expect(report("The exam froze at 9:40, can we talk on Monday?", attachments: attached).automated == nil)
    }

    @Test(arguments: [
        ("Между 08:10 и 08:25 трое студентов вылетели из экзамена.", "2026-11-30T07:10:00Z"),
        ("The camera froze at half nine this morning.", "2026-11-30T08:30:00Z"),
        ("Hace como una hora que no puedo entrar.", "2026-11-30T08:00:00Z"),
        ("Sáng nay lúc 9g30 hệ thống bị treo.", "2026-11-30T08:30:00Z"),
    ])
    func spansHalfHoursAndLooseCounts(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc(expected))
    }

    @Test func labelledAndCountedListsOfUsers() {
        #expect(
            report("Exam down.\nMatrikelnummern: 3104877, 3105012, 3099821").userIDs == [
                "3104877", "3105012", "3099821",
            ])
        #expect(
            report("At 9:05 two candidates (C-104233 and C-104251) got booted.").userIDs == ["C-104233", "C-104251"])
        // A count that is not the list's: 240 students and a course code.
        #expect(report("Our 08:00 sitting (240 students, ACC1012) cannot continue.").values[.userID] == nil)
        #expect(
            report("Our GST 111 examination (120 candidates, 10:00am - 11:00am) could not hold.").values[.userID] == nil
        )
    }

    @Test func oneSessionPerUserIsNoSessionOfTheReport() {
        #expect(report("Students: dp-22817 (session 44910), dp-23051 (session 44923)").values[.sessionID] == nil)
        #expect(report("GET https://proctor.uni.example.edu/api/v2/session/heartbeat 502").values[.sessionID] == nil)
    }

    @Test func anErrorMessageAFewSawIsNoOutage() {
        let text =
            "Two students were thrown out with \"Proctoring service unreachable\". Everyone else carried on normally."
        #expect(report(text).severity == .normal)
    }

    @Test func aDaySaidInTheLinesBeforeHolds() {
        // Monday 30 Nov, +0100: yesterday 18:40 = 29 Nov 17:40Z.
        let read = report(
            "Les escribo porque ayer rendí el final por la\nplataforma de la facultad y tuve un\nproblema: a eso de las "
                + "18:40 la página se quedó congelada.")
        #expect(read.detectedAt == Self.utc("2026-11-29T17:40:00Z"))
        // Two cued times of one line: the first ("la" is Romanian "at").
        #expect(
            report("ieri la ora 17:30, la examenul de Fizică (programat la 17:00), microfonul nu a mai fost detectat")
                .detectedAt
                == Self.utc("2026-11-29T16:30:00Z"))
    }

    @Test(arguments: [
        ("Se cayó a las 3:20 hora de Bogotá.", "2026-11-30T08:20:00Z"),
        ("It logged out 40 students at around 2:15am Lagos time during the GST 201 exam.", "2026-11-30T01:15:00Z"),
        ("Le chrono s'est arrêté à 8h00 heure de Casablanca.", "2026-11-30T07:00:00Z"),
        ("It froze at 0:40 this morning (I'm in Vancouver).", "2026-11-30T08:40:00Z"),
    ])
    func aCityNamesTheZone(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc(expected))
    }

    @Test func aPlaceWeDoNotKnowLeavesTheTimeOut() {
        // Not the email's +0100: we cannot tell Tegucigalpa's offset.
        #expect(report("El examen se congeló a las 3:20 hora de Tegucigalpa.").detectedAt == nil)
    }

    @Test func aValueWrappedOntoTheNextLine() {
        let read = report(
            "The session number shown at the bottom of the screen was\n65a1f0c29b3e4d7a8c21f0e3. I attached a screenshot."
        )
        #expect(read.values[.sessionID] == "65a1f0c29b3e4d7a8c21f0e3")
        let matric = report("Please help, I was logged out. My matric\nno: FUO/CSC/19/0342.")
        #expect(matric.values[.userID] == "FUO/CSC/19/0342")
    }

    @Test func valuesInTheSubjectOnly() {
        let read = report(
            "ayuda porfa no me carga la camara", subject: "exam.unal.example.edu usuario 1045872231 sesion 77812")
        #expect(read.values[.server] == "exam.unal.example.edu" && read.values[.sessionID] == "77812")
        #expect(read.values[.userID] == "1045872231")
        #expect(report("场次ID：JK-20261201-00318").values[.sessionID] == "JK-20261201-00318")
    }

    @Test func answersBelowInRedUnderALongerRecap() {
        let body = """
            Hi,

            Please see my answers below in red. To recap: the ID check keeps rejecting my photo with "ID does not
            match face" even though it is my own student card, I tried six times with better lighting and a
            different camera and it still fails every single time.

            From: Helpdesk <helpdesk@example.com>
            Sent: Monday, November 30, 2026 9:12 AM
            Subject: [HD-000529] More information needed for your report

            Before we can start working on it, we need the following from you:
              - the ID or login name of the affected user
            ANSWER: jt4471
            """
        #expect(report(body).values[.userID] == "jt4471")
    }

    @Test func aWholeMessageAboveOurQuoteLeavesTheQuoteQuoted() {
        // The customer wrote everything above; the quote below holds text of ours the profile does not know.
        let body = """
            Hi, sorry for the delay. She was kicked out when the proctoring extension updated itself in the middle
            of the exam, and after that the lockdown browser refused her resume code.
            The student's username is mtorres4 and she was on proctor.uni.example.edu when it happened.
            Let me know if you need anything else from us.

            From: Helpdesk <helpdesk@example.com>
            Sent: Monday, November 30, 2026 9:05 AM
            Subject: [HD-000240] Student locked out

            Thank you for contacting the support team.
            - the ID or login name of the affected user:
            - a screenshot showing the problem
            Please reply to this email and keep HD-000240 in the subject.
            """
        #expect(report(body).values[.userID] == "mtorres4")
    }

    @Test func aPersonLabelInTheFeminine() {
        #expect(report("Étudiante : e21904567\nLe flux vidéo a gelé.").values[.userID] == "e21904567")
        #expect(report("Студентка: st_1045521 (Петрова Дарья)").values[.userID] == "st_1045521")
        #expect(report("Teilnehmerin: FA-102934").values[.userID] == "FA-102934")
    }

    @Test func usersListedUnderASentenceThatIntroducesThem() {
        let body = """
            Students affected (from Lab 2 attendance sheet, Lab 3 list to follow):
              1. 22ME101
              2. 22ME102
              3. 22ME104

            Around 120 students cannot start.
            """
        #expect(report(body).userIDs == ["22ME101", "22ME102", "22ME104"])
        #expect(report("Getroffen studenten:\n- s2214587\n- s2219034\n").userIDs == ["s2214587", "s2219034"])
        // A list of session IDs under a sentence naming no people is no list of users.
        #expect(report("Die betroffenen Sitzungen:\n- 4471\n- 4472\n").userIDs.isEmpty)
    }

    @Test func aLoginWithADotAfterALabelThatMayIntroduceAName() {
        #expect(report("Identifiant : dupont.m\nL'écran est noir.").values[.userID] == "dupont.m")
        #expect(report("Identifiant : Marie Dupont\nL'écran est noir.").values[.userID] == nil)
    }

    @Test func aSentenceSayingWroteIsNoAttribution() {
        // Swedish "skrev" is both "wrote" and "sat (an exam)".
        let body = """
            Jag skrev tentan i Linjär algebra i morse och kl. 09.50 frös bilden och sedan kom ett meddelande om att \
            anslutningen bröts. Här är länken som stod i webbläsaren:

            https://tenta.norrvik.example.se/session/9d2f41c0-5a7e-4b3f-8e61-0c2d9b7a4f18/live

            Mitt användarnamn är anlin042.
            """.replacingAll("\\\n", with: "")
        let read = report(body)
        #expect(read.values[.sessionID] == "9d2f41c0-5a7e-4b3f-8e61-0c2d9b7a4f18")
        #expect(read.values[.server]?.hasPrefix("https://tenta.norrvik.example.se/") == true)
        #expect(read.values[.userID] == "anlin042")
    }

    @Test func anAttemptIDInAURLQuery() {
        let read = report(
            "This is the link I was on:\nhttps://cbt.lagoon.example.edu/exam/attempt?id=55291&course=CSC301")
        #expect(read.values[.sessionID] == "55291")
        #expect(report("https://cbt.lagoon.example.edu/exam/results?id=55291").values[.sessionID] == nil)
    }

    @Test func arabicIndicDigitsAndAnEveningWord() throws {
        // An email sent at 22:00 in Riyadh or Beijing.
        let evening = try #require(Self.utc("2026-11-30T19:00:00Z"))
        let riyadh = MessageDate(secondsSince1970: evening, utcOffsetSeconds: 3 * 3600)
        #expect(
            DetectionTime.parse("اليوم الساعة ٢:٣٠ مساءً ظهرت لي رسالة خطأ", reference: riyadh)
                == Self.utc("2026-11-30T11:30:00Z"))
        let beijing = MessageDate(secondsSince1970: evening - 5 * 3600, utcOffsetSeconds: 8 * 3600)
        #expect(DetectionTime.parse("今晚7点10分左右系统强制交卷了", reference: beijing) == Self.utc("2026-11-30T11:10:00Z"))
    }

    @Test func theDateOfAPastedHTTPResponseIsNotTheDetectionTime() {
        let body = """
            od 9:40 vrací náš server všem studentům chybu 503.

            HTTP/2 503
            server: nginx
            date: Mon, 30 Nov 2026 11:58:03 GMT
            content-type: text/html
            """
        #expect(report(body).detectedAt == Self.utc("2026-11-30T08:40:00Z"))
    }

    @Test func anApproximateCountAfterItsUnit() {
        // Russian and Ukrainian "минут 20 назад": about 20 minutes before the email's 10:00 +0100.
        #expect(report("в мене хвилин 20 тому вибило з іспиту").detectedAt == Self.utc("2026-11-30T08:40:00Z"))
    }

    @Test func austrianQuarterHours() {
        #expect(report("heute um dreiviertel zehn kam die Meldung").detectedAt == Self.utc("2026-11-30T08:45:00Z"))
        #expect(report("heute um viertel zehn kam die Meldung").detectedAt == Self.utc("2026-11-30T08:15:00Z"))
    }

    @Test func aDanishOutlookHeaderStartsTheQuote() {
        let body = """
            Hej,

            Svar nedenfor.

            -----Oprindelig meddelelse-----
            Fra: ProctorEdu Support <helpdesk@example.com>
            Sendt: 30. november 2026 09:02
            Emne: [HD-004530] More information needed

            Before we can start working on it, we need the following from you:

              - the address of the proctoring server you use, e.g. https://proctor.example.edu
            https://eksamen.eaaa.example.dk
            """
        #expect(report(body).values[.server] == "https://eksamen.eaaa.example.dk")
    }

    @Test func aLoginEndingInACountrysDomainIsNoServer() {
        let read = report("Сегодня сотрудник (логин ivanova.ma) не смог пройти тест на proctor.sibtech.example.ru")
        #expect(read.values[.server] == "proctor.sibtech.example.ru")
    }

    @Test func theUserAndSessionAURLsQueryNames() {
        let read = report(
            "Link koji nam je poslala:\nhttps://nadzor.fer.example.hr/session/view?id=c41d7e2a90b3&user=jmarkovic")
        #expect(read.values[.sessionID] == "c41d7e2a90b3")
        #expect(read.values[.userID] == "jmarkovic")
    }

    @Test func listedUsersWithTheirNamesInBrackets() {
        let body = "Dotknutí študenti:\n• xnovakm2 (Martin Novák)\n• xhorvathp (Peter Horváth)\n"
        #expect(report(body).userIDs == ["xnovakm2", "xhorvathp"])
    }

    @Test(arguments: [
        ("Het platform geeft sinds 8u30 een 504.", "2026-11-30T07:30:00Z"),
        ("študent se danes ob 9.20 ni mogel vrniti v izpit", "2026-11-30T08:20:00Z"),
        ("Des de les 9.05 h d'avui cap estudiant pot accedir", "2026-11-30T08:05:00Z"),
    ])
    func timesAfterSlavicCatalanAndFlemishLeads(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc(expected))
    }

    @Test func idsAfterNordicAndSlavicWords() {
        let read = report("Sesjons-ID er 3318-AB72-KK09 og brukernavnet til studenten er s339021.")
        #expect(read.values[.sessionID] == "3318-AB72-KK09")
        #expect(read.values[.userID] == "s339021")
        let czech = report("Můj login je kov0123, ID pokusu 99812.")
        #expect(czech.values[.userID] == "kov0123")
        #expect(czech.values[.sessionID] == "99812")
        #expect(report("Jsem přihlášen jako xnovak47 na zkousky.example.cz.").values[.userID] == "xnovak47")
    }

    @Test func anAnswerAfterAnArrowInsideOurQuotedList() {
        #expect(report("--> Matrikelnummer 2215037").values[.userID] == "2215037")
    }

    @Test func aWebSocketURLInAPastedLogNamesTheServerAndSession() {
        let body =
            "Konsoli:\n[10:02:19] WARN ws reconnect wss://valvonta.saimaa.example.fi/ws/v2?sid=a3e8f1c0-77d2-4b9e"
        let read = report(body)
        #expect(read.values[.server]?.hasPrefix("wss://valvonta.saimaa.example.fi/") == true)
        #expect(read.values[.sessionID] == "a3e8f1c0-77d2-4b9e")
    }

    @Test func catalanLabelsAndAnAddressBeforeAnArabicComma() {
        let read = report("Dades:\n  - Sessió: 64f1a0c2e9b7d3a5f8c1b204\n  - Alumna: jferrer (Júlia Ferrer i Coll)")
        #expect(read.values[.sessionID] == "64f1a0c2e9b7d3a5f8c1b204")
        #expect(read.values[.userID] == "jferrer")
        #expect(
            report("مش قادر يشارك الشاشة على منصة المراقبة exam.delta.example.eg، بتظهر رسالة").values[.server]
                == "exam.delta.example.eg")
    }

    @Test func aLabelInWordsTheLexiconLacksByItsStem() {
        #expect(report("Server: proctor.nord.example.dk\nStudienummer: 2019881").values[.userID] == "2019881")
        #expect(report("Studenta apliecības nr.: 221RDB117").values[.userID] == "221RDB117")
        #expect(report("Seansi ID: 7731-AB-09").values[.sessionID] == "7731-AB-09")
        // A name, a count and a value the writer doubts are no IDs.
        #expect(report("Studentin: Maria López").values[.userID] == nil)
        #expect(report("Kandidaten gesamt: 120").values[.userID] == nil)
        #expect(report("Notandanafn nemanda: sigrun22? Nei, afsakið").values[.userID] == nil)
    }

    @Test func aDegreeOrALoginIsNoServer() {
        let read = report("I am a B.Tech student; the exam on proctor.vidya.example.in froze.")
        #expect(read.values[.server] == "proctor.vidya.example.in")
        #expect(report("Problém má studentka, login studentky novakova.pe.").values[.server] == nil)
    }

    @Test func aTimeCutByTheLineWrap() {
        let body = """
            Een student kreeg de melding dat de verbinding verbroken was en kon daarna niet verder. Hij heeft zich om kwart
            voor tien gemeld bij de surveillant in het lokaal.
            """
        #expect(report(body).detectedAt == Self.utc("2026-11-30T08:45:00Z"))
    }

    @Test func noOneInASentenceAboutStaffIsNoOutage() {
        let body =
            "A learner was locked out midway; the page says \"Attempt suspended by proctor\" but none of our invigilators suspended anything."
        #expect(report(body).severity == .normal)
        #expect(report("監視用のカメラ映像が真っ黒になり、「カメラに接続できません」と表示されました。").severity == .normal)
    }

    @Test func aUsersIDInBracketsAfterAWordForThePerson() {
        #expect(
            report("Un alumno (n.º de expediente 20231177) ha sido expulsado del examen.").values[.userID] == "20231177"
        )
        #expect(report("같은 반 학생 한 명(학번 20231204)도 오늘 연결이 끊겼습니다.").values[.userID] == "20231204")
        // A course code, a room or a seat in brackets is no user.
        #expect(report("Three candidates (ECON2043) cannot launch the exam.").values[.userID] == nil)
        #expect(report("A student (room 2214) was disconnected.").values[.userID] == nil)
    }

    @Test func aUserInAPastedLogsKeyValuePairs() {
        let body = "Log:\n2026-11-30T08:02:55Z INFO session=9d41b7e0-5c3a-4a2f user=fvp2210487 event=start"
        #expect(report(body).values[.userID] == "fvp2210487")
    }

    @Test func aKeyValuePairAfterALabelGivesItsValue() {
        #expect(report("Спроба: attempt=119352").values[.sessionID] == "119352")
        #expect(report("Em là Thu Hà, sinh viên lớp K66-KT, mã sinh viên 21A4010283.").values[.userID] == "21A4010283")
    }

    @Test func aRoughHour() {
        #expect(
            report("The ID check has failed for everyone since 9ish this morning.").detectedAt
                == Self.utc("2026-11-30T08:00:00Z"))
        #expect(report("We have 9ish students waiting.").detectedAt == nil)
    }

    @Test func wordsThatLookLikeIDsButAreNot() {
        // A review's examples: each of these once gave a value.
        #expect(
            report("Login to exam.uni.example.edu fails since this morning.").values[.server] == "exam.uni.example.edu")
        #expect(report("Log:\nauth login=failed user=- ip=192.0.2.7").values[.userID] == nil)
        #expect(report("The student login fails (error code 50012).").values[.userID] == nil)
        #expect(report("User-Agent: Mozilla/5.0 (X11; Linux x86_64)").values[.userID] == nil)
        #expect(report("Identifiant : n.a.").values[.userID] == nil)
        #expect(report("J'ai perdu les 2h de l'épreuve à cause de la caméra.").detectedAt == nil)
    }

    @Test func anAttributionWithALongSenderName() {
        let body = """
            Die Matrikelnummer ist 3318842.

            Am 30.11.2026 um 09:00 schrieb Prüfungsamt der Fakultät für Elektrotechnik und Informationstechnik <pruefungsamt.etit@uni.example.de>:
            > Sitzungs-ID: 7f3c9a2e-1b4d-4c8e-9f0a-2d6b8e1c3a57
            """
        let read = report(body)
        #expect(read.values[.userID] == "3318842")
        #expect(read.values[.sessionID] == nil)
    }

    @Test func slovakDanishAndFinnishWordsForTheStudentAndTheHour() {
        let slovak = report("študent (ID študenta 112233) nám hlási, že o 9.30 hod. mu zamrzol obraz z kamery.")
        #expect(slovak.values[.userID] == "112233")
        #expect(slovak.detectedAt == Self.utc("2026-11-30T08:30:00Z"))
        #expect(report("En studerende (studienummer 20235567) fik beskeden i dag.").values[.userID] == "20235567")
        #expect(report("opiskelijamme K1234567 ei pystynyt palauttamaan tenttiään.").values[.userID] == "K1234567")
    }

    @Test func hourLeadsOfEstonianNorwegianCroatianAndUkrainianAndTheItalianTwo() {
        #expect(
            report("Märkasime seda täna kell 9.45, eksam algas kell 9.00.").detectedAt
                == Self.utc("2026-11-30T08:45:00Z"))
        #expect(report("Greška se pojavila u 9.45 kod studenta.").detectedAt == Self.utc("2026-11-30T08:45:00Z"))
        #expect(
            report("помилка з'явилася приблизно о 9:40, скріншот додаю.").detectedAt == Self.utc("2026-11-30T08:40:00Z")
        )
        // Italian "due" is two, not a deadline; English "due at 9:00" still is.
        #expect(
            report("stamattina alle 8.50 due screenshot ci sono arrivati").detectedAt
                == Self.utc("2026-11-30T07:50:00Z"))
        #expect(report("The essay is due at 9:00 and the upload page is blank.").detectedAt == nil)
    }

    @Test func aUkrainianAttributionEndsTheReportersWords() {
        let body = """
            помилка з'явилася о 9:40.

            пн, 30 лист. 2026 р. о 09:20 ProctorEdu Support <helpdesk@example.com> пише:
            > Which session?
            """
        #expect(report(body).detectedAt == Self.utc("2026-11-30T08:40:00Z"))
    }

    @Test func aForwardedMessageSentOnAClockAheadOfTheForwarders() {
        let body = """
            Forwarding this one.

            From: Priya Raman <p.raman@uni.example.edu>
            Sent: Monday, 30 November 2026 2:14 PM
            To: Exams Unit <exams@uni.example.edu>
            Subject: Proctoring

            Around 1:50pm three candidates had the proctoring overlay freeze.
            """
        // Read at +0100, 2:14 PM is after the 09:00 UTC forward: the sender's clock is ahead by an unknown amount.
        #expect(report(body, subject: "FW: Proctoring").detectedAt == nil)
        let zoned = body.replacingAll("1:50pm", with: "6:50pm AEDT")
        #expect(report(zoned, subject: "FW: Proctoring").detectedAt == Self.utc("2026-11-30T07:50:00Z"))
        // Sent on the forwarder's clock or behind it: its times are read in the forwarder's zone.
        let same = body.replacingAll("2:14 PM", with: "9:30 AM").replacingAll("1:50pm", with: "9:10am")
        #expect(report(same, subject: "FW: Proctoring").detectedAt == Self.utc("2026-11-30T08:10:00Z"))
    }

    @Test func outagesSaidAsTheExamThatCouldNotTakePlaceOrInMoreLanguages() {
        let critical = [
            "Kvůli výpadku dohledu zkouška nemohla proběhnout.",
            "ниједан кандидат не може да приступи испиту.",
            "يظهر لجميع الطلاب الخطأ 403 عند فتح منصة المراقبة",
            "Peperiksaan tidak dapat dimulakan untuk semua calon di dewan.",
            "Los 42 alumnos del grupo 5IM2 no pueden iniciar el examen.",
        ]
        for text in critical { #expect(report(text).severity == .critical, "\(text)") }
        // A count after an article is the whole group only when it is a number of people, not "the 2 students".
        #expect(report("The 2 students in room B cannot start.").severity == .normal)
    }

    @Test func anOutageDeniedIsNoOutage() {
        let text = "The other PCs connect fine, so I don't think this is an outage. This one PC cannot connect."
        #expect(report(text).severity == .normal)
        #expect(report("We cannot start the exam because the proctoring server is down.").severity == .critical)
    }

    @Test func userIDsAfterVietnameseIndonesianAndAccountWordsAndInAStudentsSignature() {
        #expect(report("Mã sinh viên của em là 22A4010187.").values[.userID] == "22A4010187")
        #expect(report("Saya tidak bisa masuk. NIM saya 2108051122.").values[.userID] == "2108051122")
        #expect(report("It fails with our test account lab-test-07 only.").values[.userID] == "lab-test-07")
        #expect(report("Please reset the admin account jwhitfield_admin today.").values[.userID] == "jwhitfield_admin")
        #expect(report("My account was locked this morning.").values[.userID] == nil)
        #expect(report("考生账号：zhangwei_2024\n录像在第12分钟以后就是黑屏").values[.userID] == "zhangwei_2024")
        let signed = "Ich habe mein Passwort vergessen.\n\nViele Grüße\nJonas Brückner\nMatrikelnr. 3318820"
        #expect(report(signed).values[.userID] == "3318820")
        // A staff signature's numbers are not the user's.
        let staff = "Die Kamera geht nicht.\n\nViele Grüße\nJonas Brückner\nTel. 0711 555 0123"
        #expect(report(staff).values[.userID] == nil)
    }

    @Test func aPlayerOrTimerAtZeroIsNoTimeAndHungarianAroundIsACue() {
        let text = "9:40 körül vettem észre, hogy a felügyeleti videó üres: a lejátszó 0:00 hosszúságot mutat."
        #expect(report(text).detectedAt == Self.utc("2026-11-30T08:40:00Z"))
        #expect(report("The timer shows 00:00 and the exam will not submit.").detectedAt == nil)
    }

    @Test func aGreekSessionLabel() {
        #expect(report("Η κάμερα σταμάτησε.\nID συνεδρίας: SES-2026-44817").values[.sessionID] == "SES-2026-44817")
    }

    @Test func aReplyThatOnlyHandsOverDataDescribesNothing() {
        let replies = [
            "Serverul nostru este https://supraveghere.univ.example.ro/ , iar problema a apărut ieri la ora 15:45.",
            "Thank you!",
            "Mulțumesc, Andreea Popescu Secretariat – Facultatea de Litere",
            "Answers below.\n\nAttached - the candidate sent it from her laptop.",
            "かえで大学 学務課の山田です。ご連絡ありがとうございます。 不足している情報をお送りします。",
        ]
        for text in replies {
            #expect(!DescriptionSubstance.isSubstantive(text, isReply: true), "\(text)")
        }
        let problem = "Thanks. Since this morning the webcam picture freezes after two minutes and she is thrown out."
        #expect(DescriptionSubstance.isSubstantive(problem, isReply: true))
    }

    @Test func theTimeOfTheSittingIsNoDetectionTime() {
        // The sitting's start, named by a compound, a Dutch or Hungarian verb, or the time as the exam's name.
        let german = "Klausur heute (Prüfungsbeginn 8:00 Uhr). Um 8:40 Uhr hat uns ein Student gemeldet, dass es hängt."
        #expect(report(german).detectedAt == Self.utc("2026-11-30T07:40:00Z"))
        #expect(
            report("Mijn tentamen begon om 8:00. Rond half negen kreeg ik een melding.").detectedAt
                == Self.utc("2026-11-30T07:30:00Z"))
        #expect(
            report("Ma fél kilenckor egy hallgatónk jelezte a hibát. A vizsga 8:00-kor kezdődött.").detectedAt
                == Self.utc("2026-11-30T07:30:00Z"))
        #expect(report("Our 9am exam just started and the proctor link gives everyone a blank page.").detectedAt == nil)
        #expect(report("Durante l'appello delle 8:30 di oggi una studentessa è stata espulsa.").detectedAt == nil)
        // A host name starting with "exam" after the time is no sitting.
        #expect(report("本日9時05分頃から、exam.kita.example.jp にアクセスできません。").detectedAt == Self.utc("2026-11-30T08:05:00Z"))
    }

    @Test func usersListedAfterASentenceOnItsLine() {
        let read = report("Nobody can start.\nFirst few candidates who tried: HT-20931, HT-20944 and HT-21007.")
        #expect(read.userIDs == ["HT-20931", "HT-20944", "HT-21007"])
        let matric = report("Matric numbers of some of those still affected: 190403118, 190403256, 190407731.")
        #expect(matric.userIDs == ["190403118", "190403256", "190407731"])
        // Not a list of users: other things after the colon, or one ID only.
        #expect(report("Affected candidates so far: 3 of 40, in 2 rooms.").userIDs.isEmpty)
        #expect(report("The students were told at 9: wait.").values[.userID] == nil)
    }

    @Test func aTableColumnOfTimesGivesTheFirst() {
        let table = """
            Four candidates could not share their screen.

            Kandidat\tMatrikelnr.\tUhrzeit (MEZ)
            Huber A.\t01642217\t08:52
            Gruber M.\t01655904\t08.35
            Wagner S.\t01649310\t09:10
            """
        let read = report(table)
        #expect(read.detectedAt == Self.utc("2026-11-30T07:35:00Z"))
        #expect(read.userIDs == ["01642217", "01655904", "01649310"])
        // "Yesterday" above the table holds for its times; a table of times alone, without users, is no table.
        let yesterday = table.replacingAll("Four candidates", with: "Yesterday four candidates")
        #expect(report(yesterday).detectedAt == Self.utc("2026-11-29T07:35:00Z"))
        #expect(report("Room\tTime\nB204\t08:52\nB206\t09:10").detectedAt == nil)
    }

    @Test(arguments: [
        (
            "Link da sessão: https://provas.uni.example.br/sessao?id=b7e2c4d1-3a5f-4e8b-9c60-1f2d3e4a5b6c&turma=CAL2",
            "b7e2c4d1-3a5f-4e8b-9c60-1f2d3e4a5b6c"
        ),
        (
            "Voici le lien : https://surveillance.u.example.fr/session/view/e41f7a93-0c2b-4d8e-b5a6-19d3c7f0e258",
            "e41f7a93-0c2b-4d8e-b5a6-19d3c7f0e258"
        ),
        ("Посилання на сесію: https://exam.proctor.example.edu.ua/s/6d0e9f3a1c2b4857/live", "6d0e9f3a1c2b4857"),
        ("सेशन आईडी: AKT-PR-88213", "AKT-PR-88213"), ("- 응시 ID: EXM-20261203-0877", "EXM-20261203-0877"),
        ("a fost deconectat din sesiunea de supraveghere (ID sesiune: RO-EX-25114-0937).", "RO-EX-25114-0937"),
    ])
    func sessionsInLinksAndLabelsOfMoreLanguages(_ line: String, _ expected: String) {
        #expect(report("The camera froze.\n\(line)").values[.sessionID] == expected)
    }

    @Test func aShortLinkIsNoSessionWithoutAnIDShape() {
        #expect(report("Join at https://go.example.edu/s/welcome/page now.").values[.sessionID] == nil)
    }

    @Test(arguments: [
        "None of our Year 12s can get past the ID check screen this morning.",
        "stamattina l'appello di Microeconomia non si è potuto svolgere.",
        "Od 13:00 sa nikomu nedá spustiť skúška z Matematiky I.",
        "Týka sa to všetkých 240 študentov, skúška momentálne nemôže prebehnúť.",
        "خادم المراقبة لا يستجيب لجميع الطلاب منذ الساعة العاشرة صباحاً",
        "Бүгін барлық студенттер емтиханды бастай алмай жатыр.",
        "13時30分開始予定の回（24名）が実施できない恐れがあります。",
    ])
    func outagesOfHeldOut14(_ text: String) {
        #expect(report(text).severity == .critical)
    }

    @Test func aFewPeopleCountedOrThingsNoneOfWhichWorkAreNoOutage() {
        #expect(report("The webcam feed froze for all three students in Lab 2 at the same time.").severity == .normal)
        #expect(report("None of the fixes can help her; her camera still freezes.").severity == .normal)
        #expect(report("The exam froze for all four of our centres.").severity == .critical)
    }

    @Test func aForwardedMessageDatedInItsOwnZoneAndACountrysTime() {
        let forward = """
            Could you look at this one?

            -------- Forwarded Message --------
            Subject: proctored quiz kicked me out
            Date: Mon, 30 Nov 2026 00:41:27 -0800
            From: Hannah <hannah@students.example.edu>

            I was writing the quiz and at 0:20 it said my face was not visible.
            """
        // 0:20 on the student's clock (-0800) is 08:20 UTC, not 0:20 at the forwarder's +0100.
        #expect(report(forward, subject: "Fwd: quiz").detectedAt == Self.utc("2026-11-30T08:20:00Z"))
        let japan = "gestern um 16:30 Uhr (japanische Zeit) ist meine Online-Prüfung abgebrochen."
        #expect(report(japan).detectedAt == Self.utc("2026-11-29T07:30:00Z"))
    }

    @Test func tomorrowSaidEarlierInTheClauseMakesTheTimeAPlan() {
        let text = "Olvidé mi contraseña y mañana tengo mi examen de Estadística a las 8:00 am. No me llega el correo."
        #expect(report(text).detectedAt == nil)
        #expect(
            report("Esta mañana, durante el examen de Estadística, a las 8:00 se cerró la sesión.").detectedAt
                == Self.utc("2026-11-30T07:00:00Z"))
    }

    @Test(arguments: [
        ("Knappen gör ingenting. Det började kl. 08.50. Övriga skriver som vanligt.", "2026-11-30T07:50:00Z"),
        ("Hôm qua lúc 21h15 em làm bài kiểm tra cuối kỳ thì bị lỗi.", "2026-11-29T20:15:00Z"),
        ("le sale \"Sesión no válida\" desde las 8.50, justo al intentar volver.", "2026-11-30T07:50:00Z"),
        ("tidak dapat log masuk ke sistem pengawasan sejak 8.30 pagi tadi.", "2026-11-30T07:30:00Z"),
        ("jučer oko 15 h mikrofon nije radio", "2026-11-29T14:00:00Z"),
        ("La ora 9 fix niciun student nu a putut intra.", "2026-11-30T08:00:00Z"),
        ("stamattina alle ore 9 e un quarto il sistema ha restituito errori.", "2026-11-30T08:15:00Z"),
    ])
    func hoursOfHeldOut14(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc(expected))
    }

    @Test func wordsThatAreNoHour() {
        // Italian "ora" alone is "now"; "30.11." is a date; "2 h" alone is a span.
        #expect(report("Ora 2 studenti non riescono a entrare.").detectedAt == nil)
        #expect(report("Die Prüfung am 30.11. ist abgebrochen.").detectedAt == nil)
        #expect(report("Ho perso 2 h di esame.").detectedAt == nil)
    }

    @Test func usersOfHeldOut14() {
        #expect(
            report("Tre av mina studenter (ab2201, cd2214 och ef2230) kan inte dela skärmen.").userIDs
                == ["ab2201", "cd2214", "ef2230"])
        #expect(
            report("dvoje mojih studenata (JMBAG 0036512784 i 0036519033) nije imalo zvuk").userIDs
                == ["0036512784", "0036519033"])
        // Numbers of different shapes in brackets are no list of users.
        #expect(report("Tres alumnos (ID 843 2290 1174) no pueden entrar.").values[.userID] == nil)
        #expect(report("Al alumno *u.perez27* le sale \"Sesión no válida\".").values[.userID] == "u.perez27")
        #expect(report("비밀번호를 잊어버렸어요. 아이디는 kim.jiwoo22 입니다.").values[.userID] == "kim.jiwoo22")
        #expect(report("考生（准考證號碼：TW-115-00387）於下午分享螢幕時出現錯誤").values[.userID] == "TW-115-00387")
        #expect(report("Sa exam po ito. Student no. ko po 2022-10457. Thank you po!").values[.userID] == "2022-10457")
    }

    @Test(arguments: [
        ("Studentovi se ve čtvrt na devět ukončila relace.", "2026-11-30T07:15:00Z"),
        ("Test se zasekl v půl deváté.", "2026-11-30T07:30:00Z"),
        ("Skúška spadla o pol deviatej.", "2026-11-30T07:30:00Z"),
        ("Під час тестування о пів на дев'яту система видала помилку", "2026-11-30T07:30:00Z"),
        ("Студент је у пола девет добио грешку", "2026-11-30T07:30:00Z"),
        ("Экзамен завис в половине девятого.", "2026-11-30T07:30:00Z"),
    ])
    func slavicTimesInWords(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc(expected))
    }

    @Test func halfOfSomethingElseIsNoTime() {
        #expect(report("Студент је изгубио пола сата испита.").detectedAt == nil)
    }

    @Test func aboutSoManyMinutesAgoAndATimeColumnNamedForWhatHappened() {
        #expect(
            report("Há uns 20 minutos a plataforma travou no meio da minha prova.").detectedAt
                == Self.utc("2026-11-30T08:40:00Z"))
        let table = """
            Ieri mattina quattro studenti sono stati espulsi.

            Matricola   ID sessione                            Ora espulsione
            VR482210    232403f3-9de1-4451-8c0f-0ef19042d16a   10:37
            VR479935    0b6175f4-005b-4817-b88c-f8447acfaa4a   10:41
            """
        // The first expulsion, yesterday — not the last row's time after an ID ending in the letter "a".
        #expect(report(table).detectedAt == Self.utc("2026-11-29T09:37:00Z"))
    }

    @Test func theProctoringHostBeforeTheLearningPlatformTheStudentsCameFrom() {
        let text = "Der Server ist nicht lms.uni.example.ch (das ist unser Moodle), sondern proctor.uni.example.ch."
        #expect(report(text).values[.server] == "proctor.uni.example.ch")
        #expect(
            report("The exam link on moodle.uni.example.edu gives a blank page.").values[.server]
                == "moodle.uni.example.edu")
    }

    @Test(arguments: [
        "Не могу войти, забыла пароль.", "Сбросьте, пожалуйста, пароль.", "Восстановление пароля не приходит.",
        "i forgot my pasword and the reset link says expired", "the reset email still hasn't come through",
        "unohdin salasanani valvottuun tenttijärjestelmään", "אני צריך לאפס את הסיסמה לפני הבחינה",
    ])
    func passwordRequestsOfHeldOut14(_ text: String) {
        #expect(report(text).category == "password-reset")
    }

    @Test(arguments: [
        "Depuis 8h40, l'examen ne peut pas avoir lieu : la page reste blanche.",
        "Sejak pukul 07.30 seluruh peserta ujian tidak bisa masuk.",
        "ingen af vores 240 studerende har kunnet komme ind i eksamen.",
        "A few of them: lhc-88213, lhc-88240, but it's literally all of them, nobody can get in.",
    ])
    func moreOutagesOfHeldOut14(_ text: String) {
        #expect(report(text).severity == .critical)
    }

    @Test func aFewStudentsWithoutExamplesAreStillAFew() {
        #expect(
            report("A few of them cannot start the exam; the server is down for them, for all the others it works.")
                .severity == .normal)
    }

    @Test func anOrdinalDayWithItsMonthDatesTheTime() {
        // The email is of the 30th: "27th November" is three days before it, not today.
        #expect(
            report("During my exam held on 27th November, at 2.30 pm CET my screen went blank.").detectedAt
                == Self.utc("2026-11-27T13:30:00Z"))
        #expect(
            report("On the 28th of November at 9:10 the camera froze.").detectedAt == Self.utc("2026-11-28T08:10:00Z"))
    }

    @Test func spokenGermanMinutesAfterUhr() {
        #expect(
            report("Seit 8 Uhr 15 bekommen alle die Meldung „Fehler 500“.").detectedAt
                == Self.utc("2026-11-30T07:15:00Z"))
        // A count before its noun is no minute.
        #expect(
            report("Um 8 Uhr 15 Studierende konnten nicht starten.").detectedAt == Self.utc("2026-11-30T07:00:00Z"))
    }

    @Test func ukrainianAndTraditionalChineseNamesOfTheIDs() {
        #expect(report("Тест заблокувався. Мій студентський номер — КН-21-0384.").values[.userID] == "КН-21-0384")
        #expect(report("考生出現錯誤。\n工作階段編號：NH2026-1130-0072").values[.sessionID] == "NH2026-1130-0072")
    }

    @Test func aListOfPeopleEachWithTheirCode() {
        let text = """
            Tres estudiantes quedaron con la pantalla congelada; el resto del curso pudo ingresar.

            Estudiantes afectados:Valentina Ríos – código 20241032118
            Andrés Felipe Mosquera – código 20241032240
            Camila Zuluaga – código 20232031977
            Quedamos atentos.
            """
        let found = report(text)
        #expect(found.values[.userID] == "20241032118")
        #expect(found.userIDs == ["20241032118", "20241032240", "20232031977"])
        // A name and a short number in a sentence are no list.
        #expect(report("Students affected:\nJan Novak - room 12\nEva Kral - room 14").userIDs.isEmpty)
    }

    @Test(arguments: [
        ("Depuis 9h00 (début de l'examen), personne ne se connecte. Nous l'avons constaté à 9h03.", "08:03"),
        ("Dnes od 8:00 se nikdo nemůže připojit. Všimli jsme si toho v 8:04.", "07:04"),
        ("Saat 9:30'da başlayan sınavda 9:45 civarında fark ettik ki ekran paylaşımı kesiliyor.", "08:45"),
        ("The exam started at 9:00 and we noticed the problem at 9:12.", "08:12"),
    ])
    func theMomentSomeoneSawItBeatsTheStart(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc("2026-11-30T\(expected):00Z"))
    }

    @Test func aServerLabelsValueIsTheFirstAddressNotTheOneInItsRemark() {
        let line = "Serveur : pe-fr2.proctor.example.net (ils y accèdent par notre portail https://portail.example.fr)"
        #expect(report(line).values[.server] == "pe-fr2.proctor.example.net")
    }

    @Test func aClockTimeIsNoID() {
        #expect(report("Centre d'examens, session de 15h00, salle B : l'écran reste noir.").values[.sessionID] == nil)
        #expect(
            ValueShape.looksLikeClock("9h05") && ValueShape.looksLikeClock("10am") && ValueShape.looksLikeClock("8u30"))
        #expect(!ValueShape.looksLikeClock("s24117") && !ValueShape.looksLikeClock("12h45x"))
    }

    @Test func aHeaderRowIsNoLabelAndValue() {
        let table = """
            Voici la liste :

            N° candidat\tID session
            CB-77120\tb0207fd8-15b6-4ac9-a95f-08f025a58db7
            CB-77121\t6a1ddaf9-6a59-463d-9205-20b1b1d013d4
            """
        let read = report(table)
        #expect(read.values[.userID] == "CB-77120")
        #expect(read.values[.sessionID] == "b0207fd8-15b6-4ac9-a95f-08f025a58db7")
    }

    @Test func twoAlignedColumnsUnderIDHeaders() {
        let table = """
            該当者：
              学籍番号    セッションID
              24E1187     a3c1f7d2-0b6e-4e58-9d14-6f2c8a90b3e1
              24E1203     0e9b4d6a-52c1-4f7e-8a3d-c71e2f5b9046
            """
        let read = report(table)
        #expect(read.userIDs == ["24E1187", "24E1203"])
        #expect(read.values[.sessionID] == "a3c1f7d2-0b6e-4e58-9d14-6f2c8a90b3e1")
        // Prose with double spaces is no table.
        #expect(report("Student ID  is what I do not know.  Session ID  neither.").userIDs.isEmpty)
    }

    @Test func theFullSessionOverItsAbbreviationInALog() {
        let text = """
            [10:32:02.004] [proctor] session 8d2c61fa state=DISCONNECTED

            Affected:
              - 8d2c61fa-93b7-4e0a-a5d4-06ce2b7f91e3
              - e1a47c09-5f32-4b8d-9c6e-2d7b0a91f5c4
            """
        #expect(report(text).values[.sessionID] == "8d2c61fa-93b7-4e0a-a5d4-06ce2b7f91e3")
    }

    @Test func whatTheScreenSaidNamesASessionNotAUser() {
        #expect(
            report("The session thing at the bottom of the screen said 64a1f0c2e9b7d3a5f8c61e20").values[.sessionID]
                == "64a1f0c2e9b7d3a5f8c61e20")
        #expect(report("Nobody can start: the login page at exams.example.in only shows 503.").values[.userID] == nil)
    }

    @Test func koreanTimesAndCandidateNumbersAndRoomsInBrackets() {
        #expect(
            report("오늘 오전 9시 30분경부터 연결이 계속 끊기고 있습니다. 오전 9시에 시작한 시험입니다.").detectedAt
                == Self.utc("2026-11-30T08:30:00Z"))  // in the zone of the Date header
        #expect(report("- 8d2c61fa-93b7 (응시번호 KYT-26-04417)").values[.userID] == "KYT-26-04417")
        // Rooms are places, not people.
        #expect(report("目前影響考生約 85 人，分布在兩個考場（電腦教室 E201、E203）。").values[.userID] == nil)
    }

    @Test func anAnswerInsideAKoreanOutlookQuoteOfOurs() {
        let body = """
            요청하신 내용은 아래 질문 밑에 [답변]으로 적었습니다.

            보낸 사람: ProctorEdu Support <helpdesk@example.com>
            보낸 날짜: 2026년 11월 30일 월요일 오전 9:02
            받는 사람: 김민준 <mjkim@uni.example.kr>
            제목: [HD-005102] 응시자 화면 공유 중단 문의

            1. 세션 ID
            [답변] 3b9e7d21-0c4f-4a8e-b6d2-71f5a9c3e048
            2. 사용자 ID
            [답변] 20231587 (학번)

            보낸 사람: 김민준 <mjkim@uni.example.kr>
            보낸 날짜: 2026년 11월 30일 월요일 오전 8:40
            제목: 응시자 화면 공유 중단 문의

            학번 20990001 학생의 화면 공유가 중단되었습니다.
            """
        let read = report(body, subject: "RE: [HD-005102] 응시자 화면 공유 중단 문의")
        #expect(read.values[.sessionID] == "3b9e7d21-0c4f-4a8e-b6d2-71f5a9c3e048")
        #expect(read.values[.userID] == "20231587")
    }

    @Test func aMarkedAnswerAndTheTableUnderItInsideOurQuote() {
        let body = """
            Odpowiedzi poniżej w treści, oznaczone [AK].

            Od: ProctorEdu Support <helpdesk@example.com>
            Wysłane: poniedziałek, 30 listopada 2026 09:02
            Temat: Re: [HD-004597] Problemy

            3. Session IDs and user IDs of the affected students.
            [AK] Poniżej – 3 osoby z 85, reszta grupy pisze bez problemu:
            Login\tImię i nazwisko\tID sesji
            s24117\tZofia Lewandowska\td3a81f5c-7e20-4b96-a4c1-58e0b2f9c637
            s24302\tMateusz Zieliński\t7b0e4c92-1d5f-4a38-bc6e-9f2d1a8e0574

            Kind regards,
            ProctorEdu Support
            """
        let read = report(body, subject: "RE: [HD-004597] Problemy")
        #expect(read.userIDs == ["s24117", "s24302"])
        #expect(read.values[.sessionID] == "d3a81f5c-7e20-4b96-a4c1-58e0b2f9c637")
    }

    @Test func aSentenceThatSaysWritesIsNoAttribution() {
        #expect(!ReporterText.isAttribution("reszta grupy pisze bez problemu:", next: ""))
        #expect(
            ReporterText.isAttribution("w dniu 30.11.2026 o 10:00, helpdesk <helpdesk@example.com> pisze:", next: ""))
        #expect(ReporterText.isAttribution("den 30 nov. 2026 kl. 10:00 skrev helpdesk:", next: ""))
        #expect(ReporterText.isAttribution("helpdesk wrote:", next: ""))
    }

    @Test func aForwardAppleMailQuotedIsTheReportPassedOn() {
        let body = """
            Anbei die Meldung einer Studentin. Server: pruefung.uni.example.de

            > Anfang der weitergeleiteten Nachricht:
            >
            > Von: Marie <marie@stud.uni.example.de>
            > Betreff: Fehler bei Online-Prüfung
            > Datum: 30. November 2026 um 09:27:54 MEZ
            >
            > Matrikelnr.: 2210457
            > Session: a6d2f8c0-71e3-4b9a-85c4-3f0e9d2b7a16
            """
        let read = report(body, subject: "Fwd: Fehler bei Online-Prüfung")
        #expect(read.values[.userID] == "2210457")
        #expect(read.values[.sessionID] == "a6d2f8c0-71e3-4b9a-85c4-3f0e9d2b7a16")
        // The same quote under a reply stays quoted.
        #expect(report(body, subject: "Re: Fehler bei Online-Prüfung").values[.userID] == nil)
    }

    @Test func aChineseForwardMarkedLikeAReply() {
        let body = """
            下面是我校一名学生反馈的问题，麻烦帮忙查一下原因。

            ------------------ 原始邮件 ------------------
            发件人: "李晨阳"<2020213057@stu.example.edu.cn>;
            发送时间: 2026年11月30日(星期一) 上午9:54
            主题: 考试中途被系统强制退出

            我是李晨阳，学号 2020213057。今天上午9点开考的《软件测试》，我大概在9:47的时候突然被系统强制退出了。
            截图附上。会话编号 7A3F-22C1-9B0E（页面右下角显示的）
            """
        let read = report(body, subject: "转发: 考试中途被系统强制退出")
        #expect(read.values[.userID] == "2020213057")
        #expect(read.values[.sessionID] == "7A3F-22C1-9B0E")
        #expect(read.detectedAt == Self.utc("2026-11-30T08:47:00Z"))
    }

    @Test(arguments: [
        // The exam's start, said with its verb after the time, is not when the problem was seen.
        ("Bugün saat 09:00'da başlayan sınavda 09:10 civarında öğrencilerin tamamı atıldı.", "08:10"),
        ("Іспит почався о 09:00. Перші скарги надійшли о 9:14.", "08:14"),
        ("Hoy examen convocado a las 9:15. A las 9:20 todos ven 502.", "08:20"),
        ("Die Klausur hat um 9:00 Uhr begonnen, der Student hat sich gegen 9:40 Uhr gemeldet.", "08:40"),
        ("Das Problem hat um 9:40 Uhr begonnen.", "08:40"),
        ("Ошибка была сегодня в 9 часов утра.", "08:00"),
    ])
    func startsSaidInMoreLanguagesAndRussianHours(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc("2026-11-30T\(expected):00Z"))
    }

    @Test func aWeekdayInAPastTenseSentenceWasLastWeek() {
        #expect(report("Ошибка была в пятницу примерно в 14:00.").detectedAt == Self.utc("2026-11-27T13:00:00Z"))
        // After the day and time the sentence may still be a plan.
        #expect(report("On Friday at 9:00 I was supposed to write it, but it would not load.").detectedAt == nil)
        #expect(report("Мы ждали 2 часа, ничего не произошло.").detectedAt == nil)
    }

    @Test func aTimeLabelsSentenceIsReadForTheMoment() {
        let line = "Time: the candidate started at 9.00am and the button did nothing from about 9.05am."
        #expect(report(line).detectedAt == Self.utc("2026-11-30T08:05:00Z"))
        #expect(report("Detected at\t2026-11-30 04:55:30 -03:00").detectedAt == Self.utc("2026-11-30T07:55:30Z"))
    }

    @Test func aTimeLateInALongParagraph() {
        let filler = String(
            repeating: "They take the photo of their ID card and the page spins for a minute. ", count: 6)
        let text =
            "None of the candidates of our 09:30 sitting can get past the ID check. " + filler
            + "We started getting calls from about 09:40 and by now every candidate is stuck."
        #expect(report(text).detectedAt == Self.utc("2026-11-30T08:40:00Z"))
    }

    @Test(arguments: [
        ("El intento es el 771204 y mi código es 2021-10488.", "2021-10488"),
        ("Mi número de control es 21240388.", "21240388"),
        ("Номер залікової книжки: ЕК-2207413.", "ЕК-2207413"),
        ("I am student of Politechnika, index number 284113.", "284113"),
        ("My CMS ID is 412987.", "412987"),
        ("Мій логін: ivan.k@student.example.edu.ua\nНомер залікової книжки: 2247/21", "ivan.k@student.example.edu.ua"),
    ])
    func studentNumbersByTheirLocalNames(_ text: String, _ expected: String) {
        #expect(report(text).values[.userID] == expected)
    }

    @Test func aRussianCitysTimeAndOneWeDoNotKnow() {
        #expect(
            report("Сегодня в 10.05 (по Екатеринбургу) у меня всё зависло.").detectedAt
                == Self.utc("2026-11-30T05:05:00Z"))
        #expect(report("Сегодня в 9:05 (по Пензе) всё зависло.").detectedAt == nil)
    }

    @Test func aYandexForwardHeadedByItsAttribution() {
        let body = """
            Пересылаю письмо студента.

            -------- Пересылаемое сообщение --------
            30.11.2026, 09:22, "Иван Петров" <ivan@example.ru>:

            Мой логин: st-084512, сессия 6e3b9d10-4c2f-4a87-9b5e-1d8f7a0c2e64.
            -------- Конец пересылаемого сообщения --------
            """
        let read = report(body, subject: "Fwd: Зависла проверка документов")
        #expect(read.values[.userID] == "st-084512")
        #expect(read.values[.sessionID] == "6e3b9d10-4c2f-4a87-9b5e-1d8f7a0c2e64")
    }

    @Test func aWhatsAppImageNameHasNoTime() {
        let reference = MessageDate(secondsSince1970: 1_796_029_200, utcOffsetSeconds: -10800)
        #expect(ScreenshotName.timestamp(in: "IMG-20261202-WA0007.jpg", reference: reference) == nil)
        #expect(ScreenshotName.timestamp(in: "Screenshot_20261202-103215.png", reference: reference) != nil)
    }

    @Test(arguments: [
        ("A prova travou, já faz uns 15 min.", "08:45"),
        ("A partir das 9h04 os candidatos recebem erro 504. A aplicação foi suspensa às 9h45.", "08:04"),
        (
            "L'appello, previsto dalle ore 9:00 alle ore 11:00, non parte: alle ore 9:02 il personale (sala regia) ha rilevato il guasto.",
            "08:02"
        ),
        ("O exame começou às 9h00 e às 9h40 a câmara desligou-se sozinha.", "08:40"),
    ])
    func momentsOfHeldOut16(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc("2026-11-30T\(expected):00Z"))
    }

    @Test func aScheduleFromTheHourToTheHourIsNoMoment() {
        #expect(report("L'appello previsto dalle ore 9:00 alle ore 11:00 non è partito.").detectedAt == nil)
    }

    @Test func aHomePageIsNeverTheServerReadFromASentence() {
        #expect(report("Die Kamera geht nicht.\n\nwww.uni.example.sk | +421 2 5555 4112").values[.server] == nil)
        #expect(report("Server: www.exam.example.sk").values[.server] == "www.exam.example.sk")
    }

    @Test func mostOfAGroupIsTheGroupUnlessMostAreFine() {
        #expect(
            report("Dès 9h07, une large majorité d'étudiants (31 sur 46) ont été éjectés de leur session.").severity
                == .critical)
        #expect(report("Over 200 candidates are seated and none of them can load the exam page.").severity == .critical)
        #expect(
            report("Most students are fine, but the 3 students below are stuck on the ID check.").severity == .normal)
        #expect(
            report("It started fine for 28 of 30 candidates, but two have been stuck since 9:20.").severity == .normal)
    }

    @Test(arguments: [
        ("Tentti keskeytyi noin puoli tuntia sitten.", "08:30"),
        ("I går rundt kl. 15 stoppet eksamen.", "2026-11-29T14:00"),
        ("Sáng nay lúc 9 giờ 15 tôi bị đăng xuất.", "08:15"),
        ("Azi la 8:00 a început examenul, la 8:47 ora României am pierdut conexiunea.", "06:47"),
        ("Ieri verso le 16, durante la simulazione, la webcam non andava.", "2026-11-29T15:00"),
        ("Ayer a las 16 la cámara falló.", "2026-11-29T15:00"),
        ("È successo stamattina verso le 8 e 45, lo schermo resta grigio.", "07:45"),
    ])
    func timesInTheWordsOfMoreLanguages(_ text: String, _ expected: String) {
        let full = expected.count == 5 ? "2026-11-30T\(expected):00Z" : expected + ":00Z"
        #expect(report(text).detectedAt == Self.utc(full))
    }

    @Test func anHourArticleBeforeACountIsNoHour() {
        #expect(report("Alle 16 studentesse non funziona la webcam.").detectedAt == nil)
    }

    @Test func columnsNamedInTheSentenceBeforeTheRows() {
        let text = """
            Примеры зависших сессий (логин / ID сессии):

              st087341   c41d9e20-7b3a-4f61-a8d2-90e5b17c3f04
              st087355   0f6a2b8d-e913-4c7a-b5f0-3d8e61a9c2b7
            """
        let read = report(text)
        #expect(read.userIDs == ["st087341", "st087355"])
        #expect(read.values[.sessionID] == "c41d9e20-7b3a-4f61-a8d2-90e5b17c3f04")
    }

    @Test func forwardsInMoreClients() {
        // Rediffmail: the forward's headers, then the body quoted with ">".
        let rediff = """
            Kindly check the below mail from our student.

            ----- Forwarded Message -----
            From: "Sneha" <sneha@example.com>
            Sent: Mon, 30 Nov 2026 09:41:09 +0100
            Subject: Exam got auto submitted

            >My test got auto submitted.
            >PRN: 72218843K
            >Attempt ID: DIET-EM3-20261130-0457
            """
        let read = report(rediff, subject: "Fwd: Exam got auto submitted")
        #expect(read.values[.userID] == "72218843K")
        #expect(read.values[.sessionID] == "DIET-EM3-20261130-0457")
        // Apple Mail quotes its attribution naming us: the numbered questions under it say what each answer is.
        let apple = """
            Rispondo sotto punto per punto.

            > Il giorno 29 nov 2026, alle ore 17:05, ProctorEdu Support <helpdesk@example.com> ha scritto:
            >
            > 3. L'ID utente dello studente

            stud.4B.rossi.l (Leonardo Rossi, classe 4B)
            """
        #expect(report(apple, subject: "Re: [HD-004455] Webcam").values[.userID] == "stud.4B.rossi.l")
    }

    @Test func aCronJobsOutputIsMachineMail() {
        let read = report(
            "... fetching sessions from https://pe.example.net/api\n!!! cURL error 28: Operation timed out !!!",
            subject: "Cron <www-data@vle01> /usr/bin/php /var/www/moodle/admin/cli/scheduled_task.php")
        #expect(read.automated == .autoSubmitted)
    }

    @Test(arguments: [
        (
            "He sent me the link: https://proctor.example.edu.au/room/c4e81f0a-2b6d-4e97-a5c3-8d10f7e6b942?lang=en",
            "c4e81f0a-2b6d-4e97-a5c3-8d10f7e6b942"
        ),
        ("Proctor link: https://proctor.example.ca/exam/att_93c1f7b2/start", "att_93c1f7b2"),
        ("Numéro de séance : 3f7a9c", "3f7a9c"),
        ("Istunnon tunnus: kaa-9931-ff02", "kaa-9931-ff02"),
        ("Eksempel: kandidatnummer 10427, økt-ID 4f81c2d9", "4f81c2d9"),
        ("Munkamenet-azonosító: 20261116-0930-QX7T2B-01", "20261116-0930-QX7T2B-01"),
    ])
    func sessionsInPathsAndMoreLanguages(_ text: String, _ expected: String) {
        #expect(report(text).values[.sessionID] == expected)
    }

    @Test func anExamRoomInALinkIsNoSession() {
        #expect(report("Room link: https://invigilator.example.ac.za/room/ECON2B-03").values[.sessionID] == nil)
    }

    @Test func aZoneBeforeATimeIsTheTimeBeforesOwn() {
        // "3:20pm AEDT (8:20 our time)": AEDT is the first time's; "our time" is the email's zone.
        #expect(
            report("She was kicked out at 6:20pm AEDT (8:20 our time) with \"Session terminated\".").detectedAt
                == Self.utc("2026-11-30T07:20:00Z"))
        #expect(report("Skærmen frøs ca. kl. 9.15 dansk tid.").detectedAt == Self.utc("2026-11-30T08:15:00Z"))
    }

    @Test(arguments: [
        ("I was scheduled for my Certified Data Steward exam this morning at 9:00 AM. At 8:55 AM it failed.", "07:55"),
        ("My paper was scheduled for 8:30am but the software froze at 9:05am.", "08:05"),
        ("UAS hari ini dimulai jam 08.00 (118 mahasiswa), sekitar jam 08.15 tiga mahasiswa terputus.", "07:15"),
        ("المشكلة من حوالي ٢٠ دقيقة", "08:40"),
    ])
    func plansAndMomentsOfHeldOut17(_ text: String, _ expected: String) {
        #expect(report(text).detectedAt == Self.utc("2026-11-30T\(expected):00Z"))
    }

    @Test func anExamsCodeInAnAnswerIsNoSession() {
        let body = """
            > 2. L'ID della sessione
            Non lo trovo. Il codice dell'esame è STAT-2-APP3
            """
        #expect(report(body, subject: "Re: [HD-004455] Sessione").values[.sessionID] == nil)
    }

    @Test func bulgarianPasswordAndTomorrow() {
        let read = report("Моля, нулирайте паролата ми. Утре в 10:00 имаме изпит.")
        #expect(read.category == "password-reset")
        #expect(read.detectedAt == nil)
    }

    @Test func aSpanishWeekdayAbbreviationIsNoMarch() {
        let body = """
            Les reenvío el correo del alumno.

            ---------- Forwarded message ---------
            De: Diego <diego@example.com>
            Date: lun, 30 nov 2026 a las 09:41
            Subject: examen

            Hoy en el examen a las 9:35 a.m. me salió una pantalla de error.
            """
        #expect(report(body, subject: "Fwd: examen").detectedAt == Self.utc("2026-11-30T08:35:00Z"))
        #expect(
            DetectionTime.parse("mar, 1 dic 2026 a las 10:41", reference: nil)
                != DetectionTime.parse("1 mar 2026 10:41", reference: nil))
    }

    @Test func aSessionParameterBeforeAnAttemptsBareID() {
        let line =
            "el link es https://eval.example.edu.ar/proctor/attempt?id=58213&session=d7c3e0a9-4f1b-4e62-8a7d-13b5c9f2e084"
        #expect(report(line).values[.sessionID] == "d7c3e0a9-4f1b-4e62-8a7d-13b5c9f2e084")
    }

    @Test func aKoreanNightIsEvening() {
        #expect(
            report("계정이 잠겼다는 메시지가 나왔어요. (어제 밤 10시 반쯤)").detectedAt == Self.utc("2026-11-29T21:30:00Z"))
    }

    @Test func aCorrectionReplacesTheValueItCorrects() {
        let read = report(
            "ID sesji: 8b21f6d3-4c07-4e9a-b1d5-2a6f9c0e73d8\nlogin studenta: s21878\npoprawka - s21887, pomyliłam cyfry"
        )
        #expect(read.values[.userID] == "s21887")
        #expect(read.values[.sessionID] == "8b21f6d3-4c07-4e9a-b1d5-2a6f9c0e73d8")
        // A correction of another shape corrects something else.
        #expect(report("login studenta: s21878\nCorrection: room 2.14").values[.userID] == "s21878")
    }

    @Test(arguments: [
        ("Beispiel: Sitzungs-ID 5e8b2d1f-7c4a-4b9e-a3f6-0d2c9e8b1a47, Benutzer-ID wi2041-0173", "wi2041-0173"),
        ("- kandidaat 230117: sessie 4f2a9c61-0e3b-47d8-a5c2-8b1d6e9f3047", "230117"),
        ("Ich bin matr nr 01634529 und komme nicht rein.", "01634529"),
        ("Přihlašovací jméno: KOV0123", "KOV0123"),
    ])
    func userNamesOfHeldOut18(_ text: String, _ expected: String) {
        #expect(report(text).values[.userID] == expected)
    }

    @Test func aServerTheReporterSaysItIsNot() {
        let text =
            "Ho scritto male il server: non è esami.uni.example.it (il vecchio Moodle) ma proctoring.uni.example.it."
        #expect(report(text).values[.server] == "proctoring.uni.example.it")
        // Alone, a denied host is still what the text names.
        #expect(report("The exam is not at exam.uni.example.edu today, it was moved.").values[.server] != nil)
    }

    @Test func screenSharingInRussianInflections() {
        #expect(report("Студент не может включить демонстрацию экрана.").category == "screen-sharing")
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
