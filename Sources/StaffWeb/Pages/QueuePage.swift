import Incident
import TicketStore

/// The queue (`/`): the tickets to work, the most urgent first, with filters, counts and search.
struct QueuePage {
    var tickets: [TicketRecord]
    /// How many tickets match; `tickets` holds the most urgent of them.
    var total: Int
    /// The request's query string, to ask for more of the same.
    var query: String
    var counts: [TicketStatus: Int]
    var categories: [String]
    var staffNames: [String]
    var filter: QueueFilter
    /// The filter as the form sent it (to show it back).
    var statusChoice: String
    var assigneeChoice: String
    var now: Int64

    func render() -> HTML {
        var body: HTML = "<h1>Queue</h1>"
        body += counters()
        body += filters()
        body += #"<p id="live" class="live" role="status" aria-live="polite" hidden></p>"#
        guard !tickets.isEmpty else {
            return body + #"<p class="empty">No tickets match.</p>"#
        }
        let caption: HTML =
            tickets.count < total
            ? "The \(tickets.count) most urgent of \(total) tickets · <a href=\"/?\(moreQuery)\">show more</a>"
            : "\(total) tickets, the most urgent first"
        var rows: [HTML] = []
        for ticket in tickets {
            let (left, breached) = Clock.left(due: ticket.status == .open ? ticket.dueAt : nil, now: now)
            var classes: [String] = []
            if breached { classes.append("breached") }
            if ticket.severity == .critical { classes.append("critical") }
            let missing = ticket.missingFields.joined(separator: ", ")
            let reporter = ticket.reporterName.map { "\($0) <\(ticket.reporterAddress)>" } ?? ticket.reporterAddress
            rows.append(
                """
                <tr class="\(classes.joined(separator: " "))" data-ref="\(ticket.ref)">\
                <td><a href="/tickets/\(ticket.ref)">\(ticket.ref)</a></td>\
                <td class="left">\(left)</td><td>\(ticket.severity.rawValue)</td><td>\(ticket.status.rawValue)</td>\
                <td>\(ticket.category)</td><td class="subject">\(ticket.subject.isEmpty ? "(no subject)" : ticket.subject)</td>\
                <td>\(reporter)</td><td>\(ticket.assignee ?? "—")</td><td>\(missing.isEmpty ? "—" : missing)</td></tr>
                """)
        }
        body += """
            <table class="queue" id="queue"><caption>\(caption)</caption>
            <thead><tr><th scope="col">Ticket</th><th scope="col">Time left</th><th scope="col">Severity</th>\
            <th scope="col">Status</th><th scope="col">Category</th><th scope="col">Subject</th>\
            <th scope="col">Reporter</th><th scope="col">Assignee</th><th scope="col">Missing</th></tr></thead>
            <tbody>\(HTML.joined(rows))</tbody></table>
            """
        return body
    }

    /// The same filters with a limit five times as high.
    private var moreQuery: String {
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("limit=") }.map(String.init)
        return (kept + ["limit=\(min(tickets.count * 5, 2000))"]).joined(separator: "&")
    }

    private func counters() -> HTML {
        let items = TicketStatus.allCases.map { status -> HTML in
            "<li><a href=\"/?status=\(status.rawValue)\">\(status.rawValue) <strong>\(counts[status] ?? 0)</strong></a></li>"
        }
        return #"<ul class="counts" aria-label="Tickets by status">"# + HTML.joined(items) + "</ul>"
    }

    private func filters() -> HTML {
        func option(_ value: String, _ label: String, selected: String) -> HTML {
            "<option value=\"\(value)\"\(HTML(trusted: value == selected ? " selected" : ""))>\(label)</option>"
        }
        let statuses =
            [("", "open and suspended"), ("all", "all")] + TicketStatus.allCases.map { ($0.rawValue, $0.rawValue) }
        let severities = [("", "any")] + [Severity.critical, .normal].map { ($0.rawValue, $0.rawValue) }
        let categories = [("", "any")] + self.categories.map { ($0, $0) }
        let assignees = [("", "anyone"), ("-", "nobody")] + staffNames.map { ($0, $0) }
        return """
            <form class="filters" method="get" action="/" role="search">
            <label>Search <input type="search" name="q" value="\(filter.search)" placeholder="subject, reporter, text"></label>
            <label>Status <select name="status">\(HTML.joined(statuses.map { option($0.0, $0.1, selected: statusChoice) }))</select></label>
            <label>Severity <select name="severity">\(HTML.joined(severities.map { option($0.0, $0.1, selected: filter.severity?.rawValue ?? "") }))</select></label>
            <label>Category <select name="category">\(HTML.joined(categories.map { option($0.0, $0.1, selected: filter.category ?? "") }))</select></label>
            <label>Assignee <select name="assignee">\(HTML.joined(assignees.map { option($0.0, $0.1, selected: assigneeChoice) }))</select></label>
            <label><input type="checkbox" name="missing" value="1"\(HTML(trusted: filter.missingData ? " checked" : ""))> missing data</label>
            <button type="submit">Filter</button></form>
            """
    }
}
