import Glibc
import TicketStore

/// What the relay did since it last wrote to the store: an attempt before each send, a delivery after the
/// server accepted the message, each appended to a small file of its own and flushed to disk before the relay
/// goes on. So the relay never waits for the store's single writer between two answers; during a flood intake
/// keeps that writer busy, and answers would otherwise leave at the pace of intake's commits. The relay folds
/// the entries into the outbox table every hundred answers and at the end of every pass; entries found when it
/// starts (after a crash) are folded first.
///
/// Crash semantics are those of counting in the store: an attempt is durable before the message goes out, a
/// delivery right after, so a crash resends at most the one answer that was on the wire. Folding twice (a crash
/// between the store's commit and the truncation) counts an attempt twice and changes nothing else.
final class DeliveryJournal {
    /// One line of the journal: an attempt or a delivery, as the store folds it in.
    typealias Entry = OutboxDelivery

    let path: String
    private let fd: Int32
    /// Entries written and not yet folded, oldest first.
    private(set) var entries: [Entry] = []

    /// Why the journal could not be used, with a `code` to switch on (the description has the system's reason).
    struct Failure: Error, Sendable, CustomStringConvertible {
        enum Code: String, Sendable, CaseIterable { case open, read, write, flush, truncate }
        let code: Code
        let description: String
    }

    /// Opens (creating it 0600) the journal at `path` and reads what an earlier run left in it.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Self.failure(.open, "cannot open", path) }
        entries = try readAll()
    }

    deinit { close(fd) }

    /// Appends entries and flushes them to disk.
    func append(_ new: [Entry]) throws {
        guard !new.isEmpty else { return }
        var text = ""
        for entry in new {
            switch entry {
            case .attempt(let id): text += "A \(id)\n"
            case .delivered(let id, let at): text += "D \(id) \(at)\n"
            }
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw Self.failure(.write, "cannot write", path) }
            written += result
        }
        guard fdatasync(fd) == 0 else { throw Self.failure(.flush, "cannot flush", path) }
        entries += new
    }

    /// Empties the journal once its entries are in the store.
    func clear() throws {
        guard ftruncate(fd, 0) == 0, fdatasync(fd) == 0 else { throw Self.failure(.truncate, "cannot truncate", path) }
        entries = []
    }

    private func readAll() throws -> [Entry] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(bytes.count)) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw Self.failure(.read, "cannot read", path) }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        // A line cut short by a crash (no newline yet) was never acted on: it is dropped.
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: true).compactMap { line in
            guard line.endIndex < bytes.endIndex || bytes.last == 0x0A else { return nil }
            let words = line.split(separator: 0x20).map { Int64(String(decoding: $0, as: UTF8.self)) }
            switch (line.first, words.count) {
            case (UInt8(ascii: "A"), 2): return words[1].map { .attempt($0) }
            case (UInt8(ascii: "D"), 3):
                guard let id = words[1], let at = words[2] else { return nil }
                return .delivered(id, at: at)
            default: return nil
            }
        }
    }

    private static func failure(_ code: Failure.Code, _ what: String, _ path: String) -> Failure {
        Failure(
            code: code,
            description: "\(what) the relay's journal \(path): \(String(cString: strerror(errno)))")
    }
}
