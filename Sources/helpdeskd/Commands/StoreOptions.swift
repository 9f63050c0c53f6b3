import ArgumentParser
import Foundation
import Helpdesk

/// Options shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(help: "The configuration file (default: /etc/helpdeskd/helpdeskd.toml when it exists).")
    var config: String?

    @Option(help: "The SQLite store (default: helpdeskd.sqlite in the configured state directory).")
    var db: String?

    static let defaultConfigPath = "/etc/helpdeskd/helpdeskd.toml"

    func configuration() throws -> HelpdeskConfiguration {
        let path =
            config ?? (FileManager.default.fileExists(atPath: Self.defaultConfigPath) ? Self.defaultConfigPath : nil)
        guard let path else { return HelpdeskConfiguration() }
        do {
            return try ConfigurationLoader.load(path: path, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            throw ValidationError("invalid configuration:\n" + error.description)
        }
    }

    func context() throws -> HelpdeskContext {
        let configuration = try configuration()
        do {
            return try HelpdeskContext(configuration: configuration, databasePath: db)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        } catch {
            // Not a usage error: say why the store was refused, without the usage text.
            throw StoreRefused(description: "cannot open the store: \(error)")
        }
    }
}

/// The store could not be opened (or safely): the message says why and what to run.
struct StoreRefused: Error, CustomStringConvertible {
    let description: String
}
