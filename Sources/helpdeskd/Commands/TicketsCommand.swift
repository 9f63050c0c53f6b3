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
        abstract: "List, show, resolve and close tickets.",
        subcommands: [List.self, Show.self, Resolve.self, Close.self]
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

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a ticket resolved.")
        @OptionGroup var store: StoreOptions
        @Argument var ref: String
        func run() throws {
            let ticket = try StaffDesk(context: try store.context())
                .perform(.resolve, on: ref, by: actor(), at: WallClock.seconds())
            print("\(ticket.ref) \(ticket.status.rawValue)")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a ticket (final).")
        @OptionGroup var store: StoreOptions
        @Argument var ref: String
        func run() throws {
            let ticket = try StaffDesk(context: try store.context())
                .perform(.close, on: ref, by: actor(), at: WallClock.seconds())
            print("\(ticket.ref) \(ticket.status.rawValue)")
        }
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
