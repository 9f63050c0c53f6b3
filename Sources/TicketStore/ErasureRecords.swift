import GRDB

extension TicketStore {
    /// Whether the store holds a `subject-erased` event for the address whose SHA-256 is `digest`, recorded
    /// at `time` or later: an erasure made then is in this store already.
    public func hasErasure(digest: String, since time: Int64) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM event WHERE kind = 'subject-erased' AND at >= ?
                                   AND instr(detail, ?) > 0)
                    """, arguments: [time, "subject sha256 \(digest)"]) ?? false
        }
    }
}
