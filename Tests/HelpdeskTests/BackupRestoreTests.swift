import Digest
import Foundation
import GRDB
import Glibc
import Synchronization
import Testing
import TicketStore

@testable import Helpdesk

/// `helpdeskd backup` and `helpdeskd restore` (`StoreBackup`, `StoreRestore`): a backup taken while mail
/// is ingested restores to a store with every ticket committed before it; damaged, mismatched and foreign
/// archives and live stores are refused; erasures made after the backup are applied again.
@Suite struct BackupRestoreTests {
    static let identity = BackupManifest.Helpdesk(address: "helpdesk@example.com", ticketPrefix: "HD")

    static func files(_ helpdesk: TestHelpdesk) -> StateFiles {
        StateFiles(configuration: helpdesk.context.configuration)
    }

    /// A fresh, private state directory to restore into.
    static func emptyState() -> StateFiles {
        var template = Array("/tmp/helpdeskd-restore-XXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        return StateFiles(
            directory: directory, store: SQLiteStoreCopier(path: directory + "/helpdeskd.sqlite"), hmacKeyFile: "")
    }

    static func archivePath(_ name: String = "backup") -> String {
        NSTemporaryDirectory() + "helpdeskd-\(name)-\(UUID().uuidString).tar"
    }

    @discardableResult
    static func backup(
        _ helpdesk: TestHelpdesk, to path: String = archivePath(), at now: Int64 = Mail.monday10 + 3600
    )
        throws -> String
    {
        _ = try StoreBackup.create(files: files(helpdesk), helpdesk: identity, output: path, now: { now })
        return path
    }

    static func restore(
        _ archive: String, into files: StateFiles, at now: Int64 = Mail.monday10 + 7200
    )
        throws -> StoreRestore.Summary
    {
        var options = StoreRestore.Options(archive: archive, files: files, helpdesk: identity)
        options.requiredFields = HelpdeskConfiguration().profile.required.map(\.key)
        options.ownAddresses = ["helpdesk@example.com"]
        return try StoreRestore.run(options, now: now)
    }

    static func refs(_ path: String) throws -> [String] {
        let store = try SQLiteTicketStore(path: path)
        defer { try? store.close() }
        return try store.read { db in try String.fetchAll(db, sql: "SELECT ref FROM ticket ORDER BY number") }
    }

    // MARK: - Consistency under load

    /// 2,000 emails are ingested (ten per commit, as the poller's store stage does) while backups are taken;
    /// each backup restores to a healthy store holding exactly the first N tickets, whole, for an N between
    /// the tickets committed when the backup began and when it ended.
    @Test func backupDuringIngestRestoresEveryCommittedTicket() throws {
        let helpdesk = try TestHelpdesk()
        let total = 2_000
        let committed = Atomic<Int>(0)
        let failure = Mutex<String?>(nil)
        let pipeline = helpdesk.pipeline
        // Emails are read before the clock starts: what is measured is storing them while backups run.
        let batches = stride(from: 0, to: total, by: 10).map { start in
            (start..<start + 10).map { index in
                IntakePipeline.Arrival(
                    email: pipeline.analyse(
                        Array(
                            Mail.report(
                                from: "student\(index % 250)@example.edu", id: "r\(index)@example.edu",
                                subject: "Exam \(index) will not load", screenshot: false
                            ).utf8)),
                    source: .imap(mailbox: "INBOX", uidValidity: 1, uid: Int64(index + 1)),
                    receivedAt: Mail.monday10 + Int64(index))
            }
        }
        // A thread of its own, as the poller's store stage: the test's thread takes backups meanwhile.
        let ingest = Thread {
            for (number, batch) in batches.enumerated() {
                do {
                    let results = try pipeline.ingest(batch: batch)
                    if !results.allSatisfy({ if case .success = $0 { true } else { false } }) {
                        failure.withLock { $0 = "batch \(number) was not stored whole" }
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
                committed.store((number + 1) * 10, ordering: .sequentiallyConsistent)
            }
        }
        ingest.start()
        var windows: [(archive: String, before: Int, after: Int)] = []
        while committed.load(ordering: .sequentiallyConsistent) < total {
            let before = committed.load(ordering: .sequentiallyConsistent)
            guard before >= 400 * (windows.count + 1) else {
                usleep(2_000)
                continue
            }
            let archive = try Self.backup(helpdesk, to: Self.archivePath("load"))
            windows.append((archive, before, committed.load(ordering: .sequentiallyConsistent)))
        }
        #expect(failure.withLock { $0 } == nil)
        #expect(windows.count >= 3, "the ingest finished before the backups were taken")
        #expect(windows.contains { $0.before < $0.after }, "no backup overlapped a commit")
        let live = try helpdesk.store.read { db in
            try String.fetchAll(
                db, sql: "SELECT ref || ' ' || reporterAddress || ' ' || subject FROM ticket ORDER BY number")
        }
        #expect(live.count == total)
        for window in windows {
            let target = Self.emptyState()
            let summary = try Self.restore(window.archive, into: target)
            let restored = try SQLiteTicketStore(path: target.storePath)
            let inspection = try SQLiteStoreCopier(path: target.storePath).inspect()
            #expect(inspection.integrity == "ok")
            #expect(inspection == summary.manifest.store)
            let count = inspection.tickets
            #expect(count >= window.before && count <= window.after, "\(count) not in \(window)")
            #expect(count % 10 == 0, "a commit of ten emails was copied in part: \(count)")
            let rows = try restored.read { db in
                try String.fetchAll(
                    db, sql: "SELECT ref || ' ' || reporterAddress || ' ' || subject FROM ticket ORDER BY number")
            }
            #expect(rows == Array(live.prefix(count)))
            let orphans = try restored.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT COUNT(*) FROM ticket WHERE id NOT IN (SELECT ticketId FROM message
                                WHERE ticketId IS NOT NULL))
                             + (SELECT COUNT(*) FROM ticket WHERE id NOT IN (SELECT ticketId FROM outbox
                                WHERE ticketId IS NOT NULL))
                        """)
            }
            #expect(orphans == 0, "a ticket without its message or its answer")
            #expect(inspection.messages == count && inspection.answers == count)
            try restored.close()
        }
    }

    // MARK: - What is restored

    @Test func restoresTheStoreKeyAndJournalAndKeepsWhatItReplaced() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "k1@example.edu"))
        let files = Self.files(helpdesk)
        #expect(
            FileManager.default.createFile(atPath: files.relayJournal, contents: Data("A 1\nD 1 1700000000\n".utf8)))
        let archive = try Self.backup(helpdesk)
        var status = stat()
        #expect(stat(archive, &status) == 0 && status.st_mode & 0o777 == 0o600)

        // Another installation with its own key and ticket.
        let target = Self.emptyState()
        let other = try SQLiteTicketStore(path: target.storePath)
        try other.close()
        #expect(FileManager.default.createFile(atPath: target.hmacKey, contents: Data(repeating: 7, count: 32)))
        let summary = try Self.restore(archive, into: target)
        #expect(summary.keyChanged && summary.journalRestored)
        #expect(
            FileManager.default.contents(atPath: target.hmacKey) == FileManager.default.contents(atPath: files.hmacKey))
        #expect(
            FileManager.default.contents(atPath: target.relayJournal)
                == FileManager.default.contents(atPath: files.relayJournal))
        #expect(try Self.refs(target.storePath) == ["HD-000001"])
        let aside = try #require(summary.replacedDirectory)
        #expect(FileManager.default.contents(atPath: aside + "/hmac.key") == Data(repeating: 7, count: 32))
        #expect(FileManager.default.fileExists(atPath: aside + "/helpdeskd.sqlite"))
        #expect(stat(target.storePath, &status) == 0 && status.st_mode & 0o777 == 0o600)
    }

    /// The signing key on another file system than the state directory (`/etc` and a separate `/var`): the key it
    /// replaces is copied aside, not linked, and the restore completes.
    @Test func aKeyOnAnotherFileSystemIsReplaced() throws {
        var shm = stat()
        var tmp = stat()
        try #require(stat("/dev/shm", &shm) == 0 && stat("/tmp", &tmp) == 0)
        try #require(shm.st_dev != tmp.st_dev, "/dev/shm and /tmp on one file system: nothing to test here")
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "f1@example.edu"))
        let archive = try Self.backup(helpdesk)

        let empty = Self.emptyState()
        let keyDirectory = "/dev/shm/helpdeskd-key-\(UUID().uuidString)"
        #expect(mkdir(keyDirectory, 0o700) == 0)
        defer { try? FileManager.default.removeItem(atPath: keyDirectory) }
        let target = StateFiles(directory: empty.directory, store: empty.store, hmacKeyFile: keyDirectory + "/hmac.key")
        #expect(FileManager.default.createFile(atPath: target.hmacKey, contents: Data(repeating: 9, count: 32)))
        let summary = try Self.restore(archive, into: target)
        #expect(summary.keyChanged)
        #expect(
            FileManager.default.contents(atPath: target.hmacKey)
                == FileManager.default.contents(atPath: Self.files(helpdesk).hmacKey))
        let aside = try #require(summary.replacedDirectory)
        #expect(FileManager.default.contents(atPath: aside + "/hmac.key") == Data(repeating: 9, count: 32))
        var status = stat()
        #expect(stat(aside + "/hmac.key", &status) == 0 && status.st_mode & 0o777 == 0o600)
    }

    @Test func dryRunChecksAndChangesNothing() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "d1@example.edu"))
        let archive = try Self.backup(helpdesk)
        let target = Self.emptyState()
        var options = StoreRestore.Options(archive: archive, files: target, helpdesk: Self.identity)
        options.dryRun = true
        let summary = try StoreRestore.run(options, now: Mail.monday10)
        #expect(summary.manifest.store.tickets == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.directory).isEmpty)
    }

    /// `--out DIR --keep N`, as the nightly timer runs it.
    @Test func nightlyArchivesAreNamedByTimeAndTheOldestGo() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "n1@example.edu"))
        let directory = Self.emptyState().directory
        _ = FileManager.default.createFile(atPath: directory + "/notes.txt", contents: Data("mine".utf8))
        var written: [String] = []
        for night in 0..<3 {
            let now = Mail.monday10 + Int64(night) * 86_400
            let path = StoreBackup.destination(directory, now: now)
            written.append(path)
            _ = try StoreBackup.create(files: Self.files(helpdesk), helpdesk: Self.identity, output: path, now: { now })
        }
        #expect(written[0].hasSuffix("/helpdeskd-20241111T100000Z.tar"), "\(written[0])")
        #expect(try StoreBackup.prune(directory, keep: 2) == [written[0]])
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(left == ["helpdeskd-20241112T100000Z.tar", "helpdeskd-20241113T100000Z.tar", "notes.txt"])
        #expect(StoreBackup.destination(directory + "/given.tar", now: 0) == directory + "/given.tar")
        let refused = #expect(throws: AdminError.self) {
            try StoreBackup.create(files: Self.files(helpdesk), helpdesk: Self.identity, output: written[2], now: { 0 })
        }
        #expect(refused?.code == .refused)
    }

    // MARK: - What is refused

    /// The archive's members, in order: name and content.
    static func members(_ archive: String) throws -> [(String, [UInt8])] {
        let fd = open(archive, O_RDONLY)
        defer { close(fd) }
        let reader = TarReader(fd: fd, path: archive)
        var members: [(String, [UInt8])] = []
        while let member = try reader.next() { members.append((member.name, try reader.readAll(member))) }
        return members
    }

    static func write(_ members: [(String, [UInt8])], to archive: String) throws {
        let fd = open(archive, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        defer { close(fd) }
        let writer = TarWriter(fd: fd, path: archive)
        for (name, bytes) in members { try writer.add(name: name, bytes: bytes, modified: 0) }
        try writer.finish()
    }

    /// The archive with `change` applied to its members, `SHA256SUMS` and the manifest's digests recomputed
    /// when `consistent` (a mismatch, not damage).
    static func altered(
        _ archive: String, consistent: Bool, _ change: (inout [(String, [UInt8])]) throws -> Void
    ) throws -> String {
        var members = try members(archive)
        try change(&members)
        if consistent {
            let index = members.firstIndex { $0.0.hasSuffix("/manifest.json") }!
            var manifest = try BackupManifest.decode(members[index].1)
            manifest.files = members.filter { !$0.0.hasSuffix("/manifest.json") && !$0.0.hasSuffix("/SHA256SUMS") }
                .map {
                    .init(name: String($0.0.split(separator: "/").last!), size: $0.1.count, sha256: SHA256Sum.hex($0.1))
                }
            members[index].1 = try manifest.encoded()
            let sums = BackupManifest.checksums(
                manifest.files + [.init(name: "manifest.json", size: 0, sha256: SHA256Sum.hex(members[index].1))])
            members[members.firstIndex { $0.0.hasSuffix("/SHA256SUMS") }!].1 = sums
        }
        let path = archivePath("altered")
        try write(members, to: path)
        return path
    }

    static func refusal(_ archive: String, into target: StateFiles = emptyState()) -> AdminError? {
        do {
            _ = try restore(archive, into: target)
            return nil
        } catch {
            return error as? AdminError
        }
    }

    @Test func refusesADamagedArchive() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "x1@example.edu"))
        let archive = try Self.backup(helpdesk)

        // One bit of the store flipped.
        let flipped = try Self.altered(archive, consistent: false) { members in
            members[0].1[members[0].1.count / 2] ^= 0x10
        }
        #expect(Self.refusal(flipped)?.code == .archiveCorrupt)

        // Cut short, and a header's bytes damaged, as a disk or a copy might.
        var bytes = [UInt8](FileManager.default.contents(atPath: archive)!)
        let truncated = Self.archivePath("truncated")
        _ = FileManager.default.createFile(atPath: truncated, contents: Data(bytes[..<(bytes.count / 2)]))
        #expect(Self.refusal(truncated)?.code == .archiveCorrupt)
        bytes[10] ^= 0xFF
        let header = Self.archivePath("header")
        _ = FileManager.default.createFile(atPath: header, contents: Data(bytes))
        #expect(Self.refusal(header)?.code == .archiveCorrupt)

        // Not an archive at all.
        let text = Self.archivePath("text")
        _ = FileManager.default.createFile(
            atPath: text, contents: Data(String(repeating: "not a tar\n", count: 100).utf8))
        #expect(Self.refusal(text)?.code == .archiveCorrupt)
    }

    @Test func refusesAMismatchedArchive() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "m1@example.edu"))
        let archive = try Self.backup(helpdesk)
        let other = try TestHelpdesk()
        try other.ingest(Mail.report(id: "m2@example.edu"))
        try other.ingest(Mail.report(from: "carl@example.net", id: "m3@example.edu"))
        let otherArchive = try Self.backup(other)

        // Another store under this manifest, checksums made to match: the manifest says 1 ticket, it holds 2.
        let otherStore = try Self.members(otherArchive)[0].1
        let swapped = try Self.altered(archive, consistent: true) { members in members[0].1 = otherStore }
        let swappedError = Self.refusal(swapped)
        #expect(swappedError?.code == .archiveMismatch, "\(String(describing: swappedError))")

        // A file no backup has; a file missing; no manifest.
        let extra = try Self.altered(archive, consistent: true) { members in
            members.insert(("helpdeskd-backup/notes.txt", Array("hello".utf8)), at: 1)
        }
        #expect(Self.refusal(extra)?.code == .archiveMismatch)
        let missing = try Self.altered(archive, consistent: false) { members in
            members.removeAll { $0.0.hasSuffix("/hmac.key") }
        }
        #expect(Self.refusal(missing)?.code == .archiveMismatch)
        let bare = try Self.altered(archive, consistent: false) { members in
            members.removeAll { $0.0.hasSuffix("/manifest.json") }
        }
        #expect(Self.refusal(bare)?.code == .archiveMismatch)

        // Another helpdesk's backup.
        var options = StoreRestore.Options(
            archive: archive, files: Self.emptyState(),
            helpdesk: .init(address: "support@example.org", ticketPrefix: "SUP"))
        do {
            _ = try StoreRestore.run(options, now: Mail.monday10)
            Issue.record("another helpdesk's backup was restored")
        } catch let error as AdminError {
            #expect(error.code == .otherHelpdesk)
            #expect(error.description.contains("--ignore-identity"))
        }
        options.ignoreIdentity = true
        #expect(try StoreRestore.run(options, now: Mail.monday10).manifest.store.tickets == 1)

        // A store written by a newer helpdeskd.
        let store = try Self.members(archive)[0].1
        let future = NSTemporaryDirectory() + "helpdeskd-future-\(UUID().uuidString).sqlite"
        _ = FileManager.default.createFile(atPath: future, contents: Data(store))
        let queue = try DatabaseQueue(path: future)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        try queue.close()
        let futureBytes = [UInt8](FileManager.default.contents(atPath: future)!)
        let newer = try Self.altered(archive, consistent: true) { members in members[0].1 = futureBytes }
        #expect(Self.refusal(newer)?.code == .newerSchema)
    }

    /// A process with the store open (here `sqlite3` through Python, as a staff shell would) makes the restore
    /// refuse, and the store is left as it was.
    @Test func refusesToReplaceALiveStore() async throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "l1@example.edu"))
        let archive = try Self.backup(helpdesk)
        let target = Self.emptyState()
        let live = try SQLiteTicketStore(path: target.storePath)
        try live.close()
        let ready = target.directory + "/ready"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1])
            db.execute("SELECT COUNT(*) FROM ticket").fetchall()
            open(sys.argv[2], "w").close()
            time.sleep(60)
            """, target.storePath, ready,
        ]
        try holder.run()
        // SIGKILL: the child may have inherited a signal mask that blocks SIGTERM.
        defer {
            if holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
            holder.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: ready), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try target.store.isInUse())
        let error = Self.refusal(archive, into: target)
        #expect(error?.code == .storeInUse)
        #expect(error?.description.contains("systemctl stop helpdeskd") == true)
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(try target.store.isInUse() == false)
        #expect(try Self.refs(target.storePath) == [])
        #expect(try Self.restore(archive, into: target).manifest.store.tickets == 1)
        #expect(try Self.refs(target.storePath) == ["HD-000001"])
    }

    // MARK: - Erasure

    /// Anna is erased after the backup: restoring it brings her data back for a moment, in the private staging
    /// copy only, and the replay takes it out again before the store is put in place. Carl, erased before the
    /// backup, wrote again afterwards: his new ticket (new data) stays.
    @Test func erasuresMadeAfterTheBackupAreAppliedAgain() throws {
        let people = try PeopleStore()
        let helpdesk = people.helpdesk
        let files = Self.files(helpdesk)
        let log = ErasureLog(path: files.erasureLog)
        let erasure = SubjectErasure(
            store: people.store, requiredFields: HelpdeskConfiguration().profile.required.map(\.key))
        func erase(_ address: String, at time: Int64) throws {
            try log.append(.init(time: time, digest: try SubjectAddress(address).digest))
            _ = try erasure.run(try SubjectAddress(address), now: time, actor: "dpo")
        }
        try erase("carl@example.net", at: Mail.monday10 + 1000)
        try helpdesk.ingest(
            Mail.report(from: "carl@example.net", id: "c2@example.net", subject: "Back again"), at: Mail.monday10 + 1100
        )
        let archive = try Self.backup(helpdesk, at: Mail.monday10 + 2000)
        try erase(PeopleStore.anna, at: Mail.monday10 + 3000)
        let afterErasure = try Self.refs(files.storePath)
        try people.store.close()

        // Restore over the live installation: its erasure log says what to apply again.
        let summary = try Self.restore(archive, into: files, at: Mail.monday10 + 4000)
        let replay = try #require(summary.replay)
        #expect(replay.considered == 2 && replay.alreadyApplied == 1, "Carl's erasure is in the backup")
        #expect(replay.replayed.map(\.addresses) == [[PeopleStore.anna]])
        let restored = try SQLiteTicketStore(path: files.storePath)
        #expect(
            try restored.read { db in try String.fetchAll(db, sql: "SELECT ref FROM ticket ORDER BY number") }
                == afterErasure)
        #expect(
            try TraceScan.run(in: restored, for: SubjectAddress(PeopleStore.anna)).filter { !$0.isOthersContent }
                .isEmpty)
        let erased = try restored.snapshot { try $0.events(kind: .subjectErased, since: Mail.monday10 + 3000) }
        #expect(erased.map(\.at) == [Mail.monday10 + 4000])
        #expect(erased.first?.detail.contains(try SubjectAddress(PeopleStore.anna).digest) == true)
        let carl = try restored.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket WHERE reporterAddress = 'carl@example.net'")
        }
        #expect(carl == 1)

        // Done once: a second replay finds it in the store.
        let again = try ErasureReplay(store: restored, requiredFields: [], ownAddresses: [])
            .run(try log.entries(), since: Mail.monday10 + 2000, now: Mail.monday10 + 5000, actor: "dpo")
        #expect(again.alreadyApplied == 1 && again.replayed.isEmpty)
        try restored.close()
    }

    /// An erasure is logged before it runs: one logged before the backup began but committed after its snapshot
    /// is in the log and not in the copy. The backup's time is no cut-off: the restore replays it.
    @Test func anErasureStillRunningWhenTheBackupBeganIsReplayed() throws {
        let people = try PeopleStore()
        let helpdesk = people.helpdesk
        let files = Self.files(helpdesk)
        let subject = try SubjectAddress(PeopleStore.anna)
        let loggedAt = Mail.monday10 + 1995
        try ErasureLog(path: files.erasureLog).append(.init(time: loggedAt, digest: subject.digest))
        let archive = try Self.backup(helpdesk, at: Mail.monday10 + 2000)
        _ = try SubjectErasure(store: people.store, requiredFields: HelpdeskConfiguration().profile.required.map(\.key))
            .run(subject, now: loggedAt, actor: "dpo")
        let afterErasure = try Self.refs(files.storePath)
        try people.store.close()

        let summary = try Self.restore(archive, into: files, at: Mail.monday10 + 4000)
        #expect(summary.replay?.replayed.map(\.addresses) == [[PeopleStore.anna]])
        #expect(try Self.refs(files.storePath) == afterErasure)
        let restored = try SQLiteTicketStore(path: files.storePath)
        #expect(try TraceScan.run(in: restored, for: subject).filter { !$0.isOthersContent }.isEmpty)
        try restored.close()
    }

    /// On a new host the archive's own log is the record; an address hidden in an encoded word and a
    /// percent-encoded URL is found by its digest too.
    @Test func replayFindsAddressesByTheirDigestInEveryForm() throws {
        let people = try PeopleStore(olgaBody: "Profile: https://proctor.example.edu/u?mail=dora.x%40example.org")
        let store = people.store
        let replay = ErasureReplay(store: store, requiredFields: [], ownAddresses: ["helpdesk@example.com"])
        let digests = try ["anna@example.edu", "dora.x@example.org", "bob@example.edu", "helpdesk@example.com"]
            .map { try SubjectAddress($0).digest }
        let found = try replay.addresses(hashingTo: Set(digests))
        #expect(found[digests[0]] == ["anna@example.edu"])
        #expect(found[digests[1]] == ["dora.x@example.org"])
        #expect(found[digests[2]] == ["bob@example.edu"])
        #expect(found[digests[3]] == nil, "the helpdesk's own address is never erased")
        #expect(
            AddressTokens.candidates(in: Array("see about-anna@example.edu.pdf".utf8)).contains(
                Array("anna@example.edu".utf8)))
    }

    @Test func erasureLogDropsATornLastLineAndReadsItsTimes() throws {
        let digest = String(repeating: "ab", count: 32)
        let bytes = Array("2026-12-05T09:30:00Z \(digest)\n# note\n2026-12-05T09:31:00Z \(digest.prefix(10))".utf8)
        #expect(ErasureLog.parse(bytes) == [.init(time: 1_796_463_000, digest: digest)])
        #expect(ErasureLog.parseTime("2026-12-05T09:30:00Z") == 1_796_463_000)
        #expect(ErasureLog.parseTime("2026-12-05 09:30:00") == nil)
    }

    @Test func tarSizesOfEightGibibytesAndMoreUseBase256() {
        var header = [UInt8](repeating: 0, count: 12)
        header[0] = 0x80
        header[7] = 0x02  // 2 << 32 = 8 GiB
        #expect(TarReader.size(header[...]) == 8 << 30)
        #expect(TarReader.size(Array("00000001750\0".utf8)[...]) == 1000)
    }
}

extension StateFiles {
    /// The SQLite file the tests look into.
    var storePath: String { (store as! SQLiteStoreCopier).path }
}

/// SHA-256 hex for the tests' archive edits, computed in pieces as the backup does.
enum SHA256Sum {
    static func hex(_ bytes: [UInt8]) -> String {
        let hasher = SHA256Hasher()
        for piece in stride(from: 0, to: bytes.count, by: 4096) {
            hasher.update(Array(bytes[piece..<min(piece + 4096, bytes.count)]))
        }
        let digest = hasher.finalize()
        #expect(digest == SHA256.hex(bytes))
        return digest
    }
}
