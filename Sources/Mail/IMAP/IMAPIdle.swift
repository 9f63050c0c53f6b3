#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCurl

/// Waits for new mail with IMAP IDLE (RFC 2177) on a connection of its own, so the daemon can react
/// within a second instead of at the next poll. Polling with `IMAPMailbox` stays the source of truth:
/// IDLE only says "look now".
///
/// libcurl has no IDLE: the handle runs with CURLOPT_CONNECT_ONLY (libcurl connects, does TLS or
/// STARTTLS and logs in), then this type speaks IMAP itself over curl_easy_send/curl_easy_recv:
/// SELECT once, then IDLE … DONE per wait.
///
/// Not Sendable: one task owns it. `wait` blocks the calling thread for up to its timeout.
public final class IMAPIdle {
    public enum Outcome: Sendable, Equatable {
        /// The mailbox got new mail (or had mail newer than `knownUIDNext` when the wait began).
        case newMail
        /// Nothing arrived before the timeout.
        case timedOut
    }

    public let configuration: IMAPConfiguration
    private let resolved: IMAPConfiguration.Resolved
    private var handle: CurlHandle?
    private var buffer: [UInt8] = []
    private var tagNumber = 0
    /// The mailbox's message count as this session knows it.
    private var exists = 0
    private var uidNext: UInt32?

    /// RFC 2177: clients should re-issue IDLE at least every 29 minutes.
    public static let longestWait = Duration.seconds(25 * 60)

    public init(configuration: IMAPConfiguration) throws(MailError) {
        self.configuration = configuration
        resolved = try configuration.resolve()
    }

    /// Connections opened so far.
    public var connectionsOpened: Int { handle?.connectionsOpened ?? 0 }

    /// Waits up to `timeout` (at most `longestWait`) for new mail. With `knownUIDNext` (from the last
    /// `IMAPMailbox.open()`), mail that arrived before the wait began is reported at once.
    public func wait(timeout: Duration, knownUIDNext: UInt32? = nil) throws(MailError) -> Outcome {
        do {
            return try waitOnce(timeout: min(timeout, Self.longestWait), knownUIDNext: knownUIDNext)
        } catch {
            // Whatever state the connection is in, the next wait starts afresh. Shut the socket first:
            // libcurl's cleanup says LOGOUT, which must not wait on a peer that is gone.
            if let socket = handle?.activeSocket { shutdown(socket, Int32(SHUT_RDWR)) }
            close()
            throw error.redacting(configuration.credential.secrets)
        }
    }

    /// Closes the connection (libcurl says LOGOUT); the next wait connects again.
    public func close() {
        handle = nil
        buffer = []
        uidNext = nil
    }

    private func waitOnce(timeout: Duration, knownUIDNext: UInt32?) throws(MailError) -> Outcome {
        let handle = try connect()
        // Mail that arrived before this connection SELECTed raises no EXISTS: compare UIDNEXT instead.
        if let selectedUIDNext = uidNext {
            uidNext = nil
            if let knownUIDNext, selectedUIDNext > knownUIDNext { return .newMail }
        }
        let tag = nextTag()
        try send("\(tag) IDLE\r\n", on: handle)
        var outcome = Outcome.timedOut
        // Until the server accepts IDLE, EXISTS may already arrive (mail since the last wait).
        while true {
            guard let line = try readLine(from: handle, until: .now + configuration.timeouts.connect) else {
                throw MailError(.timeout, "the server did not answer IDLE")
            }
            if line.hasPrefix("+") { break }
            if try notices(line) { outcome = .newMail }
            if line.hasPrefix("\(tag) ") {
                throw MailError(
                    .protocol, "the server refused IDLE", serverResponse: String(line.dropFirst(tag.count + 1)))
            }
        }
        if outcome == .timedOut {
            let deadline = ContinuousClock.now + timeout
            while let line = try readLine(from: handle, until: deadline) {
                if try notices(line) {
                    outcome = .newMail
                    break
                }
            }
        }
        try send("DONE\r\n", on: handle)
        // The answer to DONE may carry news too (an EXPUNGE after the poller filed mail, or new mail).
        for line in try readUntilTagged(tag, from: handle) where try notices(line) {
            outcome = .newMail
        }
        return outcome
    }

    /// Opens the connection and SELECTs the mailbox when there is none.
    private func connect() throws(MailError) -> CurlHandle {
        if let handle { return handle }
        let created = try CurlHandle(settings: configuration.handleSettings(tls: resolved.tls, connectOnly: true))
        let response = created.perform(CurlHandle.Request(url: resolved.server.base))
        guard response.succeeded else {
            throw response.code == CURLE_LOGIN_DENIED
                ? MailError(
                    .authentication, "login as \(configuration.credential.user) was refused",
                    curlCode: response.curlCode)
                : response.genericError("connecting for IDLE")
        }
        handle = created
        buffer = []
        let tag = nextTag()
        try send("\(tag) SELECT \(try IMAPSyntax.quotedMailbox(resolved.mailbox))\r\n", on: created)
        for line in try readUntilTagged(tag, from: created) {
            _ = try notices(line)
            if let range = line.firstRange(of: "[UIDNEXT "),
                let number = UInt32(line[range.upperBound...].prefix { $0.isNumber })
            {
                uidNext = number
            }
        }
        return created
    }

    /// Tracks "* n EXISTS"; true when it means more messages than before.
    private func notices(_ line: String) throws(MailError) -> Bool {
        if line.uppercased().hasPrefix("* BYE") {
            throw MailError(
                .connection, "the server closed the IDLE connection", serverResponse: String(line.dropFirst(2)))
        }
        let words = line.split(separator: " ")
        guard words.count >= 3, words[0] == "*", words[2].uppercased() == "EXISTS", let count = Int(words[1]) else {
            if words.count >= 3, words[0] == "*", words[2].uppercased() == "EXPUNGE" { exists = max(exists - 1, 0) }
            return false
        }
        defer { exists = count }
        return count > exists
    }

    /// The untagged lines before `tag`'s completion. SELECT and DONE are answered at once by a live
    /// server, so the wait is the connect timeout, not the long one for transfers: a half-open
    /// connection must not hold the caller (and the watchdog) for minutes.
    @discardableResult
    private func readUntilTagged(_ tag: String, from handle: CurlHandle) throws(MailError) -> [String] {
        var lines: [String] = []
        let deadline = ContinuousClock.now + configuration.timeouts.connect
        while true {
            guard let line = try readLine(from: handle, until: deadline) else {
                throw MailError(.timeout, "the server did not complete \(tag)")
            }
            if line.hasPrefix("\(tag) ") {
                let status = line.dropFirst(tag.count + 1)
                guard status.uppercased().hasPrefix("OK") else {
                    let missing =
                        IMAPSyntax.responseCode(of: line) == "NONEXISTENT"
                        || (IMAPSyntax.responseCode(of: line) == nil && IMAPSyntax.saysMissing(status))
                    let code: MailError.Code = missing ? .notFound : .protocol
                    throw MailError(
                        code, "the server refused a command on the IDLE connection", serverResponse: String(status))
                }
                return lines
            }
            lines.append(line)
        }
    }

    /// The next line without CRLF, or nil when `deadline` passes first.
    private func readLine(from handle: CurlHandle, until deadline: ContinuousClock.Instant) throws(MailError) -> String?
    {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<end].last == UInt8(ascii: "\r") ? buffer[..<(end - 1)] : buffer[..<end]
                defer { buffer.removeSubrange(...end) }
                return String(decoding: line, as: UTF8.self)
            }
            guard buffer.count < CurlHandle.lineLimit else {
                throw MailError(.protocol, "the server sent an endless line")
            }
            switch handle.receive() {
            case .bytes(let bytes):
                buffer += bytes
            case .wouldBlock:
                guard let socket = handle.activeSocket else {
                    throw MailError(.connection, "the IDLE connection is gone")
                }
                // TLS may hold decrypted bytes the socket no longer shows; receive() drained them first.
                if !CurlHandle.wait(socket: socket, events: Int16(POLLIN), until: deadline) { return nil }
            case .closed:
                throw MailError(.connection, "the server closed the IDLE connection")
            case .failed(let response):
                throw response.genericError("reading from the IDLE connection")
            }
        }
    }

    private func send(_ text: String, on handle: CurlHandle) throws(MailError) {
        if let failure = handle.send(Array(text.utf8), deadline: .now + configuration.timeouts.connect) {
            throw failure.genericError("writing to the IDLE connection")
        }
    }

    private func nextTag() -> String {
        tagNumber += 1
        return "H\(tagNumber)"
    }
}
