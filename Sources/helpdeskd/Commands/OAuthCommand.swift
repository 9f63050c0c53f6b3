import ArgumentParser
import Foundation
import Helpdesk
import OAuth

/// `helpdeskd oauth`: OAuth 2.0 sign-in for the mail logins.
struct OAuthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oauth", abstract: "OAuth 2.0 sign-in for the IMAP and SMTP logins.",
        subcommands: [OAuthLoginCommand.self])
}

/// `helpdeskd oauth login NAME`: RFC 8628's device authorization grant for an `[oauth2.NAME]` section.
struct OAuthLoginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Grant delegated access once: prints a URL and a code, waits for the approval, stores the tokens.",
        discussion: """
            For [oauth2.NAME] sections with grant = "device_code". Open the URL in any browser, enter the code and \
            sign in as the mailbox's user (or an admin who may grant it). The refresh token is stored in the state \
            directory (oauth2/NAME.json, mode 0600); the daemon renews it from then on. Run it as the service user \
            (sudo -u helpdeskd), so that the daemon can read the file.
            """)

    @Option(help: "The configuration file.") var config = StoreOptions.defaultConfigPath
    @Argument(help: "The [oauth2.NAME] section.") var name: String

    func run() throws {
        let configuration: HelpdeskConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("invalid configuration:\n\(error)")
        }
        guard let settings = configuration.oauth2[name] else {
            let known = configuration.oauth2.keys.sorted().joined(separator: ", ")
            throw ValidationError("there is no [oauth2.\(name)] section\(known.isEmpty ? "" : " (known: \(known))")")
        }
        guard settings.grant == .deviceCode else {
            throw ValidationError(
                "[oauth2.\(name)] uses grant \"\(settings.grant.rawValue)\", which needs no login: the daemon gets its tokens itself"
            )
        }
        let endpoint = HTTPSTokenEndpoint(caFile: settings.caFile.isEmpty ? nil : settings.caFile)
        let login = DeviceLogin(settings: settings, endpoint: endpoint)
        do {
            let authorization = try login.start()
            // Unbuffered: whoever runs this (an admin, a script, a test) must see the code while it waits.
            say("To grant helpdeskd access for [oauth2.\(name)], open")
            say("    \(authorization.verificationURIComplete ?? authorization.verificationURI)")
            say("and enter the code  \(authorization.userCode)")
            say("Waiting for the approval (up to \(authorization.expiresIn / 60) minutes)…")
            let issued = try login.wait(for: authorization)
            let now = WallClock.seconds()
            let provider = TokenProvider(
                settings: settings, user: nil, stateDirectory: configuration.identity.stateDirectory)
            try provider.store(issued, now: now)
            say("Signed in: the tokens are in \(provider.cache.path); the daemon renews them from now on.")
        } catch {
            FileHandle.standardError.write(Data("helpdeskd oauth login: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
