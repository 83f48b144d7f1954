import HelplineDialogue
import NIOConcurrencyHelpers

/// The daemon's appeal numbers: short, read out easily on the phone («4831-0275»), unique in
/// the database, and independent of session ids — knowing an appeal's number gives no hold on
/// its session.
///
/// Numbers come from a sequence (s, s + 1, s + 2, …) mixed by a bijection of the 8-digit numbers,
/// so consecutive appeals do not get consecutive numbers and no two sequence values share a
/// number. Each database starts its sequence at a random `s` (``randomStart()``): a number tells
/// neither how many appeals came before it nor anything of another database's numbers.
/// The store hands the sequence out in blocks (``SessionStore/takeAppealNumbers(_:)``), each to
/// one daemon alone, so daemons sharing a store never hand out the same number and a restart
/// continues past every number handed out (skipping at most the rest of a block). The next block
/// is fetched in the background while half of the current one is left; turns wait for it only
/// when fewer than ``lowWater`` numbers are left (see ``isLow``).
package final class AppealNumbers: Sendable {
    /// Sequence values taken from the store at a time.
    static let block: Int64 = 1_000
    /// Below this many numbers left, turns wait for ``replenish()`` before running.
    static let lowWater: Int64 = 100
    /// 8 digits.
    package static let modulus: Int64 = 100_000_000
    /// Coprime with 10, so multiplying by it modulo 10⁸ is a bijection.
    private static let multiplier: Int64 = 87_420_489
    private static let offset: Int64 = 31_415_926
    /// What ``numbering`` gives when no number is left: not an appeal number (it has no digits),
    /// so the turn that got it is answered `unavailable` instead of being stored (see
    /// ``isUnavailable(_:)``).
    static let unavailable = "----"

    private struct State {
        /// Blocks taken from the store and not used up, the current one first.
        var blocks: [Range<Int64>] = []
        var available: Int64 = 0
        /// The block being fetched, if one is.
        var fetch: Task<Void, any Error>?
    }

    private let store: any SessionStore
    private let state = NIOLockedValueBox(State())

    init(store: any SessionStore) {
        self.store = store
    }

    /// Whether so few numbers are left that a turn should wait for ``replenish()`` first.
    var isLow: Bool {
        state.withLockedValue { $0.available < Self.lowWater }
    }

    /// The next appeal number, or nil when none is left (the store has not given a block yet).
    /// Starts fetching the next block once half of this one is used.
    func next() -> String? {
        let (sequence, fetchAhead): (Int64?, Bool) = state.withLockedValue { state in
            while let first = state.blocks.first, first.isEmpty { state.blocks.removeFirst() }
            guard let first = state.blocks.first else { return (nil, state.fetch == nil) }
            state.blocks[0] = first.dropFirst()
            state.available -= 1
            return (first.lowerBound, state.available < Self.block / 2 && state.fetch == nil)
        }
        if fetchAhead {
            Task { try? await self.replenish(below: Self.block / 2) }
        }
        return sequence.map(Self.format)
    }

    /// Takes a block from the store if fewer than `threshold` numbers are left; waits for a fetch
    /// already under way instead of starting another.
    func replenish(below threshold: Int64 = lowWater) async throws {
        let task: Task<Void, any Error>? = state.withLockedValue { state in
            if let fetch = state.fetch { return fetch }
            guard state.available < threshold else { return nil }
            let fetch = Task {
                do {
                    let block = try await self.store.takeAppealNumbers(Self.block)
                    self.state.withLockedValue { state in
                        state.blocks.append(block)
                        state.available += Int64(block.count)
                        state.fetch = nil
                    }
                } catch {
                    self.state.withLockedValue { $0.fetch = nil }
                    throw error
                }
            }
            state.fetch = fetch
            return fetch
        }
        try await task?.value
    }

    /// Where a new database's sequence starts: a random point of the numbers' cycle.
    package static func randomStart() -> Int64 {
        Int64.random(in: 0..<modulus)
    }

    /// The number for sequence value `sequence`, as `DDDD-DDDD`.
    static func format(_ sequence: Int64) -> String {
        let mixed = ((sequence % modulus) * multiplier + offset) % modulus
        let digits = String(mixed)
        let padded = String(repeating: "0", count: 8 - digits.count) + digits
        return "\(padded.prefix(4))-\(padded.suffix(4))"
    }

    /// Numbering for the dialogue engine: ``unavailable`` when no number is left.
    var numbering: AppealNumbering {
        AppealNumbering { [self] _ in self.next() ?? Self.unavailable }
    }

    /// Whether `turn` opened an appeal without a number (none was left).
    static func isUnavailable(_ turn: Turn) -> Bool {
        turn.effects.contains { effect in
            if case .openTicket(let ticket) = effect { ticket.id == unavailable } else { false }
        }
    }
}
