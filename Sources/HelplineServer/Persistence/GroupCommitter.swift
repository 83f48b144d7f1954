import GRDB
import Logging
import NIOConcurrencyHelpers

/// Commits writes from many concurrent turns together: while one transaction is being written,
/// the writes that arrive wait and then go into the next transaction as one batch.
///
/// When no batch is being written, the first write waiting starts one on `schedule` — the calling
/// event loop, after the requests it has already read — so that the requests of a pipelined burst,
/// of any connection on that loop, are committed together; the batch is written on that thread (no
/// hop to the writer queue and back). Writes that arrive while a batch is written are queued and
/// written on the writer queue, back to back until none is waiting. A completion is called only
/// after its write's transaction is committed, so a reply sent after it never describes a turn that
/// a crash could lose. Callers may wait for the database briefly (event loops may), but must not be
/// the writer queue itself.
///
/// With a turn journal, the writes the journal keeps go there instead (``TurnJournal``), and the
/// journal's records are applied before each batch of the others, in a transaction of their own.
final class GroupCommitter: Sendable {
    /// Called with a write's outcome once its transaction is committed (or has failed).
    typealias Completion = @Sendable (Result<WriteOutcome, any Error>) -> Void
    /// Runs a piece of work soon, on a thread that may wait for the database briefly.
    typealias Scheduler = @Sendable (@escaping @Sendable () -> Void) -> Void

    private struct Pending: Sendable {
        var write: SessionWrite
        var completion: Completion
    }

    private struct State: Sendable {
        var queue: [Pending] = []
        var draining = false
        var transactions = 0
        var writes = 0
    }

    private let pool: DatabasePool
    private let maximumBatch: Int
    private let state = NIOLockedValueBox(State())
    private static let logger = Logger(label: "helpline.store")
    /// Where plain turns go, when the store journals them (``TurnJournal``).
    let journal: TurnJournal?

    init(pool: DatabasePool, journal: TurnJournal? = nil, maximumBatch: Int = 512) {
        self.pool = pool
        self.journal = journal
        self.maximumBatch = maximumBatch
        journal?.whenFull { [pool, state] journal in
            pool.asyncWriteWithoutTransaction { db in
                do {
                    try Self.applyJournal(journal, db, state: state)
                } catch {
                    // Kept in the journal and tried again; turns are refused once too much waits.
                    Self.logger.error("could not copy the turn journal into the tables; trying again",
                                      metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Stores `write`, in a transaction shared with whatever other writes are waiting; when the
    /// store journals turns, a new session or a turn that does not change the desk in the journal.
    func commit(_ write: SessionWrite, schedule: Scheduler, completion: @escaping Completion) {
        if let journal {
            let entry: JournalEntry?
            do {
                entry = try JournalEntry(write)
            } catch {
                completion(.failure(error))
                return
            }
            if let entry {
                journal.append(entry, schedule: schedule, completion: completion)
                return
            }
        }
        let start: Bool = state.withLockedValue { state in
            state.queue.append(Pending(write: write, completion: completion))
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if start {
            schedule { self.writeWaiting() }
        }
    }

    /// Writes what is waiting on the calling thread, then leaves the rest to the writer queue.
    private func writeWaiting() {
        let batch = state.withLockedValue { takeBatch(&$0) }
        if !batch.isEmpty {
            pool.writeWithoutTransaction { db in self.write(batch, db) }
        }
        let more = state.withLockedValue { state in
            if state.queue.isEmpty { state.draining = false }
            return state.draining
        }
        if more {
            pool.asyncWriteWithoutTransaction { db in self.drain(db) }
        }
    }

    /// Transactions committed and writes stored so far.
    var counts: (transactions: Int, writes: Int) {
        state.withLockedValue { ($0.transactions, $0.writes) }
    }

    /// Writes batches until the queue is empty.
    private func drain(_ db: Database) {
        while true {
            let batch: [Pending] = state.withLockedValue { state in
                guard !state.queue.isEmpty else {
                    state.draining = false
                    return []
                }
                return takeBatch(&state)
            }
            guard !batch.isEmpty else { return }
            write(batch, db)
        }
    }

    /// Takes up to `maximumBatch` writes off the queue.
    private func takeBatch(_ state: inout State) -> [Pending] {
        if state.queue.count <= maximumBatch {
            defer { state.queue.removeAll(keepingCapacity: true) }
            return state.queue
        }
        let batch = Array(state.queue.prefix(maximumBatch))
        state.queue.removeFirst(maximumBatch)
        return batch
    }

    /// Applies the journal's turns written so far to the tables, on the database's writer.
    func settle() throws {
        guard let journal, journal.hasOutstanding else { return }
        try pool.writeWithoutTransaction { db in try Self.applyJournal(journal, db, state: state) }
    }

    /// Applies the journal's turns written so far to the tables, on the database's writer.
    func settle() async throws {
        guard let journal, journal.hasOutstanding else { return }
        try await pool.writeWithoutTransaction { [state] db in try Self.applyJournal(journal, db, state: state) }
    }

    /// Applies the journal's records written so far in one transaction of their own.
    private static func applyJournal(_ journal: TurnJournal, _ db: Database, state: NIOLockedValueBox<State>) throws {
        guard let handoff = journal.takeForApply() else { return }
        do {
            do {
                try transaction(db) {
                    try TurnJournal.apply(handoff, isolating: false, in: db)
                    return true
                }
            } catch {
                // One entry failed: again, each in a savepoint, leaving out those that fail.
                try transaction(db) {
                    try TurnJournal.apply(handoff, isolating: true, in: db)
                    return true
                }
            }
        } catch {
            journal.finish(handoff, committed: false)
            throw error
        }
        journal.finish(handoff, committed: true)
        state.withLockedValue { state in
            state.transactions += 1
            state.writes += handoff.entries.count
        }
    }

    /// Writes one batch in one transaction (the only place a transaction is opened for writes)
    /// and reports each write's outcome. The journal's turns written before go first, in a
    /// transaction of their own, so that every write finds its session as the turns left it.
    private func write(_ batch: [Pending], _ db: Database) {
        if let journal {
            do {
                try Self.applyJournal(journal, db, state: state)
            } catch {
                // These writes must find their sessions as the journal's turns left them: none is
                // written (a session opened in the journal would read as closed).
                for pending in batch { pending.completion(.failure(error)) }
                return
            }
        }
        if batch.count == 1, let only = batch.first {
            // Alone in its transaction: the transaction itself undoes a failing write, no savepoint.
            var outcome = WriteOutcome.failed("not applied")
            do {
                try Self.transaction(db) {
                    do {
                        outcome = try SessionDatabase.apply(only.write, in: db)
                    } catch {
                        // As in a batch: the write failed, nothing of it stays.
                        outcome = .failed("\(error)")
                    }
                    if case .applied = outcome { return true }
                    return false
                }
            } catch {
                only.completion(.failure(error))
                return
            }
            if case .applied = outcome {
                state.withLockedValue { state in
                    state.transactions += 1
                    state.writes += 1
                }
            }
            only.completion(.success(outcome))
            return
        }
        do {
            // Usually no write fails: the batch as it is, with no savepoint. If one throws, the
            // transaction is rolled back and the batch done again with a savepoint per write, so
            // the writes that succeed are kept.
            let writes = batch.map(\.write)
            var outcomes: [WriteOutcome] = []
            do {
                try Self.transaction(db) {
                    outcomes = try SessionDatabase.applyAll(writes, in: db)
                    return true
                }
            } catch {
                try Self.transaction(db) {
                    outcomes = SessionDatabase.apply(writes, in: db)
                    return true
                }
            }
            let applied = outcomes.count { if case .applied = $0 { true } else { false } }
            state.withLockedValue { state in
                if applied > 0 { state.transactions += 1 }
                state.writes += applied
            }
            for (pending, outcome) in zip(batch, outcomes) {
                pending.completion(.success(outcome))
            }
        } catch {
            for pending in batch {
                pending.completion(.failure(error))
            }
        }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, committed when `body` returns true and
    /// rolled back when it returns false or throws. The three statements are prepared once and
    /// kept (GRDB's `inTransaction` builds and prepares its SQL on every call).
    private static func transaction(_ db: Database, _ body: () throws -> Bool) throws {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        let commit: Bool
        do {
            commit = try body()
        } catch {
            try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
            throw error
        }
        guard commit else {
            try db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
            return
        }
        do {
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        } catch {
            // A commit that fails (a full disk) may leave the transaction open: end it.
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
            throw error
        }
    }
}
