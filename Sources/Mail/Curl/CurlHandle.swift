#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCurl

/// libcurl's process-wide initialisation, done once before the first easy handle.
private let curlGlobalInit: UInt32 = hd_curl_global_init().rawValue

/// One libcurl easy handle, reused for many operations so that one connection (and one login)
/// serves them all: libcurl keeps the connection in the handle's cache between transfers.
///
/// Confinement: libcurl forbids using an easy handle from two threads at once. Every use of the
/// handle — setting per-operation options, the transfer, reading results, send/recv — happens inside
/// `lock`, so concurrent callers are serialised rather than corrupting the handle; the buffers the C
/// callbacks fill are only touched while the lock is held. That is what makes `@unchecked Sendable`
/// true. The owners (`IMAPMailbox`, `SMTPSender`, `IMAPIdle`) are deliberately not Sendable: one task
/// owns each of them.
final class CurlHandle: @unchecked Sendable {
    enum TLSRequirement {
        /// Plain TCP (only ever chosen for loopback hosts).
        case none
        /// STARTTLS must succeed (CURLUSESSL_ALL); for imaps:// and smtps:// TLS is implicit anyway.
        case required
    }

    struct Settings {
        /// libcurl's CURLOPT_PROTOCOLS_STR, e.g. "imap,imaps".
        var protocols: String
        var credential: MailCredential?
        var tls: TLSRequirement
        var caFile: String?
        var timeouts: MailTimeouts
        /// CURLOPT_CONNECT_ONLY: connect and log in, then leave the socket to send/receive.
        var connectOnly = false
    }

    struct Request {
        var url: String
        /// CURLOPT_CUSTOMREQUEST; nil for libcurl's own operation (IMAP FETCH by URL, SMTP send).
        var customRequest: String? = nil
        /// Bytes to upload (an SMTP message).
        var upload: [UInt8]? = nil
        /// CURLOPT_MAIL_FROM, already in angle brackets ("<>" for the null sender).
        var mailFrom: String? = nil
        var recipients: [String] = []
        /// An HTTP POST body (form-encoded), copied into libcurl; nil for every mail operation.
        var postFields: String? = nil
        /// Extra HTTP request header lines ("Accept: application/json").
        var httpHeaders: [String] = []
        /// The most body bytes to accept; more aborts the transfer with `bodyOverflowed`.
        var bodyLimit = 1 << 20
    }

    struct Response {
        var code: CURLcode
        var body: [UInt8]
        /// The server's protocol lines (libcurl passes every IMAP/SMTP response line to the header
        /// callback), without line ends.
        var lines: [String]
        var bodyOverflowed: Bool
        var linesOverflowed: Bool
        /// CURLINFO_RESPONSE_CODE: the last SMTP reply code (0 when none).
        var responseCode: Int
        /// libcurl's error buffer, or its generic text for `code`.
        var errorText: String
        /// Connections libcurl had to open for this operation (0 when it reused one).
        var newConnections: Int

        var succeeded: Bool { code == CURLE_OK }
        var curlCode: Int { Int(code.rawValue) }
    }

    /// Protocol lines are small; a megabyte of them means something is wrong.
    static let lineLimit = 1 << 20

    private let easy: UnsafeMutableRawPointer
    private let lock = Lock()
    private let body = ByteSink()
    private let lines = ByteSink()
    private var upload = UploadSource()
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let secrets: [String]
    /// Connections opened over the handle's life; 1 means every operation shared one login.
    private var openedConnections = 0

    init(settings: Settings) throws(MailError) {
        _ = curlGlobalInit
        guard let easy = curl_easy_init() else {
            throw MailError(.configuration, "libcurl could not create a handle")
        }
        self.easy = easy
        secrets = settings.credential?.secrets ?? []
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        do {
            try configure(settings)
        } catch {
            curl_easy_cleanup(easy)
            errorBuffer.deallocate()
            throw error
        }
    }

    deinit {
        // Closes the cached connection; libcurl says goodbye (IMAP LOGOUT, SMTP QUIT) first.
        curl_easy_cleanup(easy)
        errorBuffer.deallocate()
    }

    var connectionsOpened: Int { lock.withLock { openedConnections } }

    private func configure(_ settings: Settings) throws(MailError) {
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_PROTOCOLS_STR, settings.protocols)
        try set(CURLOPT_CONNECTTIMEOUT_MS, settings.timeouts.connect.milliseconds)
        try set(CURLOPT_LOW_SPEED_LIMIT, max(settings.timeouts.lowSpeedBytesPerSecond, 1))
        try set(CURLOPT_LOW_SPEED_TIME, max(settings.timeouts.lowSpeedTime.milliseconds / 1000, 1))
        try set(CURLOPT_TIMEOUT_MS, settings.timeouts.operation?.milliseconds ?? 0)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        try set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        try set(CURLOPT_USE_SSL, Int(settings.tls == .required ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue))
        if let caFile = settings.caFile {
            try set(CURLOPT_CAINFO, caFile)
        }
        switch settings.credential {
        case .password(let user, let password):
            try set(CURLOPT_USERNAME, user)
            try set(CURLOPT_PASSWORD, password.value)
        case .xoauth2(let user, let token):
            try set(CURLOPT_USERNAME, user)
            try set(CURLOPT_XOAUTH2_BEARER, token.value)
            try set(CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2")
        case nil:
            break
        }
        if settings.connectOnly {
            try set(CURLOPT_CONNECT_ONLY, 1)
        }
        try check(
            hd_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)), "ERRORBUFFER")

        try check(
            hd_curl_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                let sink = Unmanaged<ByteSink>.fromOpaque(context!).takeUnretainedValue()
                return sink.append(data, size * count) ? size * count : 0
            }, "WRITEFUNCTION")
        try check(
            hd_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(body).toOpaque()), "WRITEDATA")
        try check(
            hd_curl_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                let sink = Unmanaged<ByteSink>.fromOpaque(context!).takeUnretainedValue()
                return sink.append(data, size * count) ? size * count : 0
            }, "HEADERFUNCTION")
        try check(
            hd_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, Unmanaged.passUnretained(lines).toOpaque()), "HEADERDATA")
        try check(
            hd_curl_setopt_read_callback(easy, CURLOPT_READFUNCTION) { buffer, size, count, context in
                let source = Unmanaged<UploadSource>.fromOpaque(context!).takeUnretainedValue()
                return source.read(into: buffer, capacity: size * count)
            }, "READFUNCTION")
    }

    /// Runs one operation on the handle, reusing its connection when libcurl can.
    func perform(_ request: Request) -> Response {
        lock.withLock { performLocked(request) }
    }

    private func performLocked(_ request: Request) -> Response {
        body.reset(limit: request.bodyLimit)
        lines.reset(limit: CurlHandle.lineLimit)
        errorBuffer[0] = 0
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            _ = hd_curl_setopt_slist(easy, CURLOPT_MAIL_RCPT, nil)
            curl_slist_free_all(recipients)
            if headers != nil { _ = hd_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, nil) }
            curl_slist_free_all(headers)
            upload = UploadSource()
        }
        do throws(MailError) {
            try set(CURLOPT_URL, request.url)
            try setOptional(CURLOPT_CUSTOMREQUEST, request.customRequest)
            try setOptional(CURLOPT_MAIL_FROM, request.mailFrom)
            for recipient in request.recipients {
                guard let appended = curl_slist_append(recipients, recipient) else {
                    throw MailError(.configuration, "out of memory for the recipient list")
                }
                recipients = appended
            }
            try check(hd_curl_setopt_slist(easy, CURLOPT_MAIL_RCPT, recipients), "MAIL_RCPT")
            if let bytes = request.upload {
                upload = UploadSource(bytes)
                try set(CURLOPT_UPLOAD, 1)
                try check(hd_curl_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count)), "INFILESIZE")
                try check(
                    hd_curl_setopt_pointer(easy, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()),
                    "READDATA")
            } else {
                try set(CURLOPT_UPLOAD, 0)
                try check(hd_curl_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, -1), "INFILESIZE")
            }
            // After UPLOAD: setting that option resets the HTTP method, COPYPOSTFIELDS makes it a POST.
            if let postFields = request.postFields {
                try set(CURLOPT_COPYPOSTFIELDS, postFields)
            }
            for line in request.httpHeaders {
                guard let appended = curl_slist_append(headers, line) else {
                    throw MailError(.configuration, "out of memory for the header list")
                }
                headers = appended
            }
            if headers != nil { try check(hd_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers), "HTTPHEADER") }
        } catch {
            return Response(
                code: CURLE_BAD_FUNCTION_ARGUMENT, body: [], lines: [], bodyOverflowed: false, linesOverflowed: false,
                responseCode: 0, errorText: error.message, newConnections: 0)
        }

        let code = curl_easy_perform(easy)

        var responseCode = 0
        var connects = 0
        var value = 0
        if hd_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &value) == CURLE_OK { responseCode = value }
        if hd_curl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &value) == CURLE_OK { connects = value }
        openedConnections += connects
        var errorText = String(cString: errorBuffer).trimmingTrailingWhitespace()
        if errorText.isEmpty, code != CURLE_OK {
            errorText = String(cString: curl_easy_strerror(code))
        }
        return Response(
            code: code, body: body.take(), lines: CurlHandle.splitLines(lines.take()),
            bodyOverflowed: body.overflowed, linesOverflowed: lines.overflowed, responseCode: responseCode,
            errorText: Redactor.redact(errorText, secrets), newConnections: connects)
    }

    // MARK: CONNECT_ONLY: raw send and receive on the logged-in connection (IMAP IDLE)

    enum ReceiveResult {
        case bytes([UInt8])
        /// Nothing buffered; wait for the socket to become readable.
        case wouldBlock
        case closed
        case failed(Response)
    }

    /// The connected socket (CURLINFO_ACTIVESOCKET), or nil when there is none.
    var activeSocket: Int32? {
        lock.withLock {
            var socket = curl_socket_t(-1)
            guard hd_curl_getinfo_socket(easy, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket != -1 else {
                return nil
            }
            return Int32(socket)
        }
    }

    /// Sends all of `bytes` (curl_easy_send), waiting for the socket when the kernel buffer is full.
    func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) -> Response? {
        lock.withLock {
            var offset = 0
            while offset < bytes.count {
                var sent = 0
                let code = bytes.withUnsafeBytes { raw in
                    curl_easy_send(easy, raw.baseAddress! + offset, raw.count - offset, &sent)
                }
                if code == CURLE_AGAIN {
                    guard ContinuousClock.now < deadline, let socket = activeSocketLocked() else {
                        return failure(CURLE_OPERATION_TIMEDOUT, "timed out sending to the server")
                    }
                    _ = CurlHandle.wait(socket: socket, events: Int16(POLLOUT), until: deadline)
                    continue
                }
                guard code == CURLE_OK else { return failure(code, String(cString: curl_easy_strerror(code))) }
                offset += sent
            }
            return nil
        }
    }

    /// Reads what is available now (curl_easy_recv), without blocking.
    func receive(maximum: Int = 64 * 1024) -> ReceiveResult {
        lock.withLock {
            var buffer = [UInt8](repeating: 0, count: maximum)
            var received = 0
            let code = buffer.withUnsafeMutableBytes { raw in
                curl_easy_recv(easy, raw.baseAddress!, raw.count, &received)
            }
            if code == CURLE_AGAIN { return .wouldBlock }
            guard code == CURLE_OK else { return .failed(failure(code, String(cString: curl_easy_strerror(code)))) }
            if received == 0 { return .closed }
            return .bytes(Array(buffer[..<received]))
        }
    }

    /// Waits until `socket` has `events` or `deadline` passes; true when it is ready.
    static func wait(socket: Int32, events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let result = poll(&descriptor, 1, Int32(clamping: min(remaining.milliseconds, 1000)))
            if result > 0 { return true }
            if result < 0, errno != EINTR { return true }  // let recv report the problem
        }
    }

    private func activeSocketLocked() -> Int32? {
        var socket = curl_socket_t(-1)
        guard hd_curl_getinfo_socket(easy, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket != -1 else {
            return nil
        }
        return Int32(socket)
    }

    private func failure(_ code: CURLcode, _ text: String) -> Response {
        Response(
            code: code, body: [], lines: [], bodyOverflowed: false, linesOverflowed: false, responseCode: 0,
            errorText: Redactor.redact(text, secrets), newConnections: 0)
    }

    // MARK: options

    private func set(_ option: CURLoption, _ value: Int) throws(MailError) {
        try check(hd_curl_setopt_long(easy, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(MailError) {
        try check(hd_curl_setopt_string(easy, option, value), "option \(option.rawValue)")
    }

    private func setOptional(_ option: CURLoption, _ value: String?) throws(MailError) {
        if let value {
            try set(option, value)
        } else {
            try check(hd_curl_setopt_string(easy, option, nil), "option \(option.rawValue)")
        }
    }

    private func check(_ code: CURLcode, _ what: String) throws(MailError) {
        guard code == CURLE_OK else {
            let reason = String(cString: curl_easy_strerror(code))
            throw MailError(.configuration, "libcurl refused \(what): \(reason)", curlCode: Int(code.rawValue))
        }
    }

    static func splitLines(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { line in
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            return String(decoding: trimmed, as: UTF8.self)
        }
    }
}

extension CurlHandle.Response {
    /// The error for a failed transfer, from libcurl's code alone; IMAP and SMTP refine it with what
    /// the server said.
    func genericError(_ operation: String) -> MailError {
        let code: MailError.Code
        switch self.code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN, CURLE_BAD_FUNCTION_ARGUMENT,
            CURLE_UNKNOWN_OPTION, CURLE_FAILED_INIT:
            code = .configuration
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_ABORTED_BY_CALLBACK, CURLE_AGAIN:
            code = .connection
        case CURLE_OPERATION_TIMEDOUT:
            code = .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CLIENTCERT:
            code = .tls
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            code = .authentication
        case CURLE_REMOTE_FILE_NOT_FOUND:
            code = .notFound
        case CURLE_FILESIZE_EXCEEDED:
            code = .tooLarge
        case CURLE_WRITE_ERROR where bodyOverflowed:
            code = .tooLarge
        case CURLE_OUT_OF_MEMORY:
            code = .temporary
        default:
            code = .protocol
        }
        let detail = bodyOverflowed && self.code == CURLE_WRITE_ERROR ? "the message exceeds the size limit" : errorText
        return MailError(code, "\(operation) failed: \(detail)", responseCode: responseCode, curlCode: curlCode)
    }
}

/// A growable byte buffer with a cap, filled by a C callback.
final class ByteSink {
    private(set) var bytes: [UInt8] = []
    private var limit = 0
    private(set) var overflowed = false

    func reset(limit: Int) {
        bytes = []
        self.limit = limit
        overflowed = false
    }

    /// Appends `count` bytes; false (which makes libcurl abort) when the cap would be exceeded.
    func append(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Bool {
        guard count > 0, let data else { return true }
        guard bytes.count + count <= limit else {
            overflowed = true
            return false
        }
        data.withMemoryRebound(to: UInt8.self, capacity: count) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
        }
        return true
    }

    func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }
}

/// The bytes of an upload, handed to libcurl's read callback piece by piece.
final class UploadSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8] = []) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<CChar>?, capacity: Int) -> Int {
        guard let buffer, capacity > 0 else { return 0 }
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// A pthread mutex (Synchronization.Mutex needs macOS 15; the package supports macOS 14).
final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
