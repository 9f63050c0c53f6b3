import Foundation

/// The fields of an `application/x-www-form-urlencoded` body or a query string, in order, decoded (`+` is a
/// space, `%XX` a byte; invalid UTF-8 becomes U+FFFD). A name may occur several times (checkboxes).
struct FormFields: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    init(_ encoded: String) {
        for item in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            pairs.append((name, value))
        }
    }

    /// The first value of `name`.
    subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    static func decode(_ text: Substring) -> String {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hex(input[index + 1]), let low = hex(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                // A "%" without two hex digits stays as written; the bytes after it are read as usual.
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The cookies of a request's `Cookie` header fields, by name (the first of a name wins).
struct RequestCookies {
    private var values: [String: String] = [:]

    init(_ headers: [String]) {
        for header in headers {
            for item in header.split(separator: ";") {
                let parts = item.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                if values[name] == nil { values[name] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
    }

    subscript(_ name: String) -> String? { values[name] }
}
