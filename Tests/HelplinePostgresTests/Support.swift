#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDialogue
import HelplinePostgres
@testable import HelplineServer
import HelplineTesting
import Logging
import NIOConcurrencyHelpers
import Testing

/// What these tests share.
enum Fixtures {
    /// A customer with goods orders and a travel booking.
    static let profile = Profile(
        id: "customer-1", name: "Анна",
        orders: [
            Order(id: "12345678-0001", title: "Электрический чайник", status: "в пути"),
            Order(id: "12345678-0002", title: "Книга", status: "доставлен"),
        ]
    )

    /// True in CI, where PostgreSQL must be there and its tests must run.
    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" } ?? false }

    /// The tests' PostgreSQL server. Without one, the calling test is skipped, saying why (and
    /// fails in CI, which installs PostgreSQL).
    static func postgres() async throws -> PostgresTestServer {
        if case .missing(let reason) = PostgresTesting.availability {
            if inCI { throw TestFailure("CI runs the PostgreSQL tests, but: \(reason)") }
            try Test.cancel("PostgreSQL tests skipped: \(reason)")
        }
        return try await PostgresTesting.server()
    }

    /// A throwaway cluster of the test's own, for tests that stop and start the server. Skipped
    /// like ``postgres()`` when PostgreSQL's programs are not installed.
    static func ownCluster() async throws -> PostgresCluster {
        guard PostgresCluster.canStart else {
            let reason = "PostgreSQL's initdb and pg_ctl are not installed (or, as root, there is no postgres user)"
            if inCI { throw TestFailure("CI runs the PostgreSQL tests, but: \(reason)") }
            try Test.cancel("PostgreSQL tests skipped: \(reason)")
        }
        return try await PostgresCluster.start()
    }

    /// A quiet logger, or one that keeps its lines in `lines`.
    static func logger(_ lines: NIOLockedValueBox<[String]>? = nil) -> Logger {
        guard let lines else {
            var logger = Logger(label: "test.quiet")
            logger.logLevel = .critical
            return logger
        }
        return Logger(label: "test.captured") { _ in CapturingLogHandler(lines: lines) }
    }

    /// The `helpline` executable built beside the test bundle.
    static func helplineExecutable() throws -> URL {
        var candidates: [URL] = []
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("helpline"))
            directory = directory.deletingLastPathComponent()
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw TestFailure("the helpline executable was not found beside the tests; run `swift build --build-tests` first")
    }
}

/// Commits `write` to `store` and returns its outcome.
func commit(_ write: SessionWrite, to store: any SessionStore) async throws -> WriteOutcome {
    try await withCheckedThrowingContinuation { continuation in
        store.commit(write, schedule: { work in Task { work() } }) { continuation.resume(with: $0) }
    }
}

/// A log handler that keeps every line.
struct CapturingLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.withLockedValue { $0.append("\(event.level) \(event.message) \(fields)") }
    }
}

/// Something that happens once a count reaches a mark: tests wait for it instead of sleeping.
final class Milestone: Sendable {
    private struct State {
        var count = 0
        var waiters: [(Int, CheckedContinuation<Void, Never>)] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Counts one; wakes whoever waits for the new count.
    func increment() {
        let ready: [CheckedContinuation<Void, Never>] = state.withLockedValue { state in
            state.count += 1
            let (ready, waiting) = (state.waiters.filter { $0.0 <= state.count }, state.waiters.filter { $0.0 > state.count })
            state.waiters = waiting
            return ready.map(\.1)
        }
        for continuation in ready { continuation.resume() }
    }

    var count: Int { state.withLockedValue { $0.count } }

    /// Returns once the count is at least `mark`.
    func reached(_ mark: Int) async {
        await withCheckedContinuation { continuation in
            let now = state.withLockedValue { state -> Bool in
                if state.count >= mark { return true }
                state.waiters.append((mark, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }
}
