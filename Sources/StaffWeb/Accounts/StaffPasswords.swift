import Digest
import HummingbirdBcrypt

/// Passwords and tokens: bcrypt for passwords (slow on purpose, salted), random tokens for sessions and CSRF.
///
/// Concurrency: stateless; bcrypt takes about a quarter of a second at cost 12, so async callers run it off the
/// cooperative pool (`SessionGate`).
public enum StaffPasswords {
    /// bcrypt's work factor: 2^12 rounds, about 0.25 s on one core of a small server.
    public static let cost: UInt8 = 12
    /// Shorter passwords are refused: bcrypt cannot make a guessable password strong.
    public static let minimumLength = 12
    /// bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused.
    public static let maximumLength = 72

    /// Why a password is not acceptable, or nil.
    public static func problem(with password: String) -> String? {
        if password.count < minimumLength { return "a password needs at least \(minimumLength) characters" }
        if password.utf8.count > maximumLength { return "a password may have at most \(maximumLength) bytes" }
        return nil
    }

    public static func hash(_ password: String, cost: UInt8 = cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        guard !hash.isEmpty, password.utf8.count <= maximumLength else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    /// A hash to verify against when the account does not exist, so that a wrong name takes as long as a wrong
    /// password (no timing tells which names exist).
    static let decoyHash = Bcrypt.hash("helpdeskd decoy password", cost: cost)

    /// 32 random bytes from the system's generator, as hex: a session token or a CSRF token.
    public static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }

    /// What the store keeps of a session token.
    public static func tokenHash(_ token: String) -> String {
        SHA256.hex(Array(token.utf8))
    }
}
