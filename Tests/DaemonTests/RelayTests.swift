import Foundation
import Helpdesk
import HelpdeskTesting
import Testing
import TicketStore

/// The outbox relay against the in-memory SMTP server, with the clock under the test's control: the delivery
/// policy of `OutboxRelay`'s doc comment, rule by rule.
@Suite struct RelayTests {
    /// Two answers queued: a complete report's acknowledgement and an incomplete one's information request.
    func queuedRig() throws -> DaemonRig {
        let rig = try DaemonRig()
        for name in ["01-complete-report", "02-missing-session-and-screenshot"] {
            _ = try rig.context.pipeline.ingest(
                try Samples.email(name), source: .file(path: name), receivedAt: Samples.monday10)
        }
        return rig
    }

    func relayOnce(_ rig: DaemonRig) async throws {
        let wakeups = Wakeups()
        wakeups.markPollerFinished()
        try await rig.relay(health: DaemonHealth(), wakeups: wakeups).run()
    }

    @Test func queuedAnswersAreSentOnceAndRecorded() async throws {
        let rig = try queuedRig()
        try await relayOnce(rig)
        try await relayOnce(rig)
        #expect(rig.smtp.delivered.map(\.recipient) == ["m.ellison@example.edu", "daniel.okafor@example.org"])
        let answers = try rig.answers()
        #expect(answers.map(\.status) == [.sent, .sent] && answers.map(\.attempts) == [1, 1])
        #expect(answers.allSatisfy { $0.sentAt == Samples.monday10 })
        #expect(try rig.events("HD-000001").contains(.answerSent))
    }

    @Test func aTemporaryFailureIsRetriedWhenDueAndOnlyThen() async throws {
        let rig = try queuedRig()
        rig.smtp.fail(DeliveryFailure(isTemporary: true, description: "451 try again later"))
        try await relayOnce(rig)
        var first = try #require(try rig.answers().first)
        #expect(first.status == .queued && first.attempts == 1)
        #expect(first.nextAttemptAt == Samples.monday10 + 60)
        #expect(try rig.events("HD-000001").contains(.answerRetrying))
        #expect(rig.smtp.delivered.count == 1, "the other answer went out")

        try await relayOnce(rig)
        #expect(rig.smtp.delivered.count == 1, "not due yet")
        rig.advance(by: 60)
        try await relayOnce(rig)
        first = try #require(try rig.answers().first)
        #expect(first.status == .sent && first.attempts == 2)
        #expect(rig.smtp.delivered.count == 2)
    }

    @Test func aPermanentFailureFailsTheAnswerForGood() async throws {
        let rig = try queuedRig()
        rig.smtp.fail(DeliveryFailure(isTemporary: false, description: "550 5.1.1 no such user"))
        try await relayOnce(rig)
        rig.advance(by: 86_400)
        try await relayOnce(rig)
        let answers = try rig.answers()
        #expect(answers.map(\.status) == [.failed, .sent])
        #expect(answers[0].lastError == "550 5.1.1 no such user")
        #expect(try rig.events("HD-000001").contains(.answerFailed))
    }

    @Test func temporaryFailuresForTwoDaysAreGivenUp() async throws {
        let rig = try queuedRig()
        rig.advance(by: 48 * 3600)
        rig.smtp.fail(DeliveryFailure(isTemporary: true, description: "451 still down"))
        try await relayOnce(rig)
        #expect(try rig.answers().first?.status == .failed)
    }

    /// A crash after the relay journalled a delivery and before it reached the store: the next start folds the
    /// journal first, so that answer is recorded as sent and not sent again.
    @Test func aJournalLeftByACrashIsFoldedAndNotResent() async throws {
        let rig = try queuedRig()
        let queued = try rig.answers()
        try Data("A \(queued[0].id!)\nD \(queued[0].id!) 1700000100\n".utf8).write(
            to: URL(fileURLWithPath: rig.context.relayJournalPath))
        try await relayOnce(rig)
        let after = try rig.answers()
        #expect(after.map(\.status) == [.sent, .sent])
        #expect(after.first?.sentAt == 1_700_000_100)
        #expect(rig.smtp.delivered.map(\.recipient) == ["daniel.okafor@example.org"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: rig.context.relayJournalPath)).isEmpty)
    }
}
