import Foundation
public import TicketStore

/// Everything a command or the daemon needs, built once from the configuration: the store, the
/// answer composer with its signing key and templates, and the intake pipeline.
public struct HelpdeskContext: Sendable {
    public let configuration: HelpdeskConfiguration
    public let store: any TicketStore
    public let pipeline: IntakePipeline
    /// Where the daemon keeps its own files: the HMAC key (unless configured elsewhere) and the relay's
    /// journal. The configured state directory, or the directory of a store given with `--db`.
    public let stateDirectory: String

    /// Opens the SQLite store (at `databasePath`, else `helpdeskd.sqlite` in the state directory) and prepares
    /// the pipeline. A store given by path keeps its files (key, journal) beside it.
    public init(configuration: HelpdeskConfiguration, databasePath: String? = nil) throws {
        let path = databasePath ?? configuration.databasePath
        let directory = StateFiles.stateDirectory(configuration: configuration, databasePath: databasePath)
        try self.init(configuration: configuration, store: SQLiteTicketStore(path: path), stateDirectory: directory)
    }

    /// A context over an already open store (a reload keeps the store and rebuilds the rest).
    public init(configuration: HelpdeskConfiguration, store: any TicketStore, stateDirectory: String) throws {
        try self.init(configuration: configuration, store: store, stateDirectory: stateDirectory, checkpoint: { _ in })
    }

    /// Tests only: `checkpoint` is called at named points inside intake's transactions (see `IntakePipeline`).
    init(
        configuration: HelpdeskConfiguration, store: any TicketStore, stateDirectory: String,
        checkpoint: @escaping @Sendable (String) throws -> Void, screenshotReader: (any ScreenshotReader)? = nil
    ) throws {
        var configuration = configuration
        self.store = store
        self.stateDirectory = stateDirectory
        let key = try Self.signingKey(configuration: configuration, stateDirectory: stateDirectory)
        let signer = MessageIDSigner(
            key: key, domain: configuration.identity.domain, prefix: configuration.identity.ticketPrefix)
        let templatesDirectory = configuration.identity.templatesDirectory
        let templates = try AnswerTemplates.load(directory: templatesDirectory.isEmpty ? nil : templatesDirectory)
        // Our own answers' wording (prompts, headings) lets extraction tell a quoted request from the reply.
        configuration.profile = configuration.extractionProfile(templates: templates)
        self.configuration = configuration
        let answers = try AnswerComposer(
            fromAddress: configuration.identity.address, fromName: configuration.identity.name, signer: signer,
            templates: templates,
            terms: ResponseTerms(
                normalConsideration: configuration.serviceLevel.normalConsideration,
                criticalSolution: configuration.serviceLevel.criticalSolution))
        pipeline = IntakePipeline(
            store: store, configuration: configuration, answers: answers, signer: signer, checkpoint: checkpoint,
            screenshotReader: screenshotReader)
    }

    /// Where the relay journals its deliveries until the store has them (`DeliveryJournal`).
    public var relayJournalPath: String { stateDirectory + "/" + StateFiles.relayJournalName }

    /// Where `subject erase` logs each erasure for a restore to apply again (`ErasureLog`).
    public var erasureLogPath: String { stateDirectory + "/" + StateFiles.erasureLogName }

    /// The key that signs our Message-IDs: the configured file, else `hmac.key` in the state directory,
    /// created with 32 random bytes on first use (mode 0600), so a fresh install works and stays stable.
    static func signingKey(configuration: HelpdeskConfiguration, stateDirectory: String) throws -> [UInt8] {
        let configured = configuration.identity.hmacKeyFile
        let path = StateFiles.hmacKeyPath(configured: configured, directory: stateDirectory)
        if let data = FileManager.default.contents(atPath: path) {
            let key = [UInt8](data)
            if let problem = MessageIDSigner.problem(
                key: key, domain: configuration.identity.domain, prefix: configuration.identity.ticketPrefix)
            {
                throw ConfigurationError(problems: [
                    ConfigurationProblem(
                        file: path, line: nil, key: "helpdesk.hmac_key_file", message: problem,
                        fix: "head -c 32 /dev/urandom > \(path); chmod 600 \(path)")
                ])
            }
            return key
        }
        guard configured.isEmpty else {
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    file: path, line: nil, key: "helpdesk.hmac_key_file", message: "cannot read the key",
                    fix: "head -c 32 /dev/urandom > \(path); chmod 600 \(path)")
            ])
        }
        guard let random = FileHandle(forReadingAtPath: "/dev/urandom") else {
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    file: "/dev/urandom", line: nil, key: "", message: "cannot read random bytes", fix: "")
            ])
        }
        let key = [UInt8](random.readData(ofLength: 32))
        try? random.close()
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600])
        else {
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    file: path, line: nil, key: "helpdesk.hmac_key_file", message: "cannot create the key",
                    fix: "check that the state directory is writable")
            ])
        }
        return key
    }
}
