import CCurl

/// What the linked libcurl is and can do; checked at start-up so a libcurl built without IMAP,
/// SMTP or TLS is reported clearly instead of failing on the first poll.
public struct Libcurl: Sendable {
    /// The version string, e.g. "7.88.1".
    public let version: String
    /// The TLS backend, e.g. "OpenSSL/3.0.15", or nil when libcurl was built without TLS.
    public let tlsBackend: String?
    /// URL schemes this libcurl supports, lower-cased.
    public let protocols: Set<String>

    /// Reads the facts from the library linked into this process.
    public static func linked() -> Libcurl {
        let info = hd_curl_version_info()!.pointee
        var protocols: Set<String> = []
        if var cursor = info.protocols {
            while let name = cursor.pointee {
                protocols.insert(String(cString: name).lowercased())
                cursor += 1
            }
        }
        return Libcurl(
            version: String(cString: info.version),
            tlsBackend: info.ssl_version.map { String(cString: $0) },
            protocols: protocols
        )
    }

    /// The schemes helpdeskd needs that this libcurl lacks.
    public var missingProtocols: [String] {
        ["imap", "imaps", "smtp", "smtps"].filter { !protocols.contains($0) }
    }
}
