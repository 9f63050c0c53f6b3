import Foundation
import Helpdesk
import HelpdeskTesting
import Testing
import TicketStore

/// The poller against the in-memory IMAP server: what MailTests' DaemonIntegrationTests prove against Dovecot,
/// in milliseconds.
@Suite struct PollerTests {
    @Test func everyEmailIsStoredOnceMovedAndAnswered() async throws {
        let rig = try DaemonRig()
        for name in ["01-complete-report", "02-missing-session-and-screenshot", "05-password-reset", "07-bounce"] {
            rig.imap.deliver(try Samples.email(name))
        }
        let health = try await rig.runOnce()

        #expect(rig.imap.messages().isEmpty)
        #expect(rig.imap.messages(in: "Processed").count == 4)
        #expect(try rig.tickets().map(\.status) == [.open, .suspended, .redirected])
        // The bounce is stored and never answered.
        #expect(rig.smtp.delivered.count == 3)
        #expect(try rig.answers().allSatisfy { $0.status == .sent })
        #expect(health.snapshot.ingestedSinceStart == 4)
        #expect(health.snapshot.lastPollAt == Samples.monday10)
        // Moves are batched: one command for all four.
        #expect(rig.imap.commands(.move) == 1)
    }

    @Test func aSecondPollFindsNothingNewAndAnswersNothingTwice() async throws {
        let rig = try DaemonRig()
        rig.imap.deliver(try Samples.email("01-complete-report"))
        try await rig.runOnce()
        try await rig.runOnce()
        #expect(try rig.tickets().count == 1)
        #expect(rig.smtp.delivered.count == 1)
    }

    /// Commit, then move: when the move fails (the server went away), the stored emails stay in the inbox, and the
    /// next poll recognises them by their IMAP position instead of storing or answering them again.
    @Test func emailsStoredButNotMovedAreDuplicatesAtTheNextPoll() async throws {
        let rig = try DaemonRig()
        rig.imap.deliver(try Samples.email("01-complete-report"))
        rig.imap.deliver(try Samples.email("03-outlook-html-only"))
        rig.imap.fail(.move, with: MemoryMailError.noSuchMessage(0))
        try await rig.runOnce()

        #expect(rig.imap.messages().isEmpty)
        #expect(try rig.tickets().count == 2)
        #expect(rig.smtp.delivered.count == 2)
        #expect(rig.imap.sessions == 2, "the failed poll logged out; the retry logged in again")
    }

    @Test func anEmailOverTheSizeLimitIsQuarantinedAndItsSenderToldTheLimit() async throws {
        let rig = try DaemonRig { $0.imap.maxMessageSize = 2_000 }
        rig.imap.deliver(Samples.report(1))
        rig.imap.deliver(Samples.report(2, bodyBytes: 5_000))
        rig.imap.deliver(Samples.report(3))
        try await rig.runOnce()

        #expect(rig.imap.messages(in: "Quarantine").count == 1)
        #expect(rig.imap.messages(in: "Processed").count == 2)
        #expect(rig.imap.commands(.fetchHeader) == 1)
        #expect(try rig.tickets().map(\.ref) == ["HD-000001", "HD-000002", "HD-000003"], "mailbox order is kept")
        #expect(try rig.answers().map(\.kind) == [.informationRequest, .tooLarge, .informationRequest])
    }

    /// A store fault (a full disk) is nobody's email's fault: nothing is quarantined, the mail waits in the
    /// mailbox, `status` says the store is unavailable, and the next poll after the store recovers takes it.
    @Test func aFullStoreLeavesMailInTheMailboxAndIntakeResumesByItself() async throws {
        let rig = try DaemonRig()
        rig.imap.deliver(try Samples.email("01-complete-report"))
        rig.faulty.failing = true
        let health = try await rig.runOnce()
        #expect(rig.imap.messages().count == 1, "mail the store cannot take stays in the mailbox")
        #expect(health.snapshot.storeUnavailable)
        #expect(health.snapshot.lastError?.contains("store refused the write") == true)

        rig.faulty.failing = false
        let recovered = try await rig.runOnce()
        #expect(rig.imap.messages().isEmpty)
        #expect(try rig.tickets().count == 1)
        #expect(!recovered.snapshot.storeUnavailable)
    }

    @Test func markOnlyModeKeepsMailAndARenumberedMailboxCreatesNoDuplicates() async throws {
        let rig = try DaemonRig { $0.imap.markOnly = "$Helpdesk" }
        rig.imap.deliver(try Samples.email("01-complete-report"))
        rig.imap.deliver(try Samples.email("03-outlook-html-only"))
        try await rig.runOnce()
        #expect(rig.imap.messages().allSatisfy { $0.keywords == ["$Helpdesk"] })
        #expect(try rig.store.mailboxState("memory://INBOX")?.highestUID == 2)

        rig.imap.renumber()
        try await rig.runOnce()
        #expect(try rig.tickets().count == 2)
        #expect(rig.smtp.delivered.count == 2)
    }

    /// Between polls the poller waits in IDLE: mail that lands is taken at once, not at the next poll.
    @Test func idleTakesNewMailWithoutWaitingForThePoll() async throws {
        let rig = try DaemonRig { $0.imap.pollInterval = 300 }
        let health = DaemonHealth()
        let wakeups = Wakeups()
        let poller = rig.poller(once: false, idle: true, health: health, wakeups: wakeups)
        let running = Task { try await poller.run() }
        defer {
            rig.imap.stop()
            running.cancel()
        }
        // Generous timeouts: beside the whole test suite, a 2-core machine may take a while to get to the poller.
        try await eventually(timeout: .seconds(120)) { health.snapshot.lastPollAt != nil }
        let started = ContinuousClock.now
        rig.imap.deliver(try Samples.email("01-complete-report"))
        try await eventually(timeout: .seconds(120)) { (try? rig.tickets().count) == 1 }
        // The poll interval is 300 s: only IDLE can have taken it this soon (alone, it takes milliseconds).
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}

/// Waits until `condition` holds, checking every 10 ms, for at most `timeout`.
func eventually(
    timeout: Duration = .seconds(5), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @escaping () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
