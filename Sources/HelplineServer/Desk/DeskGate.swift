import NIOConcurrencyHelpers

/// Lets one change at a time work on the desk, from working it out until it is committed, so
/// that no two changes start from the same desk (no appeal is taken twice).
///
/// Waiters are served in arrival order. Like ``SessionSlot``'s lock it is not reentrant and a
/// holder always releases it. Lock order: a session's slot, then the desk — desk operations never
/// take a session's slot.
final class DeskGate: Sendable {
    private struct State: Sendable {
        var held = false
        var waiters: [@Sendable () -> Void] = []
        var head = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Takes the desk and returns `true` if it is free; otherwise queues `wake`, called (from the
    /// releasing thread) once the desk is handed over, and returns `false`.
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

    /// Waits until the desk is free and takes it. Pair with ``release()``.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if tryAcquire(orWait: { continuation.resume() }) { continuation.resume() }
        }
    }

    /// Frees the desk, handing it to the next waiter if there is one.
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
}
