import Foundation
import Helpdesk
import Incident
import MIME
import TicketStore

/// Reads one ticket for its page: the store's rows on one snapshot, then each email's MIME structure parsed again
/// (off the snapshot) for its text. Where each value came from and when a screenshot was taken were recorded at
/// intake (`FieldValueRecord.source`, `MessageAttachmentRecord.takenAt`): extraction is not run again.
struct TicketReader {
    let context: HelpdeskContext

    /// Everything the ticket page shows.
    struct View {
        var ticket: TicketRecord
        var fields: [TicketPage.FieldRow]
        var conversation: [TicketPage.Entry]
        var events: [EventRecord]
        var staffNames: [String]
    }

    /// An image as served.
    struct Image {
        var name: String
        var contentType: String
        var bytes: [UInt8]
    }

    /// The raster types a browser shows as pictures and nothing else.
    static let imageTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]

    func read(_ ref: String) async throws -> View? {
        let rows = try await context.store.snapshot { snapshot -> Rows? in
            guard let ticket = try snapshot.ticket(ref: ref), let id = ticket.id else { return nil }
            let messages = try snapshot.messages(ticketID: id)
            let links = try snapshot.attachmentLinks(messageIDs: Set(messages.compactMap(\.id)))
            return Rows(
                ticket: ticket,
                values: try snapshot.currentFieldValues(ticketID: id).values.sorted { $0.field < $1.field },
                messages: messages, links: links,
                sizes: try snapshot.attachmentSizes(sha256s: Set(links.map(\.sha256))),
                events: try snapshot.events(ticketID: id), answers: try snapshot.answers(ticketID: id),
                staffNames: try snapshot.staffMembers().filter { !$0.disabled }.map(\.name))
        }
        guard let rows else { return nil }
        var conversation: [TicketPage.Entry] = []
        let parser = MIMEParser(limits: context.configuration.parserLimits)
        for message in rows.messages {
            let content = MessageContent(parser.parse([UInt8](message.raw)))
            let files = rows.links.filter { $0.messageId == message.id }.map { link in
                let isImage = Self.imageTypes.contains(link.declaredType.lowercased()) || link.isScreenshot
                return TicketPage.File(
                    name: link.filename ?? "part \(link.part)", contentType: link.declaredType,
                    size: rows.sizes[link.sha256],
                    width: link.width, height: link.height, takenAt: link.takenAt,
                    url: isImage ? "/tickets/\(rows.ticket.ref)/files/\(link.id ?? 0)" : nil)
            }
            conversation.append(
                TicketPage.Entry(
                    inbound: message.direction == .inbound, from: message.fromAddress, at: message.receivedAt,
                    subject: message.subject, text: content.text ?? "(no text)", status: message.automated,
                    files: files))
        }
        // Mail to staff (notifications, bounces) is not part of the conversation with the customer; the audit
        // trail lists it (`answer-queued`, `answer-sent`).
        for answer in rows.answers where !answer.kind.isToStaff {
            let content = MessageContent(MIMEParser().parse([UInt8](answer.raw)))
            conversation.append(
                TicketPage.Entry(
                    inbound: false, from: answer.recipient, at: answer.createdAt, subject: answer.subject,
                    text: content.text ?? "", status: "\(answer.kind.rawValue), \(answer.status.rawValue)", files: []))
        }
        conversation.sort { $0.at < $1.at }
        let fields = rows.values.map { value -> TicketPage.FieldRow in
            TicketPage.FieldRow(
                field: value.field, value: value.value,
                source: Self.source(of: value, messages: rows.messages))
        }
        return View(
            ticket: rows.ticket, fields: fields, conversation: conversation, events: rows.events,
            staffNames: rows.staffNames)
    }

    /// "message of 2024-11-12 09:14 UTC from anna@example.edu · label “Session ID”: the line"
    static func source(of value: FieldValueRecord, messages: [MessageRecord]) -> String {
        guard let id = value.messageId, let message = messages.first(where: { $0.id == id }) else {
            return "recorded \(Clock.time(value.recordedAt)), no message"
        }
        let text = "message of \(Clock.time(message.receivedAt)) from \(message.fromAddress)"
        return value.source.isEmpty ? text : text + " · " + value.source
    }

    /// The image `linkID` of ticket `ref`, nil when the ticket has no such attachment or it is not a raster
    /// image by its own bytes (the declared type is the sender's claim; the bytes decide).
    func image(ref: String, linkID: Int64) async throws -> Image? {
        try await context.store.snapshot { snapshot -> Image? in
            guard let ticket = try snapshot.ticket(ref: ref), let id = ticket.id else { return nil }
            let messageIDs = try snapshot.messageIDs(onTickets: [id])
            guard let link = try snapshot.attachmentLinks(messageIDs: messageIDs).first(where: { $0.id == linkID }),
                let attachment = try snapshot.attachment(sha256: link.sha256)
            else { return nil }
            let bytes = [UInt8](attachment.bytes)
            guard let detected = MagicBytes.detect(bytes), Self.imageTypes.contains(detected) else { return nil }
            return Image(name: link.filename ?? "image", contentType: detected, bytes: bytes)
        }
    }

    private struct Rows: Sendable {
        var ticket: TicketRecord
        var values: [FieldValueRecord]
        var messages: [MessageRecord]
        var links: [MessageAttachmentRecord]
        var sizes: [String: Int64]
        var events: [EventRecord]
        var answers: [OutboxRecord]
        var staffNames: [String]
    }
}
