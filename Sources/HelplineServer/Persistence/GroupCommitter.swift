import GRDB
import NIOConcurrencyHelpers

/// Commits writes from many concurrent turns together: while one transaction is being written,
/// the writes that arrive wait and then go into the next transaction as one batch.
///
/// The batches are written on the database's writer queue, one transaction each, back to back
/// until no write is waiting. ``commit(_:completion:)`` calls back only after the write's
/// transaction is committed, so a reply sent after it never describes a turn that a crash could lose.
final class GroupCommitter: Sendable {
    /// Called with a write's outcome once its transaction is committed (or has failed).
    typealias Completion = @Sendable (Result<WriteOutcome, any Error>) -> Void

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

    private let database: SessionDatabase
    private let maximumBatch: Int
    private let state = NIOLockedValueBox(State())

    init(database: SessionDatabase, maximumBatch: Int = 512) {
        self.database = database
        self.maximumBatch = maximumBatch
    }

    /// Stores `write`, in a transaction shared with whatever other writes are waiting.
    func commit(_ write: SessionWrite) async throws -> WriteOutcome {
        try await withCheckedThrowingContinuation { continuation in
            commit(write) { continuation.resume(with: $0) }
        }
    }

    /// Stores `write` and calls `completion` from the writer queue once it is committed.
    func commit(_ write: SessionWrite, completion: @escaping Completion) {
        let startDraining = state.withLockedValue { state in
            state.queue.append(Pending(write: write, completion: completion))
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if startDraining {
            database.asyncWrite { db in self.drain(db) }
        }
    }

    /// Stores `write` like ``commit(_:completion:)``, but when no batch is being written it is
    /// written at once on the calling thread, and `completion` is called before this returns: no
    /// hop to the writer queue and back. Writes that arrive meanwhile are queued and written on
    /// the writer queue. Call it from threads that may wait for the database briefly (event
    /// loops), never from the writer queue itself.
    func commitNow(_ write: SessionWrite, completion: @escaping Completion) {
        let batch: [Pending]? = state.withLockedValue { state in
            state.queue.append(Pending(write: write, completion: completion))
            guard !state.draining else { return nil }
            state.draining = true
            return takeBatch(&state)
        }
        guard let batch else { return }
        database.writeNow { db in self.write(batch, db) }
        let more = state.withLockedValue { state in
            if state.queue.isEmpty { state.draining = false }
            return state.draining
        }
        if more {
            database.asyncWrite { db in self.drain(db) }
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

    /// Writes one batch in one transaction and reports each write's outcome.
    private func write(_ batch: [Pending], _ db: Database) {
        if batch.count == 1, let only = batch.first {
            // Alone in its transaction: the transaction itself undoes a failing write, no savepoint needed.
            do {
                var outcome = WriteOutcome.failed("not applied")
                try db.inTransaction(.immediate) {
                    outcome = try SessionDatabase.apply(only.write, in: db)
                    if case .applied = outcome { return .commit }
                    return .rollback
                }
                if case .applied = outcome {
                    state.withLockedValue { state in
                        state.transactions += 1
                        state.writes += 1
                    }
                }
                only.completion(.success(outcome))
            } catch {
                only.completion(.failure(error))
            }
            return
        }
        do {
            var outcomes: [WriteOutcome] = []
            try db.inTransaction(.immediate) {
                outcomes = SessionDatabase.apply(batch.map(\.write), in: db)
                return .commit
            }
            state.withLockedValue { state in
                state.transactions += 1
                state.writes += batch.count
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
}
