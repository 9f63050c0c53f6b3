import CLibCrypto

/// SHA-256 digests, used to name attachments and raw messages by their content.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                // EVP_Digest only fails on allocation failure, which Swift would not survive either.
                let ok = hd_sha256(input.baseAddress, input.count, output.baseAddress)
                precondition(ok == 1, "SHA-256 failed")
            }
        }
        return digest
    }

    /// The digest as lower-case hex.
    public static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        digest(bytes).hexString
    }

    public static func digest(_ bytes: [UInt8]) -> [UInt8] { digest(bytes[...]) }
    public static func hex(_ bytes: [UInt8]) -> String { digest(bytes[...]).hexString }
}

/// HMAC-SHA-256, used to sign the Message-IDs of our answers so forged references are recognised.
public enum HMACSHA256 {
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: 32)
        key.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { message in
                code.withUnsafeMutableBufferPointer { output in
                    let ok = hd_hmac_sha256(
                        key.baseAddress, Int32(clamping: key.count),
                        message.baseAddress, message.count,
                        output.baseAddress)
                    precondition(ok == 1, "HMAC-SHA-256 failed")
                }
            }
        }
        return code
    }

    /// Compares two codes in time independent of where they differ.
    public static func isEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
