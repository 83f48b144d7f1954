import HelplineDialogue
import NIOConcurrencyHelpers

/// The daemon's appeal numbers: short, read out easily on the phone («4831-0275»), unique in
/// the database, and independent of session ids — knowing an appeal's number gives no hold on
/// its session.
///
/// Numbers come from a sequence (0, 1, 2, …) mixed by a bijection of the 8-digit numbers, so
/// consecutive appeals do not get consecutive numbers and no two sequence values share a number.
/// The sequence is reserved in the database in blocks before use, so a restart continues past
/// every number handed out (skipping at most the rest of a block).
final class AppealNumbers: Sendable {
    /// Sequence values reserved per database write.
    static let block: Int64 = 1_000
    /// 8 digits.
    static let modulus: Int64 = 100_000_000
    /// Coprime with 10, so multiplying by it modulo 10⁸ is a bijection.
    private static let multiplier: Int64 = 87_420_489
    private static let offset: Int64 = 31_415_926

    private struct State {
        var next: Int64
        var reserved: Int64
    }

    private let database: any SessionStore
    private let state: NIOLockedValueBox<State>

    init(database: any SessionStore) throws {
        self.database = database
        let reserved = try database.reservedAppealNumbers()
        state = NIOLockedValueBox(State(next: reserved, reserved: reserved))
    }

    /// The next appeal number. Every `block` numbers it waits for one small database write.
    func next() throws -> String {
        let sequence = try state.withLockedValue { state -> Int64 in
            if state.next >= state.reserved {
                let limit = state.next + Self.block
                try database.reserveAppealNumbers(below: limit)
                state.reserved = limit
            }
            defer { state.next += 1 }
            return state.next
        }
        return Self.format(sequence)
    }

    /// The number for sequence value `sequence`, as `DDDD-DDDD`.
    static func format(_ sequence: Int64) -> String {
        let mixed = ((sequence % modulus) * multiplier + offset) % modulus
        let digits = String(mixed)
        let padded = String(repeating: "0", count: 8 - digits.count) + digits
        return "\(padded.prefix(4))-\(padded.suffix(4))"
    }

    /// Numbering for the dialogue engine. If the reservation cannot be written (the database is
    /// failing), the number is handed out anyway: the turn's own write most likely fails too, and
    /// should a restart ever hand the number out again, the database refuses the second appeal
    /// (the id is its primary key), so no two appeals are stored under one number.
    var numbering: AppealNumbering {
        AppealNumbering { [self] _ in
            if let number = try? self.next() { return number }
            return Self.format(self.state.withLockedValue { state in
                defer { state.next += 1 }
                return state.next
            })
        }
    }
}
