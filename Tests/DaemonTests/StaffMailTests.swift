import Incident
import Testing
import TicketStore

@testable import Helpdesk

/// `StaffMail` alone: how a staff member's new lines become commands, text and `StaffAction`s.
@Suite struct StaffMailTests {
    func read(_ text: String) throws(StaffActionError) -> StaffMail {
        try StaffMail.read(text.split(separator: "\n", omittingEmptySubsequences: false))
    }

    @Test func plainTextIsAReply() throws {
        let mail = try read("\nWe reset the session.\nPlease start again.\n")
        #expect(mail.commands.isEmpty && mail.text == "We reset the session.\nPlease start again.")
        #expect(mail.actions == [.reply("We reset the session.\nPlease start again.")])
        #expect(mail.answersCustomer)
    }

    @Test func noteAndResolveTakeTheText() throws {
        #expect(try read("#note\nCalled the proctor.").actions == [.note("Called the proctor.")])
        #expect(try !read("#note\nCalled the proctor.").answersCustomer)
        #expect(try read("#resolve\nRestored.").actions == [.resolveWithSummary("Restored.")])
        #expect(try read("#Resolve").actions == [.resolve], "commands are case-insensitive; no text, no summary")
    }

    @Test func otherCommandsFollowTheReply() throws {
        let mail = try read("#severity Critical\n#assign Olga\n#ask session_id, screenshots\n#close\nOn it.")
        #expect(
            mail.actions == [
                .reply("On it."), .setSeverity(.critical), .assign("olga"), .askForData(["session_id", "screenshots"]),
                .close,
            ])
        #expect(try read("#assign nobody").actions == [.assign(nil)])
        #expect(try read("#open").commands == [.open])
    }

    @Test func aHashLaterInTheTextIsText() throws {
        let mail = try read("Look at ticket\n#2 in the list")
        #expect(mail.commands.isEmpty && mail.text == "Look at ticket\n#2 in the list")
    }

    @Test func badCommandsSayWhy() {
        #expect(throws: StaffActionError.self) { try read("#frobnicate") }
        #expect(throws: StaffActionError.self) { try read("#severity urgent") }
        #expect(throws: StaffActionError.self) { try read("#ask") }
        #expect(throws: StaffActionError.self) { try read("#close now") }
        #expect(throws: StaffActionError.self) { try read("#assign two names") }
        #expect(throws: StaffActionError.self) { try read(String(repeating: "#note\n", count: 11)) }
        do {
            _ = try read("#frobnicate\nHello")
        } catch {
            #expect(error.description == "#frobnicate is not a command")
        }
    }

    @Test func aLongCommandLineCostsItsFirstCharactersOnly() throws {
        let line = "#ask " + String(repeating: "session_id,", count: 100_000)
        let mail = try read(line)
        guard case .ask(let fields) = mail.commands.first else {
            Issue.record("not an #ask")
            return
        }
        #expect(fields.count <= 300)
    }
}
