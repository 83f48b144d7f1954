import NIOConcurrencyHelpers

/// A lock that one holder at a time takes for a whole piece of work — across awaits and callbacks,
/// from working a change out until it is committed — and hands to the next waiter on release,
/// in arrival order. It guards `value`, which is read and changed under its inner mutex.
///
/// Not reentrant, and it ignores cancellation: a holder always runs to its end and releases.
/// Sessions hold one each (``SessionSlot``); the desk holds one (lock order: a session's, then the
/// desk's).
final class HandOffLock<Value: Sendable>: Sendable {
    private struct State: Sendable {
        var value: Value
        var held = false
        var waiters: [@Sendable () -> Void] = []
        var head = 0
    }

    private let state: NIOLockedValueBox<State>

    init(_ value: Value) {
        state = NIOLockedValueBox(State(value: value))
    }

    /// Takes the lock and returns `true` if it is free; otherwise queues `wake`, which is called
    /// (from the releasing thread) once the lock is handed over, and returns `false`.
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

    /// Waits until the lock is free and takes it. Pair with ``release()``.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if tryAcquire(orWait: { continuation.resume() }) { continuation.resume() }
        }
    }

    /// Frees the lock, handing it to the next waiter if there is one.
    func release() {
        let next: (@Sendable () -> Void)? = state.withLockedValue { state in
            guard state.head < state.waiters.count else {
                state.waiters.removeAll(keepingCapacity: false)
                state.head = 0
                state.held = false
                return nil
            }
            let next = state.waiters[state.head]
            state.head += 1
            if state.head > 64, state.head * 2 > state.waiters.count {
                state.waiters.removeFirst(state.head)
                state.head = 0
            }
            return next
        }
        next?()
    }

    /// Reads or changes the guarded value; `isHeld` says whether someone holds the lock.
    func withValue<T>(_ body: (inout Value, _ isHeld: Bool) -> T) -> T {
        state.withLockedValue { body(&$0.value, $0.held) }
    }
}
