import Foundation
public import Incident
import MIME
public import TicketStore

/// What support staff see: ticket lists, one ticket in full, the outbox. The JSON forms are a documented
/// contract (README, "Support staff"). What staff do goes through `StaffDesk`.
public struct TicketViews: Sendable {
    let store: any TicketStore

    public init(store: any TicketStore) { self.store = store }

    // MARK: Lists

    public func tickets(status: TicketStatus? = nil, severity: Severity? = nil) throws -> [TicketRecord] {
        try store.snapshot { try $0.tickets(status: status, severity: severity) }
    }

    public static func listJSON(_ tickets: [TicketRecord]) -> JSONValue {
        .array(tickets.map(summary))
    }

    static func summary(_ ticket: TicketRecord) -> JSONValue {
        .object([
            ("ref", .string(ticket.ref)),
            ("status", .string(ticket.status.rawValue)),
            ("severity", .string(ticket.severity.rawValue)),
            ("category", .string(ticket.category)),
            ("reporter", .string(ticket.reporterAddress)),
            ("subject", .string(ticket.subject)),
            ("created_at", .string(Timestamp.iso(ticket.createdAt))),
            ("due_at", .string(ticket.dueAt.map(Timestamp.iso))),
            ("missing", .array(ticket.missingFields.map { .string($0) })),
        ])
    }

    /// A readable table for a terminal.
    public static func table(_ tickets: [TicketRecord]) -> String {
        let header = ["REF", "STATUS", "SEVERITY", "CATEGORY", "REPORTER", "SUBJECT", "DUE", "MISSING"]
        let rows = tickets.map { ticket in
            [
                ticket.ref, ticket.status.rawValue, ticket.severity.rawValue, ticket.category, ticket.reporterAddress,
                String(ticket.subject.prefix(40)), ticket.dueAt.map(Timestamp.short) ?? "-",
                ticket.missingFields.isEmpty ? "-" : ticket.missingFields.joined(separator: ","),
            ]
        }
        return TextTable.render(header: header, rows: rows)
    }

    // MARK: One ticket

    public func show(_ ref: String) throws -> JSONValue {
        try store.snapshot { snapshot in
            guard let ticket = try snapshot.ticket(ref: ref) else {
                throw StaffActionError(.noSuchTicket, "no ticket \(ref)")
            }
            let id = ticket.id!
            let values = try snapshot.fieldValues(ticketID: id)
            let messages = try snapshot.messages(ticketID: id)
            let links = try snapshot.attachmentLinks(messageIDs: Set(messages.compactMap(\.id)))
            let sizes = try snapshot.attachmentSizes(sha256s: Set(links.map(\.sha256)))
            let events = try snapshot.events(ticketID: id)
            let outbox = try snapshot.answers(ticketID: id)
            guard case .object(var members) = Self.summary(ticket) else { return .null }
            members.append(("fields", .object(Self.currentFields(values, messages: messages))))
            members.append(
                (
                    "field_history",
                    .array(
                        values.map { value in
                            .object([
                                ("field", .string(value.field)), ("value", .string(value.value)),
                                ("current", .bool(value.current)),
                                ("recorded_at", .string(Timestamp.iso(value.recordedAt))),
                                ("message_id", .string(messages.first { $0.id == value.messageId }?.messageID)),
                            ])
                        })
                ))
            members.append(
                (
                    "messages",
                    .array(
                        messages.map { message in
                            .object([
                                ("direction", .string(message.direction.rawValue)),
                                ("message_id", .string(message.messageID)),
                                ("from", .string(message.fromAddress)), ("subject", .string(message.subject)),
                                ("received_at", .string(Timestamp.iso(message.receivedAt))),
                                ("automated", .string(message.automated)),
                                ("sha256", .string(message.sha256)), ("size", .int(message.raw.count)),
                            ])
                        })
                ))
            members.append(
                (
                    "attachments",
                    .array(
                        links.map { link in
                            .object([
                                ("message_id", .string(messages.first { $0.id == link.messageId }?.messageID)),
                                ("part", .string(link.part)), ("filename", .string(link.filename)),
                                ("content_type", .string(link.declaredType)), ("screenshot", .bool(link.isScreenshot)),
                                ("width", link.width.map { .int($0) } ?? .null),
                                ("height", link.height.map { .int($0) } ?? .null),
                                ("size", sizes[link.sha256].map { .int($0) } ?? .null),
                                ("sha256", .string(link.sha256)),
                            ])
                        })
                ))
            members.append(
                (
                    "events",
                    .array(
                        events.map { event in
                            .object([
                                ("at", .string(Timestamp.iso(event.at))), ("kind", .string(event.kind.rawValue)),
                                ("detail", .string(event.detail)),
                            ])
                        })
                ))
            members.append(("outbox", .array(outbox.map(Self.outboxEntry))))
            return .object(members)
        }
    }

    /// The value in force for each field, with the message that supplied it.
    static func currentFields(_ values: [FieldValueRecord], messages: [MessageRecord]) -> [(String, JSONValue)] {
        values.filter(\.current).sorted { $0.field < $1.field }.map { value in
            (
                value.field,
                .object([
                    ("value", .string(value.value)),
                    ("from_message", .string(messages.first { $0.id == value.messageId }?.messageID)),
                    ("recorded_at", .string(Timestamp.iso(value.recordedAt))),
                    // How it was read ("label “Session ID”: …", "screenshot “screen.png, address bar” (probable): …").
                    ("source", .string(value.source)),
                ])
            )
        }
    }

    /// `tickets show` for a terminal.
    public static func text(_ shown: JSONValue) -> String {
        guard case .object(let members) = shown else { return "" }
        var lines: [String] = []
        func string(_ value: JSONValue?) -> String {
            if case .string(let text) = value { return text }
            if case .int(let number) = value { return String(number) }
            return "-"
        }
        let lookup = Dictionary(members, uniquingKeysWith: { first, _ in first })
        lines.append(
            "\(string(lookup["ref"]))  \(string(lookup["status"]))  \(string(lookup["severity"]))  \(string(lookup["category"]))"
        )
        lines.append("Reporter: \(string(lookup["reporter"]))")
        lines.append("Subject:  \(string(lookup["subject"]))")
        lines.append("Created:  \(string(lookup["created_at"]))   Due: \(string(lookup["due_at"]))")
        if case .array(let missing) = lookup["missing"], !missing.isEmpty {
            lines.append("Missing:  " + missing.map { string($0) }.joined(separator: ", "))
        }
        if case .object(let fields) = lookup["fields"] {
            lines.append("")
            lines.append("Fields")
            for (name, value) in fields {
                guard case .object(let detail) = value else { continue }
                let map = Dictionary(detail, uniquingKeysWith: { first, _ in first })
                let shown = string(map["value"]).split(separator: "\n").joined(separator: " ")
                lines.append("  \(name): \(shown.prefix(100))   (from \(string(map["from_message"])))")
                // A value OCR read is marked as such, with the image and the line it was read from.
                let source = string(map["source"])
                if source.hasPrefix("screenshot") {
                    lines.append("      read from a screenshot: " + source.prefix(160))
                }
            }
        }
        for (title, key, columns) in [
            ("Messages", "messages", ["received_at", "direction", "from", "subject"]),
            ("Attachments", "attachments", ["filename", "content_type", "size", "screenshot"]),
            ("Events", "events", ["at", "kind", "detail"]),
            ("Outbox", "outbox", ["kind", "to", "status", "attempts", "subject"]),
        ] {
            guard case .array(let items) = lookup[key], !items.isEmpty else { continue }
            lines.append("")
            lines.append(title)
            for item in items {
                guard case .object(let detail) = item else { continue }
                let map = Dictionary(detail, uniquingKeysWith: { first, _ in first })
                lines.append(
                    "  "
                        + columns.map { column -> String in
                            if case .bool(let flag) = map[column] { return flag ? "screenshot" : "" }
                            return string(map[column])
                        }.joined(separator: "  "))
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Outbox

    public func outbox() throws -> [OutboxRecord] {
        try store.answers()
    }

    public func outboxJSON(_ rows: [OutboxRecord]) throws -> JSONValue {
        let refs = try store.snapshot { try $0.ticketRefs() }
        return .array(
            rows.map { row in
                guard case .object(var members) = Self.outboxEntry(row) else { return .null }
                members.insert(("ticket_ref", .string(row.ticketId.flatMap { refs[$0] })), at: 0)
                return .object(members)
            })
    }

    static func outboxEntry(_ row: OutboxRecord) -> JSONValue {
        .object([
            ("kind", .string(row.kind.rawValue)), ("to", .string(row.recipient)), ("subject", .string(row.subject)),
            ("message_id", .string(row.messageID)), ("status", .string(row.status.rawValue)),
            ("attempts", .int(row.attempts)),
        ])
    }

}

/// Plain-text columns for terminals.
public enum TextTable {
    public static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
