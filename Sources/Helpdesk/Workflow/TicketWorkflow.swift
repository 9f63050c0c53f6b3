public import Incident
import Foundation
import MIME
public import TicketStore

/// What happens to a ticket: given the ticket, what happened (an email, a staff action) and the policy, which
/// changes to make and which answer to queue. Pure: no store, no clock, no network; every writer of tickets —
/// intake (`EmailIntake`, staff email included), staff commands and the web interface (`StaffDesk`), and later the OCR
/// worker — asks it and records what it decided with `WorkflowRecorder`, in one store transaction.
///
/// The statuses and their transitions (README, "Statuses"):
///
/// ```
/// new report ──complete──▶ open ◀──reply completes── suspended ◀──incomplete── new report
///      └──password request──▶ redirected        open/suspended/redirected ──resolve──▶ resolved
/// resolved ──author replies──▶ open (reopened)         any but closed ──close──▶ closed
/// closed ──author writes──▶ a new follow-up ticket      open ──author says "cannot work"──▶ critical
/// ```
///
/// Concurrency: a value type with no state beyond its policy; call it from any thread.
public struct TicketWorkflow: Sendable {
    public let configuration: HelpdeskConfiguration

    public init(configuration: HelpdeskConfiguration) {
        self.configuration = configuration
    }

    var profile: IncidentProfile { configuration.profile }
    var serviceLevel: ServiceLevel { configuration.serviceLevel }

    // MARK: Intake

    /// Where `email` goes, given the ticket its references or subject point to (`match`) and, when its author's
    /// address is a staff member's, who (`staff`).
    public func route(_ email: IncomingEmail, match: TicketMatch, staff: StaffSender? = nil) -> IntakeRoute {
        let report = email.report
        if report.automated == .spam {
            // The admin's spam filter said so: kept for staff to see, never a ticket, never filed on one.
            return .spam(verdict: report.verdict.spam ?? "")
        }
        if let reason = report.automated {
            // An out-of-office answering a notification, or a notification come back: never acts, never answered.
            return .machineMail(reason, ticket: match.ticket)
        }
        if let staff, let route = staffRoute(email, match: match, staff: staff) { return route }
        guard let ticket = match.ticket else {
            return .newTicket(match.forgedReference ? .forgedReference : .report)
        }
        // Only its one unambiguous, authenticated author on the ticket may act on it.
        let isMember = email.trustedAuthor.map(ticket.accepts) ?? false
        if isMember, ticket.status != .closed {
            return email.tooLarge != nil ? .tooLargeReply(ticket) : .reply(ticket)
        }
        if isMember { return .newTicket(.followUp(closed: ticket)) }
        // Someone else quoting a ticket reference cannot read or change that ticket, and neither can a message
        // whose author is ambiguous or failed sender authentication.
        return .newTicket(.notTheAuthor(of: ticket, whyNotTrusted: report.whyNotTrusted))
    }

    /// Where an email from a staff member's address goes; nil when it is not about a ticket at all (no staff token,
    /// no ticket reference, no command: a member writing to the helpdesk as anyone would).
    ///
    /// Acting needs both proofs: the member address authenticated by the trusted MTA (`Authentication-Results`
    /// pass, the one unambiguous author) and a valid staff token, which only our notifications carry. A member
    /// address alone is as easy to forge as any From; a token alone may have leaked with a forwarded notification.
    func staffRoute(_ email: IncomingEmail, match: TicketMatch, staff: StaffSender) -> IntakeRoute? {
        let read: Result<StaffMail, StaffActionError>
        do {
            read = .success(try StaffMail.read(StaffMail.newLines(of: email, ours: profile.ownAnswers)))
        } catch {
            read = .failure(error)
        }
        let hasCommands = (try? read.get()).map { !$0.commands.isEmpty } ?? true
        let ticket = staff.tokenTicket ?? match.ticket
        guard staff.tokenTicket != nil || match.ticket != nil || match.forgedReference || hasCommands else {
            return nil
        }
        let report = email.report
        guard report.verdict.authentication == .pass, email.trustedAuthor == staff.address else {
            let why: String
            if case .fail(let reason) = report.verdict.authentication {
                why = "sender authentication failed (\(reason))"
            } else if report.author == nil {
                why = report.authorProblem ?? "the email does not name one author"
            } else {
                why = "the helpdesk's mail server did not confirm that the email comes from your address"
            }
            return .staffRejected(by: staff, ticket: ticket, reason: why)
        }
        let mail: StaffMail
        switch read {
        case .success(let read): mail = read
        case .failure(let error): return .staffRejected(by: staff, ticket: ticket, reason: error.description)
        }
        if mail.commands.contains(.open) {
            guard mail.commands == [.open] else {
                return .staffRejected(by: staff, ticket: nil, reason: "#open stands alone: no other command with it")
            }
            guard let customer = StaffMail.forwardedSender(of: email), let identity = customer.identity,
                identity != staff.address, !profile.ownAddresses.contains(identity)
            else {
                return .staffRejected(
                    by: staff, ticket: nil,
                    reason: "#open needs a forwarded customer email (its From line below the forward separator)")
            }
            return .staffOpen(by: staff, customer: customer)
        }
        guard let tokenTicket = staff.tokenTicket else {
            return .staffRejected(
                by: staff, ticket: ticket,
                reason: "no valid ticket token: reply to a helpdesk notification about the ticket, keeping its "
                    + "In-Reply-To (your mail client does this when you press Reply)")
        }
        if mail.commands.isEmpty, mail.text.isEmpty {
            return .staffRejected(by: staff, ticket: tokenTicket, reason: "the email has no new text and no command")
        }
        if let other = staff.answeredBy, other != staff.name, mail.answersCustomer {
            return .staffCollision(by: staff, ticket: tokenTicket, answeredBy: other)
        }
        return .staffEmail(mail, by: staff, ticket: tokenTicket)
    }

    /// A new ticket (number `number`) for `email`.
    public func open(
        _ email: IncomingEmail, number: Int64, reason: NewTicketReason = .report, now: Int64
    )
        -> TicketDecision
    {
        let report = email.report
        let reference = TicketReference(prefix: configuration.identity.ticketPrefix, number: Int(number))!
        // Answered with the reset instructions (the configured page, or the portal's own "Forgot password?"),
        // never asked for incident data.
        let isPasswordReset = report.category == "password-reset"
        let status: TicketStatus = isPasswordReset ? .redirected : (report.isComplete ? .open : .suspended)
        let envelope = email.content.envelope
        let copied = (envelope.to + envelope.cc).map { $0.identity ?? $0.address.lowercased() }
            .filter { !profile.ownAddresses.contains($0) && $0 != email.sender }
        var ticket = TicketRecord(
            id: nil, number: number, ref: reference.description, status: status, severity: report.severity,
            category: report.category, reporterAddress: email.sender, reporterName: report.reporter?.name,
            copiedAddresses: copied.joined(separator: " "), subject: String((report.subject ?? "").prefix(500)),
            missing: isPasswordReset ? "" : report.missing.map(\.key).joined(separator: ","), createdAt: now,
            updatedAt: now, slaStartedAt: nil, slaConsumed: 0, dueAt: nil, answersSent: 0)
        if status == .open {
            ticket.slaStartedAt = now
            ticket.dueAt = serviceLevel.due(severity: report.severity, clockStartedAt: now)
        }
        var decision = TicketDecision(ticket: ticket)
        decision.filesMessage = true
        decision.fields = fieldUpdates(email, current: [:], isReply: false)
        decision.fieldSources = Self.sources(of: email.report)
        decision.events.append(
            PlannedEvent(.created, "\(report.severity.rawValue), \(report.category)", aboutMessage: true))
        if case .fail(let reason) = report.verdict.authentication {
            // Opened like any report, but it can never act on another ticket: staff see why.
            decision.events.append(PlannedEvent(.unauthenticated, reason, aboutMessage: true))
        }
        if let size = email.tooLarge {
            decision.events.append(PlannedEvent(.tooLarge, tooLargeDetail(size)))
            if report.automated == nil { decision.answer = .tooLarge }
        } else {
            switch status {
            case .redirected:
                decision.events.append(PlannedEvent(.redirected, "password reset"))
                decision.answer = .passwordReset
            case .open:
                decision.answer = .acknowledgement
                if configuration.staff.notifies, configuration.staff.notifyOpened {
                    decision.notification = .opened
                    decision.customerText = Self.customerText(of: email, ours: profile.ownAnswers)
                }
            default:
                decision.events.append(PlannedEvent(.suspended, ticket.missing))
                decision.answer = .informationRequest
            }
        }
        switch reason {
        case .report:
            break
        case .followUp(let closed):
            decision.eventsAfterAnswer.append(PlannedEvent(.followUp, "follow-up to closed \(closed.ref)"))
        case .notTheAuthor(let other, let whyNotTrusted):
            // The detail names no address: the linked message says who it was, and goes when they are erased.
            let why = whyNotTrusted.map { " (\($0))" } ?? ""
            decision.eventsAfterAnswer.append(
                PlannedEvent(
                    whyNotTrusted == nil ? .replyFromStranger : .replyNotTrusted,
                    "someone who may not act on this ticket replied\(why); opened \(ticket.ref) instead",
                    on: .other(other), aboutMessage: true))
            decision.eventsAfterAnswer.append(
                PlannedEvent(
                    .openedInsteadOfUpdate, "\(other.ref) belongs to another reporter\(why)", aboutMessage: true))
        case .forgedReference:
            decision.eventsAfterAnswer.append(
                PlannedEvent(
                    .forgedReference, "references a helpdesk Message-ID whose signature does not verify",
                    aboutMessage: true))
        }
        decision.readBack = Self.readBack(of: report, for: decision.answer)
        return counted(decision)
    }

    /// The author's reply to their ticket, whose values in force are `current` (by field key).
    public func reply(
        _ email: IncomingEmail, to existing: TicketRecord, current: [String: String], now: Int64
    )
        -> TicketDecision
    {
        var ticket = existing
        var decision = TicketDecision(ticket: ticket)
        decision.filesMessage = true
        decision.fields = fieldUpdates(email, current: current, isReply: true)
        decision.fieldSources = Self.sources(of: email.report)
        var values = current
        for update in decision.fields { values[update.field] = update.value }
        let missing = profile.required.filter { values[$0.key] == nil }
        ticket.missing = missing.map(\.key).joined(separator: ",")
        ticket.updatedAt = now
        decision.events.append(
            PlannedEvent(.informationReceived, decision.changedFields.joined(separator: ","), aboutMessage: true))
        let severity = ticket.severity
        switch ticket.status {
        case .suspended where missing.isEmpty:
            ticket.status = .open
            ticket.slaStartedAt = now
            ticket.dueAt = serviceLevel.due(severity: severity, clockStartedAt: now, consumed: ticket.slaConsumed)
            decision.events.append(PlannedEvent(.resumed))
            decision.answer = .resumed
            if configuration.staff.notifies, configuration.staff.notifyResumed {
                let supplied = existing.missingFields.filter { key in decision.fields.contains { $0.field == key } }
                decision.notification = .resumed(supplied: supplied)
                decision.customerText = Self.customerText(of: email, ours: profile.ownAnswers)
            }
        case .suspended:
            decision.answer = .informationRequest
        case .resolved:
            ticket.status = .open
            ticket.slaStartedAt = now
            ticket.dueAt = serviceLevel.due(severity: severity, clockStartedAt: now)
            decision.events.append(PlannedEvent(.reopened))
        default:
            if email.report.severity == .critical, severity == .normal, ticket.status == .open {
                // The reporter now says they cannot work at all: the critical target applies from here.
                ticket.severity = .critical
                ticket.dueAt = serviceLevel.due(severity: .critical, clockStartedAt: now)
                decision.events.append(PlannedEvent(.escalated, "critical"))
            }
        }
        decision.ticket = ticket
        decision.readBack = Self.readBack(of: email.report, for: decision.answer)
        return counted(decision)
    }

    /// The author's email over the size limit, on their ticket: filed there, and they are told the limit.
    public func tooLargeReply(_ email: IncomingEmail, to ticket: TicketRecord) -> TicketDecision {
        var decision = TicketDecision(ticket: ticket)
        decision.filesMessage = true
        decision.events.append(PlannedEvent(.tooLarge, tooLargeDetail(email.tooLarge ?? 0), aboutMessage: true))
        decision.answer = .tooLarge
        return counted(decision)
    }

    /// Machine mail on the ticket it refers to (or on none): filed, recorded, never answered.
    public func machineMail(_ reason: AutomatedReason, on ticket: TicketRecord?) -> PlannedEvent {
        PlannedEvent(
            .automatedMailReceived, reason.rawValue, on: ticket.map { .other($0) } ?? .none, aboutMessage: true)
    }

    /// Another copy of an email already filed on `ticket`, taken from `mailbox` (the name): recorded on the ticket,
    /// which changes in nothing else — one email, one ticket, one answer.
    public func copyReceived(on ticket: TicketRecord, from mailbox: String) -> PlannedEvent {
        PlannedEvent(.copyReceived, "also delivered to mailbox \(mailbox)", on: .other(ticket), aboutMessage: true)
    }

    /// The customer's own words in `email`, for a notification: without quotes, attributions and signature, and
    /// with secrets masked as in the stored values (a team list keeps mail longer than the ticket store).
    static func customerText(of email: IncomingEmail, ours: OwnAnswerText) -> String {
        SecretMasker.masked(StaffMail.ownLines(of: email, ours: ours).joined(separator: "\n"))
    }

    // MARK: SLA

    /// The SLA warnings due for `ticket` at `now`: the configured percentages (`[staff] sla_warnings`) its running
    /// clock has used and that were not yet given for its current due time (`warned`). Nil when none is due; the
    /// team is told once, of the highest, and every one reached is recorded (`sla-warning`, its detail naming
    /// the due time, so that a new due time — a severity change, a reopened ticket — warns afresh).
    public func slaWarning(for ticket: TicketRecord, at now: Int64, warned: Set<Int>) -> TicketDecision? {
        let staff = configuration.staff
        guard staff.notifies, !staff.slaWarnings.isEmpty, ticket.status == .open, let started = ticket.slaStartedAt,
            let due = ticket.dueAt
        else { return nil }
        let allowed = ticket.severity == .critical ? serviceLevel.criticalSolution : serviceLevel.normalConsideration
        guard allowed > 0 else { return nil }
        let used = ticket.slaConsumed + serviceLevel.consumed(severity: ticket.severity, from: started, to: now)
        // At 100% the due time itself decides: the calendar may put it later than the used time says.
        let reached = staff.slaWarnings.filter { percent in
            !warned.contains(percent) && (percent >= 100 ? now >= due : used * 100 >= allowed * Int64(percent))
        }
        guard let highest = reached.max() else { return nil }
        var decision = TicketDecision(ticket: ticket)
        for percent in reached.sorted() {
            decision.events.append(PlannedEvent(.slaWarning, Self.slaWarningDetail(percent, due: due)))
        }
        decision.notification = .slaWarning(percent: highest)
        return decision
    }

    /// The `sla-warning` detail: "75% of the SLA time used; due 1731319200".
    public static func slaWarningDetail(_ percent: Int, due: Int64) -> String {
        "\(percent)% of the SLA time used; due \(due)"
    }

    /// The percentages already warned of for the due time `due`, from the `sla-warning` events' details.
    public static func slaWarned(_ details: [String], due: Int64) -> Set<Int> {
        let suffix = "% of the SLA time used; due \(due)"
        return Set(details.compactMap { $0.hasSuffix(suffix) ? Int($0.dropLast(suffix.count)) : nil })
    }

    /// How the report read each field, for the record: "label “Session ID”: <the line>" ("(probable)" for a value
    /// read from prose or by its shape).
    static func sources(of report: IncidentReport) -> [String: String] {
        var sources: [String: String] = [:]
        for (field, source) in report.sources {
            var text = "\(source.kind.rawValue) “\(source.detail)”" + (source.isSure ? "" : " (probable)")
            if let line = source.line, !line.isEmpty { text += ": " + line }
            sources[field.key] = text
        }
        return sources
    }

    /// The answer counts toward `ticket.answersSent` (its Message-ID's sequence), whether or not a cap withholds it.
    private func counted(_ decision: TicketDecision) -> TicketDecision {
        var decision = decision
        if decision.answer != nil { decision.ticket.answersSent += 1 }
        return decision
    }

    /// The values `report` supplied that were read from prose or by shape rather than after a label, for an
    /// answer of `kind` about the report itself (acknowledgement, information request, resumed).
    static func readBack(of report: IncidentReport, for kind: AnswerKind?) -> [FieldUpdate] {
        guard let kind, [.acknowledgement, .informationRequest, .resumed].contains(kind) else { return [] }
        var shown: [FieldUpdate] = []
        for field in [IncidentField.server, .detectedAt, .sessionID, .userID] {
            guard let source = report.sources[field], !source.isSure else { continue }
            var update: FieldUpdate
            if field == .detectedAt {
                guard let time = report.detectedAt else { continue }
                update = FieldUpdate(field: field.key, value: String(time))
            } else if let value = report.values[field] {
                update = FieldUpdate(field: field.key, value: value)
            } else {
                continue
            }
            update.fromScreenshot = source.kind == .screenshot
            shown.append(update)
        }
        return shown
    }

    private func tooLargeDetail(_ size: Int) -> String {
        "\(size) bytes; limit \(configuration.imap.maxMessageSize)"
    }

    /// The values the report supplies that change the ticket, given the values in force. On a reply
    /// (`isReply`) a labelled value corrects the ticket, while an inferred one (a screenshot's time, a URL in
    /// prose) and the description only fill gaps: the reporter's answer "here is the session ID" must not replace
    /// their problem description. Screenshots accumulate: a later one adds to, never replaces, what came before.
    func fieldUpdates(_ email: IncomingEmail, current: [String: String], isReply: Bool) -> [FieldUpdate] {
        let report = email.report
        var values = report.values.map { ($0.key, $0.value) }
        if let detected = report.detectedAt {
            values.append(
                (IncidentField.detectedAt, MessageDate(secondsSince1970: detected, utcOffsetSeconds: 0).iso8601))
        }
        var inForce = current
        var updates: [FieldUpdate] = []
        func set(_ field: String, _ value: String) {
            let previous = inForce[field]
            guard previous != value else { return }
            inForce[field] = value
            updates.append(FieldUpdate(field: field, value: value, replacing: previous))
        }
        for (key, value) in values.sorted(by: { $0.0.key < $1.0.key }) {
            if isReply, current[key.key] != nil, key == .description || !report.labelled.contains(key) { continue }
            set(key.key, value)
        }
        if !report.screenshots.isEmpty {
            var hashes = inForce[IncidentField.screenshots.key].map { $0.split(separator: " ").map(String.init) } ?? []
            for shot in report.screenshots where !hashes.contains(shot.sha256) { hashes.append(shot.sha256) }
            set(IncidentField.screenshots.key, hashes.joined(separator: " "))
        }
        return updates
    }

    // MARK: Personal data

    /// A ticket some of whose field values were taken away (an erasure: the values another person's messages
    /// supplied): the required fields it lacks now, given the fields that still have a value. Nil when nothing
    /// changes; a redirected ticket asks for no data. Its status and clock stay as they are: staff decide.
    public static func valuesRemoved(
        from ticket: TicketRecord, required: [String], remaining: Set<String>
    )
        -> TicketRecord?
    {
        guard ticket.status != .redirected else { return nil }
        let missing = required.filter { !remaining.contains($0) }.joined(separator: ",")
        guard missing != ticket.missing else { return nil }
        var changed = ticket
        changed.missing = missing
        return changed
    }

    // MARK: Answers

    /// Why an answer of `kind` to `recipient` must be withheld (stored as `suppressed`, never sent), or nil to
    /// send it. The caps count mailboxes, not spellings (`anna+1@…` and `Anna@…` are one inbox), then the
    /// recipient's domain, then everybody; an information request goes at most once a day per ticket.
    public func suppression(
        of kind: AnswerKind, to recipient: String, ticketID: Int64, now: Int64, history: some AnswerHistory
    ) throws -> String? {
        let limits = configuration.rateLimits
        if recipient.isEmpty || profile.ownAddresses.contains(recipient) {
            return "recipient is the helpdesk itself"
        }
        if try history.answerCount(toMailboxOf: recipient, since: now - 3600) >= limits.perAddressPerHour {
            // Per mailbox, not per spelling: `victim+1@…` … `victim+14@…` reach one inbox.
            return "more than \(limits.perAddressPerHour) answers to this mailbox in an hour"
        }
        if try history.answerCount(toMailboxOf: recipient, since: now - 86_400) >= limits.perAddressPerDay {
            return "more than \(limits.perAddressPerDay) answers to this mailbox in a day"
        }
        if try history.answerCount(toDomainOf: recipient, since: now - 3600) >= limits.perDomainPerHour {
            // One victim domain must not use up the global cap and silence everybody else.
            return "more than \(limits.perDomainPerHour) answers to this domain in an hour"
        }
        if try history.answerCount(since: now - 3600) >= limits.globalPerHour {
            return "more than \(limits.globalPerHour) answers in an hour"
        }
        if kind == .informationRequest,
            try history.answerCount(kind: kind, ticketID: ticketID, since: now - 86_400)
                >= limits.informationRequestsPerTicketPerDay
        {
            return "an information request was already sent in the last 24 hours"
        }
        return nil
    }

    // MARK: Staff

    /// What `action` by `actor` does to `ticket`: nil when it changes nothing (the ticket is in that state
    /// already). A closed ticket is final: every action on it throws.
    public func decide(
        _ action: StaffAction, on ticket: TicketRecord, by actor: String, at now: Int64
    )
        throws(StaffActionError) -> TicketDecision?
    {
        switch action {
        case .resolve, .resolveWithSummary, .close:
            // Already there: nothing to do (a second summary is not sent).
            if ticket.status == action.status { return nil }
        default:
            // Asking again on a suspended ticket asks for the newly ticked fields; the other actions keep the status.
            break
        }
        if ticket.status == .closed {
            throw StaffActionError(.ticketClosed, "\(ticket.ref) is closed; it cannot change")
        }
        var changed = ticket
        changed.updatedAt = now
        var events: [PlannedEvent] = []
        var answer: AnswerKind?
        var answerText: String?
        switch action {
        case .reply(let text):
            answerText = try Self.staffText(text)
            answer = .reply
            events.append(PlannedEvent(.staffReplied, "by \(actor)"))
        case .note(let text):
            events.append(PlannedEvent(.note, "\(actor): \(try Self.staffText(text))"))
        case .askForData(let fields):
            guard ticket.status != .redirected else {
                throw StaffActionError(.notApplicable, "\(ticket.ref) is a password request; it needs no data")
            }
            let known = Set(askableFields.map(\.key))
            let asked = fields.filter { !$0.isEmpty }
            guard !asked.isEmpty else { throw StaffActionError(.emptyText, "tick at least one field to ask for") }
            if let unknown = asked.first(where: { !known.contains($0) }) {
                throw StaffActionError(.unknownValue, "\(unknown) is not a field")
            }
            stopClock(&changed, at: now)
            changed.status = .suspended
            changed.missing = asked.joined(separator: ",")
            events.append(PlannedEvent(.informationRequested, "\(changed.missing) by \(actor)"))
            events.append(PlannedEvent(.suspended, changed.missing))
            answer = .informationRequest
        case .assign(let assignee):
            guard ticket.assignee != assignee else { return nil }
            changed.assignee = assignee
            events.append(PlannedEvent(.assigned, "\(assignee ?? "nobody") by \(actor)"))
        case .setSeverity(let severity):
            guard ticket.severity != severity else { return nil }
            changed.severity = severity
            if changed.status == .open, let started = changed.slaStartedAt {
                // The new severity's target applies to the time already used on this clock.
                changed.dueAt = serviceLevel.due(
                    severity: severity, clockStartedAt: started, consumed: changed.slaConsumed)
            }
            events.append(
                PlannedEvent(.severityChanged, "\(ticket.severity.rawValue) → \(severity.rawValue) by \(actor)"))
        case .setCategory(let category):
            let category = category.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !category.isEmpty, category.count <= 64, !category.contains(where: \.isNewline) else {
                throw StaffActionError(.unknownValue, "a category is one short line")
            }
            guard ticket.category != category else { return nil }
            changed.category = category
            events.append(PlannedEvent(.categoryChanged, "\(ticket.category) → \(category) by \(actor)"))
        case .resolve, .resolveWithSummary:
            if case .resolveWithSummary(let summary) = action {
                answerText = try Self.staffText(summary)
                answer = .resolution
            }
            stopClock(&changed, at: now)
            changed.status = .resolved
            events.append(PlannedEvent(.resolved, "by \(actor)"))
        case .close:
            stopClock(&changed, at: now)
            changed.status = .closed
            events.append(PlannedEvent(.closed, "by \(actor)"))
        case .reopen:
            guard ticket.status == .resolved else {
                throw StaffActionError(
                    .notApplicable, "\(ticket.ref) is \(ticket.status.rawValue); only a resolved ticket reopens")
            }
            changed.status = .open
            changed.slaStartedAt = now
            changed.slaConsumed = 0
            changed.dueAt = serviceLevel.due(severity: changed.severity, clockStartedAt: now)
            events.append(PlannedEvent(.reopened, "by \(actor)"))
        }
        var decision = TicketDecision(ticket: changed)
        decision.events = events
        decision.answer = answer
        decision.answerText = answerText
        return counted(decision)
    }

    /// The fields staff may ask a reporter for: the required ones first, then the other built-in and custom ones.
    public var askableFields: [IncidentField] {
        var fields = profile.required
        let others: [IncidentField] = [
            .description, .server, .detectedAt, .sessionID, .userID, .screenshots, .browser, .os,
        ]
        for field in others + profile.customFields.map(\.field) where !fields.contains(field) { fields.append(field) }
        return fields
    }

    /// Stops a running SLA clock, keeping the time it used (a suspended ticket resumes where it stopped).
    private func stopClock(_ ticket: inout TicketRecord, at now: Int64) {
        if ticket.status == .open, let started = ticket.slaStartedAt {
            ticket.slaConsumed += serviceLevel.consumed(severity: ticket.severity, from: started, to: now)
        }
        ticket.slaStartedAt = nil
    }

    /// Staff text for an email or a note: trimmed, not empty, at most 64 KB.
    static func staffText(_ text: String) throws(StaffActionError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StaffActionError(.emptyText, "the text is empty") }
        guard trimmed.utf8.count <= 65_536 else { throw StaffActionError(.emptyText, "the text is over 64 KB") }
        return trimmed
    }
}

/// The answers already made, as the caps count them (`TicketWorkflow.suppression`): the store in a transaction,
/// or fixed numbers in a test.
public protocol AnswerHistory {
    func answerCount(toMailboxOf recipient: String, since: Int64) throws -> Int
    func answerCount(toDomainOf recipient: String, since: Int64) throws -> Int
    func answerCount(since: Int64) throws -> Int
    func answerCount(kind: AnswerKind, ticketID: Int64, since: Int64) throws -> Int
}

/// The ticket an email refers to, as threading found it (`EmailIntake.match`).
public struct TicketMatch: Sendable, Equatable {
    public var ticket: TicketRecord?
    /// A reference looked like one of ours but its signature did not verify.
    public var forgedReference: Bool

    public init(ticket: TicketRecord?, forgedReference: Bool = false) {
        self.ticket = ticket
        self.forgedReference = forgedReference
    }
}
