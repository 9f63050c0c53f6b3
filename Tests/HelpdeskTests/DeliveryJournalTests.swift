import Foundation
import Testing

@testable import Helpdesk

/// The relay's journal: entries survive a restart, a line cut short by a crash is dropped, clearing empties it.
@Suite struct DeliveryJournalTests {
    func path() -> String { NSTemporaryDirectory() + "helpdeskd-journal-" + UUID().uuidString }

    @Test func entriesSurviveReopeningAndClearingEmptiesTheFile() throws {
        let path = path()
        do {
            let journal = try DeliveryJournal(path: path)
            #expect(journal.entries.isEmpty)
            try journal.append([.attempt(1), .delivered(1, at: 1_700_000_000)])
            try journal.append([.attempt(2)])
        }
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
        let reopened = try DeliveryJournal(path: path)
        #expect(reopened.entries == [.attempt(1), .delivered(1, at: 1_700_000_000), .attempt(2)])
        try reopened.clear()
        #expect(reopened.entries.isEmpty)
        #expect(try DeliveryJournal(path: path).entries.isEmpty)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: path)))?.isEmpty == true)
    }

    @Test func aLineCutShortOrGarbledIsDropped() throws {
        let path = path()
        try Data("A 7\nD 7 1700000000\nX 1\nA x\nD 8\nA 9".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try DeliveryJournal(path: path).entries == [.attempt(7), .delivered(7, at: 1_700_000_000)])
    }
}
