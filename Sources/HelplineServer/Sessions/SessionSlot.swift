import Foundation
import HelplineDialogue
import NIOConcurrencyHelpers

/// One session held in memory, with a lock that lets one request at a time work on it.
///
/// Waiters are served in arrival order. The lock is not reentrant and ignores cancellation: a turn
/// that holds it always runs to its end and releases it.
final class SessionSlot: Sendable {
    /// Whether the slot still speaks for its session.
    enum Status: Sendable {
        case live
        /// Dropped from memory; the session is in the database only. Look it up again.
        case evicted
        /// The session is closed or expired.
        case closed
    }

    /// The session's state as of its last committed change.
    struct Entry: Sendable {
        var conversation: Conversation
        var version: Int
        /// When the session was last used, as stored.
        var updatedAt: Date
        var status: Status = .live
    }

    private struct State: Sendable {
        var entry: Entry
        var held = false
        var waiters: [@Sendable () -> Void] = []
        var waiterHead = 0
    }

    let id: String
    private let state: NIOLockedValueBox<State>

    init(_ entry: Entry) {
        self.id = entry.conversation.id
        self.state = NIOLockedValueBox(State(entry: entry))
    }

    /// Waits until the session is free and takes it. Pair with ``release()``.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if tryAcquire(orWait: { continuation.resume() }) { continuation.resume() }
        }
    }

    /// Takes the session and returns `true` if it is free; otherwise queues `wake`, which is called
    /// (from the releasing thread) once the session is handed over, and returns `false`.
    func tryAcquire(orWait wake: @escaping @Sendable () -> Void) -> Bool {
        state.withLockedValue { state in
            if state.held {
                state.waiters.append(wake)
                return false
            }
            state.held = true
            return true
        }
    }

    /// Frees the session, handing it to the next waiter if there is one.
    func release() {
        let next: (@Sendable () -> Void)? = state.withLockedValue { state in
            guard state.waiterHead < state.waiters.count else {
                state.waiters.removeAll(keepingCapacity: false)
                state.waiterHead = 0
                state.held = false
                return nil
            }
            let next = state.waiters[state.waiterHead]
            state.waiterHead += 1
            if state.waiterHead > 64, state.waiterHead * 2 > state.waiters.count {
                state.waiters.removeFirst(state.waiterHead)
                state.waiterHead = 0
            }
            return next
        }
        next?()
    }

    /// The session's state. Read it while holding the slot.
    var entry: Entry {
        state.withLockedValue { $0.entry }
    }

    /// Records a committed change. Call it while holding the slot.
    func update(_ change: (inout Entry) -> Void) {
        state.withLockedValue { change(&$0.entry) }
    }

    /// Marks the slot evicted if nobody holds or waits for it and it was last used before `cutoff`.
    func evictIfIdle(before cutoff: Date) -> Bool {
        state.withLockedValue { state in
            guard !state.held, state.entry.status == .live, state.entry.updatedAt < cutoff else { return false }
            state.entry.status = .evicted
            return true
        }
    }

    /// Marks the session closed for every current and future holder of this slot.
    func markClosed() {
        state.withLockedValue { $0.entry.status = .closed }
    }
}
