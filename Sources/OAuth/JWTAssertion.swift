import CLibCrypto
import Foundation

/// An RSA private key that signs RS256 (RSASSA-PKCS1-v1_5 with SHA-256), read from PEM with the system's
/// libcrypto.
public final class RSASigningKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is only read after init (signing does not modify it); OpenSSL allows that from
    // several threads.
    private let key: OpaquePointer

    public init(pem: String) throws(OAuthError) {
        let bytes = Array(pem.utf8)
        guard
            let key = bytes.withUnsafeBufferPointer({ buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    hd_private_key_from_pem($0, Int32(buffer.count))
                }
            })
        else {
            throw OAuthError(.configuration, "the file holds no unencrypted PEM private key")
        }
        guard hd_private_key_is_rsa2048(key) == 1 else {
            hd_private_key_free(key)
            throw OAuthError(.configuration, "the private key is not an RSA key of at least 2048 bits")
        }
        self.key = key
    }

    deinit { hd_private_key_free(key) }

    public func sign(_ data: [UInt8]) throws(OAuthError) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: 1024)
        var length = signature.count
        let ok = data.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                hd_rs256_sign(key, input.baseAddress, input.count, output.baseAddress, &length)
            }
        }
        guard ok == 1 else { throw OAuthError(.configuration, "RS256 signing failed") }
        return Array(signature.prefix(length))
    }
}

/// A JWT (RFC 7519) signed with RS256, as RFC 7523 uses it: a grant (Google service accounts) or a client's proof
/// of identity (Microsoft's certificate credentials).
public enum JWTAssertion {
    /// `header.claims.signature`, each part base64url without padding.
    public static func signed(
        header: [String: Any], claims: [String: Any], key: RSASigningKey
    ) throws(OAuthError)
        -> String
    {
        let input = base64URL(json(header)) + "." + base64URL(json(claims))
        let signature = try key.sign(Array(input.utf8))
        return input + "." + base64URL(signature)
    }

    /// The claims of a grant assertion: `iss` the client, `sub` the mailbox (if any), `aud` the token URL, an hour
    /// at most (Google's limit).
    public static func grantClaims(
        issuer: String, subject: String?, audience: String, scope: String, now: Int64
    )
        -> [String: Any]
    {
        var claims: [String: Any] = ["iss": issuer, "aud": audience, "iat": now, "exp": now + 3600]
        if let subject, !subject.isEmpty { claims["sub"] = subject }
        if !scope.isEmpty { claims["scope"] = scope }
        return claims
    }

    /// The claims of a client assertion (RFC 7523 §3; Microsoft's certificate credentials): `iss` = `sub` = the
    /// client, a unique `jti`, ten minutes.
    public static func clientClaims(clientID: String, audience: String, now: Int64) -> [String: Any] {
        [
            "iss": clientID, "sub": clientID, "aud": audience, "iat": now, "nbf": now, "exp": now + 600,
            "jti": UUID().uuidString.lowercased(),
        ]
    }

    /// The header naming a certificate by its SHA-1 thumbprint ("x5t"), as Microsoft's identity platform wants.
    public static func certificateHeader(certificatePEM: String) throws(OAuthError) -> [String: Any] {
        let body = certificatePEM.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst().first?
            .components(separatedBy: "-----END CERTIFICATE-----").first?
            .filter { !$0.isWhitespace }
        guard let body, let der = Data(base64Encoded: body), !der.isEmpty else {
            throw OAuthError(.configuration, "the certificate file holds no PEM certificate")
        }
        var digest = [UInt8](repeating: 0, count: 20)
        _ = der.withUnsafeBytes { raw in
            digest.withUnsafeMutableBufferPointer { hd_sha1(raw.baseAddress, raw.count, $0.baseAddress) }
        }
        return ["alg": "RS256", "typ": "JWT", "x5t": base64URL(digest)]
    }

    public static var plainHeader: [String: Any] { ["alg": "RS256", "typ": "JWT"] }

    static func json(_ object: [String: Any]) -> [UInt8] {
        // Sorted keys: the same claims give the same bytes (tests compare them).
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        return data.map { [UInt8]($0) } ?? Array("{}".utf8)
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
