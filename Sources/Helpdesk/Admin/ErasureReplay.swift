import Digest
import MIME
public import TicketStore

/// Applies again, to a restored store, the logged erasures (`ErasureLog`) it does not record: those made after
/// its backup was taken, and those still running when it was.
///
/// The log holds digests, not addresses, so the addresses are found in the store itself: every address-like
/// token in every text value, every raw email and answer — as written, percent-decoded, and in header
/// sections with their encoded words decoded — is lower-cased, hashed, and compared with the digests (with
/// the forms the erasure itself recognises: the address inside a file name, or followed by a file
/// extension). Each address that matches is erased as `subject erase` would (`SubjectErasure`), with a new
/// `subject-erased` event.
///
/// An entry counts unless the store shows it as done: a `subject-erased` event with the digest, at the entry's
/// time or later (the erasure records its event with the time it logged). Erasures the store records are not
/// applied again: that would delete what the person sent after their erasure, which is new data. The backup's
/// time is no cut-off: an erasure is logged before it runs, so one logged shortly before the backup began may
/// have committed after the copy's snapshot — it is in the log, not in the copy, and is replayed.
public struct ErasureReplay: Sendable {
    let store: any TicketStore
    let requiredFields: [String]
    /// The helpdesk's own addresses: never erased, whatever a digest says.
    let ownAddresses: Set<String>

    public init(store: any TicketStore, requiredFields: [String], ownAddresses: [String]) {
        self.store = store
        self.requiredFields = requiredFields
        self.ownAddresses = Set(ownAddresses.map { $0.lowercased() })
    }

    /// What a replay did, entry by entry.
    public struct Outcome: Sendable {
        public struct Replayed: Sendable {
            public var entry: ErasureLog.Entry
            /// The addresses of the store that hash to the entry's digest (none: nothing of theirs is in it).
            public var addresses: [String]
            public var reports: [ErasureReport]
        }
        /// Entries looked at (all, or those logged since the time given).
        public var considered = 0
        /// Of those, entries the store shows as done already.
        public var alreadyApplied = 0
        public var replayed: [Replayed] = []

        public var lines: [String] {
            var lines = [
                "erasures logged: \(considered); already in the store: \(alreadyApplied); replayed: \(replayed.count)"
            ]
            for item in replayed {
                let when = MessageDate(secondsSince1970: item.entry.time, utcOffsetSeconds: 0).iso8601
                guard !item.addresses.isEmpty else {
                    lines.append("  \(when) sha256 \(item.entry.digest): nothing of this address is in the store")
                    continue
                }
                for report in item.reports {
                    lines.append(
                        "  \(when) sha256 \(item.entry.digest): \(report.dryRun ? "would erase" : "erased") "
                            + "\(report.tickets.count) ticket(s), \(report.messages) message(s), "
                            + "\(report.outboxRows) answer(s); address scrubbed from "
                            + "\(report.scrubbedTickets.count) other ticket(s)")
                }
            }
            return lines
        }
    }

    /// Replays the entries (those logged at `since` or later, when given) that the store does not show as done.
    public func run(
        _ entries: [ErasureLog.Entry], since: Int64? = nil, now: Int64, actor: String, dryRun: Bool = false
    )
        throws -> Outcome
    {
        var outcome = Outcome()
        var pending: [ErasureLog.Entry] = []
        var seen: Set<String> = []
        let considered = entries.filter { $0.time >= since ?? Int64.min }
        let oldest = considered.map(\.time).min() ?? 0
        let recorded = try store.snapshot { try $0.events(kind: .subjectErased, since: oldest) }
        // Whether the store holds the erasure of `digest` made at `time` or later: it is in this store already.
        func isRecorded(_ digest: String, since time: Int64) -> Bool {
            let name = SubjectErasure.auditName(digest: digest)
            return recorded.contains { $0.at >= time && $0.detail.contains(name) }
        }
        // The newest entry of each address decides: an older one is covered by it.
        for entry in considered.sorted(by: { $0.time > $1.time }) {
            outcome.considered += 1
            guard !seen.contains(entry.digest) else {
                outcome.alreadyApplied += 1
                continue
            }
            seen.insert(entry.digest)
            if isRecorded(entry.digest, since: entry.time) {
                outcome.alreadyApplied += 1
            } else {
                pending.append(entry)
            }
        }
        guard !pending.isEmpty else { return outcome }

        let found = try addresses(hashingTo: Set(pending.map(\.digest)))
        let erasure = SubjectErasure(store: store, requiredFields: requiredFields)
        for entry in pending.sorted(by: { $0.time < $1.time }) {
            let addresses = (found[entry.digest] ?? []).sorted()
            var reports: [ErasureReport] = []
            for address in addresses {
                let subject = try SubjectAddress(address)
                reports.append(
                    try erasure.run(
                        subject, now: now, actor: "\(actor), replaying the erasure of \(entry.line.prefix(20))",
                        dryRun: dryRun))
            }
            outcome.replayed.append(.init(entry: entry, addresses: addresses, reports: reports))
        }
        return outcome
    }

    /// The addresses in the store whose digest is one of `digests`.
    func addresses(hashingTo digests: Set<String>) throws -> [String: Set<String>] {
        var hashed: Set<[UInt8]> = []
        var found: [String: Set<String>] = [:]
        func consider(_ bytes: [UInt8]) {
            for candidate in AddressTokens.candidates(in: bytes) where hashed.insert(candidate).inserted {
                let address = String(decoding: candidate, as: UTF8.self)
                // The erasure hashes the address lower-cased as text (`SubjectAddress`); ASCII is lowered already.
                let digest = SHA256.hex(
                    candidate.allSatisfy { $0 < 0x80 } ? candidate : Array(address.lowercased().utf8))
                guard digests.contains(digest) else { continue }
                guard !ownAddresses.contains(address), (try? SubjectAddress(address)) != nil else { continue }
                found[digest, default: []].insert(address)
            }
        }
        func text(_ bytes: [UInt8]) {
            let lowered = ByteCase.lowered(bytes)
            consider(lowered)
            if let decoded = PercentDecoded(lowered) { consider(ByteCase.lowered(decoded.bytes)) }
        }
        func email(_ raw: [UInt8]) {
            text(raw)
            let header = raw[..<AddressTokens.headerEnd(raw)]
            if EncodedWordText.mayHaveEncodedWords(Array(header)) {
                var defects: [String] = []
                consider(ByteCase.lowered(Array(EncodedWords.decode(header, defects: &defects).utf8)))
            }
        }
        // Every text value, and the raw emails received and sent. Attachment content is not searched: an
        // erasure keeps it for the others who sent it.
        try store.snapshot { snapshot in
            try snapshot.forEachValue { value in
                switch (value.content, value.column.table, value.column.column) {
                case (.text(let value), _, _): text(Array(value.utf8))
                case (.bytes(let raw), "message", "raw"), (.bytes(let raw), "outbox", "raw"): email(raw)
                case (.bytes, _, _): break
                }
            }
        }
        return found
    }
}

/// Address-like tokens in bytes, for matching digests: each `local@domain` run, and the shorter forms the
/// erasure also treats as the address (the part of a file name after a separator, the address before a
/// file extension).
enum AddressTokens {
    /// Every candidate in `bytes` (already lower-cased).
    static func candidates(in bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var index = 0
        while let at = bytes[index...].firstIndex(of: 0x40) {
            index = at + 1
            var start = at
            while start > 0, isLocal(bytes[start - 1]) { start -= 1 }
            var end = at + 1
            while end < bytes.count, isDomain(bytes[end]) { end += 1 }
            while start < at, bytes[start] == 0x2E { start += 1 }
            while end > at + 1, bytes[end - 1] == 0x2E || bytes[end - 1] == 0x2D { end -= 1 }
            guard start < at, end > at + 1 else { continue }
            let domain = Array(bytes[at + 1..<end])
            // The domain and each shorter form cut at a dot (a file extension after it), down to two labels.
            var domains = [domain]
            var cut = domain
            while let dot = cut.lastIndex(of: 0x2E), cut[..<dot].contains(0x2E) {
                cut = Array(cut[..<dot])
                domains.append(cut)
            }
            // The local part and each shorter form after a separator (`about-anna@…`).
            var locals = [Array(bytes[start..<at])]
            for position in start..<at where isSeparator(bytes[position]) && position + 1 < at {
                locals.append(Array(bytes[position + 1..<at]))
            }
            for local in locals {
                for domain in domains { result.append(local + [0x40] + domain) }
            }
        }
        return result
    }

    /// Where a raw email's header section ends (the blank line), or its end.
    static func headerEnd(_ raw: [UInt8]) -> Int {
        var index = 0
        while index + 1 < raw.count {
            if raw[index] == 0x0A {
                if raw[index + 1] == 0x0A { return index }
                if raw[index + 1] == 0x0D, index + 2 < raw.count, raw[index + 2] == 0x0A { return index }
            }
            index += 1
        }
        return raw.count
    }

    /// Bytes of a local part besides letters and digits (RFC 5322 atext and the dot), and separators.
    private static let localPunctuation = Array("!#$%&'*+-/=?^_`{|}~.".utf8)
    private static let classes: [UInt8] = (0...255).map { value in
        let byte = UInt8(value)
        let alphanumeric = (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte)
        var bits: UInt8 = 0
        if alphanumeric || byte >= 0x80 || localPunctuation.contains(byte) { bits |= 1 }
        if alphanumeric || byte >= 0x80 || byte == 0x2D || byte == 0x2E { bits |= 2 }
        if localPunctuation.contains(byte) { bits |= 4 }
        return bits
    }

    private static func isLocal(_ byte: UInt8) -> Bool { classes[Int(byte)] & 1 != 0 }
    private static func isDomain(_ byte: UInt8) -> Bool { classes[Int(byte)] & 2 != 0 }
    private static func isSeparator(_ byte: UInt8) -> Bool { classes[Int(byte)] & 4 != 0 }
}
