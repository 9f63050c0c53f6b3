import Foundation
import Testing

/// The shipped unit file, checked with systemd's own tools (no running systemd needed).
@Suite struct SystemdUnitTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd/helpdeskd.service")

    /// The unit with ExecStart pointing at a binary that exists here, so `verify` can check it.
    func installedCopy() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "helpdeskd-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/helpdeskd", with: "/bin/true")
        let copy = directory.appendingPathComponent("helpdeskd.service")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func verifiesCleanly() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "install systemd (make deps)")
        let result = try run(["verify", try installedCopy().path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.isEmpty, "\(result.output)")
    }

    @Test func exposureIsAtMostOnePointFive() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "install systemd (make deps)")
        let result = try run(["security", "--offline=true", try installedCopy().path])
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil && score! <= 1.5, "\(line)")
    }

    @Test func typeNotifyWithWatchdogAndCredentials() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        for line in [
            "Type=notify", "NotifyAccess=main", "WatchdogSec=", "ExecReload=", "Restart=on-failure",
            "StateDirectory=helpdeskd", "LoadCredential=imap.secret:", "UMask=0077",
            "SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes", "CapabilityBoundingSet=",
        ] {
            #expect(text.contains(line), "missing \(line)")
        }
    }
}
