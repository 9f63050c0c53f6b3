import Foundation
import GRDB
import MIME
import Testing
import TicketStore

@testable import Helpdesk

/// Addresses written so that a byte search does not see them: in RFC 2047 encoded words, percent-encoded,
/// followed by a file extension, in the file name an email was ingested from. Erasure must find and
/// scrub them, its completeness check must see them, and the export must not take other people's
/// messages merely because they mention someone.
@Suite struct HiddenAddressTests {
    static let anna = PeopleStore.anna
    /// Base64 hides the address: "Prüfung:anna@example.edu startet nicht".
    static let encodedSubject =
        "=?utf-8?B?" + Base64.encode(Array("Prüfung:anna@example.edu startet nicht".utf8)) + "?="

    /// Dora, a stranger to Anna, reports HD-000005 about her: the address in encoded words, in
    /// percent-encoded URLs, in an attachment's file name, in the name of the file the email came from,
    /// and once as written (Thread-Topic).
    static func doraReport() -> String {
        [
            "From: Dora Stranger <dora@example.net>",
            "To: helpdesk@example.com",
            "Subject: " + encodedSubject,
            "Comments: =?utf-8?q?about_anna?= =?utf-8?q?=40example.edu?=",
            "Keywords: =?us-ascii?q?anna=2540example=252Eedu?=",
            "X-Report-Links: <https://reports.example.com/u?who=Anna%40Example%2eEDU>,",
            " <mailto:reports@example.com?subject=ANNA%40EXAMPLE.EDU>",
            "Thread-Topic: anna@example.edu kann nicht starten",
            "Message-ID: <d1@example.net>",
            "Date: Mon, 11 Nov 2024 12:00:00 +0300",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b\"",
            "",
            "--b",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "The exam page stays white. Server: https://proctor.example.edu",
            "Time: 2024-11-11 10:32 +03:00",
            "User ID: st-5005",
            "Session ID: 1d1d1d1d",
            "--b",
            "Content-Type: image/png; name=\"anna@example.edu.png\"",
            "Content-Disposition: attachment; filename=\"anna@example.edu.png\"",
            "Content-Transfer-Encoding: base64",
            "",
            Mail.png,
            "--b--",
            "",
        ].joined(separator: "\r\n")
    }

    static let doraPath = "/imports/complaint about anna@example.edu.eml"

    /// PeopleStore plus Dora's report, ingested from a file whose name holds Anna's address.
    func people() throws -> PeopleStore {
        let people = try PeopleStore()
        let outcome = try people.helpdesk.pipeline.ingest(
            Array(Self.doraReport().utf8), source: .file(path: Self.doraPath), receivedAt: Mail.monday10 + 480)
        #expect(outcome == .created(ref: "HD-000005", status: .open))
        return people
    }

    func erase(_ address: String, in people: PeopleStore) throws -> ErasureReport {
        try SubjectErasure(
            store: people.store, requiredFields: people.helpdesk.context.configuration.profile.required.map(\.key)
        ).run(try SubjectAddress(address), now: DataProtectionTests.now, actor: "dpo")
    }

    @Test func theCompletenessCheckSeesAddressesInEncodedWordsURLsAndFileNames() throws {
        let people = try people()
        let dora = try people.message("d1@example.net")
        let traces = try TraceScan.run(in: people.store, for: try SubjectAddress(Self.anna))
        #expect(traces.contains(Trace(table: "message", column: "raw", rowID: dora.id!, place: .header)), "\(traces)")
        #expect(traces.contains(Trace(table: "message", column: "sourcePath", rowID: dora.id!, place: .value)))
        // Our answer to Dora repeats her subject, encoded.
        let answer = try #require(try people.helpdesk.outbox().first { $0.recipient == "dora@example.net" })
        #expect(!StoreSearch.decodedHeaders(answer.raw).isEmpty)
        #expect(traces.contains(Trace(table: "outbox", column: "raw", rowID: answer.id!, place: .value)), "\(traces)")
    }

    @Test func erasureScrubsWhatEncodingHidAndThenReportsClean() throws {
        let people = try people()
        let before = try people.message("d1@example.net")
        // The independent search sees the address in Dora's header section before the erasure.
        #expect(StoreSearch.decodedHeaders(before.raw).contains { $0.lowercased().contains(Self.anna) })

        let report = try erase(Self.anna, in: people)
        #expect(report.unexpectedTraces.isEmpty, "\(report.unexpectedTraces)")
        // Only in the body, where Dora named her attachment after Anna: Dora's content, kept and counted.
        #expect(report.traces == [Trace(table: "message", column: "raw", rowID: before.id!, place: .body)])
        #expect(report.bodiesKept == 1)
        #expect(report.scrubbedTickets.contains("HD-000005"))

        let dora = try people.message("d1@example.net")
        for text in StoreSearch.decodedHeaders(dora.raw) {
            #expect(!text.lowercased().contains(Self.anna), "\(text)")
            #expect(!text.lowercased().contains("anna"), "\(text)")
        }
        let parsed = MIMEParser().parse([UInt8](dora.raw))
        #expect(parsed.headerText("Subject") == "Prüfung:erased@invalid startet nicht")
        #expect(parsed.headerText("From") == "Dora Stranger <dora@example.net>")
        #expect(parsed.parts[0].headers.count == MIMEParser().parse([UInt8](before.raw)).parts[0].headers.count)
        // Her body and attachment are kept byte for byte; the attachment's file name in the part header
        // is in the body, which is hers, and is reported as such.
        #expect(headerAndBody(dora.raw).body == headerAndBody(before.raw).body)
        #expect(dora.sourcePath == "/imports/complaint about erased@invalid.eml")
        #expect(try people.helpdesk.ticket("HD-000005").subject == "Prüfung:erased@invalid startet nicht")
        #expect(try StoreSearch.hits(of: Self.anna, in: people.store).allSatisfy { $0.inBody }, "anna")
        for answer in try people.helpdesk.outbox() {
            for text in StoreSearch.decodedHeaders(answer.raw) {
                #expect(!text.lowercased().contains(Self.anna), "\(text)")
            }
        }
        // The store still reads: a second erasure finds nothing more to do.
        let again = try erase(Self.anna, in: people)
        #expect(again.scrubbedHeaders == 0 && again.unexpectedTraces.isEmpty)
    }

    @Test func exportTakesOnlyMessagesTheySentOrReceived() throws {
        let people = try people()
        let directory = NSTemporaryDirectory() + "helpdeskd-export-" + UUID().uuidString
        let summary = try SubjectExport(store: people.store).write(
            try SubjectAddress(Self.anna), to: directory, now: DataProtectionTests.now)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json")))
                as? [String: Any])
        let tickets = try #require(manifest["tickets"] as? [[String: Any]])
        // Dora's ticket mentions Anna, but Anna neither sent nor received anything there.
        #expect(tickets.map { $0["ref"] as? String } == ["HD-000001", "HD-000002", "HD-000003"])
        #expect(summary.messages == 6 && summary.tickets == 3)
        for relative in try FileManager.default.subpathsOfDirectory(atPath: directory) {
            for foreign in ["dora@example.net", "d1@example.net", "HD-000005", "st-5005"] {
                #expect(!StoreSearch.file(directory + "/" + relative, contains: foreign), "\(foreign) in \(relative)")
            }
        }
    }

    @Test(arguments: [
        "anna%40example.edu", "ANNA%40EXAMPLE.EDU", "anna%40example%2eedu", "Anna%40Example%2EEdu",
        "=?utf-8?B?" + Base64.encode(Array("anna@example.edu".utf8)) + "?=",
        "=?utf-8?q?anna?= =?utf-8?q?=40example.edu?=", "=?iso-8859-1?q?anna?=\r\n =?utf-8?b?QGV4YW1wbGUuZWR1?=",
        "anna=?utf-8?q?=40example.edu?=", "=?utf-8?q?anna=2540example.edu?=", "anna@example.edu.png",
        "\"anna@example.edu.pdf\"", "%3Canna%40example.edu%3E",
        // Each word a token: joined, their texts read "anna@example.eduanna@example.edu".
        "=?utf-8?q?anna=40example.edu?= =?utf-8?b?YW5uYUBleGFtcGxlLmVkdQ==?=",
    ])
    func aHiddenAddressIsFoundAndScrubbedInAnyField(_ written: String) throws {
        let raw = Array(
            ("From: Dora <dora@example.net>\r\nSubject: x " + written + " y\r\nX-Ref: <" + written
                + ">\r\nMessage-ID: <m@example.net>\r\n\r\nBody " + written + "\r\n").utf8)
        let scrubber = HeaderScrubber(address: try SubjectAddress(Self.anna), names: [])
        let mentions = scrubber.mentions(in: raw)
        #expect(mentions.inHeaders)
        let scrubbed = try #require(scrubber.scrub(raw))
        #expect(!scrubber.mentions(in: scrubbed).inHeaders)
        for text in StoreSearch.decodedHeaders(Data(scrubbed)) {
            #expect(!text.lowercased().contains("anna"), "\(written): \(text)")
        }
        let text = String(decoding: scrubbed, as: UTF8.self)
        #expect(text.hasSuffix("\r\n\r\nBody " + written + "\r\n"), "the body is kept")
        #expect(text.contains("Message-ID: <m@example.net>\r\n"))
        #expect(MIMEParser().parse(scrubbed).headerText("Subject")?.hasPrefix("x ") == true)
    }

    @Test(arguments: [
        "joanna%40example.edu", "anna%40example.edu.evil.com", "anna@example.edu.evil.com", "anna%2540example.edu",
        "=?utf-8?q?joanna=40example.edu?=", "anna@example.education",
    ])
    func otherAddressesAreLeftAlone(_ written: String) throws {
        let raw = Array(("From: Dora <dora@example.net>\r\nSubject: " + written + "\r\n\r\nx\r\n").utf8)
        let scrubber = HeaderScrubber(address: try SubjectAddress(Self.anna), names: [])
        #expect(!scrubber.mentions(in: raw).inHeaders)
        #expect(scrubber.scrub(raw) == nil)
    }

    /// Hostile senders write these headers: scrubbing and checking them costs their length, not their
    /// length times the number of matches.
    @Test func scrubbingAHostileHeaderSectionIsLinear() throws {
        let scrubber = HeaderScrubber(address: try SubjectAddress(Self.anna), names: ["Anna Example"])
        func header(_ scale: Int) -> [UInt8] {
            var text = "From: Dora <dora@example.net>\r\n"
            text += "Subject:" + String(repeating: " ", count: 80 * scale) + "anna@example.edu\r\n"
            text += "Comments: " + String(repeating: "=?utf-8?q?anna=40example.edu?= ", count: scale) + "\r\n"
            text += "X-Ref: " + String(repeating: "anna%40example.edu,", count: scale) + "\r\n"
            text += "To: " + String(repeating: "Anna Example <anna@example.edu>, ", count: scale) + "x@example.net\r\n"
            text += String(repeating: "X-A: Anna Example anna@example.edu\r\n", count: scale)
            return Array((text + "\r\nbody\r\n").utf8)
        }
        var seconds: [Double] = []
        for scale in [1_000, 12_000] {
            let raw = header(scale)
            let started = ContinuousClock.now
            let scrubbed = try #require(scrubber.scrub(raw))
            #expect(!scrubber.mentions(in: scrubbed).inHeaders)
            let elapsed = ContinuousClock.now - started
            seconds.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
        }
        // Twelve times the input (a 1.4 MB header section): about twelve times the time; work per match
        // over the whole section would be up to 144 times (before: about 60 times, 10 s here).
        #expect(seconds[1] < 30 * max(seconds[0], 0.02), "\(seconds)")
        #expect(seconds[1] < 30, "\(seconds)")
    }
}

extension StoreSearch {
    /// The top-level header fields of a raw message as a reader sees them, independently of the code
    /// under test: each value decoded by the MIME module (folding, RFC 2047) and, where that gives
    /// something else, also with percent escapes decoded by Foundation; the raw header section too.
    static func decodedHeaders(_ raw: Data) -> [String] {
        let message = MIMEParser().parse([UInt8](raw))
        var texts = [
            String(decoding: raw[..<(raw.startIndex + message.parts[0].headerRange.upperBound)], as: UTF8.self)
        ]
        for field in message.parts[0].headers {
            let text = message.text(of: field).text
            texts.append(text)
            if let decoded = text.removingPercentEncoding, decoded != text { texts.append(decoded) }
        }
        return texts
    }
}
