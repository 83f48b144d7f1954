import NIOConcurrencyHelpers

/// Commits writes from many concurrent turns together: while one transaction is being written,
/// the writes that arrive wait and then go into the next transaction as one batch.
///
/// ``commit(_:)`` returns only after the write's transaction is committed, so a reply sent after it
/// never describes a turn that a crash could lose.
final class GroupCommitter: Sendable {
    private struct Pending: Sendable {
        var write: SessionWrite
        var continuation: CheckedContinuation<WriteOutcome, any Error>
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
            let startDraining = state.withLockedValue { state in
                state.queue.append(Pending(write: write, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDraining {
                Task { await self.drain() }
            }
        }
    }

    /// Transactions committed and writes stored so far.
    var counts: (transactions: Int, writes: Int) {
        state.withLockedValue { ($0.transactions, $0.writes) }
    }

    private func drain() async {
        while true {
            let batch: [Pending] = state.withLockedValue { state in
                guard !state.queue.isEmpty else {
                    state.draining = false
                    return []
                }
                let count = min(state.queue.count, maximumBatch)
                let batch = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let outcomes = try await database.apply(batch.map(\.write))
                state.withLockedValue { state in
                    state.transactions += 1
                    state.writes += batch.count
                }
                for (pending, outcome) in zip(batch, outcomes) {
                    pending.continuation.resume(returning: outcome)
                }
            } catch {
                for pending in batch {
                    pending.continuation.resume(throwing: error)
                }
            }
        }
    }
}
