import MIME

/// Seconds since 1970 as people and JSON read them: the one formatter of the command line, the status line,
/// exports and reports.
public enum Timestamp {
    /// ISO 8601 in UTC, e.g. `2024-11-11T10:32:00Z`.
    public static func iso(_ seconds: Int64) -> String {
        MessageDate(secondsSince1970: seconds, utcOffsetSeconds: 0).iso8601
    }

    /// `2024-11-11 10:32`, for terminal tables.
    static func short(_ seconds: Int64) -> String {
        String(iso(seconds).prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
