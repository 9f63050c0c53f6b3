import Foundation
import HelpdeskTesting
import Logging
import Synchronization
import Testing
import TicketStore

@testable import Helpdesk

/// The poller's store stage on its own: what the poller's lane hands it comes back in mailbox order, one email's
/// fault is that email's alone, and after a store fault nothing more is committed.
@Suite struct StoreStageTests {
    struct Refused: Error {}

    func submit(_ rig: DaemonRig, _ emails: [[UInt8]]) -> [StoreStage.Pending] {
        let poller = rig.poller(health: DaemonHealth(), wakeups: Wakeups())
        let stage = StoreStage(label: "test.store", poller: poller, context: rig.context)
        return emails.enumerated().map { index, raw in
            let arrival = IntakePipeline.Arrival(
                email: rig.context.pipeline.analyse(raw),
                source: .imap(mailbox: "INBOX", uidValidity: 1, uid: Int64(index + 1)), receivedAt: Samples.monday10)
            return stage.submit(uid: UInt32(index + 1), .email(arrival, logger: Logger(label: "test")))
        }
    }

    @Test func emailsComeBackProcessedInMailboxOrder() throws {
        let rig = try DaemonRig()
        let pending = submit(rig, (1...12).map { Samples.report($0) })
        let dispositions = try pending.map { try $0.wait() }
        #expect(dispositions.allSatisfy { $0 == .processed })
        #expect(pending.map(\.uid) == Array(1...12))
        let tickets = try rig.tickets()
        #expect(tickets.map(\.ref) == (1...12).map { String(format: "HD-%06d", $0) })
        #expect(tickets.map(\.reporterAddress) == (1...12).map { "customer\($0)@example.test" })
    }

    @Test func anEmailThePipelineCannotTakeIsQuarantinedAlone() throws {
        // The second email's transaction fails after its message was stored.
        let calls = CallCounter()
        let counting = try DaemonRig(checkpoint: { point in
            if point == "message-stored", calls.next() == 2 { throw Refused() }
        })
        let pending = submit(counting, (1...3).map { Samples.report($0) })
        #expect(try pending.map { try $0.wait() } == [.processed, .quarantine, .processed])
        #expect(try counting.tickets().count == 2)
        #expect(try counting.store.summary(now: Samples.monday10).quarantined == 1)
    }

    @Test func afterAStoreFaultNothingMoreIsCommitted() throws {
        let rig = try DaemonRig()
        rig.faulty.failing = true
        let pending = submit(rig, (1...4).map { Samples.report($0) })
        for item in pending {
            #expect(throws: StoreUnavailable.self) { try item.wait() }
        }
        rig.faulty.failing = false
        #expect(try rig.tickets().isEmpty)
    }
}

/// Counts calls from any thread.
final class CallCounter: Sendable {
    private let count = Mutex(0)
    func next() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
}
