import Foundation
import GRDB

/// A value the store holds, as a search through everything reads it.
public enum StoredValue {
    /// A text value of any column of any table.
    case text(String)
    /// An email as bytes: one received (`message.raw`) or one of our answers (`outbox.raw`).
    case email([UInt8])
}

extension TicketStore {
    /// Calls `visit` with every text value of every table and with every raw email and answer, on one
    /// snapshot, one row at a time (the store can be larger than memory). Attachment content and other
    /// blobs are not visited.
    public func forEachStoredValue(_ visit: (StoredValue) throws -> Void) throws {
        try pool.read { db in
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                      AND name <> 'grdb_migrations' ORDER BY name
                    """)
            for table in tables {
                let emails: Set<String> = table == "message" || table == "outbox" ? ["raw"] : []
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
                while let row = try rows.next() {
                    for (column, value) in row {
                        switch value.storage {
                        case .string(let text): try visit(.text(text))
                        case .blob(let data) where emails.contains(column): try visit(.email([UInt8](data)))
                        default: continue
                        }
                    }
                }
            }
        }
    }
}
