import Foundation
import Testing

@testable import Helpdesk

@Suite struct ConfigurationTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/helpdeskd.toml")

    @Test func theSampleConfigurationIsValidAndMatchesTheDefaults() throws {
        let text = try String(contentsOf: Self.sample, encoding: .utf8)
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "helpdeskd.toml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration.identity.address == "helpdesk@example.com")
        #expect(configuration.imap.pollInterval == 30)
        #expect(configuration.imap.maxMessageSize == 25 * 1024 * 1024)
        #expect(configuration.serviceLevel.calendar.workingDays == [1, 2, 3, 4, 5])
        #expect(configuration.serviceLevel.calendar.startMinute == 480)
        #expect(configuration.serviceLevel.calendar.holidays.count == 2)
        #expect(configuration.serviceLevel.criticalSolution == 8 * 3600)
        #expect(configuration.profile.required.map(\.key).count == 6)
        #expect(configuration.web == HelpdeskConfiguration.Web(), "the sample's [web] is the defaults")
        #expect(configuration.staff == HelpdeskConfiguration.Staff(), "the sample's [staff] is the defaults")
    }

    @Test func theStaffSectionIsReadAndTheTeamIsNotTheHelpdesk() {
        let text = """
            [staff]
            team_address = "Support-Team@Example.com"
            notify_resumed = false
            sla_warnings = [100, 50, 50]
            max_attachment_bytes = "2MB"
            """
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration.staff.teamAddress == "support-team@example.com")
        #expect(configuration.staff.notifyOpened && !configuration.staff.notifyResumed)
        #expect(configuration.staff.slaWarnings == [50, 100])
        #expect(configuration.staff.maxAttachmentBytes == 2 << 20)

        let (_, own) = ConfigurationLoader.parse("[staff]\nteam_address = \"helpdesk@example.com\"\n", file: "h.toml")
        #expect(own.map(\.key) == ["staff.team_address"])
        let (_, bad) = ConfigurationLoader.parse("[staff]\nsla_warnings = [0.75]\n", file: "h.toml")
        #expect(bad.map(\.key) == ["staff.sla_warnings"])
    }

    @Test func theOCRSectionIsReadAndItsLanguagesChecked() {
        let text = """
            [ocr]
            enabled = false
            languages = "eng+rus"
            cpu_limit = "3s"
            memory_limit = "200MB"
            time_limit = "6s"
            answer_wait = "2s"
            min_confidence = 90
            max_images = 2
            """
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(problems.isEmpty, "\(problems)")
        let ocr = configuration.ocr
        #expect(ocr.enabled == false && !ocr.isOn && ocr.languages == "eng+rus")
        #expect(ocr.cpuSeconds == 3 && ocr.memoryMiB == 200 && ocr.wallSeconds == 6 && ocr.answerWait == 2)
        #expect(ocr.minimumConfidence == 90 && ocr.maxImages == 2)
        let (_, refused) = ConfigurationLoader.parse("[ocr]\nlanguages = \"eng; rm -rf /\"\n", file: "h.toml")
        #expect(refused.count == 1)
    }

    @Test func theWebSectionIsReadAndAProxyHeaderNeedsItsProxy() {
        let text = """
            [web]
            listen = "127.0.0.1:8080"
            session_idle = "10m"
            session_max = "8h"
            secure_cookies = false
            login_failures = 3
            login_window = "5m"
            trusted_user_header = "X-Remote-User"
            trusted_proxies = ["127.0.0.1"]
            """
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration.web.listen == "127.0.0.1:8080" && configuration.web.sessionIdle == 600)
        #expect(configuration.web.sessionMax == 8 * 3600 && !configuration.web.secureCookies)
        #expect(configuration.web.loginFailures == 3 && configuration.web.loginWindow == 300)
        #expect(
            configuration.web.trustedUserHeader == "X-Remote-User" && configuration.web.trustedProxies == ["127.0.0.1"])
        let (_, lonely) = ConfigurationLoader.parse("[web]\ntrusted_user_header = \"X-Remote-User\"\n", file: "h")
        #expect(lonely.map(\.key) == ["web.trusted_user_header"], "a header anyone can send logs nobody in")
        let (_, bad) = ConfigurationLoader.parse(
            "[web]\nlisten = \"8080\"\ntrusted_user_header = \"X User\"\n", file: "h")
        #expect(bad.map(\.key).sorted() == ["web.listen", "web.trusted_user_header"])
    }

    @Test func unknownKeysAndSectionsAreReportedWithLineAndSuggestion() {
        let text = "[helpdesk]\naddress = \"a@example.org\"\nadress = \"typo\"\n\n[imapp]\nurl = \"x\"\n"
        let (_, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(problems.count == 2)
        #expect(problems[0].line == 3 && problems[0].key == "helpdesk.adress")
        #expect(problems[0].fix.contains("helpdesk.address"))
        #expect(problems[1].line == 5 && problems[1].message.contains("[imapp]"))
    }

    @Test func wrongTypesAndValuesAreReported() {
        let text = """
            [imap]
            poll_interval = 30
            max_message_size = "lots"
            allow_plaintext = "yes"
            [smtp]
            tls = "ssl"
            [support_hours]
            days = ["mon", "funday"]
            """
        let (_, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(
            problems.map(\.key).sorted() == [
                "imap.allow_plaintext", "imap.max_message_size", "imap.poll_interval", "smtp.tls", "support_hours.days",
            ])
        #expect(problems.allSatisfy { $0.line != nil && !$0.description.isEmpty })
    }

    @Test func impossibleSupportHoursAreRejected() {
        let (_, problems) = ConfigurationLoader.parse(
            "[support_hours]\nstart = \"16:00\"\nend = \"08:00\"\n", file: "h")
        #expect(problems.contains { $0.key == "support_hours" && $0.message.contains("start before") })
    }

    @Test func invalidTOMLGivesTheLine() {
        let (_, problems) = ConfigurationLoader.parse("[helpdesk]\naddress = \"unterminated\n", file: "h")
        #expect(problems.count == 1 && problems[0].line == 2)
    }

    @Test func environmentOverridesAndCredentialsDirectory() {
        let environment = [
            "HELPDESKD_IMAP_URL": "imaps://other.example.org/INBOX", "HELPDESKD_RATE_LIMITS_GLOBAL_PER_HOUR": "7",
            "CREDENTIALS_DIRECTORY": "/run/credentials/helpdeskd.service",
        ]
        let text = "[imap]\npassword_file = \"${CREDENTIALS_DIRECTORY}/imap\"\n"
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h", environment: environment)
        #expect(problems.isEmpty)
        #expect(configuration.imap.url == "imaps://other.example.org/INBOX")
        #expect(configuration.rateLimits.globalPerHour == 7)
        #expect(configuration.imap.passwordFile == "/run/credentials/helpdeskd.service/imap")
        let (outside, none) = ConfigurationLoader.parse(text, file: "h", environment: [:])
        #expect(none.isEmpty && outside.imap.passwordFile == "/etc/helpdeskd/imap")
        let (_, unset) = ConfigurationLoader.parse("[imap]\nca_file = \"${NO_SUCH_VARIABLE}/ca.pem\"\n", file: "h")
        #expect(unset.first?.message.contains("NO_SUCH_VARIABLE") == true)
    }

    @Test func customFieldsAreRead() {
        let text = """
            [[profile.fields]]
            name = "course_id"
            labels = ["Course", "Course ID"]
            pattern = "[A-Z]{2,4}-\\\\d{3}"
            prompt = "the course ID (for example CS-101)"
            """
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h")
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration.profile.customFields.first?.field.key == "course_id")
        let (_, bad) = ConfigurationLoader.parse(
            "[[profile.fields]]\nname = \"x\"\nlabels = [\"X\"]\npattern = \"[\"\n", file: "h")
        #expect(bad.first?.message.contains("regular expression") == true)
    }

    @Test func serverURLsCarryNoSecrets() {
        let text =
            "[imap]\nurl = \"imaps://bot:hunter2@imap.example.com/INBOX\"\n[smtp]\nurl = \"smtp://a@b@smtp.example.com\"\n"
        let (_, problems) = ConfigurationLoader.parse(text, file: "h")
        #expect(
            problems.filter { $0.message.contains("must not contain a user or password") }.map(\.key).sorted()
                == ["imap.url", "smtp.url"])
        #expect(!problems.contains { $0.description.contains("hunter2") })
        let (_, scheme) = ConfigurationLoader.parse("[imap]\nurl = \"https://imap.example.com\"\n", file: "h")
        #expect(scheme.contains { $0.key == "imap.url" && $0.message.contains("imaps://") })
    }

    @Test func plainTextIsOnlyForLoopbackHosts() {
        func flagged(imap: String, smtp: String) -> [String] {
            var configuration = HelpdeskConfiguration()
            configuration.imap.url = imap
            configuration.imap.allowPlaintext = true
            configuration.smtp.url = smtp
            configuration.smtp.tls = .none
            return ConfigurationCheck.problems(configuration, file: "h").map(\.key)
                .filter { $0 == "imap.allow_plaintext" || $0 == "smtp.tls" }
        }
        #expect(flagged(imap: "imap://127.0.0.1:1143/INBOX", smtp: "smtp://[::1]:2525").isEmpty)
        #expect(flagged(imap: "imap://localhost/INBOX", smtp: "smtp://127.1.2.3").isEmpty)
        // Names that only look local could resolve anywhere.
        #expect(
            flagged(imap: "imap://127.evil.example/INBOX", smtp: "smtp://127.0.0.1.evil.example")
                == ["imap.allow_plaintext", "smtp.tls"])
    }
}
