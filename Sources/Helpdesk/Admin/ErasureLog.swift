import Glibc
import MIME

/// The erasures made on this installation, kept outside the store so that a restored backup can be brought
/// up to date: one line per `subject erase`, `2026-12-05T09:30:00Z <sha256 of the lower-cased address>`,
/// appended and flushed to disk before the erasure runs. It holds no address; like the `subject-erased`
/// events, each digest is a pseudonym (whoever guesses the address can confirm it).
///
/// The file lives beside the store (`helpdeskd.sqlite-erasures`, mode 0600). A restore keeps it, adds the
/// lines of the archive's copy it lacks, and replays the erasures made after the backup (`ErasureReplay`).
public struct ErasureLog: Sendable {
    public struct Entry: Sendable, Hashable {
        /// When the erasure was made (seconds since 1970; the `subject-erased` event has the same time).
        public var time: Int64
        /// SHA-256 (hex) of the lower-cased address.
        public var digest: String

        public init(time: Int64, digest: String) {
            self.time = time
            self.digest = digest
        }

        var line: String { "\(MessageDate(secondsSince1970: time, utcOffsetSeconds: 0).iso8601) \(digest)\n" }
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Appends one entry and flushes it to disk; creates the file (0600) when missing.
    public func append(_ entry: Entry) throws {
        try append([entry])
    }

    func append(_ entries: [Entry]) throws {
        guard !entries.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw AdminError.io("cannot open the erasure log", path) }
        defer { close(fd) }
        let bytes = Array(entries.map(\.line).joined().utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw AdminError.io("cannot write the erasure log", path) }
            written += result
        }
        guard fsync(fd) == 0 else { throw AdminError.io("cannot flush the erasure log", path) }
    }

    /// The entries, oldest first as written; an empty list when the file does not exist.
    public func entries() throws -> [Entry] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0, errno == ENOENT { return [] }
        guard fd >= 0 else { throw AdminError.io("cannot read the erasure log", path) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw AdminError.io("cannot read the erasure log", path) }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        return Self.parse(bytes)
    }

    /// The entries in a log's bytes. A last line without its newline (a crash while appending) is dropped;
    /// so are lines that are not entries (`#` comments an admin added, say).
    static func parse(_ bytes: [UInt8]) -> [Entry] {
        let complete = bytes.last == 0x0A ? bytes[...] : bytes[..<(bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)]
        return complete.split(separator: 0x0A).compactMap { line in
            let words = String(decoding: line, as: UTF8.self).split(separator: " ")
            guard words.count == 2, let time = parseTime(words[0]), words[1].count == 64,
                words[1].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else { return nil }
            return Entry(time: time, digest: String(words[1]))
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` as seconds since 1970.
    public static func parseTime(_ text: Substring) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
            bytes[16] == 0x3A, bytes[19] == 0x5A
        else { return nil }
        func number(_ range: Range<Int>) -> Int32? { Int32(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int64(timegm(&parts))
    }
}
