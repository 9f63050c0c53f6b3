import Foundation
import Incident
import Testing

@testable import TicketStore

/// The staff workspace's queries: the queue's order and filters, its full-text search kept in step by triggers,
/// and sessions.
@Suite struct WorkspaceQueriesTests {
    static func ticket(
        _ number: Int64, status: TicketStatus = .open, severity: Severity = .normal, due: Int64?,
        subject: String = "Exam will not load", reporter: String = "anna@example.edu", missing: String = ""
    ) -> TicketRecord {
        TicketRecord(
            number: number, ref: String(format: "HD-%06d", number), status: status, severity: severity,
            category: "exam-access", reporterAddress: reporter, copiedAddresses: "", subject: subject, missing: missing,
            createdAt: number, updatedAt: number, slaConsumed: 0, dueAt: due, answersSent: 0)
    }

    func store(_ tickets: [TicketRecord]) throws -> SQLiteTicketStore {
        let store = try SQLiteTicketStore(path: temporaryDirectory() + "/workspace.sqlite")
        try store.transaction { transaction in
            for ticket in tickets { _ = try transaction.insert(ticket) }
        }
        return store
    }

    @Test func theQueueShowsTheMostUrgentFirstAndNoFinishedTickets() throws {
        let store = try store([
            Self.ticket(1, due: 5000), Self.ticket(2, status: .suspended, due: nil), Self.ticket(3, due: 1000),
            Self.ticket(4, status: .resolved, due: 10), Self.ticket(5, severity: .critical, due: 3000),
        ])
        let refs = try store.snapshot { try $0.queue(QueueFilter()) }.map(\.number)
        #expect(refs == [3, 5, 1, 2])
        var critical = QueueFilter()
        critical.severity = .critical
        #expect(try store.snapshot { try $0.queue(critical) }.map(\.number) == [5])
        var two = QueueFilter()
        two.limit = 2
        #expect(try store.snapshot { try $0.queue(two) }.map(\.number) == [3, 5], "the most urgent, cut at the limit")
        #expect(try store.snapshot { try $0.queueSize(two) } == 4)
        let counts = try store.snapshot { try $0.ticketCounts() }
        #expect(counts[.open] == 3 && counts[.suspended] == 1 && counts[.resolved] == 1 && counts[.closed] == 0)
    }

    @Test func searchFindsWordsOfTheSubjectReporterAndValuesAsPrefixes() throws {
        let store = try store([
            Self.ticket(1, due: 1, subject: "Webcam frozen"),
            Self.ticket(2, due: 2, subject: "Login fails", reporter: "björn@example.org"),
        ])
        try store.transaction { transaction in
            _ = try transaction.setField(
                "description", to: "Proctorio extension crashed", ticketID: 1, messageID: nil, at: 3)
        }
        func find(_ words: String) throws -> [Int64] {
            var filter = QueueFilter()
            filter.search = words
            return try store.snapshot { try $0.queue(filter) }.map(\.number)
        }
        #expect(try find("webc") == [1])
        #expect(try find("bjorn") == [2], "diacritics are folded")
        #expect(try find("proctorio crash") == [1])
        #expect(try find("\" OR * NEAR(") == [], "operators are words, not syntax")
        // A value replaced (as erasure and corrections do) is no longer found.
        try store.transaction { transaction in
            _ = try transaction.setField("description", to: "Camera blocked", ticketID: 1, messageID: nil, at: 4)
        }
        #expect(try find("proctorio") == [])
        #expect(try find("camera") == [1])
        try store.transaction { try $0.deleteTickets(ids: [1]) }
        #expect(try find("camera") == [])
        #expect(try store.reclaimFreeSpace())
    }

    @Test func sessionsExpireAndLoginFailuresAreCounted() throws {
        let store = try store([])
        try store.transaction { transaction in
            let staff = try transaction.insert(StaffRecord(name: "Olga", role: .agent, passwordHash: "x", createdAt: 0))
            #expect(staff.name == "olga")
            try transaction.insert(
                StaffSessionRecord(tokenHash: "a", staffId: staff.id!, csrfToken: "c", createdAt: 0, lastSeenAt: 90))
            try transaction.insert(
                StaffSessionRecord(tokenHash: "b", staffId: staff.id!, csrfToken: "c", createdAt: 0, lastSeenAt: 10))
            try transaction.deleteExpiredSessions(idleBefore: 50, createdBefore: -1)
            try transaction.recordLoginFailure(username: "OLGA", address: "10.0.0.1", at: 100)
            try transaction.recordLoginFailure(username: "ivan", address: "10.0.0.1", at: 100)
        }
        #expect(try store.snapshot { try $0.staffSession(tokenHash: "a") } != nil)
        #expect(try store.snapshot { try $0.staffSession(tokenHash: "b") } == nil)
        #expect(try store.snapshot { try $0.loginFailures(username: "olga", since: 50) } == 1)
        #expect(try store.snapshot { try $0.loginFailures(address: "10.0.0.1", since: 50) } == 2)
        #expect(try store.snapshot { try $0.loginFailures(address: "10.0.0.1", since: 101) } == 0)
    }
}
