import Foundation
public import TicketStore

/// `manifest.json` of a backup archive: what the archive holds, each file with its size and SHA-256, the
/// helpdesk it belongs to, and what the store held when it was copied. The archive's `SHA256SUMS` lists the
/// same digests (and the manifest's own) in `sha256sum -c` form, so an admin can check an extracted archive
/// without helpdeskd.
public struct BackupManifest: Codable, Sendable, Equatable {
    public static let formatName = "helpdeskd-backup"
    public static let currentVersion = 1
    /// Every member lives in this directory of the archive: `tar xf` makes one directory.
    static let directory = "helpdeskd-backup/"

    /// The files a backup may hold, by their name in the archive.
    public enum File: String, Codable, Sendable, CaseIterable {
        /// The SQLite store, copied with SQLite's online backup API.
        case store = "helpdeskd.sqlite"
        /// The key that signs our Message-IDs: without it, replies to earlier answers no longer verify.
        case hmacKey = "hmac.key"
        /// The relay's journal of answers being sent (`DeliveryJournal`).
        case relayJournal = "relay-journal"
        /// The erasures made up to the backup (`ErasureLog`).
        case erasureLog = "erasures"
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var size: Int
        public var sha256: String
    }

    public struct Helpdesk: Codable, Sendable, Equatable {
        public var address: String
        public var ticketPrefix: String

        public init(address: String, ticketPrefix: String) {
            self.address = address
            self.ticketPrefix = ticketPrefix
        }

        enum CodingKeys: String, CodingKey {
            case address
            case ticketPrefix = "ticket_prefix"
        }
    }

    public var format = formatName
    public var formatVersion = currentVersion
    /// When the store's snapshot was taken (UTC, ISO 8601) and the same in seconds since 1970.
    public var createdAt: String
    public var createdAtSeconds: Int64
    public var helpdeskdVersion: String
    public var hostname: String
    public var helpdesk: Helpdesk
    public var store: StoreInspection
    public var files: [Entry]

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case createdAt = "created_at"
        case createdAtSeconds = "created_at_seconds"
        case helpdeskdVersion = "helpdeskd_version"
        case hostname, helpdesk, store, files
    }

    /// The manifest as pretty-printed JSON with a final newline.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    static func decode(_ bytes: [UInt8]) throws -> BackupManifest {
        do {
            return try JSONDecoder().decode(BackupManifest.self, from: Data(bytes))
        } catch {
            throw AdminError(
                .archiveMismatch, "the archive's manifest.json is not a helpdeskd backup manifest: \(error)")
        }
    }

    /// `SHA256SUMS`: one `<sha256>  <name>` line per file, the manifest last.
    static func checksums(_ entries: [Entry]) -> [UInt8] {
        Array(entries.map { "\($0.sha256)  \($0.name)\n" }.joined().utf8)
    }

    /// Reads `SHA256SUMS`: name → digest; nil when a line is not in that form.
    static func parseChecksums(_ bytes: [UInt8]) -> [String: String]? {
        var sums: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[1].hasPrefix(" ") else { return nil }
            sums[String(parts[1].dropFirst())] = String(parts[0])
        }
        return sums
    }
}
