public import ArgumentParser
import Foundation
import Helpdesk
import StaffWeb
public import TicketStore

extension StaffRole: ExpressibleByArgument {}

/// `helpdeskd staff …`: the staff accounts of the web workspace and of working by email (`--email`).
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Add, list, disable staff accounts and set their passwords.",
        subcommands: [Add.self, List.self, Disable.self, Passwd.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a staff account.",
            discussion: """
                The password is read from --password-file (its first line), else asked for on the terminal.
                Without a password (--no-password) the account logs in only through single sign-on.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "The login name: a-z, 0-9, '.', '_', '-'.") var name: String
        @Option(help: "agent or admin.") var role: StaffRole = .agent
        @Option(help: "The staff member's own address: they may act on tickets by replying to notifications from it.")
        var email = ""
        @Option(help: "A file whose first line is the password.") var passwordFile: String?
        @Flag(help: "No password: single sign-on only.") var noPassword = false

        func run() throws {
            let hash = noPassword ? "" : StaffPasswords.hash(try readPassword(passwordFile))
            let staff = try StaffDirectory(store: try store.context().store)
                .add(name: name, role: role, email: email, passwordHash: hash, at: WallClock.seconds())
            print("added \(staff.name) (\(staff.role.rawValue))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the staff accounts.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let rows = try StaffDirectory(store: try store.context().store).list().map { staff in
                [
                    staff.name, staff.role.rawValue, staff.email.isEmpty ? "-" : staff.email,
                    staff.disabled ? "disabled" : "active", staff.passwordHash.isEmpty ? "sso only" : "password",
                ]
            }
            print(TextTable.render(header: ["NAME", "ROLE", "EMAIL", "STATE", "LOGIN"], rows: rows))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @OptionGroup var store: StoreOptions
        @Argument var name: String

        func run() throws {
            try StaffDirectory(store: try store.context().store).disable(name)
            print("disabled \(name.lowercased())")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's password (its sessions end).")
        @OptionGroup var store: StoreOptions
        @Argument var name: String
        @Option(help: "A file whose first line is the password.") var passwordFile: String?

        func run() throws {
            let hash = StaffPasswords.hash(try readPassword(passwordFile))
            try StaffDirectory(store: try store.context().store).setPassword(name, hash: hash)
            print("password set for \(name.lowercased())")
        }
    }
}

/// The password from a file's first line, or from the terminal without echo.
func readPassword(_ file: String?) throws -> String {
    let password: String
    if let file {
        let text = String(decoding: try InputFiles.read(file), as: UTF8.self)
        password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    } else {
        guard let typed = getpass("Password: ") else { throw ValidationError("no password given") }
        password = String(cString: typed)
    }
    if let problem = StaffPasswords.problem(with: password) { throw ValidationError(problem) }
    return password
}
