import Glibc

/// Reads a tar archive (ustar, or GNU/bsdtar's base-256 sizes) from a file descriptor, one member at a
/// time, streaming each member's content: a backup holds a store of gigabytes. Anything that is not a
/// well-formed archive — a bad header checksum, a member cut short, no end — is `AdminError.archiveCorrupt`.
final class TarReader {
    struct Member {
        let name: String
        let size: Int
        /// `0` (or NUL) for a regular file; anything else (directories, links…) is not in a backup.
        let type: UInt8
        var isRegularFile: Bool { type == UInt8(ascii: "0") || type == 0 }
    }

    private let fd: Int32
    private let path: String
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0
    /// The content of the member `next()` returned last that has not been read yet (with its padding).
    private var pending = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// The next member's header, or nil at the end of the archive (a zero block).
    func next() throws -> Member? {
        try skip(pending)
        pending = 0
        let header = try take(TarWriter.blockSize)
        if header.allSatisfy({ $0 == 0 }) { return nil }
        let stored = Self.number(header[148..<156])
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 0x20 : Int(byte) }
        guard let stored, stored == sum else {
            throw AdminError(.archiveCorrupt, "\(path): a tar header's checksum does not match: the archive is damaged")
        }
        let nameField = header[0..<100].prefix { $0 != 0 }
        let prefixField = header[345..<500].prefix { $0 != 0 }
        let name =
            (prefixField.isEmpty ? "" : String(decoding: prefixField, as: UTF8.self) + "/")
            + String(decoding: nameField, as: UTF8.self)
        guard let size = Self.size(header[124..<136]) else {
            throw AdminError(.archiveCorrupt, "\(path): member \(name) has an unreadable size")
        }
        pending = size + (TarWriter.blockSize - size % TarWriter.blockSize) % TarWriter.blockSize
        return Member(name: name, size: size, type: header[156])
    }

    /// Streams the content of the member `next()` returned last to `sink`, in pieces.
    func read(_ member: Member, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var remaining = member.size
        while remaining > 0 {
            try fill()
            let count = min(remaining, end - start)
            try buffer.withUnsafeBytes { bytes in
                try sink(UnsafeRawBufferPointer(rebasing: bytes[start..<start + count]))
            }
            start += count
            remaining -= count
            pending -= count
        }
    }

    /// The content of a small member, whole.
    func readAll(_ member: Member) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(member.size)
        try read(member) { bytes.append(contentsOf: $0) }
        return bytes
    }

    private func skip(_ count: Int) throws {
        var remaining = count
        while remaining > 0 {
            try fill()
            let step = min(remaining, end - start)
            start += step
            remaining -= step
        }
    }

    private func take(_ count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            try fill()
            let step = min(count - bytes.count, end - start)
            bytes += buffer[start..<start + step]
            start += step
        }
        return bytes
    }

    /// Makes at least one byte available, or throws: the archive ended in the middle of something.
    private func fill() throws {
        guard start == end else { return }
        start = 0
        end = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw AdminError.io("cannot read", path) }
            guard count > 0 else {
                throw AdminError(.archiveCorrupt, "\(path) ends too early: the archive is truncated or damaged")
            }
            end = count
            return
        }
    }

    /// An octal field (digits, then NUL or spaces), nil when it is not one.
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        let digits = field.drop { $0 == 0x20 }.prefix { $0 != 0 && $0 != 0x20 }
        guard !digits.isEmpty, digits.count <= 21, digits.allSatisfy({ (0x30...0x37).contains($0) }) else {
            return nil
        }
        return digits.reduce(0) { $0 * 8 + Int($1 - 0x30) }
    }

    /// The size field: octal, or base-256 (first byte 0x80) for 8 GiB and more.
    static func size(_ field: ArraySlice<UInt8>) -> Int? {
        guard field.first == 0x80 else { return number(field) }
        var value: UInt64 = 0
        for byte in field.dropFirst() {
            guard value >> 56 == 0 else { return nil }
            value = value << 8 | UInt64(byte)
        }
        return value <= UInt64(Int.max) ? Int(value) : nil
    }
}
