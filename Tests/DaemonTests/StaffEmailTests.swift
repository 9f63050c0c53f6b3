import Foundation
import HelpdeskTesting
import MIME
import Testing
import Incident
import TicketStore

@testable import Helpdesk

/// Support by email (`[staff]`): notifications to the team and staff acting on tickets by replying to them, on the
/// in-memory IMAP and SMTP servers with a fixed clock. Each command, the forgeries (a member address whose
/// authentication fails, a missing or altered token), a stranger replying to a notification, two members answering
/// at once, and the SLA warnings.
@Suite struct StaffEmailTests {
    static let team = "support-team@example.com"

    /// A helpdesk with a team address, a trusted MTA and two members with addresses.
    func rig(_ configure: @escaping (inout HelpdeskConfiguration) -> Void = { _ in }) throws -> DaemonRig {
        let rig = try DaemonRig { configuration in
            configuration.staff.teamAddress = Self.team
            configuration.profile.trustedMTA.authservID = "mx.example.com"
            configure(&configuration)
        }
        try rig.store.transaction { transaction in
            for name in ["anna", "bob"] {
                _ = try transaction.insert(
                    StaffRecord(
                        name: name, role: .agent, email: "\(name.capitalized)@Example.com", passwordHash: "",
                        createdAt: 0))
            }
        }
        return rig
    }

    /// A rig where `Samples.report` is complete: screenshots are not required.
    func textRig(_ configure: @escaping (inout HelpdeskConfiguration) -> Void = { _ in }) throws -> DaemonRig {
        try rig { configuration in
            configuration.profile.required = IncidentField.defaultRequired.filter { $0 != .screenshots }
            configure(&configuration)
        }
    }

    /// `raw` arrives in the mailbox and the daemon runs once (intake, then the relay).
    func receive(_ raw: [UInt8], _ rig: DaemonRig) async throws {
        _ = rig.imap.deliver(raw)
        try await rig.runOnce()
    }

    /// The complete sample report (with its screenshot): HD-000001, and the notification's Message-ID.
    func openedTicket(_ rig: DaemonRig) async throws -> String {
        try await receive(try Samples.email("01-complete-report"), rig)
        let notification = try #require(try rig.answers().first { $0.kind == .notification })
        return notification.messageID
    }

    /// A staff member's email as our MTA delivers it: `auth` is its Authentication-Results verdict (nil: none).
    func staffEmail(
        from: String = "Anna <anna@example.com>", auth: String? = "dmarc=pass header.from=example.com",
        inReplyTo token: String?, subject: String = "Re: [HD-000001] New ticket: Student lost camera feed",
        body: String, id: String = "staff-1"
    ) -> [UInt8] {
        var text = ""
        if let auth { text += "Authentication-Results: mx.example.com; \(auth)\r\n" }
        text += "Received: from mail.example.com by mx.example.com; Mon, 11 Nov 2024 10:05:00 +0000\r\n"
        text += "From: \(from)\r\nTo: helpdesk@example.com\r\nSubject: \(subject)\r\n"
        text += "Message-ID: <\(id)@example.com>\r\nDate: Mon, 11 Nov 2024 10:05:00 +0000\r\n"
        if let token { text += "In-Reply-To: <\(token)>\r\nReferences: <\(token)>\r\n" }
        text += "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        text += body.replacingOccurrences(of: "\n", with: "\r\n")
        return Array(text.utf8)
    }

    /// A reply quoting the notification under an attribution, with a signature.
    func quoted(_ own: String) -> String {
        """
        \(own)

        Best regards,
        Anna Berg
        Exam support

        On Mon, 11 Nov 2024 at 10:00, Helpdesk <helpdesk@example.com> wrote:
        > HD-000001 was opened with a complete report.
        > The customer wrote:
        > My student lost the camera feed in the middle of the exam.

        """
    }

    func delivered(to recipient: String, _ rig: DaemonRig) -> [String] {
        rig.smtp.delivered.filter { $0.recipient == recipient }.map { String(decoding: $0.raw, as: UTF8.self) }
    }

    func eventDetails(_ ref: String, _ kind: TicketEventKind, _ rig: DaemonRig) throws -> [String] {
        try rig.store.snapshot { snapshot in
            let ticket = try #require(try snapshot.ticket(ref: ref))
            return try snapshot.events(ticketID: ticket.id!).filter { $0.kind == kind }.map(\.detail)
        }
    }

    // MARK: Notifications

    @Test func aCompleteReportNotifiesTheTeamWithTheSummaryAndTheScreenshot() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        let notification = try #require(delivered(to: Self.team, rig).first)
        #expect(token.hasPrefix("HD-000001.n1."))
        #expect(notification.contains("Subject: [HD-000001] New ticket: Student lost camera feed"))
        #expect(notification.contains("Auto-Submitted: auto-generated"))
        #expect(notification.contains("Reply-To: \"Helpdesk\" <helpdesk@example.com>"))
        #expect(notification.contains("Content-Type: multipart/mixed"))
        #expect(notification.contains("Content-Disposition: attachment; filename=\"camera-error-s2219874.png\""))
        let text = try #require(MIMEText.firstText(of: notification))
        #expect(text.contains("Reference: HD-000001"))
        #expect(text.contains("Severity:"))
        #expect(text.contains("- session_id: "))
        #expect(text.contains("from label"), "every field says where it was read")
        #expect(text.contains("The customer wrote:"))
        // The customer got their acknowledgement, and nothing of the team's.
        let customer = delivered(to: "m.ellison@example.edu", rig)
        #expect(customer.count == 1 && !customer[0].contains(Self.team))
        #expect(try rig.answers().map(\.kind) == [.acknowledgement, .notification])
    }

    @Test func noTeamAddressNoNotification() async throws {
        let rig = try rig { $0.staff.teamAddress = "" }
        try await receive(try Samples.email("01-complete-report"), rig)
        #expect(try rig.answers().map(\.kind) == [.acknowledgement])
    }

    @Test func anIncompleteReportNotifiesWhenItResumesWithWhatWasSupplied() async throws {
        let rig = try textRig()
        let report = String(decoding: Samples.report(1), as: UTF8.self)
        try await receive(Array(report.replacingOccurrences(of: "Session ID: 7f3c9a1\r\n", with: "").utf8), rig)
        #expect(try rig.store.ticket(ref: "HD-000001")?.status == .suspended)
        #expect(delivered(to: Self.team, rig).isEmpty, "suspended: nothing for the team yet")
        var reply = "From: Customer 1 <customer1@example.test>\r\nTo: helpdesk@example.com\r\n"
        reply += "Subject: Re: [HD-000001] Exam will not load 1\r\nMessage-ID: <reply-1@example.test>\r\n"
        reply += "In-Reply-To: <report-1@example.test>\r\n\r\nSession ID: 7f3c9a1\r\n"
        try await receive(Array(reply.utf8), rig)
        #expect(try rig.store.ticket(ref: "HD-000001")?.status == .open)
        let notification = try #require(delivered(to: Self.team, rig).first)
        #expect(notification.contains("Subject: [HD-000001] Resumed:"))
        let text = try #require(MIMEText.firstText(of: notification))
        #expect(text.contains("Missing before, now supplied: session_id"))
        #expect(text.contains("Session ID: 7f3c9a1"), "the customer's text of the reply")
    }

    @Test func aPasswordInTheCustomersTextIsMaskedInTheNotification() async throws {
        let rig = try textRig()
        let report = String(decoding: Samples.report(1), as: UTF8.self)
        try await receive(
            Array(
                report.replacingOccurrences(of: "User ID: st-1\r\n", with: "User ID: st-1\r\nPassword: Tr0ub4dor&3\r\n")
                    .utf8),
            rig)
        let notification = try #require(delivered(to: Self.team, rig).first)
        let text = try #require(MIMEText.firstText(of: notification))
        #expect(text.contains("The exam page stays white"))
        #expect(!notification.contains("Tr0ub4dor"))
    }

    @Test func theEventsAreConfigurable() async throws {
        let rig = try rig { $0.staff.notifyOpened = false }
        try await receive(try Samples.email("01-complete-report"), rig)
        #expect(delivered(to: Self.team, rig).isEmpty)
    }

    @Test func aNotificationThatComesBackIsMachineMailAndAnswersNothing() async throws {
        let rig = try rig()
        _ = try await openedTicket(rig)
        let notification = try #require(rig.smtp.delivered.first { $0.recipient == Self.team })
        let before = try rig.answers().count
        try await receive(notification.raw, rig)
        #expect(try rig.answers().count == before)
        #expect(try rig.events("HD-000001").contains(.automatedMailReceived))
    }

    @Test func notificationsDoNotUseUpTheCustomersAnswerCaps() async throws {
        let rig = try textRig { $0.rateLimits.globalPerHour = 2 }
        try await receive(Samples.report(1), rig)
        try await receive(Samples.report(2), rig)
        // Two acknowledgements and two notifications: the global cap of 2 counts the acknowledgements only.
        #expect(
            try rig.answers().filter { $0.status == .sent }.map(\.kind.rawValue).sorted() == [
                "acknowledgement", "acknowledgement", "notification", "notification",
            ])
    }

    // MARK: Staff replies

    @Test func anAuthenticatedReplyReachesTheCustomerThreadedWithoutTheQuote() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(inReplyTo: token, body: quoted("We reset the session; please start again.")), rig)
        let answers = delivered(to: "m.ellison@example.edu", rig)
        #expect(answers.count == 2)
        let reply = answers[1]
        let text = try #require(MIMEText.firstText(of: reply))
        #expect(text.contains("We reset the session; please start again."))
        #expect(!text.contains("The customer wrote"), "the quoted notification stays out")
        #expect(!text.contains("Anna Berg"), "the signature stays out")
        #expect(!reply.lowercased().contains("anna@example.com"), "the staff address is never shown")
        #expect(reply.contains("From: \"Helpdesk\" <helpdesk@example.com>"))
        #expect(reply.contains("In-Reply-To: <5b0e3c1d-8a27-4f6b-9c43-2e7d1f0a9b68@example.edu>"))
        #expect(try rig.answers().last?.kind == .reply)
        #expect(try rig.events("HD-000001").contains(.staffReplied))
        #expect(try eventDetails("HD-000001", .staffEmail, rig).first?.contains("by anna: reply") == true)
    }

    @Test func anOutlookHTMLReplyIsReadWithoutTheQuotedNotification() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        let html = """
            <html><body><div>We reset the session from our side.</div><div><br></div>
            <div>Kind regards,<br>Anna Berg</div>
            <hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr">
            <b>From:</b> Helpdesk &lt;helpdesk@example.com&gt;<br><b>Sent:</b> Monday, November 11, 2024 10:00<br>
            <b>To:</b> support-team@example.com<br><b>Subject:</b> [HD-000001] New ticket: Student lost camera feed</div>
            <div>HD-000001 was opened with a complete report.<br>The customer wrote:<br>My student lost the feed.</div>
            </body></html>
            """
        var raw = String(decoding: staffEmail(inReplyTo: token, body: html), as: UTF8.self)
        raw = raw.replacingOccurrences(of: "Content-Type: text/plain", with: "Content-Type: text/html")
        try await receive(Array(raw.utf8), rig)
        let reply = try #require(delivered(to: "m.ellison@example.edu", rig).dropFirst().first)
        let text = try #require(MIMEText.firstText(of: reply))
        #expect(text.contains("We reset the session from our side."))
        #expect(!text.contains("complete report") && !text.contains("Anna Berg"))
    }

    @Test func noteStaysInternal() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(inReplyTo: token, body: quoted("#note\nCalled the proctor; camera driver.")), rig)
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1)
        #expect(try eventDetails("HD-000001", .note, rig) == ["anna: Called the proctor; camera driver."])
    }

    @Test func resolveSendsTheTextAsTheSummary() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(inReplyTo: token, body: quoted("#resolve\nThe session was restored.")), rig)
        #expect(try rig.store.ticket(ref: "HD-000001")?.status == .resolved)
        #expect(try rig.answers().last?.kind == .resolution)
        let summary = try #require(delivered(to: "m.ellison@example.edu", rig).last)
        #expect(try #require(MIMEText.firstText(of: summary)).contains("The session was restored."))
    }

    @Test func closeSendsTheTextFirstThenCloses() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(inReplyTo: token, body: quoted("#close\nNothing more to do here.")), rig)
        #expect(try rig.store.ticket(ref: "HD-000001")?.status == .closed)
        #expect(try rig.answers().last?.kind == .reply)
        #expect(try rig.events("HD-000001").suffix(4).contains(.closed))
    }

    @Test func askRequestsTheFieldsAndSuspends() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(inReplyTo: token, body: quoted("#ask session_id, screenshots")), rig)
        let ticket = try #require(try rig.store.ticket(ref: "HD-000001"))
        #expect(ticket.status == .suspended && ticket.missing == "session_id,screenshots")
        #expect(try rig.answers().last?.kind == .informationRequest)
    }

    @Test func severityAndAssignChangeTheTicket() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        let other: Severity = try rig.store.ticket(ref: "HD-000001")?.severity == .normal ? .critical : .normal
        try await receive(staffEmail(inReplyTo: token, body: "#severity \(other.rawValue)\n#assign bob\n"), rig)
        let ticket = try #require(try rig.store.ticket(ref: "HD-000001"))
        #expect(ticket.severity == other && ticket.assignee == "bob")
        #expect(try rig.events("HD-000001").contains(.severityChanged))
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1, "commands alone send nothing")
    }

    @Test func anUnknownCommandIsBouncedAndRecorded() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(inReplyTo: token, body: quoted("#frobnicate\nHello.")), rig)
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1, "nothing forwarded")
        let bounce = try #require(delivered(to: "anna@example.com", rig).first)
        #expect(bounce.contains("Subject: [HD-000001] Not carried out"))
        #expect(try #require(MIMEText.firstText(of: bounce)).contains("#frobnicate is not a command"))
        #expect(try eventDetails("HD-000001", .staffEmailRejected, rig).count == 1)
    }

    @Test func aCorrectedReplyToTheBounceStillCarriesTheToken() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(inReplyTo: token, body: "#frobnicate\nHello.", id: "first"), rig)
        let bounce = try #require(try rig.answers().last { $0.kind == .staffBounce })
        let parsed = MessageContent(MIMEParser().parse([UInt8](bounce.raw))).envelope
        #expect(parsed.references.contains(token))
        // The member's client answers the bounce: In-Reply-To the bounce, References the bounce's and its id.
        var raw = String(decoding: staffEmail(inReplyTo: nil, body: "#note\nTried again.", id: "second"), as: UTF8.self)
        let references = (parsed.references + [bounce.messageID]).map { "<\($0)>" }.joined(separator: " ")
        raw = raw.replacingOccurrences(
            of: "Content-Type:",
            with: "In-Reply-To: <\(bounce.messageID)>\r\nReferences: \(references)\r\nContent-Type:")
        try await receive(Array(raw.utf8), rig)
        #expect(try eventDetails("HD-000001", .note, rig) == ["anna: Tried again."])
    }

    @Test func assigningSomeoneUnknownChangesNothing() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        let before = try #require(try rig.store.ticket(ref: "HD-000001"))
        let other: Severity = before.severity == .normal ? .critical : .normal
        try await receive(staffEmail(inReplyTo: token, body: "#severity \(other.rawValue)\n#assign carol\n"), rig)
        let ticket = try #require(try rig.store.ticket(ref: "HD-000001"))
        #expect(ticket.assignee == nil && ticket.severity == before.severity, "all or nothing")
        #expect(
            try eventDetails("HD-000001", .staffEmailRejected, rig).first?.contains("no staff member carol") == true)
    }

    // MARK: Forgeries and strangers

    @Test(arguments: [
        "dmarc=fail header.from=example.com", "spf=fail smtp.mailfrom=example.com",
    ])
    func aMemberAddressFailingAuthenticationIsNotForwarded(auth: String) async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(auth: auth, inReplyTo: token, body: quoted("Send me your password.")), rig)
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1)
        #expect(delivered(to: "anna@example.com", rig).count == 1, "the member learns of the forgery")
        #expect(try eventDetails("HD-000001", .staffEmailRejected, rig).first?.contains("authentication") == true)
    }

    @Test func aMemberAddressWithoutAnyVerdictIsNotForwarded() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(staffEmail(auth: nil, inReplyTo: token, body: "Send me your password."), rig)
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1)
        #expect(try eventDetails("HD-000001", .staffEmailRejected, rig).count == 1)
    }

    @Test func anAuthenticatedReplyWithoutTheTokenIsNotForwarded() async throws {
        let rig = try rig()
        _ = try await openedTicket(rig)
        try await receive(staffEmail(inReplyTo: nil, body: "Send me your password."), rig)
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1)
        #expect(
            try eventDetails("HD-000001", .staffEmailRejected, rig).first?.contains("no valid ticket token") == true)
    }

    @Test func anAlteredTokenIsNotForwarded() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        let altered = token.replacingOccurrences(of: ".n1.", with: ".n2.")
        try await receive(staffEmail(inReplyTo: altered, body: "Send me your password."), rig)
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1)
        #expect(delivered(to: "anna@example.com", rig).count == 1)
    }

    @Test func aCustomerAnswerIdIsNoStaffToken() async throws {
        let rig = try rig()
        _ = try await openedTicket(rig)
        let acknowledgement = try #require(try rig.answers().first { $0.kind == .acknowledgement })
        try await receive(staffEmail(inReplyTo: acknowledgement.messageID, body: "Send me your password."), rig)
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1)
    }

    @Test func aNonMemberReplyingToANotificationIsAStranger() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        try await receive(
            staffEmail(
                from: "Mallory <mallory@example.com>", inReplyTo: token, body: quoted("Send me your password.")), rig)
        #expect(delivered(to: "m.ellison@example.edu", rig).count == 1)
        #expect(try rig.events("HD-000001").contains(.replyFromStranger))
        #expect(try rig.tickets().count == 2, "the stranger got a ticket of their own")
    }

    // MARK: Collisions and #open

    @Test func twoMembersAnsweringOneNotificationSendOnce() async throws {
        let rig = try rig()
        let token = try await openedTicket(rig)
        _ = rig.imap.deliver(staffEmail(inReplyTo: token, body: quoted("Anna's answer."), id: "a"))
        _ = rig.imap.deliver(
            staffEmail(from: "Bob <bob@example.com>", inReplyTo: token, body: quoted("Bob's answer."), id: "b"))
        try await rig.runOnce()
        let answers = delivered(to: "m.ellison@example.edu", rig)
        #expect(answers.count == 2)
        #expect(try #require(MIMEText.firstText(of: answers[1])).contains("Anna's answer."))
        #expect(
            try eventDetails("HD-000001", .staffEmailCollision, rig).first?.contains("anna already answered") == true)
        #expect(delivered(to: "bob@example.com", rig).count == 1)
    }

    @Test func openOnAForwardedEmailOpensATicketForTheCustomer() async throws {
        let rig = try rig()
        let body = """
            #open

            ---------- Forwarded message ---------
            From: Priya Shah <priya.shah@example.org>
            Date: Mon, 11 Nov 2024 at 09:40
            Subject: Exam will not load
            To: Anna <anna@example.com>

            The exam page stays white after the camera check.
            Server: https://proctor.example.edu
            Time: 2024-11-11 10:32 +03:00
            User ID: st-44
            Session ID: 7f3c9a44

            """
        try await receive(
            staffEmail(inReplyTo: nil, subject: "Fwd: Exam will not load", body: body, id: "fwd-1"), rig)
        let ticket = try #require(try rig.tickets().first)
        #expect(ticket.reporterAddress == "priya.shah@example.org")
        #expect(ticket.copiedAddresses.isEmpty)
        #expect(delivered(to: "priya.shah@example.org", rig).count == 1, "the customer is acknowledged")
        #expect(delivered(to: "anna@example.com", rig).isEmpty)
        #expect(try eventDetails(ticket.ref, .staffEmail, rig).first?.contains("opened by anna") == true)
    }

    @Test func openOnAnEmailForwardedAsAnAttachment() async throws {
        let rig = try rig()
        var raw = String(
            decoding: staffEmail(inReplyTo: nil, subject: "Fwd: Exam will not load", body: "", id: "fwd-2"),
            as: UTF8.self)
        raw = raw.replacingOccurrences(
            of: "Content-Type: text/plain; charset=utf-8\r\n\r\n",
            with: "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n#open\r\n--b\r\n"
                + "Content-Type: message/rfc822\r\n\r\n"
                + String(decoding: Samples.report(7), as: UTF8.self) + "\r\n--b--\r\n")
        try await receive(Array(raw.utf8), rig)
        #expect(try rig.tickets().first?.reporterAddress == "customer7@example.test")
        #expect(delivered(to: "customer7@example.test", rig).count == 1)
    }

    @Test func aStaffMemberWritingWithoutTicketOrCommandIsAnyReporter() async throws {
        let rig = try rig()
        try await receive(
            staffEmail(inReplyTo: nil, subject: "Exam will not load", body: "The exam page stays white."), rig)
        #expect(try rig.tickets().first?.reporterAddress == "anna@example.com")
    }

    // MARK: SLA warnings

    @Test func slaWarningsAtTheConfiguredPercentagesWithTheClock() async throws {
        let rig = try textRig()
        try await receive(Samples.report(1), rig)
        // A normal ticket opened Monday 10:00: due in 24 hours of working-day time, Tuesday 10:00; 75% at 04:00.
        let due = try #require(try rig.store.ticket(ref: "HD-000001")?.dueAt)
        #expect(due == Samples.monday10 + 24 * 3600)
        let context = rig.context
        #expect(try SLAWatch.check(context: context, now: Samples.monday10 + 18 * 3600 - 60).isEmpty)
        #expect(try SLAWatch.check(context: context, now: Samples.monday10 + 18 * 3600) == ["HD-000001"])
        #expect(try SLAWatch.check(context: context, now: Samples.monday10 + 20 * 3600).isEmpty, "once")
        #expect(try SLAWatch.check(context: context, now: due) == ["HD-000001"])
        #expect(try SLAWatch.check(context: context, now: due + 3600).isEmpty)
        let subjects = try rig.answers().filter { $0.kind == .notification }.map(\.subject)
        #expect(subjects.count == 3)
        #expect(subjects.dropFirst().first?.hasPrefix("[HD-000001] SLA 75% used") == true)
        #expect(subjects.last?.hasPrefix("[HD-000001] SLA due time passed") == true)
        #expect(try eventDetails("HD-000001", .slaWarning, rig).count == 2)
    }

    @Test func slaWarningsFollowTheConfiguration() async throws {
        let rig = try textRig { $0.staff.slaWarnings = [50] }
        try await receive(Samples.report(1), rig)
        #expect(try SLAWatch.check(context: rig.context, now: Samples.monday10 + 12 * 3600 - 1).isEmpty)
        #expect(try SLAWatch.check(context: rig.context, now: Samples.monday10 + 12 * 3600) == ["HD-000001"])
        #expect(try SLAWatch.check(context: rig.context, now: Samples.monday10 + 30 * 3600).isEmpty)
    }

    @Test func aNewDueTimeWarnsAfresh() async throws {
        let rig = try textRig()
        try await receive(Samples.report(1), rig)
        let seventyFive = Samples.monday10 + 18 * 3600
        #expect(try SLAWatch.check(context: rig.context, now: seventyFive) == ["HD-000001"])
        let desk = StaffDesk(context: rig.context)
        _ = try await desk.perform(.resolve, on: "HD-000001", by: "anna", at: seventyFive)
        _ = try await desk.perform(.reopen, on: "HD-000001", by: "anna", at: seventyFive + 3600)
        // A fresh clock from Tuesday 05:00: 75% of it is used at 23:00.
        #expect(try SLAWatch.check(context: rig.context, now: seventyFive + 3600 + 18 * 3600 - 60).isEmpty)
        #expect(try SLAWatch.check(context: rig.context, now: seventyFive + 3600 + 18 * 3600) == ["HD-000001"])
    }

    @Test func aSuspendedTicketGetsNoSLAWarning() async throws {
        let rig = try rig()
        try await receive(try Samples.email("02-missing-session-and-screenshot"), rig)
        #expect(try SLAWatch.check(context: rig.context, now: Samples.monday10 + 30 * 86_400).isEmpty)
    }
}

/// The first text/plain part of a composed email, decoded (quoted-printable), for assertions.
enum MIMEText {
    static func firstText(of raw: String) -> String? {
        MessageContent(MIMEParser().parse(Array(raw.utf8))).text
    }
}
