import Digest
import Glibc

/// Writes a POSIX tar archive (ustar; sizes of 8 GiB and more in the base-256 form GNU tar and bsdtar
/// read) to a file descriptor, hashing each member's content with SHA-256 as it goes. `tar tvf` and
/// `tar xf` read what it writes.
final class TarWriter {
    static let blockSize = 512
    private let fd: Int32
    private let path: String
    /// Bytes written so far.
    private(set) var offset = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Adds a member with `bytes` as content; returns their SHA-256.
    @discardableResult
    func add(name: String, bytes: [UInt8], mode: Int = 0o600, modified: Int64) throws -> String {
        try writeHeader(name: name, size: bytes.count, mode: mode, modified: modified)
        try writeAll(bytes)
        try pad(bytes.count)
        return SHA256.hex(bytes)
    }

    /// Adds a member whose content is the file at `source` (read in 1 MiB pieces); returns its size and
    /// SHA-256. The file must not change meanwhile.
    func add(
        name: String, file source: String, mode: Int = 0o600, modified: Int64
    ) throws -> (
        size: Int, sha256: String
    ) {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw AdminError.io("cannot read", source) }
        defer { close(input) }
        var status = stat()
        guard fstat(input, &status) == 0 else { throw AdminError.io("cannot stat", source) }
        let size = Int(status.st_size)
        try writeHeader(name: name, size: size, mode: mode, modified: modified)
        let hasher = SHA256Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var copied = 0
        while copied < size {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, min($0.count, size - copied)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw AdminError.io("cannot read", source) }
            try buffer.withUnsafeBytes { (bytes) throws in
                let piece = UnsafeRawBufferPointer(rebasing: bytes[..<count])
                hasher.update(piece)
                try writeAll(piece)
            }
            copied += count
        }
        try pad(size)
        return (size, hasher.finalize())
    }

    /// Writes the two zero blocks that end an archive and flushes everything to disk.
    func finish() throws {
        try writeAll([UInt8](repeating: 0, count: 2 * Self.blockSize))
        guard fsync(fd) == 0 else { throw AdminError.io("cannot flush", path) }
    }

    private func writeHeader(name: String, size: Int, mode: Int, modified: Int64) throws {
        var header = [UInt8](repeating: 0, count: Self.blockSize)
        let nameBytes = Array(name.utf8)
        precondition(nameBytes.count < 100, "tar member names here are short")
        header.replaceSubrange(0..<nameBytes.count, with: nameBytes)
        Self.octal(mode, into: &header, at: 100, width: 8)
        Self.octal(0, into: &header, at: 108, width: 8)  // uid: root; the restore sets owners itself
        Self.octal(0, into: &header, at: 116, width: 8)
        if size < 0o77777777777 {
            Self.octal(size, into: &header, at: 124, width: 12)
        } else {
            // Base-256: the first byte's high bit set, the size big-endian in the rest.
            header[124] = 0x80
            var value = UInt64(size)
            for index in stride(from: 135, through: 125, by: -1) {
                header[index] = UInt8(value & 0xFF)
                value >>= 8
            }
        }
        Self.octal(Int(max(0, modified)), into: &header, at: 136, width: 12)
        header[156] = UInt8(ascii: "0")
        header.replaceSubrange(257..<265, with: Array("ustar\u{0}00".utf8))
        header.replaceSubrange(265..<269, with: Array("root".utf8))
        header.replaceSubrange(297..<301, with: Array("root".utf8))
        // The checksum is computed with its own field as eight spaces.
        header.replaceSubrange(148..<156, with: [UInt8](repeating: 0x20, count: 8))
        let sum = header.reduce(0) { $0 + Int($1) }
        Self.octal(sum, into: &header, at: 148, width: 7)
        header[155] = 0x20
        try writeAll(header)
    }

    /// `value` in octal, zero-padded to `width - 1` digits and NUL-terminated.
    static func octal(_ value: Int, into header: inout [UInt8], at offset: Int, width: Int) {
        let digits = Array(String(value, radix: 8).utf8)
        let padded = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - 1 - digits.count)) + digits
        header.replaceSubrange(offset..<offset + width - 1, with: padded)
        header[offset + width - 1] = 0
    }

    private func pad(_ size: Int) throws {
        let remainder = size % Self.blockSize
        if remainder > 0 { try writeAll([UInt8](repeating: 0, count: Self.blockSize - remainder)) }
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (raw) throws in try writeAll(raw) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var written = 0
        while written < bytes.count {
            let result = write(fd, bytes.baseAddress! + written, bytes.count - written)
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw AdminError.io("cannot write", path) }
            written += result
        }
        offset += bytes.count
    }
}
