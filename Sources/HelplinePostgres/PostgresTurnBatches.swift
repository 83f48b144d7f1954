import Foundation
import HelplineDialogue
import HelplineServer
import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// Turns stored together: while a few batches are on their way to the server, the turns that
/// arrive wait and then go, up to ``maximumBatch`` of them, as one statement — one round trip, one
/// transaction, one commit on the server — instead of one each.
///
/// The statement calls `helpline_turn` once per turn, so each turn is checked for its version
/// and gets its own outcome, as alone. A statement fails as a whole (an appeal effect that cannot
/// be applied raises an error and rolls back every turn of it): the turns of a batch that failed
/// are then stored one by one, so that only the failing one fails.
final class PostgresTurnBatches: Sendable {
    typealias Completion = @Sendable (Result<WriteOutcome, any Error>) -> Void
    /// Stores one turn alone (after its batch failed).
    typealias RunOne = @Sendable (_ turn: TurnWrite, _ completion: @escaping Completion) -> Void

    static let maximumBatch = 64

    /// What `run` fails with when the statement failed because of one of its turns: the batch's
    /// turns are then stored one by one. Any other failure (the server unavailable) is every turn's.
    struct Undone: Error {}

    private struct Pending: Sendable {
        var turn: TurnWrite
        var completion: Completion
    }

    private struct State: Sendable {
        var queue: [Pending] = []
        var running = 0
    }

    private let state = NIOLockedValueBox(State())
    private let maximumRunning: Int
    private let run: @Sendable ([TurnWrite], @escaping @Sendable (Result<[WriteOutcome], any Error>) -> Void) -> Void
    private let runOne: RunOne

    /// - Parameters:
    ///   - maximumRunning: batches on their way to the server at once.
    ///   - run: stores a batch and calls back with one outcome per turn, in order.
    ///   - runOne: stores a single turn.
    init(maximumRunning: Int,
         run: @escaping @Sendable ([TurnWrite], @escaping @Sendable (Result<[WriteOutcome], any Error>) -> Void) -> Void,
         runOne: @escaping RunOne) {
        self.maximumRunning = max(1, maximumRunning)
        self.run = run
        self.runOne = runOne
    }

    /// Stores `turn` with whatever other turns are waiting; `completion` is called once its
    /// batch is committed (or the turn failed).
    func add(_ turn: TurnWrite, completion: @escaping Completion) {
        let batch: [Pending]? = state.withLockedValue { state in
            state.queue.append(Pending(turn: turn, completion: completion))
            guard state.running < maximumRunning else { return nil }
            state.running += 1
            return Self.take(&state)
        }
        if let batch { send(batch) }
    }

    private static func take(_ state: inout State) -> [Pending] {
        let count = min(state.queue.count, maximumBatch)
        let batch = Array(state.queue.prefix(count))
        state.queue.removeFirst(count)
        return batch
    }

    private func send(_ batch: [Pending]) {
        run(batch.map(\.turn)) { result in
            switch result {
            case .success(let outcomes) where outcomes.count == batch.count:
                for (pending, outcome) in zip(batch, outcomes) { pending.completion(.success(outcome)) }
            case .success, .failure(is Undone):
                // One turn's error undid the batch (or the answer did not match it): each alone.
                for pending in batch { self.runOne(pending.turn, pending.completion) }
            case .failure(let error):
                for pending in batch { pending.completion(.failure(error)) }
            }
            let next: [Pending]? = self.state.withLockedValue { state in
                guard !state.queue.isEmpty else {
                    state.running -= 1
                    return nil
                }
                return Self.take(&state)
            }
            if let next { self.send(next) }
        }
    }
}

/// Turns stored by one statement, `helpline_turns` (PostgresSchema): each turn's result with its
/// place in the batch. Prepared once per connection.
struct TurnsStatement: PostgresPreparedStatement {
    static let name = "helpline_turns_1"
    static let sql = """
        SELECT t.n, t.result FROM helpline_turns($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            WITH ORDINALITY AS t(result, n)
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .textArray, .int8Array, .textArray, .textArray, .boolArray, .textArray, .boolArray, .textArray,
        .textArray, .boolArray, .timestamptzArray, .textArray, .textArray, .textArray, .boolArray,
    ]
    typealias Row = (Int64, Int64)

    var ids: [String] = []
    var expected: [Int64] = []
    var states: [String] = []
    var topics: [String] = []
    var hasTopic: [Bool] = []
    var orders: [String] = []
    var hasOrder: [Bool] = []
    var conversations: [String] = []
    var profiles: [String] = []
    var hasProfile: [Bool] = []
    var at: [Date] = []
    var incoming: [String] = []
    var outgoing: [String] = []
    var effects: [String] = []
    var hasEffects: [Bool] = []

    init(_ turns: [TurnWrite]) throws {
        for turn in turns {
            let conversation = turn.conversation
            ids.append(conversation.id)
            expected.append(Int64(turn.expectedVersion))
            states.append(conversation.state.rawValue)
            topics.append(conversation.topic ?? "")
            hasTopic.append(conversation.topic != nil)
            orders.append(conversation.order ?? "")
            hasOrder.append(conversation.order != nil)
            conversations.append(turn.stored)
            let profile = turn.profileChanged ? try PostgresSessionStore.json(conversation.profile) : nil
            profiles.append(profile ?? "")
            hasProfile.append(profile != nil)
            at.append(turn.at)
            incoming.append(turn.incoming)
            outgoing.append(turn.outgoing)
            let effect = try PostgresSessionStore.effectsJSON(turn.effects)
            effects.append(effect ?? "")
            hasEffects.append(effect != nil)
        }
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 15)
        bindings.append(ids)
        bindings.append(expected)
        bindings.append(states)
        bindings.append(topics)
        bindings.append(hasTopic)
        bindings.append(orders)
        bindings.append(hasOrder)
        bindings.append(conversations)
        bindings.append(profiles)
        bindings.append(hasProfile)
        bindings.append(at)
        bindings.append(incoming)
        bindings.append(outgoing)
        bindings.append(effects)
        bindings.append(hasEffects)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> (Int64, Int64) {
        try row.decode((Int64, Int64).self)
    }
}
