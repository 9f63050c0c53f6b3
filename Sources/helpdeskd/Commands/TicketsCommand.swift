public import ArgumentParser
import Helpdesk
public import Incident
public import TicketStore

extension TicketStatus: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}

/// `helpdeskd tickets …`: the support staff's view of the store.
struct TicketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets",
        abstract: "List, show and work tickets: reply, note, assign, resolve, close, reopen.",
        subcommands: [
            List.self, Show.self, Reply.self, Note.self, Assign.self, Resolve.self, Close.self, Reopen.self,
        ]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets (a table, or JSON).")
        @OptionGroup var store: StoreOptions
        @Option(help: "open, suspended, redirected, resolved or closed.") var status: TicketStatus?
        @Option(help: "critical or normal.") var severity: Severity?
        @Flag(help: "Print JSON (a documented contract for scripts).") var json = false

        func run() throws {
            let views = TicketViews(store: try store.context().store)
            let tickets = try views.tickets(status: status, severity: severity)
            print(json ? TicketViews.listJSON(tickets).serialized(pretty: true) : TicketViews.table(tickets))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one ticket: fields with provenance, messages, attachments, events, outbox.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The ticket reference, e.g. HD-000123.") var ref: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let shown = try TicketViews(store: try store.context().store).show(ref)
            print(json ? shown.serialized(pretty: true) : TicketViews.text(shown))
        }
    }

    struct Reply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Email the reporter (queued as kind reply, threaded to their newest message).")
        @OptionGroup var store: StoreOptions
        @Argument var ref: String
        @Option(help: "A file with the text of the reply ('-' for standard input).") var bodyFile: String

        func run() throws {
            let text = String(decoding: try InputFiles.read(bodyFile), as: UTF8.self)
            try perform(.reply(text), on: ref, store: store)
        }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an internal note (never emailed).")
        @OptionGroup var store: StoreOptions
        @Argument var ref: String
        @Option(help: "A file with the note ('-' for standard input).") var bodyFile: String

        func run() throws {
            let text = String(decoding: try InputFiles.read(bodyFile), as: UTF8.self)
            try perform(.note(text), on: ref, store: store)
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a ticket to a staff member.")
        @OptionGroup var store: StoreOptions
        @Argument var ref: String
        @Argument(help: "A staff name; omit it to unassign.") var staff: String?

        func run() throws {
            try perform(.assign(staff?.lowercased()), on: ref, store: store)
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a ticket resolved; with --summary-file, email the summary to the reporter.")
        @OptionGroup var store: StoreOptions
        @Argument var ref: String
        @Option(help: "A file with the summary of the work done ('-' for standard input).") var summaryFile: String?

        func run() throws {
            let action = try summaryFile.map {
                StaffAction.resolveWithSummary(String(decoding: try InputFiles.read($0), as: UTF8.self))
            }
            try perform(action ?? .resolve, on: ref, store: store)
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a ticket (final).")
        @OptionGroup var store: StoreOptions
        @Argument var ref: String
        func run() throws { try perform(.close, on: ref, store: store) }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a resolved ticket.")
        @OptionGroup var store: StoreOptions
        @Argument var ref: String
        func run() throws { try perform(.reopen, on: ref, store: store) }
    }
}

/// Carries out one staff action as the user running the command, and prints the ticket's state.
private func perform(_ action: StaffAction, on ref: String, store: StoreOptions) throws {
    do {
        let ticket = try StaffDesk(context: try store.context()).perform(
            action, on: ref, by: actor(), at: WallClock.seconds())
        print("\(ticket.ref) \(ticket.status.rawValue)")
    } catch let error as StaffActionError {
        throw ValidationError(error.description)
    }
}

/// `helpdeskd outbox list`.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Show the automatic answers: queued, sent, failed, suppressed.",
        subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the outbox.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let views = TicketViews(store: try store.context().store)
            let rows = try views.outbox()
            let value = try views.outboxJSON(rows)
            if json {
                print(value.serialized(pretty: true))
                return
            }
            guard case .array(let items) = value else { return }
            let table = items.compactMap { item -> [String]? in
                guard case .object(let members) = item else { return nil }
                return members.map { _, value in
                    switch value {
                    case .string(let text): return text
                    case .int(let number): return String(number)
                    default: return "-"
                    }
                }
            }
            print(
                TextTable.render(
                    header: ["TICKET", "KIND", "TO", "SUBJECT", "MESSAGE-ID", "STATUS", "ATTEMPTS"], rows: table))
        }
    }
}

/// Who ran a staff command, for the audit trail.
func actor() -> String {
    ProcessInfoUser.name
}
