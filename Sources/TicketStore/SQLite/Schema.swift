import GRDB
import MIME

/// The store's schema as named, ordered migrations: a database is always brought to the newest
/// version on open, and a migration, once released, is never edited.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tickets-messages-outbox") { db in
            try db.create(table: "ticket") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("number", .integer).notNull().unique()
                t.column("ref", .text).notNull().unique()
                t.column("status", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("category", .text).notNull()
                t.column("reporterAddress", .text).notNull().indexed()
                t.column("reporterName", .text)
                // Addresses the reporter copied: replies from them may update the ticket too.
                t.column("copiedAddresses", .text).notNull().defaults(to: "")
                t.column("subject", .text).notNull().defaults(to: "")
                t.column("missing", .text).notNull().defaults(to: "")
                t.column("createdAt", .integer).notNull()
                t.column("updatedAt", .integer).notNull()
                // SLA: when the running clock started, how much was used before it stopped, the due time.
                t.column("slaStartedAt", .integer)
                t.column("slaConsumed", .integer).notNull().defaults(to: 0)
                t.column("dueAt", .integer)
                t.column("answersSent", .integer).notNull().defaults(to: 0)
            }
            try db.create(index: "ticket_status", on: "ticket", columns: ["status"])

            try db.create(table: "message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("ticket", onDelete: .cascade)
                t.column("direction", .text).notNull()
                t.column("messageID", .text).indexed()
                t.column("inReplyTo", .text).notNull().defaults(to: "")
                t.column("referenceIDs", .text).notNull().defaults(to: "")
                t.column("fromAddress", .text).notNull().defaults(to: "")
                t.column("subject", .text).notNull().defaults(to: "")
                t.column("automated", .text)
                // Where it came from: an IMAP mailbox (UIDVALIDITY + UID) or a file.
                t.column("sourceMailbox", .text)
                t.column("sourceUIDValidity", .integer)
                t.column("sourceUID", .integer)
                t.column("sourcePath", .text)
                t.column("sha256", .text).notNull().indexed()
                t.column("raw", .blob).notNull()
                t.column("defects", .text).notNull().defaults(to: "")
                t.column("receivedAt", .integer).notNull()
                t.uniqueKey(["sourceMailbox", "sourceUIDValidity", "sourceUID"])
            }

            // Content-addressed: an image sent by two people is stored once.
            try db.create(table: "attachment") { t in
                t.primaryKey("sha256", .text)
                t.column("contentType", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("bytes", .blob).notNull()
            }
            try db.create(table: "messageAttachment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("message", onDelete: .cascade).notNull()
                t.column("sha256", .text).notNull().references("attachment").indexed()
                t.column("part", .text).notNull()
                t.column("filename", .text)
                t.column("declaredType", .text).notNull()
                t.column("isScreenshot", .boolean).notNull()
                t.column("width", .integer)
                t.column("height", .integer)
            }

            // Every value a field ever had, with the message that supplied it.
            try db.create(table: "fieldValue") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("ticket", onDelete: .cascade).notNull()
                t.belongsTo("message", onDelete: .setNull)
                t.column("field", .text).notNull()
                t.column("value", .text).notNull()
                t.column("recordedAt", .integer).notNull()
                t.column("current", .boolean).notNull()
            }

            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("ticket", onDelete: .cascade)
                t.belongsTo("message", onDelete: .setNull)
                t.column("at", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull().defaults(to: "")
            }

            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("ticket", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("recipient", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("messageID", .text).notNull().unique()
                t.column("raw", .blob).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .integer).notNull()
                t.column("lastError", .text)
                t.column("createdAt", .integer).notNull()
                t.column("sentAt", .integer)
            }
            try db.create(index: "outbox_due", on: "outbox", columns: ["status", "nextAttemptAt"])
            // The answer caps count recent rows per recipient and overall on every ingest.
            try db.create(index: "outbox_recipient_created", on: "outbox", columns: ["recipient", "createdAt"])
            try db.create(index: "outbox_created", on: "outbox", columns: ["createdAt"])
            try db.create(index: "outbox_ticket_kind", on: "outbox", columns: ["ticketId", "kind", "createdAt"])

            // IMAP state per mailbox: what UIDVALIDITY we saw and the highest UID fully handled.
            try db.create(table: "mailboxState") { t in
                t.primaryKey("mailbox", .text)
                t.column("uidValidity", .integer).notNull()
                t.column("highestUID", .integer).notNull()
                t.column("lastPollAt", .integer)
                t.column("lastError", .text)
            }
        }
        migrator.registerMigration("v2-outbox-status-created") { db in
            // The overall answer cap counts the answers of the last hour (status queued, sent or failed) on every
            // ingest. SQLite answered it through outbox_due, reading the row of every such answer ever made, so
            // intake slowed down as the outbox grew; with (status, createdAt) the count reads only the last
            // hour's index entries.
            try db.create(index: "outbox_status_created", on: "outbox", columns: ["status", "createdAt"])
        }
        migrator.registerMigration("v3-outbox-recipient-mailbox-domain") { db in
            // The answer caps count per mailbox (`victim+1@…` and `victim+2@…` are one inbox) and per domain, so
            // the recipient is stored in both forms, indexed with the time.
            try db.alter(table: "outbox") { t in
                t.add(column: "recipientMailbox", .text).notNull().defaults(to: "")
                t.add(column: "recipientDomain", .text).notNull().defaults(to: "")
            }
            let rows = try Row.fetchAll(db, sql: "SELECT id, recipient FROM outbox")
            for row in rows {
                let recipient: String = row["recipient"]
                try db.execute(
                    sql: "UPDATE outbox SET recipientMailbox = ?, recipientDomain = ? WHERE id = ?",
                    arguments: [
                        OutboxRecord.mailboxKey(recipient), OutboxRecord.domainKey(recipient), row["id"] as Int64,
                    ])
            }
            try db.create(index: "outbox_mailbox_created", on: "outbox", columns: ["recipientMailbox", "createdAt"])
            try db.create(index: "outbox_domain_created", on: "outbox", columns: ["recipientDomain", "createdAt"])
        }
        migrator.registerMigration("v4-staff-workspace") { db in
            // Who works a ticket (the web workspace's "assign"), and the queue's order: by due time within status.
            try db.alter(table: "ticket") { t in t.add(column: "assignee", .text) }
            // Where each value came from and when a screenshot was taken, recorded at intake: the ticket page
            // shows them without reading every email again.
            try db.alter(table: "fieldValue") { t in t.add(column: "source", .text).notNull().defaults(to: "") }
            try db.alter(table: "messageAttachment") { t in t.add(column: "takenAt", .integer) }
            try db.create(index: "ticket_status_due", on: "ticket", columns: ["status", "dueAt", "number"])
            // The queue's category filter lists the categories in use.
            try db.create(index: "ticket_category", on: "ticket", columns: ["category"])

            // Staff accounts: one registry for the web workspace and staff email.
            try db.create(table: "staff") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("email", .text).notNull().defaults(to: "")
                t.column("passwordHash", .text).notNull().defaults(to: "")
                t.column("totpSecret", .text).notNull().defaults(to: "")
                t.column("disabled", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .integer).notNull()
            }
            // Sessions live in the store, not in a process: `helpdeskd web` on a second host and a restart keep them.
            try db.create(table: "staffSession") { t in
                t.primaryKey("tokenHash", .text)
                t.belongsTo("staff", onDelete: .cascade).notNull()
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .integer).notNull()
                t.column("lastSeenAt", .integer).notNull()
            }
            // Failed logins, counted per name and per address for throttling; old rows are pruned on login.
            try db.create(table: "loginFailure") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("username", .text).notNull()
                t.column("address", .text).notNull()
                t.column("at", .integer).notNull()
            }
            try db.create(index: "loginFailure_username", on: "loginFailure", columns: ["username", "at"])
            try db.create(index: "loginFailure_address", on: "loginFailure", columns: ["address", "at"])

            // The queue's full-text search: one row per ticket (rowid = ticket id) with its reference, subject,
            // reporter and the text of its values in force. Triggers keep it in step with every writer, erasure
            // included, so no caller has to remember it; it is derived data, never read as a source of truth.
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE ticketSearch USING fts5(
                        ref, subject, reporter, body, tokenize = 'unicode61 remove_diacritics 2');
                    CREATE TRIGGER ticketSearch_ticket_insert AFTER INSERT ON ticket BEGIN
                        INSERT INTO ticketSearch (rowid, ref, subject, reporter, body)
                        VALUES (NEW.id, NEW.ref, NEW.subject,
                                NEW.reporterAddress || ' ' || ifnull(NEW.reporterName, ''), '');
                    END;
                    CREATE TRIGGER ticketSearch_ticket_update
                    AFTER UPDATE OF ref, subject, reporterAddress, reporterName ON ticket BEGIN
                        UPDATE ticketSearch SET ref = NEW.ref, subject = NEW.subject,
                            reporter = NEW.reporterAddress || ' ' || ifnull(NEW.reporterName, '')
                        WHERE rowid = NEW.id;
                    END;
                    CREATE TRIGGER ticketSearch_ticket_delete AFTER DELETE ON ticket BEGIN
                        DELETE FROM ticketSearch WHERE rowid = OLD.id;
                    END;
                    CREATE TRIGGER ticketSearch_value_insert AFTER INSERT ON fieldValue BEGIN
                        UPDATE ticketSearch SET body = (\(Self.searchBody("NEW.ticketId"))) WHERE rowid = NEW.ticketId;
                    END;
                    CREATE TRIGGER ticketSearch_value_update AFTER UPDATE ON fieldValue BEGIN
                        UPDATE ticketSearch SET body = (\(Self.searchBody("NEW.ticketId"))) WHERE rowid = NEW.ticketId;
                    END;
                    CREATE TRIGGER ticketSearch_value_delete AFTER DELETE ON fieldValue BEGIN
                        UPDATE ticketSearch SET body = (\(Self.searchBody("OLD.ticketId"))) WHERE rowid = OLD.ticketId;
                    END;
                    INSERT INTO ticketSearch (rowid, ref, subject, reporter, body)
                        SELECT id, ref, subject, reporterAddress || ' ' || ifnull(reporterName, ''),
                               ifnull((\(Self.searchBody("ticket.id"))), '')
                        FROM ticket;
                    """)
        }
        migrator.registerMigration("v5-message-author-digest") { db in
            // The digest of what an email's author wrote, so that the copies of one email delivered to several
            // of our mailboxes make one ticket (found by the Message-ID's index, then this). Older messages keep
            // NULL: they were taken from one mailbox.
            try db.alter(table: "message") { t in t.add(column: "authorSHA256", .text) }
        }
        migrator.registerMigration("v6-outbox-cap-covering-indexes") { db in
            // The answer caps count the last hour's answers to customers on every ingest. Since staff mail was
            // left out of the count (`kind NOT IN …`), SQLite read each counted row, answer text and all, so
            // intake slowed with every answer of the hour (5 ms per email at the first thousand, 14 ms at the
            // tenth); with the status and kind in the index each count reads index entries only.
            try db.create(
                index: "outbox_status_created_kind", on: "outbox", columns: ["status", "createdAt", "kind"])
            try db.create(
                index: "outbox_mailbox_created_status", on: "outbox",
                columns: ["recipientMailbox", "createdAt", "status", "kind"])
            try db.create(
                index: "outbox_domain_created_status", on: "outbox",
                columns: ["recipientDomain", "createdAt", "status", "kind"])
            try db.drop(index: "outbox_status_created")
            try db.drop(index: "outbox_mailbox_created")
            try db.drop(index: "outbox_domain_created")
        }
        return migrator
    }

    /// The searchable text of a ticket's values in force (screenshot digests are no words anyone searches).
    static func searchBody(_ ticketID: String) -> String {
        "SELECT ifnull(group_concat(value, ' '), '') FROM fieldValue "
            + "WHERE ticketId = \(ticketID) AND current = 1 AND field <> 'screenshots'"
    }

    /// Tables that only mirror others (the search index and its shadow tables): erasure and the value scans skip
    /// them, because the triggers above rewrite them from the tables they mirror.
    static func isDerived(table: String) -> Bool {
        table == "ticketSearch" || table.hasPrefix("ticketSearch_")
    }
}
