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

    /// Whether the PostgreSQL tests run: there is a server or a way to start one, or this is CI
    /// (where they fail without one).
    static let postgresRuns = PostgresTesting.isAvailable || inCI

    /// Why the PostgreSQL tests are skipped, for `.enabled(if: Fixtures.postgresRuns, Fixtures.skipped)`.
    static var skipped: Comment {
        if case .missing(let reason) = PostgresTesting.availability {
            return "PostgreSQL tests skipped: \(reason)"
        }
        return "PostgreSQL tests run"
    }

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
        if case .missing(let reason) = PostgresTesting.availability {
            if inCI { throw TestFailure("CI runs the PostgreSQL tests, but: \(reason)") }
            try Test.cancel("PostgreSQL tests skipped: \(reason)")
        }
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

/// `helpline serve` as a child process on a socket and database of the test's choosing.
final class ServeProcess: Sendable {
    let process: Process
    let socketPath: String
    private let errorOutput = NIOLockedValueBox(Data())

    /// Starts `helpline serve --socket socketPath --db database` with `arguments` and waits for
    /// its ready line (throws if it exits first).
    static func start(socket socketPath: String, database: String, arguments: [String] = [],
                      waitForReady: Bool = true) async throws -> ServeProcess {
        let process = Process()
        process.executableURL = try Fixtures.helplineExecutable()
        process.arguments = ["serve", "--socket", socketPath, "--db", database] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HELPLINE_INTENTS"] = nil
        process.environment = environment
        let daemon = ServeProcess(process: process, socketPath: socketPath)
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [errorOutput = daemon.errorOutput] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                errorOutput.withLockedValue { $0.append(data) }
            }
        }
        try process.run()
        if waitForReady {
            try await daemon.waitForOutput("helpline: ready on")
        }
        return daemon
    }

    private init(process: Process, socketPath: String) {
        self.process = process
        self.socketPath = socketPath
    }

    /// What the daemon wrote to standard error so far.
    var stderr: String {
        String(decoding: errorOutput.withLockedValue { $0 }, as: UTF8.self)
    }

    /// Waits until standard error contains `text` (the timeout is for liveness only).
    func waitForOutput(_ text: String, timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !stderr.contains(text) {
            if !process.isRunning {
                // What it wrote last may still be on its way through the pipe.
                try await Task.sleep(for: .milliseconds(100))
                if stderr.contains(text) { return }
                throw TestFailure("the daemon exited (status \(process.terminationStatus)) before printing \"\(text)\":\n\(stderr)")
            }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("timed out waiting for \"\(text)\" from the daemon:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to exit; returns its status.
    func waitForExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        try await HelplineTesting.waitForExit(process, timeout: timeout, describe: self.stderr)
    }

    /// SIGTERM, and the exit status.
    func stop() async throws -> Int32 {
        signal(SIGTERM)
        return try await waitForExit()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
