import Foundation
import NIOConcurrencyHelpers

/// The sessions held in memory, by id. Each session has one slot at a time.
final class SessionRegistry: Sendable {
    private let slots = NIOLockedValueBox<[String: SessionSlot]>([:])

    /// The slot of a session held in memory.
    func slot(_ id: String) -> SessionSlot? {
        slots.withLockedValue { $0[id] }
    }

    /// Adds `slot` unless its session already has one; returns the slot to use.
    func insert(_ slot: SessionSlot) -> SessionSlot {
        slots.withLockedValue { slots in
            if let existing = slots[slot.id] { return existing }
            slots[slot.id] = slot
            return slot
        }
    }

    /// Drops a slot from memory, if it is still the session's slot.
    func remove(_ slot: SessionSlot) {
        slots.withLockedValue { slots in
            if slots[slot.id] === slot { slots[slot.id] = nil }
        }
    }

    /// How many sessions are held in memory.
    var count: Int {
        slots.withLockedValue { $0.count }
    }

    /// Drops from memory the sessions unused since `cutoff` that nobody is working on; returns how many.
    func evictIdle(before cutoff: Date) -> Int {
        slots.withLockedValue { slots in
            let idle = slots.values.filter { $0.evictIfIdle(before: cutoff) }
            for slot in idle { slots[slot.id] = nil }
            return idle.count
        }
    }

    /// Marks the given sessions closed and drops them from memory.
    func close(_ ids: [String]) {
        let closed: [SessionSlot] = slots.withLockedValue { slots in
            ids.compactMap { slots.removeValue(forKey: $0) }
        }
        for slot in closed { slot.markClosed() }
    }
}
