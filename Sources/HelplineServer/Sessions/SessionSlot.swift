import Foundation
import HelplineDialogue

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

    let id: String
    private let lock: HandOffLock<Entry>

    init(_ entry: Entry) {
        self.id = entry.conversation.id
        self.lock = HandOffLock(entry)
    }

    /// Waits until the session is free and takes it. Pair with ``release()``.
    func acquire() async {
        await lock.acquire()
    }

    /// Takes the session and returns `true` if it is free; otherwise queues `wake`, which is called
    /// (from the releasing thread) once the session is handed over, and returns `false`.
    func tryAcquire(orWait wake: @escaping @Sendable () -> Void) -> Bool {
        lock.tryAcquire(orWait: wake)
    }

    /// Frees the session, handing it to the next waiter if there is one.
    func release() {
        lock.release()
    }

    /// The session's state. Read it while holding the slot.
    var entry: Entry {
        lock.withValue { entry, _ in entry }
    }

    /// Records a committed change. Call it while holding the slot.
    func update(_ change: (inout Entry) -> Void) {
        lock.withValue { entry, _ in change(&entry) }
    }

    /// Marks the slot evicted if nobody holds or waits for it and it was last used before `cutoff`.
    func evictIfIdle(before cutoff: Date) -> Bool {
        lock.withValue { entry, isHeld in
            guard !isHeld, entry.status == .live, entry.updatedAt < cutoff else { return false }
            entry.status = .evicted
            return true
        }
    }

    /// Marks the session closed for every current and future holder of this slot.
    func markClosed() {
        lock.withValue { entry, _ in entry.status = .closed }
    }
}
