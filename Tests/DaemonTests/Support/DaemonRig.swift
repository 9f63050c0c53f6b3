import Foundation
import HelpdeskTesting
import Logging
import Synchronization
import TicketStore

@testable import Helpdesk

/// A helpdesk on a temporary SQLite store, wired to an in-memory IMAP and SMTP server: the daemon's poller,
/// store stage and relay run as in production, in milliseconds and without root.
struct DaemonRig {
    let imap = MemoryMailServer()
    let smtp = MemorySMTPServer()
    let contexts: ContextHolder
    let faulty: FaultyStore
    let now: TestClock

    var context: HelpdeskContext { contexts.current }
    var store: any TicketStore { context.store }

    /// `configure` changes the configuration; the store is a `FaultyStore` over a temporary SQLite file.
    /// `checkpoint` is called at named points inside intake's transactions; throwing there fails that email.
    init(
        at start: Int64 = Samples.monday10, configure: (inout HelpdeskConfiguration) -> Void = { _ in },
        checkpoint: @escaping @Sendable (String) throws -> Void = { _ in },
        screenshotReader: (any ScreenshotReader)? = nil
    ) throws {
        let base = try SQLiteTicketStore.temporary()
        faulty = FaultyStore(base)
        var configuration = HelpdeskConfiguration()
        configuration.identity.stateDirectory = (base.path as NSString).deletingLastPathComponent
        configuration.imap.url = "memory://INBOX"
        configuration.imap.pollInterval = 1
        configuration.passwordResetURL = "https://proctor.example.edu/reset-password"
        // No OCR unless a test brings its reader.
        configuration.ocr.enabled = screenshotReader != nil
        configure(&configuration)
        contexts = ContextHolder(
            try HelpdeskContext(
                configuration: configuration, store: faulty, stateDirectory: configuration.identity.stateDirectory,
                checkpoint: checkpoint, screenshotReader: screenshotReader))
        now = TestClock(start)
    }

    /// The rig's clock: fixed unless a test moves it.
    var clock: @Sendable () -> Int64 {
        let now = self.now
        return { now.seconds }
    }

    func advance(by seconds: Int64) { now.advance(by: seconds) }

    func poller(once: Bool = true, idle: Bool = false, health: DaemonHealth, wakeups: Wakeups) -> MailboxPoller {
        let imap = self.imap
        return MailboxPoller(
            contexts: contexts, connect: { _ in imap.connect() }, watch: idle ? { @Sendable _ in imap.watcher() } : nil,
            logger: Logger(label: "test"), health: health, wakeRelay: { wakeups.wake() }, once: once, clock: clock,
            retryDelay: { _ in .milliseconds(10) })
    }

    func relay(once: Bool = true, health: DaemonHealth, wakeups: Wakeups) -> OutboxRelay {
        let smtp = self.smtp
        return OutboxRelay(
            contexts: contexts, connect: { _ in smtp.connect() }, logger: Logger(label: "test"), health: health,
            wakeups: wakeups, once: once, clock: clock)
    }

    /// `helpdeskd run --once`: drain the mailbox and the outbox.
    @discardableResult
    func runOnce() async throws -> DaemonHealth {
        let health = DaemonHealth()
        let wakeups = Wakeups()
        try await drainOnce(
            poller: poller(health: health, wakeups: wakeups), relay: relay(health: health, wakeups: wakeups),
            wakeups: wakeups)
        return health
    }

    func tickets() throws -> [TicketRecord] { try store.snapshot { try $0.tickets(status: nil, severity: nil) } }
    func answers() throws -> [OutboxRecord] { try store.answers() }
    func events(_ ref: String) throws -> [TicketEventKind] {
        try store.snapshot { snapshot in
            guard let ticket = try snapshot.ticket(ref: ref) else { return [] }
            return try snapshot.events(ticketID: ticket.id!).map(\.kind)
        }
    }
}

/// The sample emails of Samples/ (the demo's), by name.
enum Samples {
    /// Monday 2024-11-11 10:00 UTC.
    static let monday10: Int64 = 1_731_319_200

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")

    static func email(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name + ".eml")))
    }

    /// A complete report from `customer<index>@example.test`.
    static func report(_ index: Int, subject: String? = nil, bodyBytes: Int = 0) -> [UInt8] {
        var text = "From: Customer \(index) <customer\(index)@example.test>\r\n"
        text += "To: helpdesk@example.com\r\n"
        text += "Subject: \(subject ?? "Exam will not load \(index)")\r\n"
        text += "Message-ID: <report-\(index)@example.test>\r\n"
        text += "Date: Mon, 11 Nov 2024 12:00:00 +0300\r\n"
        text += "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        text += "The exam page stays white after the camera check.\r\n\r\n"
        text += "Server: https://proctor.example.edu\r\nTime: 2024-11-11 10:32 +03:00\r\n"
        text += "User ID: st-\(index)\r\nSession ID: 7f3c9a\(index)\r\n"
        text += String(repeating: "x", count: bodyBytes)
        return Array(text.utf8)
    }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let now: Mutex<Int64>
    init(_ start: Int64) { now = Mutex(start) }
    var seconds: Int64 { now.withLock { $0 } }
    func advance(by seconds: Int64) { now.withLock { $0 += seconds } }
}
