import GRDB
import Incident

// The staff workspace's reads and writes: the queue, its search, accounts, sessions and login throttling.

extension SQLiteAccess {
    func queue(_ filter: QueueFilter) throws -> [TicketRecord] {
        let (rest, arguments) = Self.filterClauses(filter)
        let limit = max(1, filter.limit)
        // Per status, the tickets with a due time by due time, then those without by number: each a range of the
        // index (status, dueAt, number) read in order and cut at the limit, instead of sorting every open ticket.
        // Tickets without a due time come after all others, so they are read only when those are too few.
        let statuses = filter.statuses.isEmpty ? TicketStatus.allCases : filter.statuses
        var found: [TicketRecord] = []
        for part in ["dueAt IS NOT NULL ORDER BY dueAt, number", "dueAt IS NULL ORDER BY number"] {
            guard found.count < limit else { break }
            for status in statuses {
                found += try TicketRecord.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM ticket WHERE status = ?\(rest) AND \(part) LIMIT ?"),
                    arguments: StatementArguments([status.rawValue] + arguments + [limit]))
            }
        }
        found.sort { left, right in
            switch (left.dueAt, right.dueAt) {
            case (let a?, let b?): a != b ? a < b : left.number < right.number
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): left.number < right.number
            }
        }
        return Array(found.prefix(limit))
    }

    func queueSize(_ filter: QueueFilter) throws -> Int {
        let (rest, arguments) = Self.filterClauses(filter)
        let statuses = (filter.statuses.isEmpty ? TicketStatus.allCases : filter.statuses)
            .map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM ticket WHERE status IN (\(statuses))\(rest)"),
            arguments: StatementArguments(arguments)) ?? 0
    }

    /// The filter's conditions besides the status, as " AND …" clauses with their arguments.
    static func filterClauses(_ filter: QueueFilter) -> (String, [any DatabaseValueConvertible]) {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let severity = filter.severity {
            clauses.append("severity = ?")
            arguments.append(severity.rawValue)
        }
        if let category = filter.category {
            clauses.append("category = ?")
            arguments.append(category)
        }
        if let assignee = filter.assignee {
            if assignee.isEmpty {
                clauses.append("assignee IS NULL")
            } else {
                clauses.append("assignee = ?")
                arguments.append(assignee)
            }
        }
        if filter.missingData { clauses.append("missing <> ''") }
        if let match = ftsQuery(filter.search) {
            clauses.append("id IN (SELECT rowid FROM ticketSearch WHERE ticketSearch MATCH ?)")
            arguments.append(match)
        }
        return (clauses.map { " AND " + $0 }.joined(), arguments)
    }

    /// The words of a search as an FTS5 query: each word quoted (no operator can be injected) and matched as a
    /// prefix, all of them required. Nil when there is nothing to search for.
    static func ftsQuery(_ search: String) -> String? {
        let words = search.split { !($0.isLetter || $0.isNumber) }.prefix(16)
        guard !words.isEmpty else { return nil }
        return words.map { "\"" + $0 + "\"*" }.joined(separator: " ")
    }

    func ticketCounts() throws -> [TicketStatus: Int] {
        var counts: [TicketStatus: Int] = [:]
        for status in TicketStatus.allCases { counts[status] = 0 }
        for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM ticket GROUP BY status") {
            if let status = TicketStatus(rawValue: row["status"]) { counts[status] = row["n"] }
        }
        return counts
    }

    func ticketCategories() throws -> [String] {
        // Read from the index on category: one entry per ticket, no table rows.
        try String.fetchAll(db, sql: "SELECT DISTINCT category FROM ticket ORDER BY category")
    }

    func newestTicketID() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT ifnull(max(id), 0) FROM ticket") ?? 0
    }

    func staffMembers() throws -> [StaffRecord] {
        try StaffRecord.order(StaffRecord.Columns.name).fetchAll(db)
    }

    func staffMember(name: String) throws -> StaffRecord? {
        try StaffRecord.filter(StaffRecord.Columns.name == name.lowercased()).fetchOne(db)
    }

    func staffMember(id: Int64) throws -> StaffRecord? {
        try StaffRecord.fetchOne(db, key: id)
    }

    func staffSession(tokenHash: String) throws -> StaffSessionRecord? {
        try StaffSessionRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM staffSession WHERE tokenHash = ?"), arguments: [tokenHash])
    }

    func loginFailures(username: String, since: Int64) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM loginFailure WHERE username = ? AND at >= ?",
            arguments: [username.lowercased(), since]) ?? 0
    }

    func loginFailures(address: String, since: Int64) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM loginFailure WHERE address = ? AND at >= ?", arguments: [address, since])
            ?? 0
    }

    func insert(_ staff: StaffRecord) throws -> StaffRecord {
        var record = staff
        record.name = staff.name.lowercased()
        try record.insert(db)
        return record
    }

    func update(_ staff: StaffRecord) throws {
        try staff.update(db)
    }

    func insert(_ session: StaffSessionRecord) throws {
        try session.insert(db)
    }

    func touchSession(tokenHash: String, at: Int64) throws {
        try db.cachedStatement(sql: "UPDATE staffSession SET lastSeenAt = ? WHERE tokenHash = ?")
            .execute(arguments: [at, tokenHash])
    }

    func deleteSession(tokenHash: String) throws {
        try db.execute(sql: "DELETE FROM staffSession WHERE tokenHash = ?", arguments: [tokenHash])
    }

    func deleteSessions(staffID: Int64) throws {
        try db.execute(sql: "DELETE FROM staffSession WHERE staffId = ?", arguments: [staffID])
    }

    func deleteExpiredSessions(idleBefore: Int64, createdBefore: Int64) throws {
        try db.execute(
            sql: "DELETE FROM staffSession WHERE lastSeenAt < ? OR createdAt < ?",
            arguments: [idleBefore, createdBefore])
    }

    func recordLoginFailure(username: String, address: String, at: Int64) throws {
        try db.execute(
            sql: "INSERT INTO loginFailure (username, address, at) VALUES (?, ?, ?)",
            arguments: [username.lowercased(), address, at])
    }

    func pruneLoginFailures(before: Int64, username: String?) throws {
        try db.execute(sql: "DELETE FROM loginFailure WHERE at < ?", arguments: [before])
        if let username {
            try db.execute(sql: "DELETE FROM loginFailure WHERE username = ?", arguments: [username.lowercased()])
        }
    }
}
