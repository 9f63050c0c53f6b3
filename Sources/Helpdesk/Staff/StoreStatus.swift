import Foundation
import MIME
import OAuth
public import TicketStore

/// `helpdeskd status`: the health of the intake as the store records it, readable without the daemon.
public enum StoreStatus {
    /// Below this much free space in the state directory the store is reported full. SQLite needs room for
    /// the write-ahead log as well as the email; when a write fails the daemon leaves mail in the mailbox,
    /// and a full disk records nothing in the store, so `status` looks at the file system itself (issue #8).
    public static let lowSpaceBytes: Int64 = 1 << 20

    /// Free bytes (for an unprivileged user) on the file system holding `path`, or nil if unknown.
    public static func freeBytes(at path: String) -> Int64? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// The state directory's free space as a status member; `full` when below `lowSpaceBytes`.
    public static func space(directory: String, freeBytes: Int64?) -> (String, JSONValue) {
        (
            "state_directory",
            .object([
                ("path", .string(directory)),
                ("free_bytes", freeBytes.map { .int($0) } ?? .null),
                ("full", .bool(freeBytes.map { $0 < lowSpaceBytes } ?? false)),
            ])
        )
    }

    /// The report, with the free space of the state directory when `stateDirectory` is given, and every one of
    /// `mailboxes` (the configured `[[mailbox]]` entries) listed by name, polled or not yet.
    public static func report(
        store: any TicketStore, now: Int64, stateDirectory: String?, mailboxes: [HelpdeskConfiguration.Mailbox] = []
    ) throws -> JSONValue {
        var report = try report(store: store, now: now)
        if !mailboxes.isEmpty { report = named(report, mailboxes) }
        guard let stateDirectory, case .object(var members) = report else { return report }
        members.append(space(directory: stateDirectory, freeBytes: freeBytes(at: stateDirectory)))
        members.append(oauth(stateDirectory: stateDirectory, now: now))
        return .object(members)
    }

    /// The report's positions with the name of the mailbox each belongs to, and a "never polled" entry for each
    /// configured mailbox the store knows nothing of yet.
    static func named(_ report: JSONValue, _ mailboxes: [HelpdeskConfiguration.Mailbox]) -> JSONValue {
        guard case .object(var members) = report, let index = members.firstIndex(where: { $0.0 == "mailboxes" }),
            case .array(let positions) = members[index].1
        else { return report }
        var seen: Set<String> = []
        var named: [JSONValue] = positions.map { position in
            guard case .object(var fields) = position, case .string(let key)? = fields.first?.1 else { return position }
            seen.insert(key)
            if let mailbox = mailboxes.first(where: { $0.sourceKey == key }) {
                fields.insert(("name", .string(mailbox.name)), at: 1)
            }
            return .object(fields)
        }
        for mailbox in mailboxes where !seen.contains(mailbox.sourceKey) {
            named.append(
                .object([
                    ("mailbox", .string(mailbox.sourceKey)), ("name", .string(mailbox.name)), ("last_poll", .null),
                    ("seconds_since_poll", .null), ("last_error", .string("never polled")),
                ]))
        }
        members[index].1 = .array(named)
        return .object(members)
    }

    /// The OAuth token files in the state directory: when each token expires, and a renewal failure while it
    /// lasts (the daemon records both there; this reads them without the daemon).
    public static func oauth(stateDirectory: String, now: Int64) -> (String, JSONValue) {
        (
            "oauth2",
            .array(
                TokenCache.all(stateDirectory: stateDirectory).map { key, tokens in
                    let expiresAt = tokens.accessToken == nil ? 0 : tokens.expiresAt
                    return .object([
                        ("provider", .string(key)),
                        ("expires_at", expiresAt == 0 ? .null : .string(Timestamp.iso(expiresAt))),
                        ("seconds_left", .int(max(0, expiresAt - now))),
                        ("has_refresh_token", .bool(tokens.refreshToken != nil)),
                        ("last_error", .string(tokens.lastError)),
                        ("last_error_at", .string(tokens.lastErrorAt.map(Timestamp.iso))),
                    ])
                })
        )
    }

    public static func report(store: any TicketStore, now: Int64) throws -> JSONValue {
        let summary = try store.summary(now: now)
        return .object([
            (
                "mailboxes",
                .array(
                    summary.mailboxes.map { state in
                        .object([
                            ("mailbox", .string(state.mailbox)),
                            ("last_poll", .string(state.lastPollAt.map(Timestamp.iso))),
                            ("seconds_since_poll", state.lastPollAt.map { .int(now - $0) } ?? .null),
                            ("uid_validity", .int(state.uidValidity)), ("highest_uid", .int(state.highestUID)),
                            ("last_error", .string(state.lastError)),
                        ])
                    })
            ),
            ("tickets", .object(TicketStatus.allCases.map { ($0.rawValue, .int(summary.tickets[$0] ?? 0)) })),
            ("outbox", .object(OutboxStatus.allCases.map { ($0.rawValue, .int(summary.outbox[$0] ?? 0)) })),
            (
                "oldest_unanswered",
                summary.oldestQueued.map { row in
                    .object([
                        ("message_id", .string(row.messageID)), ("to", .string(row.recipient)),
                        ("queued_at", .string(Timestamp.iso(row.createdAt))), ("attempts", .int(row.attempts)),
                        ("last_error", .string(row.lastError)),
                    ])
                } ?? .null
            ),
            (
                "sla_breaches",
                .array(
                    summary.slaBreaches.map { ticket in
                        .object([
                            ("ref", .string(ticket.ref)), ("due_at", .string(ticket.dueAt.map(Timestamp.iso))),
                            ("severity", .string(ticket.severity.rawValue)),
                        ])
                    })
            ),
            ("quarantined", .int(summary.quarantined)),
        ])
    }

    /// The same for a terminal.
    public static func text(_ report: JSONValue) -> String {
        guard case .object(let members) = report else { return "" }
        let map = Dictionary(members, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        func value(_ v: JSONValue?) -> String {
            switch v {
            case .string(let s): return s
            case .int(let n): return String(n)
            case .null, .none: return "-"
            default: return v!.serialized()
            }
        }
        if case .array(let boxes) = map["mailboxes"], !boxes.isEmpty {
            for box in boxes {
                guard case .object(let fields) = box else { continue }
                let f = Dictionary(fields, uniquingKeysWith: { a, _ in a })
                lines.append(
                    "Mailbox \(value(f["mailbox"])): last poll \(value(f["last_poll"])) (\(value(f["seconds_since_poll"])) s ago), last error \(value(f["last_error"]))"
                )
            }
        } else {
            lines.append("Mailbox: never polled")
        }
        for key in ["tickets", "outbox"] {
            guard case .object(let counts) = map[key] else { continue }
            lines.append(key.capitalized + ": " + counts.map { "\($0.0) \(value($0.1))" }.joined(separator: ", "))
        }
        if case .object(let oldest) = map["oldest_unanswered"] {
            let f = Dictionary(oldest, uniquingKeysWith: { a, _ in a })
            lines.append(
                "Oldest unanswered: \(value(f["message_id"])) to \(value(f["to"])) queued \(value(f["queued_at"])), \(value(f["attempts"])) attempt(s), last error \(value(f["last_error"]))"
            )
        }
        if case .array(let breaches) = map["sla_breaches"] {
            lines.append("SLA breaches: \(breaches.count)")
            for breach in breaches.prefix(20) {
                guard case .object(let f) = breach else { continue }
                let d = Dictionary(f, uniquingKeysWith: { a, _ in a })
                lines.append("  \(value(d["ref"])) \(value(d["severity"])) due \(value(d["due_at"]))")
            }
        }
        lines.append("Quarantined: \(value(map["quarantined"]))")
        if case .array(let providers) = map["oauth2"] {
            for provider in providers {
                guard case .object(let fields) = provider else { continue }
                let f = Dictionary(fields, uniquingKeysWith: { a, _ in a })
                var line =
                    "OAuth [\(value(f["provider"]))]: token valid until \(value(f["expires_at"])) (\(value(f["seconds_left"])) s)"
                if case .string(let error) = f["last_error"] {
                    line += " - RENEWAL FAILING since \(value(f["last_error_at"])): \(error)"
                }
                lines.append(line)
            }
        }
        if case .object(let space) = map["state_directory"] {
            let f = Dictionary(space, uniquingKeysWith: { a, _ in a })
            var line = "State directory \(value(f["path"])): \(value(f["free_bytes"])) bytes free"
            if case .bool(true) = f["full"] {
                line += " - FULL: the daemon cannot store new mail and leaves it in the mailbox until space returns"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

}
