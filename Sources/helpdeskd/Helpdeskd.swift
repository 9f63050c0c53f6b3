import ArgumentParser
import Helpdesk

@main
struct Helpdeskd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helpdeskd",
        abstract: "Email intake for a support helpdesk: turns mail into triaged tickets and answers the sender.",
        discussion: """
            helpdeskd polls the helpdesk's IMAP mailbox, parses every message into an incident report,
            checks the report's required fields, stores a ticket in SQLite and answers the sender.
            """,
        version: HelpdeskVersion.current,
        subcommands: [
            ParseCommand.self, ExtractCommand.self, IngestCommand.self, TicketsCommand.self, OutboxCommand.self,
            StatusCommand.self, CheckConfigCommand.self, SubjectCommand.self, PurgeCommand.self, BackupCommand.self,
            RestoreCommand.self, RunCommand.self, WebCommand.self, StaffCommand.self, OCRCommand.self,
            OAuthCommand.self,
            OCRWorkerCommand.self,
        ]
    )
}
