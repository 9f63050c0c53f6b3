import Foundation
import Incident
import MIME
import OAuth
import TOMLKit

/// One thing wrong with a configuration, said so an admin can fix it: where, what, and how.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// "section.key", or "" for the file as a whole.
    public var key: String
    public var message: String
    public var fix: String

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        let subject = key.isEmpty ? "" : " \(key):"
        return "\(place):\(subject) \(message)" + (fix.isEmpty ? "" : " — \(fix)")
    }
}

/// Every problem found in a configuration; loading reports them all at once, not one per attempt.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads `helpdeskd.toml`: every key documented in `Samples/helpdeskd.toml`, unknown keys and wrong
/// types reported with their line, `${CREDENTIALS_DIRECTORY}` expanded in file paths (systemd's
/// `LoadCredential=`), and `HELPDESKD_<SECTION>_<KEY>` environment variables overriding the file
/// (for containers).
public enum ConfigurationLoader {
    /// Loads and validates the file at `path`.
    public static func load(path: String, environment: [String: String]) throws -> HelpdeskConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    file: path, line: nil, key: "", message: "cannot read the configuration file",
                    fix: "check the path and that the service user may read it")
            ])
        }
        let (configuration, problems) = parse(
            String(decoding: data, as: UTF8.self), file: path, environment: environment)
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
        return configuration
    }

    /// Parses configuration text; returns the configuration (defaults where the text is wrong) and the problems.
    public static func parse(
        _ text: String, file: String, environment: [String: String] = [:]
    )
        -> (HelpdeskConfiguration, [ConfigurationProblem])
    {
        var configuration = HelpdeskConfiguration()
        var problems: [ConfigurationProblem] = []
        let locator = LineLocator(text: text)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            problems.append(
                ConfigurationProblem(
                    file: file, line: error.source.begin.line, key: "", message: "not valid TOML: \(error.description)",
                    fix: "compare with Samples/helpdeskd.toml"))
            return (configuration, problems)
        } catch {
            problems.append(ConfigurationProblem(file: file, line: nil, key: "", message: "\(error)", fix: ""))
            return (configuration, problems)
        }
        let schema = ConfigurationSchema.sections
        for section in table.keys.sorted() {
            if section == "oauth2" {
                problems += parseOAuth(
                    table[section], into: &configuration, file: file, locator: locator, environment: environment)
                continue
            }
            if section == "mailbox" {
                problems += parseMailboxes(
                    table[section], into: &configuration, file: file, locator: locator, environment: environment)
                continue
            }
            guard let keys = schema[section] else {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: locator.line(section: section, key: nil), key: section,
                        message: "unknown section [\(section)]",
                        fix: "known sections: "
                            + (schema.keys.sorted() + ["oauth2.NAME", "[mailbox]"]).joined(separator: ", ")))
                continue
            }
            guard let sectionTable = table[section]?.table else {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: locator.line(section: nil, key: section), key: section,
                        message: "must be a [\(section)] table", fix: "write it as a section header [\(section)]"))
                continue
            }
            for key in sectionTable.keys.sorted() {
                let line = locator.line(section: section, key: key)
                guard let setting = keys[key] else {
                    let suggestion = keys.keys.min { editDistance($0, key) < editDistance($1, key) } ?? ""
                    problems.append(
                        ConfigurationProblem(
                            file: file, line: line, key: "\(section).\(key)", message: "unknown key",
                            fix: suggestion.isEmpty ? "remove it" : "did you mean \(section).\(suggestion)?"))
                    continue
                }
                if let value = sectionTable[key] {
                    do {
                        try setting.apply(.toml(value), &configuration, environment)
                    } catch let error as SettingError {
                        problems.append(
                            ConfigurationProblem(
                                file: file, line: line, key: "\(section).\(key)", message: error.message, fix: error.fix
                            ))
                    } catch {}
                }
            }
        }
        // Environment overrides: HELPDESKD_IMAP_URL=… replaces [imap] url.
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("HELPDESKD_") {
            let path = name.dropFirst("HELPDESKD_".count).lowercased()
            guard let (section, key) = ConfigurationSchema.split(path), let setting = schema[section]?[key] else {
                continue
            }
            do {
                try setting.apply(.environment(value), &configuration, environment)
            } catch let error as SettingError {
                problems.append(
                    ConfigurationProblem(
                        file: "environment", line: nil, key: name, message: error.message, fix: error.fix))
            } catch {}
        }
        if !configuration.mailboxEntries.isEmpty {
            if table.contains(key: "imap") {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: locator.line(section: "imap", key: nil), key: "imap",
                        message: "[imap] and [[mailbox]] entries cannot be used together",
                        fix: "move [imap]'s keys into a [[mailbox]] entry (name = \"default\" keeps its poll position)")
                )
            }
            for name in environment.keys.sorted() where name.hasPrefix("HELPDESKD_IMAP_") {
                problems.append(
                    ConfigurationProblem(
                        file: "environment", line: nil, key: name,
                        message: "sets [imap], which [[mailbox]] entries replace",
                        fix: "set the mailbox in the file, or remove the variable"))
            }
            // Mail from any of our mailboxes is our own: never answered, never a reporter — by the address
            // answers go from, and by the login when it is an address (`user = "support@example.edu"`).
            for mailbox in configuration.mailboxEntries {
                for own in [mailbox.address, mailbox.imap.user.lowercased()]
                where own.contains("@") && !configuration.profile.ownAddresses.contains(own) {
                    configuration.profile.ownAddresses.append(own)
                }
            }
        }
        problems += ConfigurationSchema.crossChecks(configuration, file: file, locator: locator)
        return (configuration, problems)
    }

    /// `[[mailbox]]` entries: each an array element read with `ConfigurationSchema.mailboxKeys` (`name`, `address`,
    /// `display_name` and the keys of `[imap]`).
    private static func parseMailboxes(
        _ value: (any TOMLValueConvertible)?, into configuration: inout HelpdeskConfiguration, file: String,
        locator: LineLocator, environment: [String: String]
    ) -> [ConfigurationProblem] {
        guard let entries = value?.array else {
            return [
                ConfigurationProblem(
                    file: file, line: locator.line(section: "mailbox", key: nil), key: "mailbox",
                    message: "must be [[mailbox]] entries", fix: "write [[mailbox]] (two brackets) above each mailbox")
            ]
        }
        var problems: [ConfigurationProblem] = []
        var names: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let header = locator.line(section: "mailbox", key: nil, occurrence: index)
            guard let keys = entry.table else {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: header, key: "mailbox", message: "must be a table",
                        fix: "write [[mailbox]] and its keys below it"))
                continue
            }
            let name = keys["name"]?.string ?? ""
            let place = name.isEmpty ? "mailbox[\(index + 1)]" : "mailbox.\(name)"
            guard !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: locator.line(section: "mailbox", key: "name", occurrence: index) ?? header,
                        key: "\(place).name",
                        message: name.isEmpty
                            ? "every [[mailbox]] needs a name" : "the name must be letters, digits, - or _",
                        fix: "e.g. name = \"support\""))
                continue
            }
            guard names.insert(name).inserted else {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: locator.line(section: "mailbox", key: "name", occurrence: index) ?? header,
                        key: "\(place).name", message: "another [[mailbox]] has this name",
                        fix: "give each mailbox a name of its own"))
                continue
            }
            if keys["url"] == nil {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: header, key: "\(place).url", message: "is missing",
                        fix: "e.g. url = \"imaps://imap.example.com/INBOX\""))
            }
            // Each mailbox starts from the defaults of [imap]; its keys are read as [imap]'s are.
            var scratch = HelpdeskConfiguration()
            var mailbox = HelpdeskConfiguration.Mailbox(name: name, imap: HelpdeskConfiguration.IMAP())
            for key in keys.keys.sorted() where key != "name" {
                let line = locator.line(section: "mailbox", key: key, occurrence: index)
                guard let raw = keys[key], let setting = ConfigurationSchema.mailboxKeys[key] else {
                    let known = ConfigurationSchema.mailboxKeys.keys
                    let suggestion = known.min { editDistance($0, key) < editDistance($1, key) } ?? ""
                    problems.append(
                        ConfigurationProblem(
                            file: file, line: line, key: "\(place).\(key)", message: "unknown key",
                            fix: key == "max_message_size"
                                ? "the limit is the helpdesk's: [limits] max_message_size"
                                : "did you mean \(suggestion)?"))
                    continue
                }
                do {
                    try setting.apply(.toml(raw), &scratch, environment)
                    try ConfigurationSchema.applyMailboxKey(key, .toml(raw), to: &mailbox)
                } catch let error as SettingError {
                    problems.append(
                        ConfigurationProblem(
                            file: file, line: line, key: "\(place).\(key)", message: error.message, fix: error.fix))
                } catch {}
            }
            mailbox.imap = scratch.imap
            configuration.mailboxEntries.append(mailbox)
        }
        return problems
    }

    /// `[oauth2.NAME]` sections: a table of tables, each read with `ConfigurationSchema.oauth2Keys`.
    private static func parseOAuth(
        _ value: (any TOMLValueConvertible)?, into configuration: inout HelpdeskConfiguration, file: String,
        locator: LineLocator, environment: [String: String]
    ) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        guard let sections = value?.table else {
            return [
                ConfigurationProblem(
                    file: file, line: locator.line(section: nil, key: "oauth2"), key: "oauth2",
                    message: "must be [oauth2.NAME] sections", fix: "write [oauth2.microsoft] and its keys below it")
            ]
        }
        for name in sections.keys.sorted() {
            let place = "oauth2.\(name)"
            guard let keys = sections[name]?.table else {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: locator.line(section: "oauth2", key: name), key: place,
                        message: "must be a section", fix: "write [oauth2.\(name)] and its keys below it"))
                continue
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: locator.line(section: place, key: nil), key: place,
                        message: "the name must be letters, digits, - or _", fix: "e.g. [oauth2.microsoft]"))
                continue
            }
            var settings = OAuthSettings(name: name)
            for key in keys.keys.sorted() {
                let line = locator.line(section: place, key: key)
                guard let setting = ConfigurationSchema.oauth2Keys[key], let raw = keys[key] else {
                    let known = ConfigurationSchema.oauth2Keys.keys
                    let suggestion = known.min { editDistance($0, key) < editDistance($1, key) } ?? ""
                    problems.append(
                        ConfigurationProblem(
                            file: file, line: line, key: "\(place).\(key)", message: "unknown key",
                            fix: "did you mean \(place).\(suggestion)?"))
                    continue
                }
                do {
                    try setting.apply(.toml(raw), &settings, environment)
                } catch let error as SettingError {
                    problems.append(
                        ConfigurationProblem(
                            file: file, line: line, key: "\(place).\(key)", message: error.message, fix: error.fix))
                } catch {}
            }
            ConfigurationSchema.completeOAuth(&settings, scopeGiven: keys["scope"] != nil)
            configuration.oauth2[name] = settings
        }
        return problems
    }

    /// Reads a secret file: its content without the final line break.
    public static func readSecret(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(problems: [
                ConfigurationProblem(
                    file: path, line: nil, key: "", message: "cannot read this secret file",
                    fix: "create it (mode 0600), or point the configuration at the right file")
            ])
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// Levenshtein distance, for "did you mean" suggestions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Finds the line a section or key is written on, for problem reports.
struct LineLocator {
    let lines: [Substring]

    init(text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// The line of `key` in `section` (the `occurrence`-th such section, for `[[array]]` entries), or of the
    /// section's header when `key` is nil.
    func line(section: String?, key: String?, occurrence: Int = 0) -> Int? {
        var current: String? = nil
        var seen = -1
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).lowercased()
                if current == section { seen += 1 }
                if key == nil, current == section, seen == occurrence { return index + 1 }
                continue
            }
            if section != nil, current == section, seen != occurrence { continue }
            guard let key, current == section || (section == nil && current == nil) else { continue }
            if line.hasPrefix(key), line.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") {
                return index + 1
            }
        }
        return nil
    }
}
