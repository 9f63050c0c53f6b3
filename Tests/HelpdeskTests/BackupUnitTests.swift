import Foundation
import Testing

/// The nightly backup's service and timer (`systemd/helpdeskd-backup.*`), checked with systemd's own tools.
@Suite struct BackupUnitTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd")

    func text(_ name: String) throws -> String {
        try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func verifiesCleanly() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "install systemd (make deps)")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent(
            "helpdeskd-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in ["helpdeskd-backup.service", "helpdeskd-backup.timer"] {
            try text(name).replacingOccurrences(of: "/usr/local/bin/helpdeskd", with: "/bin/true")
                .write(to: copy.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments =
            ["verify"]
            + ["helpdeskd-backup.service", "helpdeskd-backup.timer"].map {
                copy.appendingPathComponent($0).path
            }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
    }

    @Test func backsUpNightlyIntoAPrivateDirectoryKeepingN() throws {
        let service = try text("helpdeskd-backup.service")
        for line in [
            "Type=oneshot", "--out /var/backups/helpdeskd --keep ${HELPDESKD_BACKUP_KEEP}", "UMask=0077",
            "mkdir -p -m 0700 /var/backups/helpdeskd", "PrivateNetwork=yes",
        ] {
            #expect(service.contains(line), "missing \(line)")
        }
        let timer = try text("helpdeskd-backup.timer")
        #expect(timer.contains("OnCalendar=*-*-* 03:15:00") && timer.contains("Persistent=true"))
        #expect(timer.contains("WantedBy=timers.target"))
    }
}
