import ArgumentParser
import Foundation
import Helpdesk
import MIME

/// `helpdeskd parse`: shows how helpdeskd reads an email, or measures the parser.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse an email and print its structure and content as JSON.",
        discussion: """
            Exit status is 0 even for malformed mail (the "defects" list says what was wrong); it is
            non-zero only when an input cannot be read. With --stats, every file given (directories
            recursively) is loaded into memory, parsed fully, and one JSON line of throughput is printed.
            """
    )

    @Argument(help: "An .eml file, or - for standard input; with --stats, files and directories.")
    var inputs: [String]

    @Flag(help: "Measure: parse every file given and print one JSON line of statistics.")
    var stats = false

    @Flag(help: "Indent the JSON.")
    var pretty = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("Give a file, a directory (with --stats) or -.") }
        if !stats, inputs.count != 1 { throw ValidationError("parse takes one file (or --stats for many).") }
    }

    func run() throws {
        if stats {
            let messages = try InputFiles.load(inputs)
            let result = ParserBenchmark.run(messages)
            print(result.serialized())
            return
        }
        let bytes = try InputFiles.read(inputs[0])
        let message = MIMEParser().parse(bytes)
        let content = MessageContent(message)
        print(ParseReport.json(for: message, content: content).serialized(pretty: pretty))
    }
}
