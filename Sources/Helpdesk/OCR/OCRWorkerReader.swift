import Foundation
import Glibc
import Incident

/// Reads screenshots with `helpdeskd ocr-worker` child processes, one per image, each under the configured limits.
///
/// The child sets its own CPU and address-space limits before it reads a byte (`ScreenshotOCR/OCRWorker.swift`);
/// this side adds the wall-clock limit (a worker that sleeps or is starved is killed at `wallSeconds`) and reads
/// at most `maxOutputBytes` of its answer. `OMP_THREAD_LIMIT=1` is set in the child's environment: Debian's
/// Tesseract uses OpenMP, which on a small server is several times slower than one thread. The image goes in on
/// standard input, the JSON comes back on standard output, a refusal's reason on standard error.
public struct OCRWorkerReader: ScreenshotReader {
    public var executable: String
    public var settings: HelpdeskConfiguration.OCR
    static let maxOutputBytes = 4 << 20

    /// `executable`: the helpdeskd binary (this process's own, by default).
    public init(settings: HelpdeskConfiguration.OCR, executable: String = OCRWorkerReader.ownExecutable) {
        self.settings = settings
        self.executable = executable
    }

    /// A worker that refuses an image stops reading it: the write then fails with EPIPE instead of killing this
    /// process (the daemon ignores SIGPIPE anyway; `extract --ocr` and `ocr` get the same).
    static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// This process's binary, from /proc/self/exe; in another program linking this module (a test runner), the
    /// `helpdeskd` beside it — never a binary that would take `ocr-worker` for something else.
    public static var ownExecutable: String {
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        if own.hasSuffix("/helpdeskd") { return own }
        return URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("helpdeskd").path
    }

    public var arguments: [String] {
        [
            "ocr-worker", "--languages", settings.languages, "--cpu-seconds", String(settings.cpuSeconds),
            "--memory-mb", String(settings.memoryMiB),
        ]
    }

    public func read(_ bytes: [UInt8], within seconds: Double) -> OCROutcome {
        Self.ignoreBrokenPipes
        let limit = max(0.05, min(settings.wallSeconds, seconds))
        let started = ContinuousClock.now
        let run: ChildRun
        do {
            run = try ChildRun.start(
                executable, arguments: arguments,
                // A worker killed by a limit is expected: no Swift backtrace report on its standard error.
                environment: ["OMP_THREAD_LIMIT=1", "SWIFT_BACKTRACE=enable=no"])
        } catch {
            return .failed(OCRFailure(.unavailable, "cannot start \(executable) ocr-worker: \(error)"))
        }
        let result = run.exchange(
            input: bytes, maxOutput: Self.maxOutputBytes, deadline: started + .milliseconds(Int(limit * 1000)))
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let reason = String(decoding: result.error.prefix(500), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        if result.timedOut {
            return .failed(OCRFailure(.timeout, "no answer within \(limit) s; the worker was killed"))
        }
        switch result.status {
        case .exited(0):
            guard let text = try? JSONDecoder().decode(RecognisedText.self, from: Data(result.output)) else {
                return .failed(OCRFailure(.crashed, "the worker's answer is not readable"))
            }
            return .text(text, seconds: seconds)
        case .exited(3):
            return .failed(OCRFailure(.refused, reason))
        case .exited(let status):
            return .failed(OCRFailure(status == 4 ? .unavailable : .crashed, "exit status \(status): \(reason)"))
        case .signalled(let signal):
            let name = signal == SIGXCPU || signal == SIGKILL ? " (CPU limit \(settings.cpuSeconds) s)" : ""
            return .failed(OCRFailure(.crashed, "killed by signal \(signal)\(name)"))
        }
    }
}

/// A child process with its standard streams on pipes: input written, output and error read, all within a
/// deadline (one `poll` loop; the child is killed at the deadline).
struct ChildRun {
    let pid: pid_t
    let stdin: Int32
    let stdout: Int32
    let stderr: Int32

    enum Status: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    struct Result {
        var output: [UInt8]
        var error: [UInt8]
        var status: Status
        var timedOut: Bool
    }

    struct SpawnError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: strerror(code)) }
    }

    static func start(_ executable: String, arguments: [String], environment: [String]) throws -> ChildRun {
        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw SpawnError(code: errno) }
            // Not inherited by other children (dup2 in the spawn clears the flag on the worker's copies).
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(fds)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let inherited = ProcessInfo.processInfo.environment.filter {
            $0.key != "OMP_THREAD_LIMIT" && $0.key != "SWIFT_BACKTRACE"
        }
        .map { "\($0.key)=\($0.value)" }
        let envp = (inherited + environment).map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(pipes[0][0])
        close(pipes[1][1])
        close(pipes[2][1])
        guard status == 0 else {
            close(pipes[0][1])
            close(pipes[1][0])
            close(pipes[2][0])
            throw SpawnError(code: status)
        }
        return ChildRun(pid: pid, stdin: pipes[0][1], stdout: pipes[1][0], stderr: pipes[2][0])
    }

    /// Writes `input`, reads both outputs to their end (at most `maxOutput` bytes kept of each), waits for the
    /// child; at `deadline` the child is killed.
    func exchange(input: [UInt8], maxOutput: Int, deadline: ContinuousClock.Instant) -> Result {
        var output: [UInt8] = []
        var error: [UInt8] = []
        var written = 0
        var open: (in: Bool, out: Bool, err: Bool) = (true, true, true)
        _ = fcntl(stdin, F_SETFL, fcntl(stdin, F_GETFL) | O_NONBLOCK)
        if input.isEmpty {
            close(stdin)
            open.in = false
        }
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while open.out || open.err || open.in {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero {
                timedOut = true
                break
            }
            var fds: [pollfd] = []
            if open.in { fds.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
            if open.out { fds.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
            if open.err { fds.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
            let milliseconds = Int32(
                max(1, min(1000, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0, errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == stdin {
                    let count = input.withUnsafeBytes { bytes in
                        write(stdin, bytes.baseAddress! + written, min(1 << 16, input.count - written))
                    }
                    if count > 0 { written += count }
                    // A child that stopped reading (it refused the image, or died) ends the input.
                    if count < 0 && errno != EAGAIN || written == input.count {
                        close(stdin)
                        open.in = false
                    }
                } else {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count <= 0 && !(count < 0 && (errno == EAGAIN || errno == EINTR)) {
                        close(entry.fd)
                        if entry.fd == stdout { open.out = false } else { open.err = false }
                    } else if count > 0 {
                        if entry.fd == stdout {
                            if output.count < maxOutput { output += buffer[0..<count] }
                        } else if error.count < maxOutput {
                            error += buffer[0..<count]
                        }
                    }
                }
            }
        }
        if timedOut { kill(pid, SIGKILL) }
        if open.in { close(stdin) }
        if open.out { close(stdout) }
        if open.err { close(stderr) }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0, errno == EINTR {}
        // WIFEXITED / WTERMSIG are macros: the status word's low 7 bits are the signal, 0 for an exit.
        let signal = raw & 0x7f
        let status: Status = signal == 0 ? .exited((raw >> 8) & 0xff) : .signalled(signal)
        return Result(output: output, error: error, status: status, timedOut: timedOut)
    }
}
