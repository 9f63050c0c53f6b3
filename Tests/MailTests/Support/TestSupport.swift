import Foundation
import Glibc

/// Errors of the test servers themselves (not of the code under test).
struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Files, ports, processes and greetings for the real test servers in Tests/Servers.
enum TestSupport {
    /// Tests/Servers, next to this file's Tests/MailTests/Support.
    static let serversDirectory: String = {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)  // Support/TestSupport.swift, MailTests
        return components.joined(separator: "/") + "/Servers"
    }()

    /// A fresh private directory under /tmp.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        var template = Array("/tmp/helpdeskd-\(prefix)-XXXXXX".utf8CString)
        guard let path = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestServerError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        return String(cString: path)
    }

    static func removeDirectory(_ path: String) {
        guard path.hasPrefix("/tmp/helpdeskd-") else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError("socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw TestServerError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connects to 127.0.0.1:port; the socket (with a 2 s receive timeout) or nil when refused.
    static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func portIsOpen(_ port: Int) -> Bool {
        guard let fd = connect(port: port) else { return false }
        close(fd)
        return true
    }

    /// Waits until a server on `port` greets with a line starting with `prefix` ("* OK", "220 "),
    /// or, with a nil prefix, merely accepts connections (an implicit-TLS port).
    static func waitUntilReady(port: Int, greeting prefix: String?, timeout: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let fd = connect(port: port) {
                defer { close(fd) }
                guard let prefix else { return true }
                var buffer = [UInt8](repeating: 0, count: 512)
                let count = read(fd, &buffer, buffer.count)
                if count > 0, String(decoding: buffer[..<count], as: UTF8.self).hasPrefix(prefix) { return true }
            }
            usleep(50_000)
        }
        return false
    }

    /// Waits until `condition` holds, up to `timeout`. Sleeps, never blocks: tests share a small
    /// cooperative thread pool with other suites' async tests (2 threads on 2 cores).
    static func eventually(_ timeout: Duration = .seconds(60), until condition: () throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return (try? condition()) == true
    }

    /// Waits until nothing accepts connections on `port` any more.
    static func waitUntilClosed(port: Int, timeout: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !portIsOpen(port) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Runs a program to completion; stdout and stderr go to `log`. Returns the exit status.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], log: String
    )
        throws -> Int32
    {
        try ChildProcess(executable, arguments, environment: environment, log: log).wait()
    }

    static func readFile(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw TestServerError("cannot write \(path)")
        }
    }

    /// The last lines of a log file, for failure messages.
    static func tail(_ path: String, lines: Int = 8) -> String {
        guard let bytes = readFile(path) else { return "(no log)" }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

/// A child process started with posix_spawn: stdin from /dev/null, stdout and stderr appended to a
/// log, an empty signal mask and default handlers. (Foundation's Process hands the child the
/// spawning thread's signal mask, in which SIGTERM is blocked, so the servers could not be stopped.)
/// The server scripts close every other inherited descriptor themselves.
final class ChildProcess {
    let pid: pid_t
    private var status: Int32?

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], log: String) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestServerError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    var isRunning: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid {
            status = raw
            return false
        }
        return true
    }

    /// Sends `signal` to this child (by its PID) if it still runs.
    func signal(_ signal: Int32 = SIGTERM) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the child to exit; its exit status (128 + signal when killed).
    @discardableResult
    func wait() -> Int32 {
        if status == nil {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1, errno == EINTR {}
            status = raw
        }
        let raw = status ?? 0
        return raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
    }

    /// Waits up to `timeout` for the child to exit, then kills it.
    func wait(timeout: Duration) {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if isRunning { kill(pid, SIGKILL) }
        wait()
    }
}

/// Test messages with CRLF line ends (as IMAP serves them), deterministic content.
enum TestMail {
    /// A short, exact identity for failure messages: the subject, the size and an FNV-1a hash
    /// (comparing raw byte arrays would print megabytes when they differ).
    static func fingerprint(_ bytes: [UInt8]?) -> String {
        guard let bytes else { return "(none)" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let text = String(decoding: bytes.prefix(2048), as: UTF8.self)
        let subject = text.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") }?.dropFirst(9) ?? "?"
        return "\(subject) [\(bytes.count) B, \(String(hash, radix: 16))]"
    }

    static func fingerprints(_ messages: [[UInt8]]) -> [String] { messages.map { fingerprint($0) } }

    static func message(_ index: Int, subject: String? = nil, bodyBytes: Int = 0) -> [UInt8] {
        var text = "From: Customer \(index) <customer\(index)@example.test>\r\n"
        text += "To: helpdesk@example.test\r\n"
        text += "Subject: \(subject ?? "Incident report \(index)")\r\n"
        text += "Message-ID: <test-\(index)@example.test>\r\n"
        text += "Date: Mon, 3 Nov 2025 09:\(String(format: "%02d", index % 60)):00 +0100\r\n"
        text += "MIME-Version: 1.0\r\n"
        text += "Content-Type: text/plain; charset=utf-8\r\n"
        text += "\r\n"
        text += "Hello helpdesk,\r\n\r\nthis is report number \(index).\r\n.a line starting with a dot\r\n"
        var bytes = Array(text.utf8)
        if bodyBytes > 0 {
            // Base64-alphabet lines of 76 characters, like an attachment.
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
            var state = UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15 | 1
            bytes.reserveCapacity(bytes.count + bodyBytes + bodyBytes / 38)
            var written = 0
            while written < bodyBytes {
                for _ in 0..<76 {
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                    bytes.append(alphabet[Int(state & 63)])
                }
                bytes += [13, 10]
                written += 78
            }
        }
        bytes += Array("-- \r\nCustomer \(index)\r\n".utf8)
        return bytes
    }
}
