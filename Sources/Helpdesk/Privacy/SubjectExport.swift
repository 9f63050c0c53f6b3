import Digest
import Foundation
import Glibc
public import TicketStore

/// Answers an access or portability request: everything the store holds that is tied to one
/// address, written to a new directory as standard files plus a JSON manifest.
///
/// ```
/// DIR/manifest.json                      what is there, and what each file is
/// DIR/messages/<ticket>/<n>.eml          their emails, byte for byte as received
/// DIR/messages/no-ticket/<n>.eml         their emails filed on no ticket (automated mail)
/// DIR/answers/<ticket>/<n>.eml           the automatic answers sent to them
/// DIR/attachments/<sha256>.<ext>         attachment content, once per content
/// ```
///
/// What is "theirs" is `SubjectScope`'s rule. On tickets they reported, the ticket's fields and
/// events are included; messages other people sent there without addressing them, and answers to
/// those people, are not (the manifest counts them as `withheld`). On other people's tickets, only
/// the messages they sent or received, the values their own messages supplied and the events about
/// those messages are included. Directories are created 0700 and files 0600; an existing non-empty
/// directory is refused, so an export never mixes with other files.
public struct SubjectExport: Sendable {
    let store: any TicketStore
    let retentionDays: Int?

    public init(store: any TicketStore, retentionDays: Int? = nil) {
        self.store = store
        self.retentionDays = retentionDays
    }

    /// What an export wrote.
    public struct Summary: Sendable, Equatable {
        public var manifest: String
        public var tickets = 0
        public var messages = 0
        public var answers = 0
        public var attachments = 0
        public var events = 0
        public var fieldValues = 0
        public var withheldMessages = 0
        public var withheldAnswers = 0
    }

    /// Why an export could not be written, with a `code` to switch on.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable, CaseIterable {
            /// The target exists and is not an empty directory: an export never mixes with other files.
            case notAnEmptyDirectory
            /// The directory could not be made private (chmod 700).
            case notPrivate
            /// A directory or file could not be created or written (the description has the system's reason).
            case cannotWrite
        }

        public let code: Code
        public let description: String

        init(_ code: Code, _ description: String) {
            self.code = code
            self.description = description
        }
    }

    /// Writes the export for `subject` into `directory` (created, or existing and empty).
    public func write(_ subject: SubjectAddress, to directory: String, now: Int64) throws -> Summary {
        let files = try ExportFiles(root: directory)
        return try store.snapshot { snapshot in
            let scan = try MentionScan.run(snapshot, for: subject)
            let scope = try SubjectScope.collect(snapshot, subject: subject, scan: scan)
            var builder = ManifestBuilder(snapshot: snapshot, scope: scope, files: files)
            let manifest = try builder.build(now: now, retentionDays: retentionDays)
            try files.write("manifest.json", Array((manifest.serialized(pretty: true) + "\n").utf8))
            builder.summary.manifest = files.root + "/manifest.json"
            return builder.summary
        }
    }
}

/// Builds the manifest while writing the files it references.
private struct ManifestBuilder {
    let snapshot: any TicketSnapshot
    let scope: SubjectScope
    let files: ExportFiles
    var summary = SubjectExport.Summary(manifest: "")
    /// Attachment files written so far, by SHA-256.
    var attachmentFiles: [String: String] = [:]

    init(snapshot: any TicketSnapshot, scope: SubjectScope, files: ExportFiles) {
        self.snapshot = snapshot
        self.scope = scope
        self.files = files
    }

    mutating func build(now: Int64, retentionDays: Int?) throws -> JSONValue {
        let subject = scope.subject
        let tickets = (scope.ownTickets + scope.otherTickets).sorted { $0.number < $1.number }
        var ticketEntries: [JSONValue] = []
        for ticket in tickets { ticketEntries.append(try ticketEntry(ticket)) }

        // Their messages and answers filed on no ticket (automated mail, mostly).
        let loose = scope.messages.filter { $0.ticketId == nil }
        let looseFiles = try writeMessages(loose, folder: "no-ticket")
        var looseEntries: [JSONValue] = []
        for message in loose {
            let events = try snapshot.events(messageID: message.id!)
            summary.events += events.count
            guard case .object(var members) = try messageEntry(message, file: looseFiles[message.id!]!) else {
                continue
            }
            members.append(("events", .array(events.map { eventEntry($0, messageFiles: looseFiles) })))
            looseEntries.append(.object(members))
        }
        let looseAnswers = try answerEntries(scope.answers.filter { $0.ticketId == nil }, folder: "no-ticket")

        var members: [(String, JSONValue)] = [
            ("format", .string("helpdeskd-subject-export")),
            ("version", .int(1)),
            ("subject", .string(subject.value)),
            ("generated_at", .string(Timestamp.iso(now))),
            ("generator", .string("helpdeskd " + HelpdeskVersion.current)),
        ]
        if let retentionDays {
            members.append(("retention_days", .int(retentionDays)))
            members.append(
                (
                    "retention",
                    .string(
                        "resolved, closed and password-reset tickets are deleted \(retentionDays) days after their last "
                            + "change; open and suspended tickets are kept while they are being worked on")
                ))
        }
        members += [
            (
                "counts",
                .object([
                    ("tickets", .int(summary.tickets)), ("messages", .int(summary.messages)),
                    ("answers", .int(summary.answers)), ("attachments", .int(summary.attachments)),
                    ("events", .int(summary.events)), ("field_values", .int(summary.fieldValues)),
                ])
            ),
            ("tickets", .array(ticketEntries)),
            ("messages_without_ticket", .array(looseEntries)),
            ("answers_without_ticket", .array(looseAnswers)),
            (
                "attachments",
                .array(
                    attachmentFiles.keys.sorted().map { sha in
                        .object([("file", .string(attachmentFiles[sha]!)), ("sha256", .string(sha))])
                    })
            ),
        ]
        return .object(members)
    }

    private mutating func ticketEntry(_ ticket: TicketRecord) throws -> JSONValue {
        let id = ticket.id!
        let role = scope.role(of: ticket)
        let isOwn = role == "reporter"
        summary.tickets += 1
        let messages = scope.messages.filter { $0.ticketId == id }
        let messageFiles = try writeMessages(messages, folder: ExportFiles.safeName(ticket.ref))
        let included = Set(messages.compactMap(\.id))

        var members: [(String, JSONValue)] = [
            ("ref", .string(ticket.ref)), ("role", .string(role)), ("status", .string(ticket.status.rawValue)),
        ]
        var fields: [FieldValueRecord]
        var events: [EventRecord]
        if isOwn {
            members += [
                ("severity", .string(ticket.severity.rawValue)), ("category", .string(ticket.category)),
                ("subject", .string(ticket.subject)),
                (
                    "reporter",
                    .object([("name", .string(ticket.reporterName)), ("address", .string(ticket.reporterAddress))])
                ),
                ("copied", .array(ticket.copiedAddresses.split(separator: " ").map { .string(String($0)) })),
                ("created_at", .string(Timestamp.iso(ticket.createdAt))),
                ("updated_at", .string(Timestamp.iso(ticket.updatedAt))),
                ("due_at", .string(ticket.dueAt.map(Timestamp.iso))),
                ("missing", .array(ticket.missingFields.map { .string($0) })),
            ]
            fields = try snapshot.fieldValues(ticketID: id)
            events = try snapshot.events(ticketID: id)
        } else {
            members += [
                ("subject", .string(ticket.subject)),
                ("created_at", .string(Timestamp.iso(ticket.createdAt))),
                ("updated_at", .string(Timestamp.iso(ticket.updatedAt))),
            ]
            fields = try snapshot.fieldValues(ticketID: id, suppliedByAnyOf: scope.sent.intersection(included))
            events = try snapshot.events(ticketID: id, aboutAnyOf: included)
        }
        summary.fieldValues += fields.count
        summary.events += events.count
        members.append(
            (
                "fields",
                .array(
                    fields.map { value in
                        .object([
                            ("field", .string(value.field)), ("value", .string(value.value)),
                            ("current", .bool(value.current)),
                            ("recorded_at", .string(Timestamp.iso(value.recordedAt))),
                            ("message", .string(value.messageId.flatMap { messageFiles[$0] })),
                        ])
                    })
            ))
        members.append(("events", .array(events.map { eventEntry($0, messageFiles: messageFiles) })))
        var messageEntries: [JSONValue] = []
        for message in messages { messageEntries.append(try messageEntry(message, file: messageFiles[message.id!]!)) }
        members.append(("messages", .array(messageEntries)))
        let answers = scope.answers.filter { $0.ticketId == id }
        members.append(("answers", .array(try answerEntries(answers, folder: ExportFiles.safeName(ticket.ref)))))
        if isOwn {
            let all = try snapshot.dependents(ofTickets: [id])
            let (allMessages, allAnswers) = (all.messages, all.outboxRows)
            let withheld = (messages: allMessages - messages.count, answers: allAnswers - answers.count)
            summary.withheldMessages += withheld.messages
            summary.withheldAnswers += withheld.answers
            if withheld.messages > 0 || withheld.answers > 0 {
                members.append(
                    (
                        "withheld",
                        .object([
                            ("messages", .int(withheld.messages)), ("answers", .int(withheld.answers)),
                            ("reason", .string("sent by or to other people without you as an addressee: their data")),
                        ])
                    ))
            }
        }
        return .object(members)
    }

    private func eventEntry(_ event: EventRecord, messageFiles: [Int64: String]) -> JSONValue {
        .object([
            ("at", .string(Timestamp.iso(event.at))), ("kind", .string(event.kind.rawValue)),
            ("detail", .string(event.detail)),
            ("message", .string(event.messageId.flatMap { messageFiles[$0] })),
        ])
    }

    /// Writes `messages/<folder>/<n>.eml` for each message, in order; returns the paths by row id.
    private mutating func writeMessages(_ messages: [MessageRecord], folder: String) throws -> [Int64: String] {
        var paths: [Int64: String] = [:]
        for (index, message) in messages.enumerated() {
            let path = "messages/\(folder)/\(index + 1).eml"
            try files.write(path, message.raw)
            paths[message.id!] = path
            summary.messages += 1
        }
        return paths
    }

    private mutating func messageEntry(_ message: MessageRecord, file: String) throws -> JSONValue {
        let links = try snapshot.attachmentLinks(messageIDs: [message.id!])
        var attachments: [JSONValue] = []
        for link in links {
            guard let content = try snapshot.attachment(sha256: link.sha256) else { continue }
            let path: String
            if let written = attachmentFiles[link.sha256] {
                path = written
            } else {
                path =
                    "attachments/\(link.sha256).\(ExportFiles.fileExtension(contentType: content.contentType, filename: link.filename))"
                try files.write(path, content.bytes)
                attachmentFiles[link.sha256] = path
                summary.attachments += 1
            }
            attachments.append(
                .object([
                    ("file", .string(path)), ("sha256", .string(link.sha256)), ("size", .int(content.size)),
                    ("filename", .string(link.filename)), ("content_type", .string(content.contentType)),
                    ("declared_type", .string(link.declaredType)), ("part", .string(link.part)),
                    ("screenshot", .bool(link.isScreenshot)), ("width", link.width.map { .int($0) } ?? .null),
                    ("height", link.height.map { .int($0) } ?? .null),
                ]))
        }
        return .object([
            ("file", .string(file)), ("sha256", .string(SHA256.hex([UInt8](message.raw)))),
            ("size", .int(message.raw.count)),
            ("direction", .string(message.direction.rawValue)), ("message_id", .string(message.messageID)),
            ("from", .string(message.fromAddress)), ("subject", .string(message.subject)),
            ("received_at", .string(Timestamp.iso(message.receivedAt))), ("automated", .string(message.automated)),
            ("attachments", .array(attachments)),
        ])
    }

    private mutating func answerEntries(_ answers: [OutboxRecord], folder: String) throws -> [JSONValue] {
        var entries: [JSONValue] = []
        for (index, answer) in answers.enumerated() {
            let path = "answers/\(folder)/\(index + 1).eml"
            try files.write(path, answer.raw)
            summary.answers += 1
            entries.append(
                .object([
                    ("file", .string(path)), ("sha256", .string(SHA256.hex([UInt8](answer.raw)))),
                    ("size", .int(answer.raw.count)),
                    ("kind", .string(answer.kind.rawValue)), ("to", .string(answer.recipient)),
                    ("subject", .string(answer.subject)),
                    ("message_id", .string(answer.messageID)), ("status", .string(answer.status.rawValue)),
                    ("created_at", .string(Timestamp.iso(answer.createdAt))),
                    ("sent_at", .string(answer.sentAt.map(Timestamp.iso))),
                ]))
        }
        return entries
    }
}

/// The export directory: private, new or empty, written with exclusive creates.
struct ExportFiles: Sendable {
    let root: String

    /// Creates `root` (0700) or accepts it when it exists, is a directory and is empty.
    init(root path: String) throws {
        var root = path
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
        var status = stat()
        if lstat(root, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw SubjectExport.Failure(.notAnEmptyDirectory, "\(root) exists and is not a directory")
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? ["?"]
            guard entries.isEmpty else {
                throw SubjectExport.Failure(
                    .notAnEmptyDirectory,
                    "\(root) is not empty; export into a new or empty directory, so the export holds only this person's data"
                )
            }
            guard status.st_uid == geteuid(), chmod(root, 0o700) == 0 else {
                throw SubjectExport.Failure(
                    .notPrivate, "cannot make \(root) private (chmod 700): \(String(cString: strerror(errno)))")
            }
        } else {
            guard mkdir(root, 0o700) == 0 else {
                throw SubjectExport.Failure(.cannotWrite, "cannot create \(root): \(String(cString: strerror(errno)))")
            }
            chmod(root, 0o700)
        }
    }

    /// Writes a new file (0600) at `relative`, creating its directories (0700).
    func write(_ relative: String, _ bytes: some Collection<UInt8>) throws {
        var directory = root
        for component in relative.split(separator: "/").dropLast() {
            directory += "/" + component
            if mkdir(directory, 0o700) == 0 {
                chmod(directory, 0o700)
            } else if errno != EEXIST {
                throw SubjectExport.Failure(
                    .cannotWrite, "cannot create \(directory): \(String(cString: strerror(errno)))")
            }
        }
        let path = root + "/" + relative
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SubjectExport.Failure(.cannotWrite, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let data = Array(bytes)
        var written = 0
        while written < data.count {
            let result = data.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, data.count - written)
            }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else {
                throw SubjectExport.Failure(.cannotWrite, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += result
        }
    }

    /// A ticket reference as a directory name: letters, digits, '-' and '_' only.
    static func safeName(_ text: String) -> String {
        String(
            text.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")
                    ? Character(scalar) : "_"
            })
    }

    /// A file extension for attachment content: from the content type, else the file name's, else "bin".
    static func fileExtension(contentType: String, filename: String?) -> String {
        let known: [String: String] = [
            "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/bmp": "bmp",
            "image/tiff": "tif", "image/heic": "heic", "image/heif": "heif", "image/svg+xml": "svg",
            "application/pdf": "pdf", "text/plain": "txt", "text/html": "html", "text/csv": "csv",
            "application/zip": "zip", "application/gzip": "gz", "application/json": "json", "message/rfc822": "eml",
            "application/msword": "doc", "application/vnd.ms-excel": "xls",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
            "video/mp4": "mp4", "video/webm": "webm", "audio/mpeg": "mp3",
        ]
        if let ext = known[contentType.lowercased()] { return ext }
        if let filename, let dot = filename.lastIndex(of: ".") {
            let ext = filename[filename.index(after: dot)...].lowercased()
            if (1...8).contains(ext.count),
                ext.unicodeScalars.allSatisfy({ $0.isASCII && CharacterSet.alphanumerics.contains($0) })
            {
                return ext
            }
        }
        return "bin"
    }
}
