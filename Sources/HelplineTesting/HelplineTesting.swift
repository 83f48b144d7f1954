#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineFiles
import HelplineIntents
import HelplineServer
import Logging
import NIOConcurrencyHelpers

// What Helpline's tests share: a daemon served in the test's own process on a temporary socket,
// short temporary folders, a clock moved by hand, and waiting for a child process to end.

/// A test failed for a reason of its own (not an expectation).
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The package's own data, found from this file's path.
public enum WorkingTree {
    /// The package's root folder.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Intents/` as it is in the working tree.
    public static let intents = root.appendingPathComponent("Intents")

    /// `Transcripts/`.
    public static let transcripts = root.appendingPathComponent("Transcripts")

    /// The engine on the working tree's data, built once: the model takes a while to learn, and the
    /// engine is a value, so tests and daemons share it.
    public static func engine() throws -> DialogueEngine {
        try sharedEngine.get()
    }

    private static let sharedEngine = Result { try DialogueEngine(bundle: DataBundle.directory(intents)) }

    /// The desk's rules on the working tree's data.
    public static func deskRules() throws -> DeskRules {
        try sharedDeskRules.get()
    }

    private static let sharedDeskRules = Result { try DeskRules(bundle: DataBundle.directory(intents)) }
}

/// A folder under /tmp with a short path (Unix socket paths are limited to about 100 bytes),
/// removed when the value is dropped.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        var template = Array("/tmp/hl-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        url = URL(fileURLWithPath: String(cString: made))
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The daemon's socket in this folder.
    public var socketPath: String { url.appendingPathComponent("helpline.sock").path }
    /// The daemon's database in this folder (in a subfolder the daemon creates).
    public var databasePath: String { url.appendingPathComponent("state/helpline.sqlite").path }
    /// The daemon's desk socket in this folder.
    public var deskSocketPath: String { url.appendingPathComponent("desk.sock").path }

    /// A path in this folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A clock the test moves by hand.
public final class TestClock: Sendable {
    private let current: NIOLockedValueBox<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_900_000_000)) {
        current = NIOLockedValueBox(start)
    }

    public var now: Date { current.withLockedValue { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLockedValue { $0.addTimeInterval(seconds) }
    }
}

/// A daemon serving in the test's own process on a temporary socket, storing to SQLite beside it.
public final class InProcessDaemon: Sendable {
    public let daemon: HelplineDaemon
    public let directory: TemporaryDirectory
    private let task: Task<Void, any Error>

    public var socketPath: String { daemon.configuration.socketPath }
    public var databasePath: String { daemon.configuration.databasePath }
    /// The desk socket, when the daemon has a desk.
    public var deskSocketPath: String? { daemon.configuration.deskSocketPath }

    /// Starts a daemon in `directory` (a new one by default) on `engine` (the working tree's by
    /// default), with the specialists' desk on `directory.deskSocketPath` if `desk` (the working
    /// tree's `config/desk.yaml`); `configure` adjusts its configuration first. Logs are silent
    /// unless `logger` is given.
    public static func start(in directory: TemporaryDirectory? = nil, engine: DialogueEngine? = nil,
                             clock: TestClock? = nil, desk: Bool = false, logger: Logger? = nil,
                             configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> InProcessDaemon {
        let directory = try directory ?? TemporaryDirectory()
        var configuration = ServerConfiguration(socketPath: directory.socketPath, databasePath: directory.databasePath)
        configuration.shutdownGracePeriod = 30
        if desk { configuration.deskSocketPath = directory.deskSocketPath }
        configure(&configuration)
        var quiet = Logger(label: "test.daemon")
        quiet.logLevel = .critical
        let daemon = try HelplineDaemon(configuration: configuration, engine: try engine ?? WorkingTree.engine(),
                                        deskRules: configuration.deskSocketPath == nil ? nil : try WorkingTree.deskRules(),
                                        logger: logger ?? quiet, clock: { clock?.now ?? Date() })
        try await daemon.start()
        let task = Task { try await daemon.run() }
        return InProcessDaemon(daemon: daemon, directory: directory, task: task)
    }

    private init(daemon: HelplineDaemon, directory: TemporaryDirectory, task: Task<Void, any Error>) {
        self.daemon = daemon
        self.directory = directory
        self.task = task
    }

    /// Connects a new client.
    public func client() async throws -> HelplineClient {
        try await HelplineClient.connect(to: socketPath)
    }

    /// Connects a new specialist's client to the desk socket.
    public func deskClient() async throws -> DeskClient {
        guard let path = deskSocketPath else { throw TestFailure("the daemon has no desk socket") }
        return try await DeskClient.connect(to: path)
    }

    /// Shuts the daemon down gracefully and waits until it has stopped.
    public func stop() async throws {
        daemon.shutdown()
        try await task.value
    }
}

/// Waits for a child process to end, polling without holding a thread; returns its exit status.
/// The timeout is for liveness only: after it the process is checked once more, then terminated.
public func waitForExit(_ process: Process, timeout: Duration = .seconds(120),
                        describe: @autoclosure () -> String = "") async throws -> Int32 {
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now >= deadline {
            guard process.isRunning else { break }
            process.terminate()
            throw TestFailure("the process did not exit in time\(describe().isEmpty ? "" : ": " + describe())")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    return process.terminationStatus
}
