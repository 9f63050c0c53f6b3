import ArgumentParser
import Foundation

/// Reads the files named on the command line.
enum InputFiles {
    /// One file's bytes, or standard input for "-".
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        return try readFile(path)
    }

    /// Reads straight into the array: through `Data` a 50 MB email would be in memory twice at once.
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ValidationError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw ValidationError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: max(Int(status.st_size), 0)) { buffer, count in
            while count < buffer.count {
                let got = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
                if got < 0, errno == EINTR { continue }
                if got < 0 { failure = errno }
                if got <= 0 { break }
                count += got
            }
        }
        // A file that grew since fstat: the rest, in chunks.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while failure == 0 {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if got < 0, errno == EINTR { continue }
            if got < 0 { failure = errno }
            if got <= 0 { break }
            bytes += chunk[..<got]
        }
        guard failure == 0 else { throw ValidationError("cannot read \(path): \(String(cString: strerror(failure)))") }
        return bytes
    }

    /// Every regular file under the given paths (directories recursively), sorted by path.
    static func paths(_ inputs: [String]) throws -> [String] {
        var found: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or directory: \(input)")
            }
            if !isDirectory.boolValue {
                found.append(input)
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: input) else { continue }
            for case let relative as String in enumerator {
                let path = (input as NSString).appendingPathComponent(relative)
                var childIsDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &childIsDirectory),
                    !childIsDirectory.boolValue
                {
                    found.append(path)
                }
            }
        }
        return found.sorted()
    }

    /// Loads every file under the given paths into memory.
    static func load(_ inputs: [String]) throws -> [[UInt8]] {
        try paths(inputs).map { try read($0) }
    }
}
