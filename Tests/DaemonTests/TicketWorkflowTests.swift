import Incident
import MIME
import Testing
import TicketStore

@testable import Helpdesk

/// `TicketWorkflow` alone — no store, no clock, no network — for each transition of the README's status list:
/// open, suspended, redirected, resolved, closed.
@Suite struct TicketWorkflowTests {
    let workflow = TicketWorkflow(configuration: HelpdeskConfiguration())
    static let now = Samples.monday10

    /// An email as intake sees it after the pure steps.
    static func email(
        from: String = "anna@example.edu", to: String = "helpdesk@example.com", subject: String = "Exam will not load",
        headers: String = "", body: String
    ) -> IncomingEmail {
        let text =
            "From: \(from)\r\nTo: \(to)\r\nSubject: \(subject)\r\nMessage-ID: <m\(body.count)@example.edu>\r\n"
            + headers + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            + body.replacingOccurrences(of: "\n", with: "\r\n")
        let raw = Array(text.utf8)
        let message = MIMEParser().parse(raw)
        let content = MessageContent(message)
        let report = IncidentExtractor(profile: HelpdeskConfiguration().profile).extract(message, content: content)
        return IncomingEmail(raw: raw, sha256: "test", message: message, content: content, report: report)
    }

    /// One of Samples/, as intake sees it.
    static func sample(_ name: String) throws -> IncomingEmail {
        let raw = try Samples.email(name)
        let message = MIMEParser().parse(raw)
        let content = MessageContent(message)
        let report = IncidentExtractor(profile: HelpdeskConfiguration().profile).extract(message, content: content)
        return IncomingEmail(raw: raw, sha256: "test", message: message, content: content, report: report)
    }

    static let incompleteBody = """
        The exam page stays white after the camera check.

        Server: https://proctor.example.edu
        User ID: st-1001
        """

    static func ticket(
        _ status: TicketStatus, severity: Severity = .normal, missing: String = "",
        reporter: String = "anna@example.edu"
    ) -> TicketRecord {
        TicketRecord(
            id: 7, number: 7, ref: "HD-000007", status: status, severity: severity, category: "exam-access",
            reporterAddress: reporter, copiedAddresses: "bob@example.edu", subject: "Exam will not load",
            missing: missing, createdAt: now - 3600, updatedAt: now - 3600, slaStartedAt: status == .open ? now : nil,
            slaConsumed: 0, dueAt: nil, answersSent: 1)
    }

    // MARK: New tickets

    @Test func aCompleteReportOpensAndIsAcknowledged() throws {
        let email = try Self.sample("01-complete-report")
        #expect(workflow.route(email, match: TicketMatch(ticket: nil)) == .newTicket(.report))
        let decision = workflow.open(email, number: 1, now: Self.now)
        #expect(decision.ticket.status == .open)
        #expect(decision.answer == .acknowledgement)
        #expect(decision.ticket.slaStartedAt == Self.now && decision.ticket.dueAt != nil)
        #expect(decision.events.map(\.kind) == [.created])
        #expect(decision.ticket.ref == "HD-000001" && decision.ticket.answersSent == 1)
        #expect(decision.fields.map(\.field).contains("session_id"))
        #expect(decision.fields.allSatisfy { $0.replacing == nil })
    }

    @Test func anIncompleteReportIsSuspendedAndAskedForWhatIsMissing() {
        let decision = workflow.open(Self.email(body: Self.incompleteBody), number: 2, now: Self.now)
        #expect(decision.ticket.status == .suspended)
        #expect(decision.ticket.slaStartedAt == nil && decision.ticket.dueAt == nil)
        #expect(decision.ticket.missingFields == ["detected_at", "session_id", "screenshots"])
        #expect(decision.answer == .informationRequest)
        #expect(decision.events.map(\.kind) == [.created, .suspended])
        #expect(decision.events[1].detail == "detected_at,session_id,screenshots")
    }

    @Test func aPasswordRequestIsRedirectedNeverAskedForIncidentData() throws {
        let email = try Self.sample("05-password-reset")
        let decision = workflow.open(email, number: 3, now: Self.now)
        #expect(decision.ticket.status == .redirected)
        #expect(decision.ticket.missing.isEmpty)
        #expect(decision.answer == .passwordReset)
        #expect(decision.events.map(\.kind) == [.created, .redirected])
    }

    @Test func copiedAddressesLeaveOutTheHelpdeskAndTheReporter() {
        let email = Self.email(
            to: "helpdesk@example.com, Bob <Bob@Example.edu>", headers: "Cc: anna@example.edu\r\n",
            body: Self.incompleteBody)
        #expect(workflow.open(email, number: 4, now: Self.now).ticket.copiedAddresses == "bob@example.edu")
    }

    // MARK: Replies

    @Test func aReplyCompletingASuspendedTicketResumesIt() {
        let ticket = Self.ticket(.suspended, missing: "session_id")
        let reply = Self.email(body: "Session ID: 7f3c9a12\n")
        #expect(workflow.route(reply, match: TicketMatch(ticket: ticket)) == .reply(ticket))
        let current = [
            "server": "https://proctor.example.edu", "description": "White page", "detected_at": "2024-11-11T07:32:00Z",
            "user_id": "st-1001", "screenshots": "abc",
        ]
        let decision = workflow.reply(reply, to: ticket, current: current, now: Self.now)
        #expect(decision.ticket.status == .open)
        #expect(decision.ticket.missing.isEmpty)
        #expect(decision.ticket.slaStartedAt == Self.now && decision.ticket.dueAt != nil)
        #expect(decision.answer == .resumed)
        #expect(decision.ticket.answersSent == 2)
        #expect(decision.events.map(\.kind) == [.informationReceived, .resumed])
        #expect(decision.events[0].detail == "session_id")
    }

    @Test func aReplyThatLeavesDataMissingKeepsItSuspendedAndAsksAgain() {
        let ticket = Self.ticket(.suspended, missing: "session_id,screenshots")
        let decision = workflow.reply(
            Self.email(body: "Session ID: 7f3c9a12\n"), to: ticket, current: ["server": "x"], now: Self.now)
        #expect(decision.ticket.status == .suspended)
        #expect(decision.answer == .informationRequest)
        #expect(decision.events.map(\.kind) == [.informationReceived])
    }

    @Test func aReplyToAnOpenTicketAddsInformationWithoutAnAnswer() {
        let ticket = Self.ticket(.open)
        let current = ["description": "The exam page stays white", "session_id": "4d1e7a90"]
        let reply = Self.email(body: "Here is more: it happens in Firefox too.\nSession ID: 9b2e4f13\n")
        let decision = workflow.reply(reply, to: ticket, current: current, now: Self.now)
        #expect(decision.ticket.status == .open)
        #expect(decision.answer == nil && decision.ticket.answersSent == 1)
        // A labelled value corrects the ticket; the reply's prose does not replace the description.
        #expect(
            decision.fields.contains(FieldUpdate(field: "session_id", value: "9b2e4f13", replacing: "4d1e7a90")))
        #expect(!decision.fields.contains { $0.field == "description" })
    }

    @Test func aReporterWhoCannotWorkAtAllEscalatesAnOpenTicket() throws {
        let reply = try Self.sample("10-critical-outage")
        #expect(reply.report.severity == .critical)
        let decision = workflow.reply(reply, to: Self.ticket(.open), current: [:], now: Self.now)
        #expect(decision.ticket.status == .open)
        #expect(decision.ticket.severity == .critical)
        #expect(decision.events.map(\.kind) == [.informationReceived, .escalated])
        #expect(decision.ticket.dueAt != nil)
    }

    @Test func aReplyToAResolvedTicketReopensIt() {
        let decision = workflow.reply(
            Self.email(body: "It happened again.\n"), to: Self.ticket(.resolved), current: [:], now: Self.now)
        #expect(decision.ticket.status == .open)
        #expect(decision.ticket.slaStartedAt == Self.now)
        #expect(decision.answer == nil)
        #expect(decision.events.map(\.kind) == [.informationReceived, .reopened])
    }

    @Test func aReplyToARedirectedTicketIsFiledAndChangesNothingElse() {
        let decision = workflow.reply(
            Self.email(body: "Thanks, done.\n"), to: Self.ticket(.redirected), current: [:], now: Self.now)
        #expect(decision.ticket.status == .redirected)
        #expect(decision.answer == nil)
        #expect(decision.filesMessage)
    }

    @Test func theAuthorOfAClosedTicketGetsAFollowUpTicket() {
        let closed = Self.ticket(.closed)
        let email = Self.email(body: Self.incompleteBody)
        #expect(workflow.route(email, match: TicketMatch(ticket: closed)) == .newTicket(.followUp(closed: closed)))
        let decision = workflow.open(email, number: 8, reason: .followUp(closed: closed), now: Self.now)
        #expect(decision.ticket.ref == "HD-000008")
        #expect(decision.eventsAfterAnswer == [PlannedEvent(.followUp, "follow-up to closed HD-000007")])
    }

    @Test func aStrangerQuotingSomeoneElsesTicketGetsATicketOfTheirOwn() {
        let theirs = Self.ticket(.open)
        let email = Self.email(from: "mallory@example.net", body: Self.incompleteBody)
        let route = workflow.route(email, match: TicketMatch(ticket: theirs))
        #expect(route == .newTicket(.notTheAuthor(of: theirs, whyNotTrusted: nil)))
        let decision = workflow.open(
            email, number: 9, reason: .notTheAuthor(of: theirs, whyNotTrusted: nil), now: Self.now)
        #expect(decision.eventsAfterAnswer.map(\.kind) == [.replyFromStranger, .openedInsteadOfUpdate])
        #expect(decision.eventsAfterAnswer[0].target == .other(theirs))
        #expect(decision.ticket.reporterAddress == "mallory@example.net")
    }

    @Test func aCopiedColleagueMayReply() {
        let ticket = Self.ticket(.open)
        let email = Self.email(from: "Bob@example.edu", body: "Same here.\n")
        #expect(workflow.route(email, match: TicketMatch(ticket: ticket)) == .reply(ticket))
    }

    @Test func aForgedReferenceOpensANewTicketAndIsRecorded() {
        let email = Self.email(body: Self.incompleteBody)
        #expect(
            workflow.route(email, match: TicketMatch(ticket: nil, forgedReference: true))
                == .newTicket(.forgedReference))
        let decision = workflow.open(email, number: 10, reason: .forgedReference, now: Self.now)
        #expect(decision.eventsAfterAnswer.map(\.kind) == [.forgedReference])
    }

    @Test func anEmailOverTheSizeLimitFromTheAuthorIsFiledAndAnswered() {
        var email = Self.email(body: "")
        email.tooLarge = 30 << 20
        let ticket = Self.ticket(.suspended)
        #expect(workflow.route(email, match: TicketMatch(ticket: ticket)) == .tooLargeReply(ticket))
        let decision = workflow.tooLargeReply(email, to: ticket)
        #expect(decision.answer == .tooLarge && decision.ticket.status == .suspended)
        #expect(decision.events.map(\.kind) == [.tooLarge])
    }

    @Test func machineMailAndSpamAreNeverTicketsNorAnswered() {
        let bounce = Self.email(
            from: "MAILER-DAEMON@example.net", subject: "Undelivered Mail Returned to Sender",
            headers: "Auto-Submitted: auto-replied\r\n", body: "delivery failed\n")
        let ticket = Self.ticket(.open)
        guard case .machineMail(_, let on) = workflow.route(bounce, match: TicketMatch(ticket: ticket)) else {
            Issue.record("not machine mail")
            return
        }
        #expect(on == ticket)
    }

    // MARK: Personal data

    @Test func erasedValuesMakeARequiredFieldMissingAgainExceptOnARedirectedTicket() throws {
        let required = ["server", "session_id"]
        let changed = try #require(
            TicketWorkflow.valuesRemoved(from: Self.ticket(.open), required: required, remaining: ["server"]))
        #expect(changed.missing == "session_id" && changed.status == .open)
        #expect(
            TicketWorkflow.valuesRemoved(from: Self.ticket(.open), required: required, remaining: Set(required)) == nil)
        #expect(TicketWorkflow.valuesRemoved(from: Self.ticket(.redirected), required: required, remaining: []) == nil)
    }

    // MARK: Answer caps

    struct FixedHistory: AnswerHistory {
        var mailboxHour = 0, mailboxDay = 0, domainHour = 0, all = 0, informationRequests = 0
        func answerCount(toMailboxOf recipient: String, since: Int64) throws -> Int {
            since > TicketWorkflowTests.now - 7200 ? mailboxHour : mailboxDay
        }
        func answerCount(toDomainOf recipient: String, since: Int64) throws -> Int { domainHour }
        func answerCount(since: Int64) throws -> Int { all }
        func answerCount(kind: AnswerKind, ticketID: Int64, since: Int64) throws -> Int { informationRequests }
    }

    @Test func answerCapsWithholdAnswersInTheirOrder() throws {
        func reason(
            _ kind: AnswerKind = .acknowledgement, to recipient: String = "anna@example.edu", history: FixedHistory
        ) throws -> String? {
            try workflow.suppression(of: kind, to: recipient, ticketID: 7, now: Self.now, history: history)
        }
        #expect(try reason(history: FixedHistory()) == nil)
        #expect(try reason(to: "helpdesk@example.com", history: FixedHistory()) == "recipient is the helpdesk itself")
        #expect(try reason(history: FixedHistory(mailboxHour: 10))?.contains("to this mailbox in an hour") == true)
        #expect(try reason(history: FixedHistory(mailboxDay: 40))?.contains("to this mailbox in a day") == true)
        #expect(try reason(history: FixedHistory(domainHour: 100))?.contains("to this domain in an hour") == true)
        #expect(try reason(history: FixedHistory(all: 500)) == "more than 500 answers in an hour")
        #expect(
            try reason(.informationRequest, history: FixedHistory(informationRequests: 1))?.contains("24 hours") == true
        )
        #expect(try reason(.acknowledgement, history: FixedHistory(informationRequests: 1)) == nil)
    }

    // MARK: Staff

    @Test(arguments: [TicketStatus.open, .suspended, .redirected])
    func staffResolveStopsTheClock(_ status: TicketStatus) throws {
        let decision = try #require(try workflow.decide(.resolve, on: Self.ticket(status), by: "olga", at: Self.now))
        #expect(decision.ticket.status == .resolved)
        #expect(decision.ticket.slaStartedAt == nil && decision.ticket.updatedAt == Self.now)
        #expect(decision.events == [PlannedEvent(.resolved, "by olga")])
        #expect(decision.answer == nil)
    }

    @Test func staffCloseIsFinal() throws {
        let decision = try #require(try workflow.decide(.close, on: Self.ticket(.resolved), by: "olga", at: Self.now))
        #expect(decision.ticket.status == .closed)
        #expect(decision.events.map(\.kind) == [.closed])
        let error = #expect(throws: StaffActionError.self) {
            try workflow.decide(.resolve, on: Self.ticket(.closed), by: "olga", at: Self.now)
        }
        #expect(error?.code == .ticketClosed)
    }

    @Test func anActionOnATicketAlreadyInThatStateChangesNothing() throws {
        #expect(try workflow.decide(.resolve, on: Self.ticket(.resolved), by: "olga", at: Self.now) == nil)
        #expect(try workflow.decide(.close, on: Self.ticket(.closed), by: "olga", at: Self.now) == nil)
    }

    @Test func staffReplyQueuesTheirTextAndKeepsTheStatus() throws {
        let decision = try #require(
            try workflow.decide(.reply("  We reset your session.\n"), on: Self.ticket(.open), by: "olga", at: Self.now))
        #expect(decision.ticket.status == .open)
        #expect(decision.answer == .reply && decision.answerText == "We reset your session.")
        #expect(decision.ticket.answersSent == 2, "the answer's Message-ID takes the next sequence number")
        #expect(decision.events == [PlannedEvent(.staffReplied, "by olga")])
    }

    @Test func anEmptyReplyOrNoteIsRefused() {
        for action in [StaffAction.reply(" \n "), .note(""), .resolveWithSummary("\t")] {
            let error = #expect(throws: StaffActionError.self) {
                try workflow.decide(action, on: Self.ticket(.open), by: "olga", at: Self.now)
            }
            #expect(error?.code == .emptyText)
        }
    }

    @Test func aNoteIsOnlyAnEvent() throws {
        let decision = try #require(
            try workflow.decide(.note("called her"), on: Self.ticket(.open), by: "olga", at: Self.now))
        #expect(decision.answer == nil && decision.ticket.status == .open)
        #expect(decision.events == [PlannedEvent(.note, "olga: called her")])
    }

    @Test func askingForDataSuspendsStopsTheClockAndAsks() throws {
        let open = Self.ticket(.open)
        let later = Self.now + 3600
        let decision = try #require(
            try workflow.decide(.askForData(["session_id", "screenshots"]), on: open, by: "olga", at: later))
        #expect(decision.ticket.status == .suspended && decision.ticket.slaStartedAt == nil)
        #expect(decision.ticket.slaConsumed == 3600, "Monday 10:00 to 11:00 is working time")
        #expect(decision.ticket.missingFields == ["session_id", "screenshots"])
        #expect(decision.answer == .informationRequest)
        #expect(decision.events.map(\.kind) == [.informationRequested, .suspended])
        let again = try #require(
            try workflow.decide(.askForData(["browser"]), on: decision.ticket, by: "olga", at: later + 60))
        #expect(again.ticket.missingFields == ["browser"] && again.answer == .informationRequest, "asking again asks")
        #expect(again.ticket.slaConsumed == 3600, "a stopped clock stays stopped")
        let unknown = #expect(throws: StaffActionError.self) {
            try workflow.decide(.askForData(["shoe_size"]), on: open, by: "olga", at: later)
        }
        #expect(unknown?.code == .unknownValue)
        let redirected = #expect(throws: StaffActionError.self) {
            try workflow.decide(.askForData(["session_id"]), on: Self.ticket(.redirected), by: "olga", at: later)
        }
        #expect(redirected?.code == .notApplicable)
    }

    @Test func resolvingWithASummaryEmailsIt() throws {
        let decision = try #require(
            try workflow.decide(
                .resolveWithSummary("Fixed the proxy."), on: Self.ticket(.open), by: "olga", at: Self.now))
        #expect(decision.ticket.status == .resolved)
        #expect(decision.answer == .resolution && decision.answerText == "Fixed the proxy.")
    }

    @Test func assignSeverityAndCategoryChangeTheTicketAndSayWho() throws {
        let assigned = try #require(
            try workflow.decide(.assign("olga"), on: Self.ticket(.open), by: "ivan", at: Self.now))
        #expect(assigned.ticket.assignee == "olga" && assigned.events == [PlannedEvent(.assigned, "olga by ivan")])
        #expect(try workflow.decide(.assign(nil), on: Self.ticket(.open), by: "ivan", at: Self.now) == nil)
        let critical = try #require(
            try workflow.decide(.setSeverity(.critical), on: Self.ticket(.open), by: "ivan", at: Self.now))
        #expect(critical.ticket.severity == .critical)
        #expect(
            critical.ticket.dueAt
                == workflow.configuration.serviceLevel.due(severity: .critical, clockStartedAt: Self.now))
        let category = try #require(
            try workflow.decide(.setCategory("proctoring"), on: Self.ticket(.open), by: "ivan", at: Self.now))
        #expect(category.ticket.category == "proctoring" && category.events.map(\.kind) == [.categoryChanged])
    }

    @Test func onlyAResolvedTicketReopens() throws {
        let reopened = try #require(try workflow.decide(.reopen, on: Self.ticket(.resolved), by: "olga", at: Self.now))
        #expect(reopened.ticket.status == .open && reopened.ticket.slaStartedAt == Self.now)
        #expect(reopened.ticket.dueAt != nil && reopened.events == [PlannedEvent(.reopened, "by olga")])
        for status in [TicketStatus.open, .suspended] {
            let error = #expect(throws: StaffActionError.self) {
                try workflow.decide(.reopen, on: Self.ticket(status), by: "olga", at: Self.now)
            }
            #expect(error?.code == .notApplicable)
        }
    }
}
