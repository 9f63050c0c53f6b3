import ArgumentParser
import Foundation

/// Reads the files named on the command line.
enum InputFiles {
    /// One file's bytes, or standard input for "-".
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return [UInt8](data)
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
