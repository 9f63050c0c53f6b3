import Foundation
import Testing

@testable import Mail

/// IMAPMailbox against a real Dovecot (Tests/Servers/dovecot.sh), one server per test.
@Suite struct IMAPMailboxTests {
    @Test func wrongPasswordIsAnAuthenticationErrorWithoutThePassword() throws {
        try Dovecot.with { dovecot in
            var configuration = dovecot.configuration()
            let wrong = "wrong-" + dovecot.password
            configuration.credential = .password(user: dovecot.user, password: Secret(wrong))
            let mailbox = try IMAPMailbox(configuration: configuration)
            let error = #expect(throws: MailError.self) { try mailbox.open() }
            #expect(error?.code == .authentication)
            #expect(error?.isTransient == false)
            #expect(error.map { !"\($0)".contains(wrong) } == true)
            #expect(!"\(configuration)".contains(wrong))
        }
    }

    @Test func openReportsUIDValidityUIDNextAndMessageCount() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: (1...3).map { TestMail.message($0) })
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            let status = try mailbox.open()
            #expect(status.uidValidity > 0)
            #expect(status.uidNext == 4)
            #expect(status.messages == 3)
            try dovecot.seed(messages: [TestMail.message(4)])
            let again = try mailbox.open()
            #expect(again.uidValidity == status.uidValidity)
            #expect(again.messages == 4)
            #expect(again.uidNext == 5)
        }
    }

    /// The connection stays open between polls; mail delivered meanwhile must show up at the next
    /// open(), not one poll later (the server's view of a selected mailbox is refreshed by a command).
    @Test func mailDeliveredWhileConnectedIsSeenByTheNextOpen() throws {
        try Dovecot.with { dovecot in
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            try dovecot.seed(messages: [TestMail.message(1)])
            _ = try mailbox.open()
            #expect(try mailbox.allUIDs() == [1])
            try mailbox.move(uid: 1, to: "Processed")
            try dovecot.seed(messages: [TestMail.message(2)])
            let status = try mailbox.open()
            #expect(status.uidNext == 3 && status.messages == 1)
            #expect(try mailbox.allUIDs() == [2])
            #expect(mailbox.connectionsOpened == 1)
        }
    }

    @Test func listsThreeHundredUIDsAcrossWindows() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: (1...300).map { TestMail.message($0) })
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            let status = try mailbox.open()
            #expect(status.messages == 300)

            var collected: [UInt32] = []
            var next: UInt32 = 1
            var windows = 0
            while next < status.uidNext {
                let window = try mailbox.uids(from: next, window: 128)
                #expect(window.allSatisfy { $0 >= next && $0 < next + 128 })
                collected += window
                next += 128
                windows += 1
            }
            #expect(windows == 3)
            #expect(collected == Array(1...300))
            #expect(try mailbox.allUIDs(from: 1, window: 64) == Array(1...300))
            #expect(try mailbox.allUIDs(from: 290, window: 7) == Array(290...300))
            // Past the last UID: empty (a "301:*" search would wrongly answer 300).
            #expect(try mailbox.uids(from: 301, window: 50).isEmpty)
            #expect(try mailbox.uids(from: 299, window: 1) == [299])
        }
    }

    @Test func uidListingSkipsExpungedMessages() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: (1...10).map { TestMail.message($0) })
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            _ = try mailbox.open()
            for uid: UInt32 in [2, 3, 4, 8] { try mailbox.move(uid: uid, to: "Processed") }
            #expect(try mailbox.uids(from: 1, window: 20) == [1, 5, 6, 7, 9, 10])
        }
    }

    @Test func fetchesExactBytesOfSmallAndFiveMegabyteMessages() throws {
        try Dovecot.with { dovecot in
            let small = TestMail.message(1)
            let large = TestMail.message(2, bodyBytes: 5 << 20)
            let paths = try dovecot.seed(messages: [small, large])
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            _ = try mailbox.open()

            let fetchedSmall = try mailbox.fetch(uid: 1)
            let fetchedLarge = try mailbox.fetch(uid: 2)
            // Dovecot has moved the seeded files from new/ to cur/ by now; compare with what it stores.
            let stored = dovecot.messages()
            #expect(TestMail.fingerprints(stored) == TestMail.fingerprints([small, large]))
            #expect(paths.count == 2)
            #expect(TestMail.fingerprint(fetchedSmall) == TestMail.fingerprint(small))
            #expect(fetchedLarge.count == large.count)
            #expect(TestMail.fingerprint(fetchedLarge) == TestMail.fingerprint(large))

            #expect(try mailbox.size(uid: 1) == small.count)
            #expect(try mailbox.size(uid: 2) == large.count)
            #expect(try mailbox.size(uid: 99) == nil)
            let missing = #expect(throws: MailError.self) { try mailbox.fetch(uid: 99) }
            #expect(missing?.code == .notFound)
            // The error did not cost the connection its usefulness.
            #expect(TestMail.fingerprint(try mailbox.fetch(uid: 1)) == TestMail.fingerprint(small))
        }
    }

    /// 250 sizes in three commands (batches of 100 stay under libcurl's limit on untagged lines); a UID
    /// that is gone is simply absent.
    @Test func sizesOfManyMessagesInBatches() throws {
        try Dovecot.with { dovecot in
            let messages = (1...250).map { TestMail.message($0, bodyBytes: $0 * 37) }
            try dovecot.seed(messages: messages)
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            _ = try mailbox.open()
            try mailbox.move(uids: [5, 6, 7, 200], to: "Processed")
            let sizes = try mailbox.sizes(uids: Array(1...250) + [999])
            #expect(sizes.count == 246)
            for (index, message) in messages.enumerated() {
                let uid = UInt32(index + 1)
                #expect(sizes[uid] == ([5, 6, 7, 200].contains(uid) ? nil : message.count), "UID \(uid)")
            }
            #expect(sizes[999] == nil)
            #expect(try mailbox.sizes(uids: []).isEmpty)
            #expect(mailbox.connectionsOpened == 1)
        }
    }

    @Test func sizeLimitStopsAnOversizedFetchAndTheMailboxRecovers() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: [TestMail.message(1, bodyBytes: 3 << 20), TestMail.message(2)])
            var configuration = dovecot.configuration()
            configuration.maxMessageBytes = 1 << 20
            let mailbox = try IMAPMailbox(configuration: configuration)
            _ = try mailbox.open()
            let error = #expect(throws: MailError.self) { try mailbox.fetch(uid: 1) }
            #expect(error?.code == .tooLarge)
            #expect(TestMail.fingerprint(try mailbox.fetch(uid: 2)) == TestMail.fingerprint(TestMail.message(2)))
        }
    }

    @Test func movesIntoProcessedCreatingTheFolder() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: (1...3).map { TestMail.message($0) })
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            _ = try mailbox.open()
            #expect(try mailbox.capabilities().contains("MOVE"))
            #expect(!dovecot.folderExists("Processed"))

            let newUID = try mailbox.move(uid: 2, to: "Processed")
            #expect(newUID == 1)
            #expect(dovecot.folderExists("Processed"))
            #expect(
                TestMail.fingerprints(dovecot.messages(in: "Processed")) == TestMail.fingerprints([TestMail.message(2)])
            )
            #expect(
                TestMail.fingerprints(dovecot.messages())
                    == TestMail.fingerprints([TestMail.message(1), TestMail.message(3)]))
            #expect(try mailbox.uids(from: 1, window: 10) == [1, 3])

            let again = #expect(throws: MailError.self) { try mailbox.move(uid: 2, to: "Processed") }
            #expect(again?.code == .notFound)
            #expect(try mailbox.move(uid: 3, to: "Processed") == 2)
            #expect(dovecot.messages(in: "Processed").count == 2)
        }
    }

    @Test func copyAndExpungeFallbackMovesToo() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: (1...3).map { TestMail.message($0) })
            try dovecot.seed(messages: [TestMail.message(90)], folder: "Processed")
            var configuration = dovecot.configuration()
            configuration.moveStrategy = .copyAndExpunge
            let mailbox = try IMAPMailbox(configuration: configuration)
            _ = try mailbox.open()

            // The folder exists already: CREATE's ALREADYEXISTS is not an error.
            let newUID = try mailbox.move(uid: 1, to: "Processed")
            #expect(newUID != nil)
            #expect(
                Set(TestMail.fingerprints(dovecot.messages(in: "Processed")))
                    == Set(TestMail.fingerprints([TestMail.message(90), TestMail.message(1)])))
            #expect(
                TestMail.fingerprints(dovecot.messages())
                    == TestMail.fingerprints([TestMail.message(2), TestMail.message(3)]))
            #expect(try mailbox.uids(from: 1, window: 10) == [2, 3])
            let missing = #expect(throws: MailError.self) { try mailbox.move(uid: 1, to: "Processed") }
            #expect(missing?.code == .notFound)
        }
    }

    @Test func marksMessagesWithKeywords() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: [TestMail.message(1), TestMail.message(2)])
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            _ = try mailbox.open()
            #expect(try mailbox.flags(uid: 1) == [])
            try mailbox.addKeyword(uid: 1, keyword: "$Ticketed")
            try mailbox.addKeyword(uid: 1, keyword: "helpdesk-42")
            #expect(try mailbox.flags(uid: 1) == ["$Ticketed", "helpdesk-42"])
            #expect(try mailbox.flags(uid: 2) == [])
            _ = try mailbox.fetch(uid: 2)
            #expect(try mailbox.flags(uid: 2) == ["\\Seen"])
            #expect(try mailbox.flags(uid: 77) == nil)

            for bad in ["two words", "\\Seen", "a(b", "", "50%"] {
                let error = #expect(throws: MailError.self) { try mailbox.addKeyword(uid: 1, keyword: bad) }
                #expect(error?.code == .invalidArgument)
            }
        }
    }

    @Test func oneLoginServesFiftyFetches() throws {
        try Dovecot.with { dovecot in
            let messages = (1...50).map { TestMail.message($0) }
            try dovecot.seed(messages: messages)
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration())
            let status = try mailbox.open()
            for uid in try mailbox.uids(from: 1, window: Int(status.uidNext)) {
                #expect(
                    TestMail.fingerprint(try mailbox.fetch(uid: uid)) == TestMail.fingerprint(messages[Int(uid) - 1]))
            }
            #expect(try mailbox.size(uid: 50) == messages[49].count)
            #expect(mailbox.connectionsOpened == 1)
            #expect(dovecot.logins == 1)

            mailbox.close()
            #expect(TestMail.fingerprint(try mailbox.fetch(uid: 1)) == TestMail.fingerprint(messages[0]))
            #expect(mailbox.connectionsOpened == 2)
            #expect(dovecot.logins == 2)
        }
    }

    @Test func missingMailboxIsNotFound() throws {
        try Dovecot.with { dovecot in
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration(mailbox: "Nope"))
            let status = #expect(throws: MailError.self) { try mailbox.open() }
            #expect(status?.code == .notFound)
            let listing = #expect(throws: MailError.self) { try mailbox.uids(from: 1) }
            #expect(listing?.code == .notFound)
        }
    }

    @Test func readsAnotherMailboxThanInbox() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: [TestMail.message(7)], folder: "Support Desk")
            // Matches the LIST pattern "Support Desk/Done 100%" but is another folder.
            try dovecot.seed(messages: [TestMail.message(8)], folder: "Support Desk/Done 1000")
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration(mailbox: "Support%20Desk"))
            #expect(mailbox.mailbox == "Support Desk")
            #expect(try mailbox.open().messages == 1)
            #expect(TestMail.fingerprint(try mailbox.fetch(uid: 1)) == TestMail.fingerprint(TestMail.message(7)))
            try mailbox.move(uid: 1, to: "Support Desk/Done 100%")
            #expect(dovecot.messages(in: "Support Desk/Done 1000").count == 1)
            #expect(
                TestMail.fingerprints(dovecot.messages(in: "Support Desk/Done 100%"))
                    == TestMail.fingerprints([TestMail.message(7)]))
        }
    }
}

@Suite struct IMAPUIDValidityTests {
    /// Runs one command on a connection of its own (another client of the same mailbox).
    private func otherClient(_ dovecot: Dovecot, _ command: String) throws {
        let configuration = dovecot.configuration()
        let handle = try CurlHandle(settings: configuration.handleSettings(tls: try configuration.resolve().tls))
        let response = handle.perform(
            CurlHandle.Request(url: "imap://127.0.0.1:\(dovecot.port)/", customRequest: command))
        #expect(response.succeeded, "\(command): \(response.errorText) \(response.lines.suffix(2))")
    }

    @Test func recreatedMailboxInvalidatesUIDs() throws {
        try Dovecot.with { dovecot in
            try dovecot.seed(messages: [TestMail.message(1), TestMail.message(2)], folder: "Tickets")
            let mailbox = try IMAPMailbox(configuration: dovecot.configuration(mailbox: "Tickets"))
            let before = try mailbox.open()
            #expect(TestMail.fingerprint(try mailbox.fetch(uid: 1)) == TestMail.fingerprint(TestMail.message(1)))

            try otherClient(dovecot, #"DELETE "Tickets""#)
            try otherClient(dovecot, #"CREATE "Tickets""#)
            try dovecot.seed(messages: [TestMail.message(3)], folder: "Tickets")

            // UID 1 now names another message: the mailbox refuses instead of fetching it. The session
            // that still has the deleted mailbox selected sees the message expunged; the next SELECT
            // sees the new UIDVALIDITY.
            let stale = #expect(throws: MailError.self) { try mailbox.fetch(uid: 1) }
            #expect(stale?.code == .notFound || stale?.code == .uidValidityChanged, "\(stale.map { "\($0)" } ?? "")")
            let listing = #expect(throws: MailError.self) { try mailbox.uids(from: 1) }
            #expect(listing?.code == .uidValidityChanged)

            let after = try mailbox.open()
            #expect(after.uidValidity != before.uidValidity)
            #expect(try mailbox.uids(from: 1) == [1])
            #expect(TestMail.fingerprint(try mailbox.fetch(uid: 1)) == TestMail.fingerprint(TestMail.message(3)))
        }
    }
}
