import Foundation

/// The user running the command (for audit events).
enum ProcessInfoUser {
    static var name: String {
        ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "staff"
    }
}
