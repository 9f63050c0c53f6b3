import CCurl

/// The helpdesk's IMAP mailbox: list new UIDs, read messages, file them away.
///
/// One libcurl handle serves every operation, so the mailbox logs in once and keeps the connection
/// (libcurl reconnects by itself when the server has dropped it). After `open()` every mailbox
/// operation carries the UIDVALIDITY it saw, and libcurl refuses to act on a mailbox whose
/// UIDVALIDITY changed (`MailError.Code.uidValidityChanged`) — a UID never reaches the wrong message.
///
/// Not Sendable: one task owns a mailbox. Calls block the calling thread for network round trips.
public final class IMAPMailbox {
    public let configuration: IMAPConfiguration
    private let resolved: IMAPConfiguration.Resolved
    private var handle: CurlHandle?
    /// Capabilities after login, fetched once per connection life.
    private var knownCapabilities: Set<String>?
    /// Folders created (or found existing) in this session.
    private var knownFolders: Set<String> = []
    /// The UIDVALIDITY `open()` saw.
    private var uidValidity: UInt32?
    private var closedConnections = 0

    /// Checks the configuration; connects on first use.
    public init(configuration: IMAPConfiguration) throws(MailError) {
        self.configuration = configuration
        resolved = try configuration.resolve()
    }

    /// The mailbox this instance reads (from the URL's path, INBOX by default).
    public var mailbox: String { resolved.mailbox }

    /// Connections opened so far (1 after any number of operations on a healthy connection).
    public var connectionsOpened: Int { closedConnections + (handle?.connectionsOpened ?? 0) }

    /// Logs in (if not yet) and reads the mailbox's UIDVALIDITY, UIDNEXT and message count. Call it
    /// at the start of every poll: it also brings the server's view of the mailbox up to date, so the
    /// listing that follows includes mail delivered since the last call.
    ///
    /// The UIDVALIDITY read here guards every later operation: when the server's UIDVALIDITY changes
    /// (the mailbox was deleted and recreated, or renumbered), they fail with `uidValidityChanged`
    /// until `open()` is called again — compare its answer with the UIDVALIDITY your stored UIDs
    /// belong to.
    public func open() throws(MailError) -> MailboxStatus {
        // A server updates the selected mailbox's view only at command boundaries, and STATUS on the
        // selected mailbox may answer from that stale view (RFC 3501 6.3.10): with a connection kept
        // from the last poll, mail delivered since would go unseen until a later command. NOOP in the
        // mailbox makes the server catch up first (libcurl SELECTs it when it is not selected). This
        // call learns the UIDVALIDITY anew, so the NOOP must not be refused for the old one; should
        // the call fail, the guard stays as it was.
        let previous = uidValidity
        uidValidity = nil
        defer { if uidValidity == nil { uidValidity = previous } }
        _ = try run("NOOP", in: mailbox)
        let response = try run(
            "STATUS \(try IMAPSyntax.quotedMailbox(mailbox)) (UIDVALIDITY UIDNEXT MESSAGES)", in: nil)
        guard let values = IMAPSyntax.status(in: Self.untaggedLines(response)),
            let validity = values["UIDVALIDITY"].flatMap(UInt32.init(exactly:)),
            let next = values["UIDNEXT"].flatMap(UInt32.init(exactly:)),
            let messages = values["MESSAGES"].flatMap(Int.init(exactly:))
        else {
            throw MailError(.protocol, "the server's STATUS answer lacks UIDVALIDITY, UIDNEXT or MESSAGES")
        }
        uidValidity = validity
        return MailboxStatus(uidValidity: validity, uidNext: next, messages: messages)
    }

    /// The UIDs present in `from ..< from + window` (ascending). Walk a mailbox window by window from
    /// the last handled UID + 1 up to `MailboxStatus.uidNext`; bounded windows keep every answer well
    /// under the line length libcurl can take (it cuts lines past ~64 KiB).
    public func uids(from: UInt32, window: Int = 1000) throws(MailError) -> [UInt32] {
        guard from > 0 else { throw MailError(.invalidArgument, "UIDs start at 1") }
        let size = UInt64(min(max(window, 1), Self.maximumWindow))
        let last = UInt32(min(UInt64(from) + size - 1, UInt64(UInt32.max)))
        if try capabilities().contains("ESEARCH") {
            let response = try run("UID SEARCH RETURN (ALL COUNT) UID \(from):\(last)", in: mailbox)
            guard let result = try IMAPSyntax.esearch(in: Self.untaggedLines(response)) else {
                throw MailError(.protocol, "the server did not answer UID SEARCH RETURN with ESEARCH")
            }
            if let count = result.count, count != result.all.count {
                throw MailError(
                    .protocol, "the server announced \(count) UIDs but listed \(result.all.count) (answer cut short?)")
            }
            return result.all.filter { $0 >= from && $0 <= last }.sorted()
        }
        let response = try run("UID SEARCH UID \(from):\(last)", in: mailbox)
        return IMAPSyntax.search(in: Self.untaggedLines(response)).filter { $0 >= from && $0 <= last }.sorted()
    }

    /// Every UID from `from` on, window by window, up to `uidNext` (from the `open()` that started
    /// this poll), or when nil up to the UIDNEXT a new `open()` reads.
    public func allUIDs(
        from: UInt32 = 1, below uidNext: UInt32? = nil, window: Int = 1000
    ) throws(MailError)
        -> [UInt32]
    {
        let next: UInt32
        if let uidNext { next = uidNext } else { next = try open().uidNext }
        var result: [UInt32] = []
        var start = UInt64(max(from, 1))
        let step = UInt64(min(max(window, 1), Self.maximumWindow))
        while start < UInt64(next) {
            result += try uids(from: UInt32(start), window: Int(step))
            start += step
        }
        return result
    }

    /// The message's size in bytes (RFC822.SIZE), or nil when the UID does not exist.
    public func size(uid: UInt32) throws(MailError) -> Int? {
        let response = try run("UID FETCH \(uid) RFC822.SIZE", in: mailbox)
        let item = IMAPSyntax.fetchItems(in: Self.untaggedLines(response)).first {
            $0["UID"]?.number == UInt64(uid) && $0["RFC822.SIZE"] != nil
        }
        return item?["RFC822.SIZE"]?.number.flatMap(Int.init(exactly:))
    }

    /// The sizes in bytes (RFC822.SIZE) of several messages, asked `sizeBatch` at a time: one round trip
    /// per batch instead of one per message. UIDs that do not exist (expunged meanwhile) are absent.
    public func sizes(uids: [UInt32]) throws(MailError) -> [UInt32: Int] {
        var result: [UInt32: Int] = [:]
        var start = 0
        while start < uids.count {
            let batch = Array(uids[start..<min(start + Self.sizeBatch, uids.count)])
            start += batch.count
            let response = try run("UID FETCH \(IMAPSyntax.uidSet(batch)) RFC822.SIZE", in: mailbox)
            for item in IMAPSyntax.fetchItems(in: Self.untaggedLines(response)) {
                guard let uid = item["UID"]?.number.flatMap(UInt32.init(exactly:)),
                    let size = item["RFC822.SIZE"]?.number.flatMap(Int.init(exactly:))
                else { continue }
                result[uid] = size
            }
        }
        return result
    }

    /// libcurl mishandles custom-command answers past ~120 untagged lines: one FETCH line per message
    /// keeps a batch of 100 well inside that.
    static let sizeBatch = 100

    /// The message's flags and keywords (e.g. "\Seen", "$Ticketed"), or nil when the UID does not exist.
    /// The session flag \Recent is left out.
    public func flags(uid: UInt32) throws(MailError) -> Set<String>? {
        let response = try run("UID FETCH \(uid) FLAGS", in: mailbox)
        let item = IMAPSyntax.fetchItems(in: Self.untaggedLines(response)).first {
            $0["UID"]?.number == UInt64(uid) && $0["FLAGS"] != nil
        }
        guard case .list(let flags)? = item?["FLAGS"] else { return nil }
        return Set(
            flags.compactMap { flag -> String? in
                if case .atom(let name) = flag, name.lowercased() != "\\recent" { return name }
                return nil
            })
    }

    /// The whole message, byte for byte (BODY[], which marks it \Seen). Messages larger than
    /// `maxMessageBytes` fail with `tooLarge` as soon as the limit is crossed; a missing UID fails
    /// with `notFound`.
    public func fetch(uid: UInt32) throws(MailError) -> [UInt8] {
        guard uid > 0 else { throw MailError(.invalidArgument, "UIDs start at 1") }
        let request = CurlHandle.Request(
            url: mailboxURL() + "/;UID=\(uid)", bodyLimit: configuration.maxMessageBytes)
        let response = try perform(request, idempotent: true)
        guard response.succeeded else {
            if response.bodyOverflowed {
                throw MailError(
                    .tooLarge, "message \(uid) is larger than the limit of \(configuration.maxMessageBytes) bytes",
                    curlCode: response.curlCode)
            }
            throw error(for: response, operation: "fetching UID \(uid)")
        }
        return response.body
    }

    /// The message's header section only (`;SECTION=HEADER`), for a message too large to fetch whole:
    /// enough to thread it and to tell the sender. Capped at 1 MiB.
    public func header(uid: UInt32) throws(MailError) -> [UInt8] {
        guard uid > 0 else { throw MailError(.invalidArgument, "UIDs start at 1") }
        let request = CurlHandle.Request(url: mailboxURL() + "/;UID=\(uid)/;SECTION=HEADER", bodyLimit: 1 << 20)
        let response = try perform(request, idempotent: true)
        guard response.succeeded || response.bodyOverflowed else {
            throw error(for: response, operation: "fetching the header of UID \(uid)")
        }
        return response.body
    }

    /// Files the message in `folder`, creating the folder when missing: UID MOVE when the server has
    /// MOVE, otherwise UID COPY + STORE \Deleted + UID EXPUNGE. Returns the message's UID in `folder`
    /// when the server says (UIDPLUS). A UID that no longer exists fails with `notFound`.
    @discardableResult
    public func move(uid: UInt32, to folder: String) throws(MailError) -> UInt32? {
        let target = try IMAPSyntax.quotedMailbox(folder)
        try ensureFolder(folder)
        let capabilities = try capabilities()
        let useMove = configuration.moveStrategy == .automatic && capabilities.contains("MOVE")
        let response = try run(
            useMove ? "UID MOVE \(uid) \(target)" : "UID COPY \(uid) \(target)", in: mailbox, idempotent: false)
        let copied = IMAPSyntax.copiedUID(in: response.lines)
        if copied == nil, capabilities.contains("UIDPLUS") {
            throw MailError(.notFound, "UID \(uid) is not in \(mailbox)")
        }
        if !useMove {
            _ = try run("UID STORE \(uid) +FLAGS.SILENT (\\Deleted)", in: mailbox)
            // Without UIDPLUS only a plain EXPUNGE exists, which also removes other \Deleted messages.
            _ = try run(
                capabilities.contains("UIDPLUS") ? "UID EXPUNGE \(uid)" : "EXPUNGE", in: mailbox, idempotent: false)
        }
        return copied
    }

    /// Files several messages in `folder` with one command (UID MOVE of a UID set, or UID COPY + STORE
    /// \Deleted + UID EXPUNGE), creating the folder when missing. A server does per command work that grows
    /// with the mailbox (Dovecot rewrites its Maildir index), so moving one message at a time costs more
    /// the fuller the inbox is. UIDs that no longer exist are skipped by the server.
    public func move(uids: [UInt32], to folder: String) throws(MailError) {
        guard !uids.isEmpty else { return }
        let target = try IMAPSyntax.quotedMailbox(folder)
        try ensureFolder(folder)
        let capabilities = try capabilities()
        let useMove = configuration.moveStrategy == .automatic && capabilities.contains("MOVE")
        let set = IMAPSyntax.uidSet(uids)
        _ = try run(useMove ? "UID MOVE \(set) \(target)" : "UID COPY \(set) \(target)", in: mailbox, idempotent: false)
        if !useMove {
            _ = try run("UID STORE \(set) +FLAGS.SILENT (\\Deleted)", in: mailbox)
            _ = try run(
                capabilities.contains("UIDPLUS") ? "UID EXPUNGE \(set)" : "EXPUNGE", in: mailbox, idempotent: false)
        }
    }

    /// Adds a keyword (user flag such as "$Ticketed") to the message.
    public func addKeyword(uid: UInt32, keyword: String) throws(MailError) {
        _ = try run("UID STORE \(uid) +FLAGS.SILENT (\(try IMAPSyntax.keyword(keyword)))", in: mailbox)
    }

    /// The server's capabilities after login, upper-cased ("IDLE", "MOVE", "UIDPLUS", "ESEARCH", …).
    public func capabilities() throws(MailError) -> Set<String> {
        if let knownCapabilities { return knownCapabilities }
        let response = try run("CAPABILITY", in: nil)
        let result = IMAPSyntax.capabilities(in: Self.untaggedLines(response))
        guard !result.isEmpty else { throw MailError(.protocol, "the server listed no capabilities") }
        knownCapabilities = result
        return result
    }

    /// Logs out and closes the connection; the next call connects again.
    public func close() {
        closedConnections += handle?.connectionsOpened ?? 0
        handle = nil
        knownCapabilities = nil
        knownFolders = []
    }

    // MARK: internals

    private typealias Response = CurlHandle.Response

    /// ESEARCH ranges are short, but a fragmented window answered with plain SEARCH costs up to 11
    /// bytes per UID; 5000 keeps that under libcurl's line limit.
    static let maximumWindow = 5000

    private func connection() throws(MailError) -> CurlHandle {
        if let handle { return handle }
        let created = try CurlHandle(settings: configuration.handleSettings(tls: resolved.tls))
        handle = created
        return created
    }

    private func mailboxURL() -> String {
        var url = resolved.server.base + ServerURL.percentEncode(mailbox, keepSlash: true)
        if let uidValidity { url += ";UIDVALIDITY=\(uidValidity)" }
        return url
    }

    /// Runs a request on the shared handle. A repeatable (`idempotent`) request that failed because
    /// the reused connection was gone (the server's idle timeout or restart: "* BYE", reset) is
    /// tried once more on a fresh connection; MOVE, COPY and EXPUNGE are never repeated blindly.
    private func perform(_ request: CurlHandle.Request, idempotent: Bool) throws(MailError) -> CurlHandle.Response {
        let handle = try connection()
        let response = handle.perform(request)
        if !response.succeeded, idempotent, response.newConnections == 0, Self.lostConnection(response) {
            return handle.perform(request)
        }
        return response
    }

    /// The server's "* BYE …" when it ended the session on its own — not the BYE that answers the
    /// LOGOUT libcurl sends when it closes a connection after a failed command (that one is
    /// followed by the tagged "OK Logout completed").
    private static func serverHungUp(_ lines: [String]) -> String? {
        guard let index = lines.lastIndex(where: { $0.uppercased().hasPrefix("* BYE") }) else { return nil }
        let answeredLogout = lines[(index + 1)...].contains { line in
            let words = line.split(separator: " ", maxSplits: 2)
            return words.count >= 2 && words[0] != "*" && words[1].uppercased() == "OK"
        }
        return answeredLogout ? nil : lines[index]
    }

    /// Whether a failure means the connection died under the request (rather than a refusal).
    private static func lostConnection(_ response: CurlHandle.Response) -> Bool {
        if serverHungUp(response.lines) != nil { return true }
        switch response.code {
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: return true
        default: return false
        }
    }

    /// Sends one command with CURLOPT_CUSTOMREQUEST. With a mailbox, libcurl SELECTs it first when the
    /// connection has not (and checks the UIDVALIDITY); without one, the command runs unselected.
    private func run(_ command: String, in mailbox: String?, idempotent: Bool = true) throws(MailError) -> Response {
        let url = mailbox == nil ? resolved.server.base : mailboxURL()
        let response = try perform(
            CurlHandle.Request(url: url, customRequest: IMAPSyntax.customRequest(command), bodyLimit: 4 << 20),
            idempotent: idempotent)
        guard response.succeeded else {
            let words = command.split(separator: " ")
            let verb = words.first == "UID" ? words.prefix(2).joined(separator: " ") : String(words.first ?? "")
            throw error(for: response, operation: verb)
        }
        return response
    }

    /// Makes sure `folder` exists: LIST it, CREATE it when missing. (Asking first matters: libcurl
    /// closes the connection after any failed command, so CREATE on an existing folder would cost a
    /// reconnect and a login.)
    private func ensureFolder(_ folder: String) throws(MailError) {
        guard !knownFolders.contains(folder) else { return }
        let quoted = try IMAPSyntax.quotedMailbox(folder)
        var listed = false
        // "%" and "*" are LIST wildcards that could list any number of folders (and libcurl copes
        // badly with long custom-command answers): for such names go straight to CREATE.
        if !folder.contains("%"), !folder.contains("*") {
            let listing = try run("LIST \"\" \(quoted)", in: nil)
            listed = IMAPSyntax.listedMailboxes(in: Self.untaggedLines(listing)).contains { entry in
                entry.name == folder && entry.attributes.isDisjoint(with: ["\\NONEXISTENT", "\\NOSELECT"])
            }
        }
        if !listed {
            let response = try perform(
                CurlHandle.Request(
                    url: resolved.server.base, customRequest: IMAPSyntax.customRequest("CREATE \(quoted)")),
                idempotent: true)
            let exists =
                IMAPSyntax.taggedFailure(in: response.lines).flatMap(IMAPSyntax.responseCode) == "ALREADYEXISTS"
            if !response.succeeded, !exists {
                // Servers without ALREADYEXISTS say a plain NO; a real problem surfaces when the move fails.
                let failure = error(for: response, operation: "CREATE")
                guard failure.code == .permanent || failure.code == .protocol else { throw failure }
            }
        }
        knownFolders.insert(folder)
    }

    /// The untagged lines libcurl wrote as the body of a custom command.
    private static func untaggedLines(_ response: CurlHandle.Response) -> [String] {
        CurlHandle.splitLines(response.body)
    }

    private func error(for response: CurlHandle.Response, operation: String) -> MailError {
        let secrets = configuration.credential.secrets
        if response.code == CURLE_REMOTE_FILE_NOT_FOUND, response.errorText.contains("UIDVALIDITY") {
            return MailError(
                .uidValidityChanged,
                "the UIDVALIDITY of \(mailbox) is no longer \(uidValidity.map(String.init) ?? "?")",
                curlCode: response.curlCode
            ).redacting(secrets)
        }
        if let bye = Self.serverHungUp(response.lines) {
            return MailError(
                .connection, "\(operation) failed: the server closed the connection",
                serverResponse: String(bye.dropFirst(2)),
                curlCode: response.curlCode
            ).redacting(secrets)
        }
        // Another client expunged the message while this session had the mailbox selected: Dovecot
        // answers "* n FETCH (UID n BODY[] NIL)" and "OK [EXPUNGEISSUED]", which libcurl cannot parse.
        if response.lines.contains(where: { $0.contains("[EXPUNGEISSUED]") || $0.hasSuffix("BODY[] NIL)") }) {
            return MailError(.notFound, "\(operation): the message was expunged", curlCode: response.curlCode)
        }
        // libcurl reports a refused SELECT (no such mailbox) as CURLE_LOGIN_DENIED "Select failed".
        let selectFailed = response.code == CURLE_LOGIN_DENIED && response.errorText.hasPrefix("Select failed")
        if let failure = IMAPSyntax.taggedFailure(in: response.lines),
            response.code != CURLE_LOGIN_DENIED || selectFailed
        {
            let words = failure.split(separator: " ", maxSplits: 2)
            let text = words.count > 2 ? String(words[2]) : ""
            let code: MailError.Code
            switch (String(words[1]).uppercased(), IMAPSyntax.responseCode(of: failure)) {
            case ("BAD", _): code = .protocol
            case (_, "AUTHENTICATIONFAILED"?), (_, "AUTHORIZATIONFAILED"?), (_, "EXPIRED"?), (_, "PRIVACYREQUIRED"?):
                code = .authentication
            case (_, "TRYCREATE"?), (_, "NONEXISTENT"?): code = .notFound
            case (_, "UNAVAILABLE"?), (_, "INUSE"?), (_, "LIMIT"?), (_, "SERVERBUG"?), (_, "OVERQUOTA"?):
                code = .temporary
            case (_, nil) where selectFailed || IMAPSyntax.saysMissing(text):
                // Dovecot answers STATUS on a missing mailbox with a bare "NO Mailbox doesn't exist".
                code = .notFound
            default: code = .permanent
            }
            return MailError(
                code, selectFailed ? "selecting \(mailbox) failed" : "\(operation) failed",
                serverResponse: "\(words[1]) \(text)", curlCode: response.curlCode
            ).redacting(secrets)
        }
        var error = response.genericError(operation)
        if error.code == .notFound {
            error = MailError(.notFound, "\(operation): no such message in \(mailbox)", curlCode: response.curlCode)
        }
        if error.code == .authentication {
            let serverSaid = response.lines.last { line in
                let words = line.split(separator: " ", maxSplits: 2)
                return words.count >= 2 && words[0] != "*" && (words[1] == "NO" || words[1] == "BAD")
            }
            error = MailError(
                .authentication, "login as \(configuration.credential.user) was refused", serverResponse: serverSaid,
                curlCode: response.curlCode)
        }
        return error.redacting(secrets)
    }
}
