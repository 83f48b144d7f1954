import Foundation
import Logging
import NIOConcurrencyHelpers

/// Whether PostgreSQL answers, as the store last found it. Says so in the log when that changes,
/// and while the server does not answer, tries it every second, so that the log tells when the
/// daemon has reconnected even when no request comes.
final class PostgresHealth: Sendable {
    private struct State {
        var reachable = true
        var lostAt: ContinuousClock.Instant?
        var probe: Task<Void, Never>?
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())
    private let logger: Logger
    private let location: String
    private let probe: @Sendable () async throws -> Void

    /// - Parameter probe: a cheap call that succeeds when the server answers.
    init(logger: Logger, location: String, probe: @escaping @Sendable () async throws -> Void) {
        self.logger = logger
        self.location = location
        self.probe = probe
    }

    /// Whether the last call reached the server.
    var isReachable: Bool {
        state.withLockedValue { $0.reachable }
    }

    /// A call reached the server.
    func succeeded() {
        let lostAt: ContinuousClock.Instant?? = state.withLockedValue { state in
            guard !state.reachable else { return .none }
            state.reachable = true
            state.probe?.cancel()
            state.probe = nil
            return .some(state.lostAt)
        }
        guard case .some(let since) = lostAt else { return }
        var metadata: Logger.Metadata = ["database": "\(location)"]
        if let since {
            let (seconds, attoseconds) = (ContinuousClock.now - since).components
            metadata["after_seconds"] = "\(Double(seconds) + (Double(attoseconds / 10_000_000_000_000_000) / 100))"
        }
        logger.notice("reconnected to PostgreSQL; requests are served again", metadata: metadata)
    }

    /// A call failed; `failure` says whether the server could not be reached.
    func failed(_ failure: PostgresFailure) {
        guard case .unreachable(let reason) = failure else { return }
        let startProbe: Bool = state.withLockedValue { state in
            guard state.reachable, !state.stopped else { return false }
            state.reachable = false
            state.lostAt = .now
            return true
        }
        guard startProbe else { return }
        logger.error("PostgreSQL cannot be reached; requests are answered `unavailable` until it is back, reconnecting",
                     metadata: ["database": "\(location)", "error": "\(reason.debugDescription)"])
        let task = Task { [probe] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard !Task.isCancelled else { return }
                if (try? await probe()) != nil {
                    self.succeeded()
                    return
                }
            }
        }
        state.withLockedValue { state in
            if state.reachable || state.stopped {
                task.cancel()
            } else {
                state.probe = task
            }
        }
    }

    /// Stops probing for good (the store is closing).
    func stop() {
        state.withLockedValue { state in
            state.stopped = true
            state.probe?.cancel()
            state.probe = nil
        }
    }
}
