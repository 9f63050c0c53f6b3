import Foundation
import Testing

@testable import Helpdesk

/// `[[mailbox]]` entries and the single `[imap]` form: both read, never together, names unique.
@Suite struct MailboxConfigurationTests {
    @Test func theSingleIMAPSectionIsOneMailboxNamedDefault() {
        let text = """
            [imap]
            url = "imaps://imap.example.edu/INBOX"
            user = "helpdesk"
            password_file = "/etc/helpdeskd/imap.secret"
            """
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(problems.isEmpty, "\(problems)")
        let mailboxes = configuration.mailboxes
        #expect(mailboxes.map(\.name) == ["default"])
        #expect(mailboxes[0].imap == configuration.imap)
        #expect(mailboxes[0].address.isEmpty)
        // As before several mailboxes existed: its position and sources are keyed by the URL alone.
        #expect(mailboxes[0].sourceKey == "imaps://imap.example.edu/INBOX")
    }

    @Test func mailboxEntriesAreReadWithTheirOwnSettings() {
        let text = """
            [helpdesk]
            address = "helpdesk@example.edu"

            [[mailbox]]
            name = "support"
            url = "imaps://imap.example.edu/INBOX"
            user = "support@example.edu"
            password_file = "/etc/helpdeskd/support.secret"

            [[mailbox]]
            name = "exams"
            url = "imaps://outlook.office365.com/INBOX"
            auth = "oauth2"
            oauth2 = "m365"
            address = "Exams@Example.edu"
            display_name = "Exam Support"
            processed_folder = "Done"
            mark_only = "$Helpdesk"
            poll_interval = "2m"
            idle = false

            [limits]
            max_message_size = "10MB"

            [oauth2.m365]
            tenant = "contoso.onmicrosoft.com"
            client_id = "app"
            client_secret_file = "/etc/helpdeskd/m365.secret"
            """
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(problems.isEmpty, "\(problems)")
        let mailboxes = configuration.mailboxes
        #expect(mailboxes.map(\.name) == ["support", "exams"])
        let support = mailboxes[0]
        #expect(support.imap.user == "support@example.edu" && support.imap.passwordFile.hasSuffix("support.secret"))
        #expect(support.imap.processedFolder == "Processed" && support.imap.pollInterval == 30)
        let exams = mailboxes[1]
        #expect(exams.address == "exams@example.edu" && exams.displayName == "Exam Support")
        #expect(exams.imap.auth == .oauth2 && exams.imap.oauth2 == "m365")
        #expect(exams.imap.processedFolder == "Done" && exams.imap.markOnly == "$Helpdesk")
        #expect(exams.imap.pollInterval == 120 && !exams.imap.idle)
        #expect(exams.sourceKey == "exams imaps://outlook.office365.com/INBOX")
        // The poller's view: the mailbox's IMAP settings, its login defaulting to its address, the one size limit.
        let seen = configuration.reading(exams)
        #expect(seen.imap.user == "exams@example.edu")
        #expect(seen.imap.maxMessageSize == 10 << 20)
        // Mail from our own mailboxes is never a customer's: by their address, and by a login that is one.
        #expect(
            configuration.profile.ownAddresses == ["helpdesk@example.edu", "support@example.edu", "exams@example.edu"])
        #expect(configuration.oauthLogins.map(\.1) == ["exams@example.edu"])
    }

    @Test func bothFormsTogetherAreRefused() {
        let text = """
            [imap]
            url = "imaps://imap.example.edu/INBOX"

            [[mailbox]]
            name = "exams"
            url = "imaps://imap.example.edu/INBOX"
            """
        let (_, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        let problem = problems.first { $0.key == "imap" }
        #expect(problem?.message == "[imap] and [[mailbox]] entries cannot be used together")
        #expect(problem?.line == 1)
        #expect(problems.count == 1, "\(problems)")
    }

    @Test func environmentIMAPSettingsAreRefusedBesideMailboxEntries() {
        let text = "[[mailbox]]\nname = \"a\"\nurl = \"imaps://imap.example.edu/INBOX\"\n"
        let (_, problems) = ConfigurationLoader.parse(
            text, file: "h.toml", environment: ["HELPDESKD_IMAP_URL": "imaps://other.example.edu/INBOX"])
        #expect(problems.map(\.key) == ["HELPDESKD_IMAP_URL"])
    }

    @Test func namesMustBePresentWellFormedAndUnique() {
        let text = """
            [[mailbox]]
            name = "support"
            url = "imaps://imap.example.edu/INBOX"

            [[mailbox]]
            url = "imaps://imap.example.edu/INBOX"

            [[mailbox]]
            name = "support"
            url = "imaps://imap.example.edu/Exams"

            [[mailbox]]
            name = "exam desk"
            url = "imaps://imap.example.edu/INBOX"
            """
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(configuration.mailboxes.map(\.name) == ["support"])
        let messages = problems.map { "\($0.line.map(String.init) ?? "-") \($0.key): \($0.message)" }
        #expect(
            messages == [
                "5 mailbox[2].name: every [[mailbox]] needs a name",
                "9 mailbox.support.name: another [[mailbox]] has this name",
                "13 mailbox.exam desk.name: the name must be letters, digits, - or _",
            ])
    }

    @Test func badKeysAndValuesOfAnEntryAreReportedOnTheirLine() {
        let text = """
            [[mailbox]]
            name = "support"
            url = "imaps://imap.example.edu/INBOX"

            [[mailbox]]
            name = "exams"
            address = "not an address"
            max_message_size = "1MB"
            auth = "oauth2"
            pol_interval = "1m"
            """
        let (_, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        let byKey = Dictionary(problems.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byKey["mailbox.exams.url"]?.message == "is missing")
        #expect(byKey["mailbox.exams.url"]?.line == 5)
        #expect(byKey["mailbox.exams.address"]?.line == 7)
        #expect(
            byKey["mailbox.exams.max_message_size"]?.fix == "the limit is the helpdesk's: [limits] max_message_size")
        #expect(byKey["mailbox.exams.pol_interval"]?.fix == "did you mean poll_interval?")
        #expect(byKey["mailbox.exams.pol_interval"]?.line == 10)
        #expect(byKey["mailbox.exams.oauth2"]?.message == "auth = \"oauth2\" needs the section's name")
        #expect(byKey["mailbox.exams.oauth2"]?.line == 9)
        #expect(problems.count == 5, "\(problems)")
    }

    @Test func aSingleBracketMailboxSectionIsExplained() {
        let (_, problems) = ConfigurationLoader.parse(
            "[mailbox]\nname = \"a\"\nurl = \"imaps://imap.example.edu/INBOX\"\n", file: "h.toml")
        #expect(problems.map(\.message) == ["must be [[mailbox]] entries"])
        #expect(problems.first?.line == 1)
    }

    @Test func aMailboxIsNotTheStaffTeam() {
        let text = """
            [staff]
            team_address = "team@example.edu"

            [[mailbox]]
            name = "team"
            url = "imaps://imap.example.edu/INBOX"
            address = "team@example.edu"
            """
        let (_, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(problems.map(\.message) == ["is the address of mailbox team"])
    }

    @Test func checkConfigLooksAtEveryMailboxsSecrets() {
        let text = """
            [[mailbox]]
            name = "support"
            url = "imaps://imap.example.edu/INBOX"
            password_file = "/nonexistent/support.secret"

            [[mailbox]]
            name = "exams"
            url = "imaps://imap.example.edu/INBOX"
            """
        let (configuration, problems) = ConfigurationLoader.parse(text, file: "h.toml")
        #expect(problems.isEmpty, "\(problems)")
        let keys = ConfigurationCheck.problems(configuration, file: "h.toml").map(\.key)
        #expect(keys.contains("mailbox.support.password_file"))
        #expect(keys.contains("mailbox.exams.password_file"))
    }
}
