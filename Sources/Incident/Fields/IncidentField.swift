/// A piece of information an incident report can carry.
///
/// The default required set comes from the support policy's "Incident Registration" section:
/// the proctoring server address, a description of the problem, the time of detection, the
/// session data, the user ID and a screenshot showing the problem.
public struct IncidentField: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The field's key as it appears in JSON output, the configuration and the store.
    public let key: String

    public init(_ key: String) { self.key = key }

    public var description: String { key }

    public static let server = IncidentField("server")
    public static let description = IncidentField("description")
    public static let detectedAt = IncidentField("detected_at")
    public static let sessionID = IncidentField("session_id")
    public static let userID = IncidentField("user_id")
    public static let screenshots = IncidentField("screenshots")
    public static let browser = IncidentField("browser")
    public static let os = IncidentField("os")

    /// The fields the policy requires, in the order a reporter is asked for them.
    public static let defaultRequired: [IncidentField] = [
        .server, .description, .detectedAt, .sessionID, .userID, .screenshots,
    ]
}
