// TEMPORARY stub (branch `dates` has the real one).
public struct MessageDate: Hashable, Sendable {
    public var secondsSince1970: Int64
    public var utcOffsetSeconds: Int?
    public static func parse(_ value: some StringProtocol) -> MessageDate? { nil }
    public var iso8601: String { "" }
}
