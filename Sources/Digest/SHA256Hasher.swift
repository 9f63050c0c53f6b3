import CLibCrypto

/// SHA-256 over data that arrives in pieces (a multi-gigabyte store copied into a backup archive):
/// `update` as often as needed, then `finalize` once.
public final class SHA256Hasher {
    private let context: OpaquePointer
    private var finished = false

    public init() {
        // Allocation failure only: Swift would not survive it either.
        guard let context = hd_sha256_new() else { preconditionFailure("SHA-256 context could not be created") }
        self.context = context
    }

    deinit { hd_sha256_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256Hasher used after finalize()")
        guard bytes.count > 0 else { return }
        precondition(hd_sha256_update(context, bytes.baseAddress, bytes.count) == 1, "SHA-256 update failed")
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest as lower-case hex; the hasher cannot be used afterwards.
    public func finalize() -> String {
        precondition(!finished, "SHA256Hasher finalized twice")
        finished = true
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = digest.withUnsafeMutableBufferPointer { hd_sha256_final(context, $0.baseAddress) }
        precondition(ok == 1, "SHA-256 final failed")
        return digest.hexString
    }
}
