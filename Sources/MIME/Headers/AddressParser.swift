// TEMPORARY stub (branch `dates` has the real one).
public struct MailAddress: Hashable, Sendable {
    public var name: String?
    public var address: String
    public var group: String?
    public init(name: String?, address: String, group: String? = nil) {
        self.name = name
        self.address = address
        self.group = group
    }
}
public enum AddressParser {
    public static func parse(_ value: some StringProtocol) -> [MailAddress] { [] }
    public static func messageIDs(_ value: some StringProtocol) -> [String] { [] }
}
