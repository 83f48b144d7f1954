import HelplineServer
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs `operation` in a task of its own and calls `completion` once: with its result, or with
/// ``StoreUnavailableError`` if `timeout` passes first — a server that stopped answering (stopped,
/// or its machine gone) must not hold requests for ever. The operation goes on in the background
/// when given up on, and may still finish: the error says the outcome is unknown.
func runWithDeadline<T: Sendable>(_ timeout: TimeAmount, on eventLoop: any EventLoop,
                                  _ operation: @escaping @Sendable () async throws -> T,
                                  completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
    let state = NIOLockedValueBox<(done: Bool, task: Task<Void, Never>?)>((false, nil))
    /// True for the first caller only.
    @Sendable func finish() -> Bool {
        state.withLockedValue { state in
            defer { state.done = true }
            return !state.done
        }
    }
    let timer = eventLoop.scheduleTask(in: timeout) {
        guard finish() else { return }
        state.withLockedValue { $0.task }?.cancel()
        completion(.failure(StoreUnavailableError("no answer from PostgreSQL within \(timeout.nanoseconds / 1_000_000) ms")))
    }
    let task = Task {
        let result: Result<T, any Error>
        do {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        timer.cancel()
        if finish() { completion(result) }
    }
    state.withLockedValue { $0.task = task }
}

/// ``runWithDeadline(_:on:_:completion:)`` for a caller that awaits the result.
func withDeadline<T: Sendable>(_ timeout: TimeAmount, on eventLoop: any EventLoop,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        runWithDeadline(timeout, on: eventLoop, operation) { continuation.resume(with: $0) }
    }
}
