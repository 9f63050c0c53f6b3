public import Helpdesk
import MIME
import Glibc
import Synchronization

/// An IMAP server in memory, for testing the poller without Dovecot (the way go-imap tests against its memory
/// server by default and against Dovecot on request). It keeps folders of messages with UIDs, a UIDVALIDITY
/// and UIDNEXT, and hands out sessions (`MemoryMailbox`, the poller's `IncomingMailbox`) and IDLE watchers
/// (`MemoryWatcher`). Failures can be scripted per operation, to test what the poller does when the server
/// goes away in the middle of a poll.
///
/// Thread-safe: the poller's lane and the test touch it at once; every state change is under one `Mutex`.
public final class MemoryMailServer: Sendable {
    /// An operation of a session, for scripting failures and counting commands.
    public enum Operation: String, Sendable, CaseIterable {
        case open, list, size, fetch, fetchHeader, move, mark
    }

    /// One stored message.
    public struct Message: Sendable, Equatable {
        public var uid: UInt32
        public var raw: [UInt8]
        public var keywords: Set<String>
    }

    struct State {
        var uidValidity: UInt32 = 1
        var uidNext: UInt32 = 1
        var folders: [String: [Message]] = [:]
        var failures: [Operation: [any Error]] = [:]
        var commands: [Operation: Int] = [:]
        var sessions = 0
        var stopped = false
    }

    let state = Mutex(State())
    /// The folder new mail lands in.
    public let inbox: String

    public init(inbox: String = "INBOX") {
        self.inbox = inbox
    }

    // MARK: For tests

    /// Delivers a message to the inbox; returns its UID.
    @discardableResult
    public func deliver(_ raw: [UInt8]) -> UInt32 {
        state.withLock { state in
            let uid = state.uidNext
            state.uidNext += 1
            state.folders[inbox, default: []].append(Message(uid: uid, raw: raw, keywords: []))
            return uid
        }
    }

    /// The messages in `folder` (the inbox by default), in UID order.
    public func messages(in folder: String? = nil) -> [Message] {
        state.withLock { $0.folders[folder ?? inbox] ?? [] }
    }

    /// The server renumbers the mailbox: a new UIDVALIDITY, every message a new UID.
    public func renumber() {
        state.withLock { state in
            state.uidValidity += 1
            for (folder, messages) in state.folders {
                state.folders[folder] = messages.map { message in
                    var renumbered = message
                    renumbered.uid = state.uidNext
                    state.uidNext += 1
                    return renumbered
                }
            }
        }
    }

    /// The next call of `operation` (by any session) throws `error`; calls after it succeed again.
    public func fail(_ operation: Operation, with error: any Error) {
        state.withLock { $0.failures[operation, default: []].append(error) }
    }

    /// How many times `operation` was called (a batch command counts once).
    public func commands(_ operation: Operation) -> Int { state.withLock { $0.commands[operation] ?? 0 } }

    /// How many sessions (logins) were opened.
    public var sessions: Int { state.withLock { $0.sessions } }

    /// Ends every IDLE wait at once (so that a test's poller stops without waiting out its step).
    public func stop() { state.withLock { $0.stopped = true } }

    // MARK: Ports

    /// A new session, as `MailboxPoller`'s `connect` returns it.
    public func connect() -> MemoryMailbox {
        state.withLock { $0.sessions += 1 }
        return MemoryMailbox(server: self)
    }

    /// A new IDLE watcher, as `MailboxPoller`'s `watch` returns it.
    public func watcher() -> MemoryWatcher { MemoryWatcher(server: self) }

    /// Counts the command and throws the failure scripted for it, if any.
    func command(_ operation: Operation) throws {
        let failure = state.withLock { state -> (any Error)? in
            state.commands[operation, default: 0] += 1
            guard var scripted = state.failures[operation], !scripted.isEmpty else { return nil }
            let first = scripted.removeFirst()
            state.failures[operation] = scripted
            return first
        }
        if let failure { throw failure }
    }
}

/// A session with `MemoryMailServer`: the poller's view of the mailbox.
public final class MemoryMailbox: IncomingMailbox {
    let server: MemoryMailServer
    public private(set) var isClosed = false

    init(server: MemoryMailServer) { self.server = server }

    public func openMailbox() throws -> (uidValidity: UInt32, uidNext: UInt32) {
        try server.command(.open)
        return server.state.withLock { ($0.uidValidity, $0.uidNext) }
    }

    public func listUIDs(from: UInt32, below uidNext: UInt32) throws -> [UInt32] {
        try server.command(.list)
        return server.messages().map(\.uid).filter { $0 >= from && $0 < uidNext }
    }

    public func messageSize(uid: UInt32) throws -> Int? {
        try server.command(.size)
        return message(uid)?.raw.count
    }

    public func messageSizes(uids: [UInt32]) throws -> [UInt32: Int] {
        try server.command(.size)
        var sizes: [UInt32: Int] = [:]
        for uid in uids { sizes[uid] = message(uid)?.raw.count }
        return sizes
    }

    public func fetchMessage(uid: UInt32) throws -> [UInt8] {
        try server.command(.fetch)
        guard let message = message(uid) else { throw MemoryMailError.noSuchMessage(uid) }
        return message.raw
    }

    public func fetchHeader(uid: UInt32) throws -> [UInt8] {
        try server.command(.fetchHeader)
        guard let raw = message(uid)?.raw else { throw MemoryMailError.noSuchMessage(uid) }
        return Array(MIMEParser().headerSectionBytes(raw))
    }

    public func moveMessage(uid: UInt32, to folder: String) throws {
        try moveMessages(uids: [uid], to: folder)
    }

    public func moveMessages(uids: [UInt32], to folder: String) throws {
        try server.command(.move)
        let inbox = server.inbox
        server.state.withLock { state in
            let moving = (state.folders[inbox] ?? []).filter { uids.contains($0.uid) }
            state.folders[inbox]?.removeAll { uids.contains($0.uid) }
            state.folders[folder, default: []] += moving
        }
    }

    public func markMessage(uid: UInt32, keyword: String) throws {
        try server.command(.mark)
        let inbox = server.inbox
        server.state.withLock { state in
            guard let index = state.folders[inbox]?.firstIndex(where: { $0.uid == uid }) else { return }
            state.folders[inbox]![index].keywords.insert(keyword)
        }
    }

    public func closeMailbox() { isClosed = true }

    private func message(_ uid: UInt32) -> MemoryMailServer.Message? {
        server.messages().first { $0.uid == uid }
    }
}

/// IMAP IDLE on `MemoryMailServer`: returns as soon as the inbox's UIDNEXT passes the one the poller knows.
public final class MemoryWatcher: MailboxWatcher {
    let server: MemoryMailServer

    init(server: MemoryMailServer) { self.server = server }

    public func waitForNewMail(timeout: Duration, knownUIDNext: UInt32?) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (uidNext, stopped) = server.state.withLock { ($0.uidNext, $0.stopped) }
            if stopped { return false }
            if let knownUIDNext, uidNext > knownUIDNext { return true }
            try? sleepBriefly()
        }
        return false
    }

    public func closeWatcher() {}

    private func sleepBriefly() throws {
        var request = timespec(tv_sec: 0, tv_nsec: 5_000_000)
        nanosleep(&request, nil)
    }
}

/// What `MemoryMailbox` throws for a UID it does not have.
public enum MemoryMailError: Error, Equatable {
    case noSuchMessage(UInt32)
}
