import Helpdesk
import Testing

/// `helpdeskd status` reports a full state directory (issue #8): a full disk records nothing in the store,
/// so the status reads the file system itself.
@Suite struct StoreStatusSpaceTests {
    @Test func aNearlyFullStateDirectoryIsReportedFull() {
        let report = JSONValue.object([StoreStatus.space(directory: "/var/lib/helpdeskd", freeBytes: 4096)])
        #expect(
            report
                == .object([
                    (
                        "state_directory",
                        .object([
                            ("path", .string("/var/lib/helpdeskd")), ("free_bytes", .int(4096)), ("full", .bool(true)),
                        ])
                    )
                ]))
        #expect(StoreStatus.text(report).contains("4096 bytes free - FULL: the daemon cannot store new mail"))
    }

    @Test func aRoomyStateDirectoryIsNot() {
        let report = JSONValue.object([StoreStatus.space(directory: "/var/lib/helpdeskd", freeBytes: 10 << 30)])
        #expect(!StoreStatus.text(report).contains("FULL"))
    }

    @Test func freeSpaceIsReadFromTheFileSystem() {
        #expect((StoreStatus.freeBytes(at: "/tmp") ?? -1) >= 0)
        #expect(StoreStatus.freeBytes(at: "/nonexistent/helpdeskd") == nil)
    }
}
