import Foundation
import Glibc
import Testing

@testable import Helpdesk

/// A datagram socket standing in for systemd's notification socket.
final class NotifySocket {
    let fd: Int32
    let name: String

    /// Binds a path socket, or an abstract one when `abstract` (its name then starts with '@').
    init(abstract: Bool) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let unique = "helpdeskd-notify-\(getpid())-\(UUID().uuidString.prefix(8))"
        name = abstract ? "@" + unique : NSTemporaryDirectory() + unique
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(name.utf8)
        if abstract { path[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (abstract ? 0 : 1))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(result == 0)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    deinit {
        close(fd)
        if !name.hasPrefix("@") { unlink(name) }
    }
}

@Suite struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func deliversStatesToTheNotifySocket(abstract: Bool) throws {
        let socket = try NotifySocket(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name])
        #expect(notifier.notify("READY=1\nSTATUS=Polling imaps://imap.example.com"))
        #expect(socket.receive() == "READY=1\nSTATUS=Polling imaps://imap.example.com")
        #expect(notifier.notify("WATCHDOG=1"))
        #expect(socket.receive() == "WATCHDOG=1")
    }

    @Test func withoutSystemdNothingIsSent() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(!notifier.notify("READY=1"))
    }

    @Test func watchdogIntervalIsHalfOfWhatSystemdAsksFor() {
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"]) == .seconds(15))
        #expect(
            SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"], pid: 2)
                == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: [:]) == nil)
    }
}

@Suite struct SystemdServiceTests {
    /// Reads datagrams until `done` says enough arrived or `timeout` passes, without blocking a
    /// cooperative thread. What arrived by the deadline is always read, even when this task only got
    /// a thread after it (CPU-heavy suites can hold the whole pool for a minute on 2 cores).
    func collect(_ socket: NotifySocket, timeout: Double, until done: ([String]) -> Bool) async -> [String] {
        var received: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !done(received) {
            let count = recv(socket.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                received.append(String(decoding: buffer[..<count], as: UTF8.self))
            } else if Date() < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            } else {
                break
            }
        }
        return received
    }

    /// Long enough to outlast a starved thread pool; `until` ends the wait as soon as the service spoke.
    static let patience = 600.0

    @Test func readyStatusAndWatchdogWhileThePollerIsAlive() async throws {
        let socket = try NotifySocket(abstract: false)
        let health = DaemonHealth()
        health.update { $0.lastPollAt = 1_731_319_200 }
        let service = SystemdService(
            notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]), health: health,
            watchdog: .milliseconds(100), logger: .init(label: "test"), statusEvery: .milliseconds(300))
        let beat = Task {
            while !Task.isCancelled {
                health.pollerAlive(mailbox: "default")
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let task = Task { try await service.run() }
        let messages = await collect(socket, timeout: Self.patience) { received in
            received.filter { $0 == "WATCHDOG=1" }.count >= 3
                && received.dropFirst().contains { $0.hasPrefix("STATUS=") }
        }
        task.cancel()
        beat.cancel()
        #expect(messages.first?.hasPrefix("READY=1\nSTATUS=last poll 2024-11-11T10:00:00Z") == true)
        #expect(messages.filter { $0 == "WATCHDOG=1" }.count >= 3)
        #expect(messages.dropFirst().contains { $0.hasPrefix("STATUS=") })
    }

    @Test func watchdogPingsStopWhenThePollerIsStuck() async throws {
        let socket = try NotifySocket(abstract: true)
        let health = DaemonHealth()
        health.update { $0.lastError = "connection refused" }
        let service = SystemdService(
            notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]), health: health,
            watchdog: .milliseconds(100), logger: .init(label: "test"), statusEvery: .seconds(60))
        let beat = Task {
            while !Task.isCancelled {
                health.pollerAlive(mailbox: "default")
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let task = Task { try await service.run() }
        // While the poller beats, pings come.
        let alive = await collect(socket, timeout: Self.patience) { $0.contains("WATCHDOG=1") }
        #expect(alive.first?.hasPrefix("READY=1") == true)
        #expect(alive.contains("WATCHDOG=1"))
        // The poller hangs: once its last beat is two intervals old, the pings stop.
        beat.cancel()
        try await Task.sleep(for: .milliseconds(400))
        _ = await collect(socket, timeout: 0.05) { _ in false }
        let stuck = await collect(socket, timeout: 0.6) { _ in false }
        task.cancel()
        #expect(!stuck.contains("WATCHDOG=1"))
    }
}
