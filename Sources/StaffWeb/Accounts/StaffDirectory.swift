import Foundation
public import TicketStore

/// The staff accounts (`helpdeskd staff …`): one registry for the web workspace and staff email.
///
/// Concurrency: immutable and `Sendable`; each method blocks its thread for one store transaction.
public struct StaffDirectory: Sendable {
    let store: any TicketStore

    public init(store: any TicketStore) { self.store = store }

    /// Creates an account. `passwordHash` from `StaffPasswords.hash` (empty: single sign-on only).
    @discardableResult
    public func add(
        name: String, role: StaffRole, email: String, passwordHash: String, at now: Int64
    ) throws -> StaffRecord {
        let name = name.lowercased()
        if let problem = Self.problem(withName: name) { throw StaffAccountError(.invalid, problem) }
        if !email.isEmpty, !Self.isAddress(email) {
            throw StaffAccountError(.invalid, "\"\(email)\" is not an email address")
        }
        return try store.transaction { transaction in
            guard try transaction.staffMember(name: name) == nil else {
                throw StaffAccountError(.exists, "there is already an account \(name)")
            }
            return try transaction.insert(
                StaffRecord(
                    name: name, role: role, email: email.lowercased(), passwordHash: passwordHash, createdAt: now))
        }
    }

    public func list() throws -> [StaffRecord] {
        try store.snapshot { try $0.staffMembers() }
    }

    /// Disables an account and ends its sessions at once.
    public func disable(_ name: String) throws {
        try change(name) { staff in staff.disabled = true }
    }

    /// Sets a new password and ends the account's sessions (a stolen session dies with the old password).
    public func setPassword(_ name: String, hash: String) throws {
        try change(name) { staff in staff.passwordHash = hash }
    }

    private func change(_ name: String, _ edit: @escaping (inout StaffRecord) -> Void) throws {
        try store.transaction { transaction in
            guard var staff = try transaction.staffMember(name: name) else {
                throw StaffAccountError(.noSuchAccount, "no account \(name.lowercased())")
            }
            edit(&staff)
            try transaction.update(staff)
            try transaction.deleteSessions(staffID: staff.id!)
        }
    }

    /// Login names: 1 to 64 lower-case letters, digits, `.`, `_` or `-` — they appear in the audit trail and in
    /// headers from a single-sign-on proxy, so nothing that needs escaping.
    public static func problem(withName name: String) -> String? {
        guard (1...64).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) })
        else { return "a name is 1 to 64 of a-z, 0-9, \".\", \"_\" and \"-\"" }
        return nil
    }

    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !text.contains(where: { $0.isWhitespace || "<>\"".contains($0) })
    }
}

/// Why an account command failed, with a `code` to switch on.
public struct StaffAccountError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalid, exists, noSuchAccount
    }

    public let code: Code
    public let description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
