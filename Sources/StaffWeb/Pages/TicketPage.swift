import Incident
import TicketStore

/// One ticket (`/tickets/HD-000123`): its fields with where each value came from, what is missing, the SLA clock,
/// the conversation as text, screenshots inline, every event, and the actions.
struct TicketPage {
    /// A field's value in force and where it came from.
    struct FieldRow {
        var field: String
        var value: String
        /// "message of Tue 12 Nov 2024 09:14 UTC from anna@… · after the label “Session ID”"
        var source: String
    }

    /// One email in the conversation: received from the reporter or sent by us.
    struct Entry {
        var inbound: Bool
        var from: String
        var at: Int64
        var subject: String
        /// The text as the reader sees it (HTML bodies converted to text; never markup).
        var text: String
        var status: String?
        var files: [File]
    }

    /// An attachment of a message.
    struct File {
        var name: String
        var contentType: String
        var size: Int64?
        var width: Int64?
        var height: Int64?
        var takenAt: Int64?
        /// The URL that serves it, nil when it is not served (not an image).
        var url: String?
    }

    var ticket: TicketRecord
    var fields: [FieldRow]
    var conversation: [Entry]
    var events: [EventRecord]
    var askable: [String]
    var staffNames: [String]
    var csrf: String
    var now: Int64
    var notice: String?
    var problem: String?

    func render() -> HTML {
        var body: HTML = """
            <p class="crumbs"><a href="/">← Queue</a></p>
            <h1><span class="ref">\(ticket.ref)</span> \(ticket.subject.isEmpty ? "(no subject)" : ticket.subject)</h1>
            """
        if let notice { body += "<p class=\"notice\" role=\"status\">\(notice)</p>" }
        if let problem { body += "<p class=\"problem\" role=\"alert\">\(problem)</p>" }
        body += summary()
        body += #"<div class="columns"><div class="main-column">"#
        body += fieldTable()
        body += conversationSection()
        body += eventList()
        body += #"</div><aside class="actions" aria-label="Actions">"#
        body += actions()
        body += "</aside></div>"
        return body
    }

    private func summary() -> HTML {
        let running = ticket.status == .open ? ticket.dueAt : nil
        let (left, breached) = Clock.left(due: running, now: now)
        let due: HTML = ticket.dueAt.map { "due \(Clock.time($0))" } ?? "no due time"
        let missing = ticket.missingFields
        let missingText: HTML =
            missing.isEmpty
            ? "<dd>nothing</dd>" : "<dd class=\"missing\">\(missing.joined(separator: ", "))</dd>"
        let reporter = ticket.reporterName.map { "\($0) <\(ticket.reporterAddress)>" } ?? ticket.reporterAddress
        return """
            <dl class="summary">
            <dt>Status</dt><dd class="status">\(ticket.status.rawValue)</dd>
            <dt>Severity</dt><dd class="\(ticket.severity == .critical ? "critical" : "")">\(ticket.severity.rawValue)</dd>
            <dt>Category</dt><dd>\(ticket.category)</dd>
            <dt>SLA</dt><dd id="sla" class="\(breached ? "breached" : "")">\(left) · \(due)</dd>
            <dt>Missing</dt>\(missingText)
            <dt>Reporter</dt><dd>\(reporter)</dd>
            <dt>Assignee</dt><dd>\(ticket.assignee ?? "nobody")</dd>
            <dt>Opened</dt><dd>\(Clock.time(ticket.createdAt))</dd>
            </dl>
            """
    }

    private func fieldTable() -> HTML {
        guard !fields.isEmpty else { return "<h2>Fields</h2><p>No values yet.</p>" }
        let rows = fields.map { row -> HTML in
            """
            <tr><th scope="row">\(row.field)</th><td><pre class="value">\(row.value)</pre></td>\
            <td class="source">\(row.source)</td></tr>
            """
        }
        return """
            <h2>Fields</h2><table class="fields"><thead><tr><th scope="col">Field</th><th scope="col">Value</th>\
            <th scope="col">Where it came from</th></tr></thead><tbody>\(HTML.joined(rows))</tbody></table>
            """
    }

    private func conversationSection() -> HTML {
        var items: [HTML] = []
        for entry in conversation {
            var files: [HTML] = []
            for file in entry.files {
                var facts: [String] = [file.contentType]
                if let width = file.width, let height = file.height { facts.append("\(width)×\(height)") }
                if let size = file.size { facts.append(Self.size(size)) }
                if let taken = file.takenAt { facts.append("taken \(Clock.time(taken))") }
                let caption: HTML = "\(file.name) · \(facts.joined(separator: " · "))"
                if let url = file.url {
                    files.append(
                        """
                        <figure class="shot"><img src="\(url)" alt="\(file.name)" loading="lazy">\
                        <figcaption>\(caption)</figcaption></figure>
                        """)
                } else {
                    files.append("<p class=\"file\">\(caption) (not shown: not an image)</p>")
                }
            }
            let direction = entry.inbound ? "from" : "to"
            let status: HTML = entry.status.map { " · \($0)" } ?? ""
            items.append(
                """
                <article class="mail \(entry.inbound ? "in" : "out")">
                <h3>\(entry.inbound ? "Received" : "Sent") \(Clock.time(entry.at)) \(direction) \(entry.from)\(status)</h3>
                <p class="mail-subject">\(entry.subject)</p>
                <pre class="mail-text">\(entry.text)</pre>\(HTML.joined(files))</article>
                """)
        }
        return "<h2>Conversation</h2>" + (items.isEmpty ? "<p>No messages.</p>" : HTML.joined(items))
    }

    /// How many of the latest views the page lists (all of them stay on the audit trail).
    static let viewsShown = 20

    private func eventList() -> HTML {
        func item(_ event: EventRecord) -> HTML {
            "<li><time datetime=\"\(Clock.isoTime(event.at))\">\(Clock.time(event.at))</time> "
                + "<strong>\(event.kind.rawValue)</strong> \(event.detail)</li>"
        }
        // Views are audited one by one and would bury the ticket's own history: they get a summary of their own.
        let views = events.filter { $0.kind == .personalDataViewed }
        let history = events.filter { $0.kind != .personalDataViewed }
        var html: HTML = #"<h2>Events</h2><ol class="events">"# + HTML.joined(history.map(item)) + "</ol>"
        if !views.isEmpty {
            html += """
                <details class="views"><summary>Personal data viewed \(views.count) times</summary>\
                <ol class="events">\(HTML.joined(views.suffix(Self.viewsShown).reversed().map(item)))</ol></details>
                """
        }
        return html
    }

    private func actions() -> HTML {
        let base = "/tickets/" + ticket.ref
        let token: HTML = "<input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">"
        guard ticket.status != .closed else {
            return "<h2>Actions</h2><p>This ticket is closed; nothing can change it.</p>"
        }
        var html: HTML = """
            <h2>Reply to the reporter</h2>
            <form method="post" action="\(base)/reply">\(token)
            <label for="reply-body">Message to \(ticket.reporterAddress)</label>
            <textarea id="reply-body" name="body" rows="8" required></textarea>
            <button type="submit">Send reply</button></form>
            <h2>Internal note</h2>
            <form method="post" action="\(base)/note">\(token)
            <label for="note-body">Note (never emailed)</label>
            <textarea id="note-body" name="body" rows="4" required></textarea>
            <button type="submit">Add note</button></form>
            """
        if ticket.status != .redirected {
            let boxes = askable.map { field -> HTML in
                let checked = ticket.missingFields.contains(field) ? " checked" : ""
                return
                    "<label class=\"check\"><input type=\"checkbox\" name=\"field\" value=\"\(field)\"\(HTML(trusted: checked))> \(field)</label>"
            }
            html += """
                <h2>Ask for missing data</h2>
                <form method="post" action="\(base)/ask">\(token)<fieldset><legend>Fields to ask for</legend>\
                \(HTML.joined(boxes))</fieldset>
                <button type="submit">Ask the reporter</button></form>
                """
        }
        let staffOptions = (["—"] + staffNames).map { name -> HTML in
            let value = name == "—" ? "" : name
            let selected = (ticket.assignee ?? "") == value ? " selected" : ""
            return "<option value=\"\(value)\"\(HTML(trusted: selected))>\(name == "—" ? "nobody" : name)</option>"
        }
        let severities = [Severity.critical, .normal].map { severity -> HTML in
            let selected = ticket.severity == severity ? " selected" : ""
            return "<option\(HTML(trusted: selected))>\(severity.rawValue)</option>"
        }
        html += """
            <h2>Assign</h2>
            <form method="post" action="\(base)/assign">\(token)
            <label for="assignee">Assignee</label><select id="assignee" name="assignee">\(HTML.joined(staffOptions))</select>
            <button type="submit">Assign</button></form>
            <h2>Severity and category</h2>
            <form method="post" action="\(base)/triage">\(token)
            <label for="severity">Severity</label><select id="severity" name="severity">\(HTML.joined(severities))</select>
            <label for="category">Category</label><input id="category" name="category" value="\(ticket.category)" required>
            <button type="submit">Save</button></form>
            """
        if ticket.status == .resolved {
            html += """
                <h2>Reopen</h2><form method="post" action="\(base)/reopen">\(token)\
                <button type="submit">Reopen</button></form>
                """
        } else {
            html += """
                <h2>Resolve</h2>
                <form method="post" action="\(base)/resolve">\(token)
                <label for="summary">Summary of the work done (emailed to the reporter)</label>
                <textarea id="summary" name="summary" rows="5" required></textarea>
                <button type="submit">Resolve and send summary</button></form>
                """
        }
        html += """
            <h2>Close</h2><form method="post" action="\(base)/close">\(token)\
            <button type="submit" class="danger">Close for good</button></form>
            """
        return html
    }

    static func size(_ bytes: Int64) -> String {
        if bytes >= 1 << 20 { return "\((bytes * 10 >> 20) / 10).\((bytes * 10 >> 20) % 10) MB" }
        if bytes >= 1 << 10 { return "\(bytes >> 10) KB" }
        return "\(bytes) bytes"
    }
}
