/// The part of a backup and a restore that depends on where the store is kept: a consistent copy taken while
/// the daemon writes, a look at such a copy, and putting a copy in place of the store while nobody uses it.
/// `helpdeskd backup` and `restore` (Helpdesk's `StoreBackup` and `StoreRestore`) do the rest the same for
/// every backend: the archive and its checksums, the signing key, the relay journal, the erasures.
/// `SQLiteStoreCopier` is the one implementation (a copy is one SQLite file).
///
/// The contract, which every implementation keeps:
///
/// - **A copy never changes the store.** `copy(to:)` neither migrates the store (a binary upgraded under a
///   running daemon must not change the schema behind it) nor holds up its writers. The copy holds every
///   transaction committed before the copy began, each whole, and nothing of any later one.
/// - **A copy is one private file** (mode 0600), created new (never over an existing file), that the same
///   backend on another host can restore; a failed copy leaves nothing behind.
/// - **A live store is never replaced.** `replace(with:keepingReplacedIn:)` runs only inside `exclusively`,
///   which runs its body only while no process (the daemon, a staff command, a database shell) has the store
///   open, and keeps any from opening it meanwhile. The store is replaced in one step: a crash leaves the old
///   store or the new one, never a mix.
/// - **Blocking**, as `TicketStore`'s synchronous methods: call it from a thread of your own.
public protocol StoreCopier: Sendable, CustomStringConvertible {
    /// Copies a consistent snapshot of the store, taken while writers go on, into the new file `destination`,
    /// and inspects the copy.
    func copy(to destination: String) throws -> StoreInspection
    /// Inspects a copy made by `copy(to:)` (a restore's, before it is used), without changing it.
    func inspect(copy path: String) throws -> StoreInspection
    /// Opens a copy made by `copy(to:)` as a store (migrating it to this build's schema), runs `body` on it
    /// — a restore applies erasures made after the backup — and closes it, leaving it one self-contained file.
    func withCopy<T>(at path: String, _ body: (any TicketStore) throws -> T) throws -> T
    /// Whether a process has the store open now.
    func isInUse() throws -> Bool
    /// Runs `body` while no process has the store open and none can open it; returns nil, without running
    /// `body`, when a process has it open.
    func exclusively<T>(_ body: () throws -> T) throws -> T?
    /// Puts the copy at `copy` in place of the store; the files it replaces (the store and its logs) are moved
    /// into the existing directory `aside`. Only inside `exclusively`.
    func replace(with copy: String, keepingReplacedIn aside: String) throws
    /// What to do when the store fails its consistency check (a backup refuses to copy it).
    var repairAdvice: String { get }
}

/// Why a store could not be copied, inspected, locked or replaced, with a `code` to switch on. The
/// description says what is wrong.
public struct StoreCopyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The copy's file cannot be created (it exists, or its directory cannot be written).
        case cannotCreate
        /// The store (or a copy) cannot be opened for reading: missing, not a regular file, no permission.
        case cannotRead
        /// The copy failed part way (disk full, an I/O error); nothing of it is left.
        case copyFailed
        /// Whether a process uses the store cannot be found out (its lock cannot be taken or checked).
        case cannotLock
        /// A file of the store could not be moved aside or into place.
        case cannotReplace
    }

    public let code: Code
    public let description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
