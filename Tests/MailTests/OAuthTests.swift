import Foundation
import GRDB
import Glibc
import Testing

/// OAuth 2.0 sign-in as an admin deploys it: the `helpdeskd` executable, a test identity provider over HTTPS
/// (Tests/Servers/oauth_idp.py, with its own CA), Dovecot checking tokens with its oauth2 passdb (introspection at
/// that provider) and the SMTP sink taking AUTH XOAUTH2/OAUTHBEARER the same way.
@Suite(.serialized) struct OAuthTests {
    /// An identity provider, Dovecot, an SMTP sink and a configuration and state directory for one daemon.
    struct Setup {
        let idp: IdentityProvider
        let dovecot: Dovecot
        let sink: SMTPSink
        let directory: String
        var configPath: String { directory + "/helpdeskd.toml" }
        var databasePath: String { directory + "/state/helpdeskd.sqlite" }
        var stateDirectory: String { directory + "/state" }
        var logPath: String { directory + "/daemon.log" }

        static func start(lifetime: Int = 3600, autoApprove: Bool = false) throws -> Setup {
            let idp = try IdentityProvider.start(lifetime: lifetime, autoApprove: autoApprove)
            let dovecot: Dovecot
            do {
                dovecot = try Dovecot.start(oauth2Introspection: idp.introspectionURL)
            } catch {
                idp.stop()
                throw error
            }
            let sink: SMTPSink
            do {
                sink = try SMTPSink.start(oauth: idp)
            } catch {
                dovecot.stop()
                idp.stop()
                throw error
            }
            let directory = try TestSupport.temporaryDirectory("oauth")
            try TestSupport.writeFile(directory + "/client.secret", Array(idp.clientSecret.utf8))
            chmod(directory + "/client.secret", 0o600)
            return Setup(idp: idp, dovecot: dovecot, sink: sink, directory: directory)
        }

        /// Writes a configuration whose IMAP and SMTP logins use `[oauth2.NAME]` with `keys`.
        func configure(_ name: String, _ keys: String, pollInterval: String = "1s", extra: String = "") throws {
            let text = """
                [helpdesk]
                address = "helpdesk@example.com"
                name = "Example Helpdesk"
                state_directory = "\(stateDirectory)"
                hmac_key_file = ""
                [imap]
                url = "\(dovecot.url(tls: false))"
                user = "helpdesk"
                auth = "oauth2"
                oauth2 = "\(name)"
                allow_plaintext = true
                poll_interval = "\(pollInterval)"
                idle = false
                [smtp]
                url = "smtp://127.0.0.1:\(sink.port)"
                tls = "none"
                user = "helpdesk"
                auth = "oauth2"
                oauth2 = "\(name)"
                [rate_limits]
                global_per_hour = 100000
                \(extra)
                [oauth2.\(name)]
                ca_file = "\(idp.caFile)"
                \(keys)
                """
            try TestSupport.writeFile(configPath, Array(text.utf8))
        }

        /// `[oauth2.NAME]` keys for the client-credentials grant with the client secret.
        var clientCredentials: String {
            """
            grant = "client_credentials"
            token_url = "\(idp.tokenURL)"
            client_id = "\(idp.clientID)"
            client_secret_file = "\(directory)/client.secret"
            scope = "https://outlook.office365.com/.default"
            """
        }

        /// Starts `helpdeskd ARGUMENTS` (`--config` added), its output appended to the log.
        func start(_ arguments: [String]) throws -> ChildProcess {
            guard FileManager.default.isExecutableFile(atPath: DaemonProcessTests.executable) else {
                throw TestServerError("\(DaemonProcessTests.executable) is missing: swift build --build-tests")
            }
            return try ChildProcess(DaemonProcessTests.executable, arguments + ["--config", configPath], log: logPath)
        }

        /// Runs `helpdeskd ARGUMENTS` to its end; its exit status.
        func run(_ arguments: [String], within timeout: Duration = .seconds(60)) async throws -> Int32 {
            let process = try start(arguments)
            _ = await TestSupport.eventually(timeout) { !process.isRunning }
            if process.isRunning { process.signal(SIGKILL) }
            return process.wait()
        }

        var log: String { String(decoding: TestSupport.readFile(logPath) ?? [], as: UTF8.self) }

        func count(_ table: String) -> Int { DaemonProcessTests.Installation.count(table, in: databasePath) }

        /// The token file of `key` in the state directory, as JSON.
        func tokenFile(_ key: String) -> [String: Any]? {
            TestSupport.readFile(stateDirectory + "/oauth2/\(key).json").flatMap {
                try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
            }
        }

        func remove() {
            sink.stop()
            dovecot.stop()
            idp.stop()
            if ProcessInfo.processInfo.environment["HELPDESKD_KEEP_TEST_SERVERS"] == nil {
                TestSupport.removeDirectory(directory)
            }
        }
    }

    static func stopped(_ daemon: ChildProcess) -> Int32 {
        daemon.signal(SIGTERM)
        daemon.wait(timeout: .seconds(20))
        return daemon.wait()
    }

    // MARK: client credentials (Microsoft 365)

    @Test func clientCredentialsLogInToIMAPAndSMTPWithOneCachedToken() async throws {
        let setup = try Setup.start()
        defer { setup.remove() }
        try setup.configure("m365", setup.clientCredentials)
        _ = try setup.dovecot.seed(messages: try DaemonProcessTests.reports(2, tag: "cc"))

        // check-config --connect runs the whole chain: token, IMAP login, SMTP login.
        #expect(try await setup.run(["check-config", "--connect"]) == 0, "\(setup.log)")
        #expect(setup.log.contains("access token from [oauth2.m365] (client_credentials) for helpdesk"))

        #expect(try await setup.run(["run", "--once"]) == 0, "\(setup.log)")
        #expect(setup.count("ticket") == 2, "\(setup.log)")
        #expect(setup.dovecot.messages().isEmpty)
        let envelopes = setup.sink.envelopes
        #expect(envelopes.count == 2)
        #expect(
            envelopes.allSatisfy {
                ["XOAUTH2", "OAUTHBEARER"].contains($0.authMechanism ?? "") && $0.authLogin == "helpdesk"
            })
        // One token served check-config, IMAP and SMTP: cached in the state directory, private.
        #expect(setup.idp.issued == ["client_credentials": 1])
        let file = try #require(setup.tokenFile("m365"))
        #expect(file["access_token"] is String && file["last_error"] == nil)
        var info = stat()
        stat(setup.stateDirectory + "/oauth2/m365.json", &info)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(!setup.log.contains(setup.idp.clientSecret))
    }

    @Test func aWrongClientSecretIsReportedWithTheProvidersErrorAndMailStays() async throws {
        let setup = try Setup.start()
        defer { setup.remove() }
        try TestSupport.writeFile(setup.directory + "/client.secret", Array("not-the-secret".utf8))
        try setup.configure("m365", setup.clientCredentials)
        _ = try setup.dovecot.seed(messages: try DaemonProcessTests.reports(1, tag: "bad"))

        #expect(try await setup.run(["check-config", "--connect"]) == 1)
        #expect(setup.log.contains("invalid_client: AADSTS7000215: Invalid client secret provided."), "\(setup.log)")
        _ = try await setup.run(["run", "--once"], within: .seconds(90))
        #expect(setup.count("ticket") == 0)
        #expect(setup.dovecot.messages().count == 1)
        #expect(try await setup.run(["status"]) == 0)
        #expect(setup.log.contains("RENEWAL FAILING"), "\(setup.log)")
    }

    @Test func aTokenExpiringMidRunIsRenewedWithoutLosingAPoll() async throws {
        let setup = try Setup.start(lifetime: 6)
        defer { setup.remove() }
        let port = try TestSupport.freePort()
        try setup.configure(
            "m365", setup.clientCredentials + "\nrefresh_ahead = \"3s\"",
            extra: "[metrics]\nlisten = \"127.0.0.1:\(port)\"")
        let mail = try DaemonProcessTests.reports(3, tag: "expiry")
        let daemon = try setup.start(["run"])
        defer { _ = Self.stopped(daemon) }

        _ = try setup.dovecot.seed(messages: [mail[0]])
        #expect(await TestSupport.eventually { setup.count("ticket") == 1 }, "\(setup.log)")
        let firstToken = try #require(setup.tokenFile("m365")?["access_token"] as? String)
        // The first token is gone at the provider (Dovecot's introspection says inactive) before the next mail.
        #expect(await TestSupport.eventually(.seconds(30)) { (setup.idp.issued["client_credentials"] ?? 0) >= 3 })
        _ = try setup.dovecot.seed(messages: [mail[1]])
        #expect(await TestSupport.eventually { setup.count("ticket") == 2 }, "\(setup.log)")
        // And a token the provider expires early (on command) costs a login, then a new token is used.
        try setup.idp.control("expire")
        _ = try setup.dovecot.seed(messages: [mail[2]])
        #expect(await TestSupport.eventually { setup.count("ticket") == 3 }, "\(setup.log)")
        #expect(await TestSupport.eventually { setup.sink.received.count == 3 }, "\(setup.log)")
        #expect(setup.tokenFile("m365")?["access_token"] as? String != firstToken)

        // Renewed ahead of expiry: no poll failed for an expired token.
        #expect(!setup.log.contains("token expired"))
        let metrics = try #require(DaemonProcessTests.get(port: port, path: "/metrics"))
        #expect(metrics.body.contains("helpdeskd_oauth_token_renewal_failing{provider=\"m365\"} 0"), "\(metrics.body)")
        #expect(metrics.body.contains("helpdeskd_oauth_token_expiry_seconds{provider=\"m365\"}"))
        #expect(Self.stopped(daemon) == 0)
    }

    // MARK: device authorization (RFC 8628) and refresh-token rotation

    @Test func deviceLoginThenRotationThenARevokedRefreshTokenIsAlertedWhileMailStays() async throws {
        let setup = try Setup.start(lifetime: 8, autoApprove: true)
        defer { setup.remove() }
        let port = try TestSupport.freePort()
        try setup.configure(
            "delegated",
            """
            grant = "device_code"
            token_url = "\(setup.idp.tokenURL)"
            device_authorization_url = "\(setup.idp.deviceAuthorizationURL)"
            client_id = "\(setup.idp.clientID)"
            scope = "https://outlook.office365.com/IMAP.AccessAsUser.All offline_access"
            refresh_ahead = "3s"
            """, extra: "[metrics]\nlisten = \"127.0.0.1:\(port)\"")

        // Before the login: the daemon says what to run.
        #expect(try await setup.run(["check-config", "--connect"]) == 1)
        #expect(setup.log.contains("no refresh token for [oauth2.delegated]"), "\(setup.log)")

        #expect(try await setup.run(["oauth", "login", "delegated"]) == 0, "\(setup.log)")
        #expect(setup.log.contains("enter the code"))
        #expect(setup.log.contains("Signed in"))
        let loginRefresh = try #require(setup.tokenFile("delegated")?["refresh_token"] as? String)

        let mail = try DaemonProcessTests.reports(2, tag: "device")
        let daemon = try setup.start(["run"])
        defer { _ = Self.stopped(daemon) }
        _ = try setup.dovecot.seed(messages: [mail[0]])
        #expect(await TestSupport.eventually { setup.count("ticket") == 1 }, "\(setup.log)")
        #expect(await TestSupport.eventually { setup.sink.received.count == 1 }, "\(setup.log)")
        // Rotation: each refresh spent the old refresh token and stored the new one before using its access token.
        #expect(await TestSupport.eventually(.seconds(30)) { (setup.idp.issued["refresh_token"] ?? 0) >= 2 })
        let rotated = try #require(setup.tokenFile("delegated")?["refresh_token"] as? String)
        #expect(rotated != loginRefresh)
        #expect(setup.idp.refused.isEmpty, "a rotated refresh token was presented twice")

        // The provider revokes everything: renewals fail, the alert is raised, mail waits in the mailbox.
        // (A session logged in before the revocation stays logged in at the server and may still take mail: the
        // mail arrives once the token in hand has expired and no login works.)
        try setup.idp.control("revoke")
        #expect(
            await TestSupport.eventually {
                DaemonProcessTests.get(port: port, path: "/metrics")?.body
                    .contains("helpdeskd_oauth_token_expiry_seconds{provider=\"delegated\"} 0") == true
            })
        #expect(
            await TestSupport.eventually {
                DaemonProcessTests.get(port: port, path: "/metrics")?.body
                    .contains("helpdeskd_oauth_token_renewal_failing{provider=\"delegated\"} 1") == true
            }, "\(DaemonProcessTests.get(port: port, path: "/metrics")?.body ?? "")")
        // The refresher (every 15 s) logs the refusal once, with what to do.
        #expect(await TestSupport.eventually { setup.log.contains("OAuth token renewal failed") }, "\(setup.log)")
        #expect(setup.log.contains("run: helpdeskd oauth login delegated"))
        #expect(setup.log.contains("AADSTS50173"), "the provider's own error is logged")
        #expect(setup.tokenFile("delegated")?["last_error"] != nil)
        _ = try setup.dovecot.seed(messages: [mail[1]])
        try await Task.sleep(for: .seconds(3))  // three polls at 1 s, each failing to log in
        #expect(setup.count("ticket") == 1)
        #expect(setup.dovecot.messages().count == 1)
        #expect(try await setup.run(["status"]) == 0)
        #expect(setup.log.contains("RENEWAL FAILING"), "\(setup.log)")
        // A new login while the daemon runs: the daemon takes the new refresh token and the waiting mail.
        #expect(try await setup.run(["oauth", "login", "delegated"]) == 0)
        #expect(await TestSupport.eventually { setup.count("ticket") == 2 }, "\(setup.log)")
        #expect(
            await TestSupport.eventually {
                DaemonProcessTests.get(port: port, path: "/metrics")?.body
                    .contains("helpdeskd_oauth_token_renewal_failing{provider=\"delegated\"} 0") == true
            })
        #expect(daemon.isRunning)
        #expect(Self.stopped(daemon) == 0)
    }

    // MARK: JWT bearer (Google service account)

    @Test func serviceAccountJWTBearerGrantWithAGoogleKeyFile() async throws {
        let setup = try Setup.start()
        defer { setup.remove() }
        let pem = String(decoding: TestSupport.readFile(setup.idp.jwtKeyFile) ?? [], as: UTF8.self)
        let key: [String: Any] = [
            "type": "service_account", "client_email": setup.idp.issuer, "private_key": pem,
            "token_uri": setup.idp.tokenURL,
        ]
        try TestSupport.writeFile(
            setup.directory + "/service-account.json", [UInt8](try JSONSerialization.data(withJSONObject: key)))
        try setup.configure(
            "google",
            """
            grant = "jwt_bearer"
            private_key_file = "\(setup.directory)/service-account.json"
            """)
        _ = try setup.dovecot.seed(messages: try DaemonProcessTests.reports(1, tag: "jwt"))
        #expect(try await setup.run(["run", "--once"]) == 0, "\(setup.log)")
        #expect(setup.count("ticket") == 1, "\(setup.log)")
        #expect(setup.sink.envelopes.first?.authLogin == "helpdesk")
        // sub = the mailbox user: one token per user (file google+helpdesk, '+' written '_'), signed RS256.
        #expect(setup.idp.issued == ["jwt_bearer": 1])
        #expect(setup.tokenFile("google_helpdesk") != nil)
    }
}
