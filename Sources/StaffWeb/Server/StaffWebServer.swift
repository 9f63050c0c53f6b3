import Foundation
public import Helpdesk
public import Hummingbird
import Incident
public import Logging
import MIME
import ServiceLifecycle
import TicketStore

/// The staff web workspace: Hummingbird's router over the store (reads through its async face) and the staff desk
/// (every change through `TicketWorkflow`). Server-rendered HTML, no JavaScript framework: one small script
/// refreshes the queue when a ticket arrives (server-sent events), and everything works without it.
///
/// Routes: `GET /login`, `POST /login`, `POST /logout`, `GET /` (queue), `GET /events` (server-sent events),
/// `GET /tickets/{ref}`, `GET /tickets/{ref}/files/{id}`, `POST /tickets/{ref}/{action}` (reply, note, ask,
/// assign, triage, resolve, close, reopen), `GET /static/…`.
///
/// Concurrency: `Sendable` values only; Hummingbird runs handlers on its event loops' tasks; the store's async
/// face and `SessionGate` keep blocking work (SQLite, bcrypt) off the cooperative pool.
public struct StaffWebServer: Sendable {
    let helpdesk: HelpdeskContext
    let gate: SessionGate
    let desk: StaffDesk
    let workflow: TicketWorkflow
    let settings: HelpdeskConfiguration.Web
    let clock: @Sendable () -> Int64
    let logger: Logger
    /// Called after an action queued an email (the daemon wakes its relay; the relay otherwise looks every 30 s).
    let answerQueued: @Sendable () -> Void
    /// Who saw which ticket's personal data, written once a second (runs with the web service).
    let audit: ViewAudit

    public init(
        context: HelpdeskContext, logger: Logger, clock: @escaping @Sendable () -> Int64 = WallClock.seconds,
        answerQueued: @escaping @Sendable () -> Void = {}
    ) {
        self.answerQueued = answerQueued
        self.audit = ViewAudit(store: context.store)
        self.helpdesk = context
        self.settings = context.configuration.web
        self.gate = SessionGate(store: context.store, settings: context.configuration.web, clock: clock)
        self.desk = StaffDesk(context: context)
        self.workflow = TicketWorkflow(configuration: context.configuration)
        self.clock = clock
        self.logger = logger
    }

    /// The web service for a service group: listens on `host:port` until the group shuts down.
    public func application(host: String, port: Int) -> some ApplicationProtocol {
        Application(
            router: router(), configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            services: [audit], logger: logger)
    }

    /// The session cookie's name: with `Secure`, the `__Host-` prefix also forbids a `Domain` and any other path.
    var sessionCookie: String { settings.secureCookies ? "__Host-helpdeskd" : "helpdeskd" }
    var loginCookie: String { settings.secureCookies ? "__Host-helpdeskd-login" : "helpdeskd-login" }

    func router() -> Router<StaffRequestContext> {
        let router = Router(context: StaffRequestContext.self)
        router.add(middleware: SecurityHeaders())
        router.get("/static/style.css") { _, _ in Self.asset(StaticAssets.style, type: "text/css; charset=utf-8") }
        router.get("/static/live.js") { _, _ in Self.asset(StaticAssets.live, type: "text/javascript; charset=utf-8") }
        router.get("/login") { request, context in try await loginPage(request, context) }
        router.post("/login") { request, context in try await login(request, context) }
        router.post("/logout") { request, context in try await logout(request, context) }
        router.get("/") { request, context in try await queue(request, context) }
        router.get("/events") { request, context in try await events(request, context) }
        router.get("/tickets/{ref}") { request, context in try await ticket(request, context) }
        router.get("/tickets/{ref}/files/{id}") { request, context in try await file(request, context) }
        router.post("/tickets/{ref}/{action}") { request, context in try await act(request, context) }
        return router
    }

    // MARK: Sessions

    /// The staff member behind a request: the single-sign-on proxy's header, else the session cookie.
    func signed(_ request: Request, _ context: StaffRequestContext) async throws -> SessionGate.Signed? {
        let token = cookies(request)[sessionCookie]
        let header = settings.trustedUserHeader.lowercased()
        if !header.isEmpty,
            let signed = try await gate.signed(
                proxyUser: request.headers.first { $0.name.canonicalName == header }?.value,
                from: context.remoteAddress, token: token)
        {
            return signed
        }
        return try await gate.signed(token: token)
    }

    /// The browser's address, for login throttling: behind one of `trusted_proxies` the proxy's `X-Real-IP`
    /// (else every staff member would share the proxy's address and one guesser would lock all of them out);
    /// otherwise the connection's peer. A client cannot choose it: the header counts only from the proxy.
    func client(_ request: Request, _ context: StaffRequestContext) -> String {
        guard settings.trustedProxies.contains(context.remoteAddress),
            let forwarded = request.headers.first(where: { $0.name.canonicalName == "x-real-ip" })?.value,
            !forwarded.isEmpty, forwarded.count <= 64
        else { return context.remoteAddress }
        return forwarded
    }

    func cookies(_ request: Request) -> RequestCookies {
        RequestCookies(request.headers[values: .cookie])
    }

    func setCookie(_ name: String, _ value: String, maxAge: Int64) -> String {
        // HttpOnly: no script reads it; SameSite=Strict: no other site's page sends it; Secure: never in clear text.
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (settings.secureCookies ? "; Secure" : "")
    }

    func loginPage(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        if try await signed(request, context) != nil { return .redirect(to: "/") }
        let query = FormFields(request.uri.query ?? "")
        return showLogin(next: query["next"] ?? "/", problem: nil, status: .ok)
    }

    func showLogin(next: String, problem: String?, status: HTTPResponse.Status) -> Response {
        // The login form's CSRF token is a cookie and a field that must match (no session exists yet).
        let csrf = StaffPasswords.token()
        let page = LoginPage(csrf: csrf, next: Self.localPath(next), problem: problem).render()
        var response = Self.html(PageFrame().render(title: "Log in", body: page), status: status)
        response.headers[values: .setCookie] = [setCookie(loginCookie, csrf, maxAge: 3600)]
        return response
    }

    func login(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let form = try await Self.form(request)
        let next = Self.localPath(form["next"] ?? "/")
        guard let csrf = form["csrf"], let expected = cookies(request)[loginCookie], Self.same(csrf, expected) else {
            return showLogin(next: next, problem: "The form expired. Please log in again.", status: .forbidden)
        }
        let outcome = try await gate.login(
            username: form["username"] ?? "", password: form["password"] ?? "", address: client(request, context))
        switch outcome {
        case .success(let token):
            logger.info("staff login", metadata: ["staff": "\(form["username"] ?? "")"])
            var response = Response.redirect(to: next)
            response.headers[values: .setCookie] = [
                setCookie(sessionCookie, token, maxAge: settings.sessionMax), setCookie(loginCookie, "", maxAge: 0),
            ]
            return response
        case .refused:
            logger.notice(
                "staff login refused",
                metadata: ["staff": "\(form["username"] ?? "")", "from": "\(client(request, context))"])
            return showLogin(next: next, problem: "Wrong name or password.", status: .unauthorized)
        case .throttled:
            logger.warning(
                "staff login throttled",
                metadata: ["staff": "\(form["username"] ?? "")", "from": "\(client(request, context))"])
            let minutes = max(1, settings.loginWindow / 60)
            return showLogin(
                next: next, problem: "Too many failed logins. Try again in \(minutes) minutes.",
                status: .tooManyRequests)
        }
    }

    func logout(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        let form = try await Self.form(request)
        if let signed = try await signed(request, context), Self.same(form["csrf"] ?? "", signed.session.csrfToken) {
            try await gate.logout(token: cookies(request)[sessionCookie])
        }
        var response = Response.redirect(to: "/login")
        response.headers[values: .setCookie] = [setCookie(sessionCookie, "", maxAge: 0)]
        return response
    }

    /// Pages need a session: without one, the browser goes to the login form and comes back afterwards.
    func requireSession(
        _ request: Request, _ context: StaffRequestContext, _ page: (SessionGate.Signed) async throws -> Response
    ) async throws -> Response {
        guard let signed = try await signed(request, context) else {
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return .redirect(to: "/login?next=" + Self.percentEncoded(target))
        }
        var response = try await page(signed)
        if let token = signed.newToken {
            response.headers[values: .setCookie].append(setCookie(sessionCookie, token, maxAge: settings.sessionMax))
        }
        return response
    }

    // MARK: Queue

    func queue(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        try await requireSession(request, context) { signed in
            let query = FormFields(request.uri.query ?? "")
            var filter = QueueFilter()
            let statusChoice = query["status"] ?? ""
            if statusChoice == "all" {
                filter.statuses = TicketStatus.allCases
            } else if let status = TicketStatus(rawValue: statusChoice) {
                filter.statuses = [status]
            }
            filter.severity = query["severity"].flatMap(Severity.init(rawValue:))
            filter.category = query["category"].flatMap { $0.isEmpty ? nil : $0 }
            let assigneeChoice = query["assignee"] ?? ""
            filter.assignee = assigneeChoice.isEmpty ? nil : (assigneeChoice == "-" ? "" : assigneeChoice)
            filter.missingData = query["missing"] == "1"
            filter.search = String((query["q"] ?? "").prefix(200))
            filter.limit = min(max(Int(query["limit"] ?? "") ?? 100, 1), 2000)
            let (tickets, total, counts, categories, staff) = try await helpdesk.store.snapshot { [filter] snapshot in
                (
                    try snapshot.queue(filter), try snapshot.queueSize(filter), try snapshot.ticketCounts(),
                    try snapshot.ticketCategories(), try snapshot.staffMembers().filter { !$0.disabled }.map(\.name)
                )
            }
            let page = QueuePage(
                tickets: tickets, total: total, query: request.uri.query ?? "", counts: counts, categories: categories,
                staffNames: staff, filter: filter,
                statusChoice: statusChoice, assigneeChoice: assigneeChoice, now: clock())
            let frame = PageFrame(staffName: signed.staff.name, csrf: signed.session.csrfToken)
            return Self.html(frame.render(title: "Queue", body: page.render(), live: true))
        }
    }

    /// Server-sent events: `ticket` with the newest ticket's reference whenever one arrives (checked every two
    /// seconds). A stream lasts five minutes; the browser's EventSource reconnects by itself.
    func events(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        guard try await signed(request, context) != nil else { return Response(status: .unauthorized) }
        let store = helpdesk.store
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var newest = try await store.snapshot { try $0.newestTicketID() }
                try await writer.write(ByteBuffer(string: "retry: 5000\n\n"))
                let deadline = ContinuousClock.now + .seconds(300)
                // Ends at shutdown too, so an open browser never holds up the daemon's stop.
                while ContinuousClock.now < deadline, !Task.isCancelled, !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: .seconds(2))
                    let latest = try await store.snapshot { snapshot -> (Int64, String?) in
                        let id = try snapshot.newestTicketID()
                        return (id, try snapshot.ticket(id: id)?.ref)
                    }
                    if latest.0 > newest, let ref = latest.1 {
                        newest = latest.0
                        try await writer.write(ByteBuffer(string: "event: ticket\ndata: \(ref)\n\n"))
                    } else {
                        // A comment keeps proxies from closing an idle stream and finds a gone browser.
                        try await writer.write(ByteBuffer(string: ": idle\n\n"))
                    }
                }
                try await writer.finish(nil)
            })
    }

    // MARK: Ticket

    func ticket(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        try await requireSession(request, context) { signed in
            let ref = try context.parameters.require("ref").uppercased()
            let query = FormFields(request.uri.query ?? "")
            let notice = query["done"].flatMap { Self.notices[$0] }
            return try await showTicket(ref, signed: signed, notice: notice, problem: nil, status: .ok)
        }
    }

    static let notices = [
        "reply": "Reply queued for sending.", "note": "Note added.", "ask": "Information request queued.",
        "assign": "Assignee saved.", "triage": "Severity and category saved.",
        "resolve": "Resolved; the summary is queued for sending.", "close": "Closed.", "reopen": "Reopened.",
    ]

    func showTicket(
        _ ref: String, signed: SessionGate.Signed, notice: String?, problem: String?, status: HTTPResponse.Status
    ) async throws -> Response {
        let frame = PageFrame(staffName: signed.staff.name, csrf: signed.session.csrfToken)
        guard let view = try await TicketReader(context: helpdesk).read(ref) else {
            return Self.html(
                frame.render(title: "No such ticket", body: "<h1>No ticket \(ref)</h1><p><a href=\"/\">Queue</a></p>"),
                status: .notFound)
        }
        // Opening a ticket shows the reporter's personal data: the audit trail records who looked.
        audit.record("ticket page", on: ref, by: signed.staff.name, at: clock())
        let page = TicketPage(
            ticket: view.ticket, fields: view.fields, conversation: view.conversation, events: view.events,
            askable: workflow.askableFields.map(\.key), staffNames: view.staffNames,
            csrf: signed.session.csrfToken, now: clock(), notice: notice, problem: problem)
        return Self.html(frame.render(title: view.ticket.ref, body: page.render()), status: status)
    }

    /// A ticket's image, inline, only for a session, only if the image belongs to that ticket, and only as one of
    /// the raster types a browser shows without running anything (never SVG or HTML, whatever the email said).
    func file(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        guard let signed = try await signed(request, context) else { return Response(status: .unauthorized) }
        let ref = try context.parameters.require("ref").uppercased()
        guard let id = context.parameters.get("id", as: Int64.self),
            let file = try await TicketReader(context: helpdesk).image(ref: ref, linkID: id)
        else { return Response(status: .notFound) }
        audit.record("file \(file.name)", on: ref, by: signed.staff.name, at: clock())
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[.contentDisposition] =
            "inline; filename=\"\(file.name.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline })\""
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    // MARK: Actions

    func act(_ request: Request, _ context: StaffRequestContext) async throws -> Response {
        guard let signed = try await signed(request, context) else { return Response(status: .unauthorized) }
        let form = try await Self.form(request)
        // Every form carries the session's CSRF token: a page of another site cannot post as the staff member.
        guard let csrf = form["csrf"], Self.same(csrf, signed.session.csrfToken) else {
            return Self.html(
                PageFrame().render(
                    title: "Refused", body: "<h1>Refused</h1><p>The form expired or came from elsewhere.</p>"),
                status: .forbidden)
        }
        let ref = try context.parameters.require("ref").uppercased()
        let name = try context.parameters.require("action")
        let actor = signed.staff.name
        do {
            let actions: [StaffAction]
            switch name {
            case "reply": actions = [.reply(form["body"] ?? "")]
            case "note": actions = [.note(form["body"] ?? "")]
            case "ask": actions = [.askForData(form.all("field"))]
            case "assign":
                let assignee = form["assignee"] ?? ""
                actions = [.assign(assignee.isEmpty ? nil : assignee)]
            case "triage":
                guard let severity = form["severity"].flatMap(Severity.init(rawValue:)) else {
                    throw StaffActionError(.unknownValue, "choose a severity")
                }
                actions = [.setSeverity(severity), .setCategory(form["category"] ?? "")]
            case "resolve": actions = [.resolveWithSummary(form["summary"] ?? "")]
            case "close": actions = [.close]
            case "reopen": actions = [.reopen]
            default: return Response(status: .notFound)
            }
            for action in actions { _ = try await desk.perform(action, on: ref, by: actor, at: clock()) }
            if ["reply", "ask", "resolve"].contains(name) { answerQueued() }
        } catch let error as StaffActionError {
            let status: HTTPResponse.Status = error.code == .noSuchTicket ? .notFound : .unprocessableContent
            return try await showTicket(ref, signed: signed, notice: nil, problem: error.description, status: status)
        }
        logger.info("staff action", metadata: ["staff": "\(actor)", "ticket": "\(ref)", "action": "\(name)"])
        return .redirect(to: "/tickets/\(ref)?done=\(name)")
    }

    // MARK: Helpers

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page.markup)))
    }

    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A form body (at most 256 KB: a reply is text).
    static func form(_ request: Request) async throws -> FormFields {
        let body = try await request.body.collect(upTo: 256 << 10)
        return FormFields(String(buffer: body))
    }

    /// Compares secrets in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// Only a path on this site may be a redirect target after login (no `//evil.example`, no scheme).
    static func localPath(_ path: String) -> String {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"),
            !path.contains(where: { $0.isNewline || $0 == "\"" })
        else { return "/" }
        return path
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-._~")))
            ?? "/"
    }
}
