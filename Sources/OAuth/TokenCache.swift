import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What is known of one provider's tokens, as kept in the state directory (`oauth2/NAME.json`, mode 0600).
public struct CachedTokens: Sendable, Equatable {
    public var accessToken: String?
    /// Wall-clock seconds; 0 when there is no access token.
    public var expiresAt: Int64 = 0
    public var refreshToken: String?
    /// When the last token was issued.
    public var obtainedAt: Int64?
    /// The last failure to obtain one, and when; cleared by the next success.
    public var lastError: String?
    public var lastErrorAt: Int64?

    public init() {}
}

/// The token file of one provider in the state directory. Every write goes to a temporary file, is flushed to
/// disk and renamed over the old one (then the directory is flushed): a crash leaves the old file or the new one,
/// never half of either. That matters for rotated refresh tokens: the provider has already forgotten the old
/// one, so the new one must be on disk before it is used.
public struct TokenCache: Sendable {
    /// The provider's name, with "+user" for per-user tokens.
    public let key: String
    public let path: String

    /// `STATE/oauth2/KEY.json`; the key is the provider's name, with the mailbox user for per-user tokens.
    public init(stateDirectory: String, key: String) {
        self.key = key
        let safe = key.map { $0.isLetter || $0.isNumber || "-_.@".contains($0) ? $0 : "_" }
        path = stateDirectory + "/oauth2/" + String(safe) + ".json"
    }

    public var directory: String { (path as NSString).deletingLastPathComponent }

    /// What the file holds; empty when there is no file. A damaged file reads as empty (the grant starts over).
    public func load() -> CachedTokens {
        guard let data = FileManager.default.contents(atPath: path) else { return CachedTokens() }
        return Self.decode([UInt8](data)) ?? CachedTokens()
    }

    /// Replaces the file atomically and durably, mode 0600.
    public func save(_ tokens: CachedTokens) throws(OAuthError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw OAuthError(.configuration, "cannot create \(directory): \(error.localizedDescription)")
        }
        let temporary = path + ".tmp"
        let bytes = Self.encode(tokens)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OAuthError(.configuration, "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                close(fd)
                throw OAuthError(.configuration, "cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            written += count
        }
        fchmod(fd, 0o600)
        guard fsync(fd) == 0, close(fd) == 0, rename(temporary, path) == 0 else {
            throw OAuthError(.configuration, "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    static func encode(_ tokens: CachedTokens) -> [UInt8] {
        var object: [String: Any] = ["expires_at": tokens.expiresAt]
        object["access_token"] = tokens.accessToken
        object["refresh_token"] = tokens.refreshToken
        object["obtained_at"] = tokens.obtainedAt
        object["last_error"] = tokens.lastError
        object["last_error_at"] = tokens.lastErrorAt
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return data.map { [UInt8]($0) + [10] } ?? []
    }

    static func decode(_ bytes: [UInt8]) -> CachedTokens? {
        guard bytes.count < 1 << 20, let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return nil }
        var tokens = CachedTokens()
        tokens.accessToken = object["access_token"] as? String
        tokens.expiresAt = (object["expires_at"] as? NSNumber)?.int64Value ?? 0
        tokens.refreshToken = object["refresh_token"] as? String
        tokens.obtainedAt = (object["obtained_at"] as? NSNumber)?.int64Value
        tokens.lastError = object["last_error"] as? String
        tokens.lastErrorAt = (object["last_error_at"] as? NSNumber)?.int64Value
        return tokens
    }

    /// Every token file in `stateDirectory` (for `helpdeskd status`), by key.
    public static func all(stateDirectory: String) -> [(key: String, tokens: CachedTokens)] {
        let directory = stateDirectory + "/oauth2"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                let tokens = decode([UInt8](data))
            else { return nil }
            return (String(name.dropLast(5)), tokens)
        }
    }
}
