/// Finds the proctoring server's address: URLs and host names in text, and what a server URL
/// says about the session (`?session=…`, `/sessions/<id>`).
enum ServerAddress {
    /// Characters that end a URL in running text.
    static let urlTerminators: Set<Character> = [" ", "\t", "\n", "<", ">", "\"", "'", "«", "»", "|"]

    /// Every http(s) URL in `text`, in order, without trailing sentence punctuation.
    static func urls(in text: some StringProtocol) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let start = rest.firstRange(of: "http")?.lowerBound {
            let candidate = rest[start...]
            let lower = candidate.prefix(8).lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
                rest = rest[rest.index(after: start)...]
                continue
            }
            let end = candidate.firstIndex { urlTerminators.contains($0) } ?? candidate.endIndex
            let url = trimmedURL(candidate[..<end])
            if url.count > 8 { found.append(url) }
            rest = candidate[end...]
        }
        return found
    }

    static func trimmedURL(_ url: Substring) -> String {
        var text = url
        while let last = text.last, ".,;:!?)]}".contains(last) {
            // Keep a closing parenthesis that has its opening one inside the URL (Wikipedia-style).
            if last == ")", text.includes("(") { break }
            text = text.dropLast()
        }
        return String(text)
    }

    /// File extensions that make "report.pdf" a file name, not a host.
    static let fileExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "webp", "svg", "pdf", "txt", "log", "html", "htm", "zip", "eml", "doc", "docx",
        "xls", "xlsx", "csv", "json", "js", "mp4", "mov", "bmp", "heic",
    ]

    /// Server candidates in running text, in order: http(s) URLs and bare host names (with an
    /// optional port and path). Parts of e-mail addresses, Message-IDs and `cid:` references are
    /// never candidates.
    static func candidates(in text: String) -> [String] {
        var found: [String] = []
        // Split on ASCII separators over the bytes: most words have no dot and are skipped at once.
        let separators: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x3C, 0x3E, 0x22, 0x27, 0x7C, 0x2C]
        let tokens = text.utf8.split(whereSeparator: { separators.contains($0) })
        var previous: [Substring.UTF8View.SubSequence] = []
        for bytes in tokens {
            defer { previous = [previous.last, bytes].compactMap { $0 } }
            guard bytes.contains(0x2E) else { continue }
            let token = Substring(bytes)
            // Chinese and Japanese write no space around an address ("考试平台地址：kaoshi.example.cn",
            // "exam.example.jp にアクセス"): their characters and full-width punctuation end it.
            func separates(_ character: Character) -> Bool {
                character == "«" || character == "»" || character == "،" || character == "؛" || character.isWhitespace
                    || character.unicodeScalars.first.map { $0.value >= 0x2E80 } == true
            }
            if token.contains(where: separates) {
                found += candidates(in: token.split(whereSeparator: separates).joined(separator: " "))
                continue
            }
            let lower = token.lowercased()
            // A proctoring client's WebSocket ("wss://valvonta.…/ws/v2?sid=…" in a pasted console log) names its server.
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("wss://") {
                let url = trimmedURL(token.drop { $0 == "(" })
                if url.count > 8, host(of: url) != nil || url.includes("[") { found.append(url) }
                continue
            }
            if let embedded = token.firstRange(of: "http"), token[embedded.lowerBound...].lowercased().hasPrefix("http")
            {
                let url = trimmedURL(token[embedded.lowerBound...])
                if url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://") {
                    found.append(url)
                    continue
                }
            }
            if token.includes("@") || lower.hasPrefix("cid:") || lower.hasPrefix("mailto:") { continue }
            let candidate = trimmedURL(token.drop { "(<[\"'".contains($0) })
            // "(логин ivanova.ma)", "login studentky novakova.pe": a login that happens to end in a country's
            // domain — a bare name of two labels, the last of two letters; "login to exam.uni.edu" keeps its host.
            let bareLabels = candidate.split(separator: ".")
            if bareLabels.count == 2, bareLabels[1].count == 2, !candidate.includes("/"),
                previous.contains(where: { loginWords.contains(Substring($0).lowercased().trimmingCharacters("(:：")) })
            {
                continue
            }
            let hostPart = candidate.prefix { $0 != "/" && $0 != ":" && $0 != "?" }
            let labels = hostPart.split(separator: ".", omittingEmptySubsequences: false)
            // "B.Tech", "M.Sc": a degree, not a host, though ".tech" is a top-level domain.
            guard labels.count >= 2, labels.count > 2 || labels[0].count > 2, let last = labels.last, last.count >= 2,
                last.allSatisfy({ $0.isLetter }),
                !fileExtensions.contains(last.lowercased()), TopLevelDomains.known.contains(last.lowercased()),
                isHostName(String(hostPart))
            else { continue }
            found.append(candidate)
        }
        return found
    }

    /// The user a URL's query names ("…/session/view?id=…&user=jmarkovic"), if any.
    static func userID(inURL url: String) -> String? {
        guard let question = url.firstIndex(of: "?") else { return nil }
        let names: Set<String> = [
            "user", "username", "userid", "user_id", "login", "student", "studentid", "student_id", "candidate",
            "candidateid", "candidate_id",
        ]
        let query = url[url.index(after: question)...].prefix { $0 != "#" }
        for pair in query.split(separator: "&") {
            let pieces = pair.split(separator: "=", maxSplits: 1)
            if pieces.count == 2, names.contains(pieces[0].lowercased()), ValueShape.isUserID(pieces[1], login: true) {
                return String(pieces[1])
            }
        }
        return nil
    }

    /// Single words that introduce a user's login: a bare name with a dot after one is no host.
    static let loginWords: Set<String> = Set(
        (Array(FieldLexicon.loginCues) + FieldLexicon.userCues).filter { !$0.includes(" ") })

    /// The host of a URL or a bare host name ("proctor.example.edu:8443/x" → "proctor.example.edu").
    static func host(of address: String) -> String? {
        var text = Substring(address)
        if let scheme = text.firstRange(of: "://") { text = text[scheme.upperBound...] }
        if let at = text.firstIndex(of: "@"), !(text[..<at].includes("/")) { text = text[text.index(after: at)...] }
        let host = text.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }.lowercased()
        return isHostName(host) ? host : nil
    }

    /// "proctor.example.edu", "192.0.2.10": labels of letters, digits and hyphens with a dot.
    static func isHostName(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, text.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }

    /// A labelled value made into a server address: the URL in it, else a host name in it.
    static func fromLabelledValue(_ value: String) -> String? {
        // The first address written, URL or bare host: "pe-fr2.host.net (reached through our portal
        // https://portail.…)" names the server first and a portal in its remark.
        for word in value.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" }) {
            if word.includes("://"), let url = urls(in: String(word)).first { return url }
            let candidate = trimmedURL(word)
            if candidate.includes("://") { continue }
            if host(of: candidate) != nil,
                candidate.contains(where: { $0.isLetter }) || candidate.split(separator: ".").count == 4
            {
                return candidate
            }
        }
        return urls(in: value).first
    }

    /// Whether `host` matches a configured pattern ("proctor.example.edu" or "*.example.edu").
    static func matches(_ host: String, pattern: String) -> Bool {
        let pattern = pattern.lowercased()
        if pattern.hasPrefix("*.") {
            let suffix = pattern.dropFirst(1)
            return host.hasSuffix(suffix) || host == pattern.dropFirst(2)
        }
        return host == pattern
    }

    /// The session a server URL names, if any.
    static func sessionID(inURL url: String) -> String? {
        let parameterNames: Set<String> = [
            "session", "sessionid", "session_id", "session-id", "sid", "attempt", "attemptid", "attempt_id",
        ]
        var text = Substring(url)
        if let fragment = text.firstIndex(of: "#") { text = text[..<fragment] }
        if let question = text.firstIndex(of: "?") {
            // "…/exam/attempt?id=55291": a plain "id" names the session when the path ends in one.
            // "…/session/view?id=c41d7e2a90b3" too: the path's end names what the id is.
            let segments = text[..<question].split(separator: "/").dropFirst(2).map { $0.lowercased() }
            // (Not "room?id=4877": an exam room's number as often as a session's.)
            let endpoints = Self.sessionSegments.subtracting(["room"])
            let named =
                segments.last.map(endpoints.contains) == true
                || (segments.count >= 2 && segments.last == "view" && endpoints.contains(segments[segments.count - 2]))
            // A parameter named for the session before a bare "id" ("attempt?id=58213&session=d7c3e0a9-…").
            let pairs = text[text.index(after: question)...].split(separator: "&").map {
                $0.split(separator: "=", maxSplits: 1)
            }
            for generic in [false, true] {
                for pieces in pairs where pieces.count == 2 {
                    let name = pieces[0].lowercased()
                    let fits = generic ? named && name == "id" : parameterNames.contains(name)
                    if fits, ValueShape.isSessionID(pieces[1], labelled: true) { return String(pieces[1]) }
                }
            }
            text = text[..<question]
        }
        let segments = text.split(separator: "/")
        // "/exam/att_93c1f7b2/start", "/take/att-1184420": a segment that says it is an attempt or a session.
        if let named = segments.dropFirst(2).first(where: { segment in
            let lower = segment.lowercased()
            return ["att_", "att-", "attempt-", "attempt_", "sess_", "sess-", "session-", "session_"].contains {
                lower.hasPrefix($0)
            } && ValueShape.isSessionID(segment)
        }) {
            return String(named)
        }
        for (index, segment) in segments.enumerated() where index + 1 < segments.count {
            let name = segment.lowercased()
            // "/session/7f3c9a2e": an ID; "/session/heartbeat" is an API's endpoint. A view of it may stand
            // between ("/session/view/e41f7a93-…"); a one-letter "/s/" names a session only before a UUID or a
            // long hex token.
            guard sessionSegments.contains(name) || name == "s" else { continue }
            var next = index + 1
            if next + 1 < segments.count, sessionViews.contains(segments[next].lowercased()) { next += 1 }
            let candidate = segments[next]
            // ("/room/ECON2B-03" names an exam room; "/room/c4e81f0a-…" one candidate's proctored session.)
            if name == "s" || name == "room",
                !(ValueShape.isUUID(candidate) || (candidate.count >= 12 && candidate.allSatisfy(\.isHexDigit)))
            {
                continue
            }
            if ValueShape.isSessionID(candidate) { return String(candidate) }
        }
        return nil
    }

    /// Path segments and endpoints that name a session, in the languages exam platforms are built in.
    static let sessionSegments: Set<String> = [
        "session", "sessions", "attempt", "attempts", "sessao", "sessão", "sessoes", "sesion", "sesión", "sesiones",
        "sessione", "sessioni", "sitzung", "sitzungen", "seance", "séance", "sesja", "sessie", "oturum", "sessio",
        // A proctored session is a "room" on many platforms (one candidate's: "/room/c4e81f0a-…"; below).
        "room",
    ]
    static let sessionViews: Set<String> = ["view", "join", "live", "watch", "details", "show", "replay"]
}
