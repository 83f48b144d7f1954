import HelplineServer
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs `operation` and gives up on it after `timeout`: a server that stopped answering (stopped,
/// or its machine gone) must not hold requests for ever. The operation goes on in the background
/// when given up on, and may still finish; ``StoreUnavailableError`` says the outcome is unknown.
func withDeadline<T: Sendable>(_ timeout: TimeAmount, on eventLoop: any EventLoop,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let pending = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
    let running = NIOLockedValueBox<Task<Void, Never>?>(nil)
    @Sendable func take() -> CheckedContinuation<T, any Error>? {
        pending.withLockedValue { pending in
            defer { pending = nil }
            return pending
        }
    }
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        pending.withLockedValue { $0 = continuation }
        let timer = eventLoop.scheduleTask(in: timeout) {
            guard let continuation = take() else { return }
            running.withLockedValue { $0 }?.cancel()
            continuation.resume(throwing: StoreUnavailableError(
                "no answer from PostgreSQL within \(timeout.nanoseconds / 1_000_000) ms"))
        }
        let work = Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            timer.cancel()
            take()?.resume(with: result)
        }
        running.withLockedValue { $0 = work }
    }
}
