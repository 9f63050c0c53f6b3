import Foundation
public import TicketStore

/// Everything a command or the daemon needs, built once from the configuration: the store, the
/// answer composer with its signing key and templates, and the intake pipeline.
public struct HelpdeskContext: Sendable {
    public let configuration: HelpdeskConfiguration
    public let store: TicketStore
    public let pipeline: IntakePipeline
    /// Where the store lives (a reload reuses it).
    public let databasePath: String

    /// Opens the store (at `databasePath`, else in the state directory) and prepares the pipeline.
    public init(configuration: HelpdeskConfiguration, databasePath: String? = nil) throws {
        let path = databasePath ?? configuration.databasePath
        try self.init(configuration: configuration, store: TicketStore(path: path), databasePath: path)
    }

    /// A context over an already open store (a reload keeps the store and rebuilds the rest).
    public init(configuration: HelpdeskConfiguration, store: TicketStore, databasePath path: String) throws {
        var configuration = configuration
        self.store = store
        self.databasePath = path
        let directory = (path as NSString).deletingLastPathComponent
        let key = try Self.signingKey(configuration: configuration, stateDirectory: directory.isEmpty ? "." : directory)
        let signer = MessageIDSigner(
            key: key, domain: configuration.identity.domain, prefix: configuration.identity.ticketPrefix)
        let templatesDirectory = configuration.identity.templatesDirectory
        let templates = try AnswerTemplates.load(directory: templatesDirectory.isEmpty ? nil : templatesDirectory)
        configuration.profile = configuration.extractionProfile(templates: templates)
        self.configuration = configuration
        let answers = try AnswerComposer(
            fromAddress: configuration.identity.address, fromName: configuration.identity.name, signer: signer,
            templates: templates,
            terms: ResponseTerms(
                normalConsideration: configuration.serviceLevel.normalConsideration,
                criticalSolution: configuration.serviceLevel.criticalSolution))
        pipeline = IntakePipeline(store: store, configuration: configuration, answers: answers, signer: signer)
    }

    /// The key that signs our Message-IDs: the configured file, else `hmac.key` in the state directory,
    /// created with 32 random bytes on first use (mode 0600), so a fresh install works and stays stable.
    static func signingKey(configuration: HelpdeskConfiguration, stateDirectory: String) throws -> [UInt8] {
        let configured = configuration.identity.hmacKeyFile
        let path = configured.isEmpty ? stateDirectory + "/hmac.key" : configured
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
