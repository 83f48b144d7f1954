#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineServer
import Logging
import NIOConcurrencyHelpers
import Testing
import HelplineTesting

/// Paths and data the tests share.
enum Fixtures {
    /// The package's root, found from this file.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The intent data in the working tree.
    static let intentsDirectory = packageRoot.appendingPathComponent("Intents")

    /// The engine on the working tree's data, built once and shared.
    static func engine() throws -> DialogueEngine {
        try WorkingTree.engine()
    }

    /// A customer with goods orders and a travel booking.
    static let profile = Profile(
        id: "customer-1", name: "Анна",
        orders: [
            Order(id: "12345678-0001", title: "Электрический чайник", status: "в пути"),
            Order(id: "12345678-0002", title: "Книга", status: "доставлен"),
            Order(id: "87654321-0001", title: "Отель «Волна», Сочи", status: "подтверждено", kind: .hotel,
                  startsAt: Date(timeIntervalSince1970: 1_900_000_000)),
        ]
    )

    /// A short-lived directory with a short path (Unix socket paths are limited to ~100 bytes).
    static func temporaryDirectory() throws -> TemporaryDirectory {
        try TemporaryDirectory()
    }

    /// The `helpline` executable built beside the test bundle.
    static func helplineExecutable() throws -> URL {
        var candidates: [URL] = []
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("helpline"))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("helpline"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw TestFailure("the helpline executable was not found beside the tests (looked at \(candidates.map(\.path))); run `swift build --build-tests` first")
    }

    /// Whether a program is on the PATH.
    static func which(_ program: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(program) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// True in CI, where every optional tool is installed and tests needing them must run.
    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" } ?? false }
}

/// The in-process daemon of `HelplineTesting`, by the name these tests use.
typealias RunningDaemon = InProcessDaemon

/// The built `helpline serve`, run as a separate process.
final class DaemonProcess: Sendable {
    let process: Process
    let directory: TemporaryDirectory
    private let errorOutput = NIOLockedValueBox(Data())

    var socketPath: String { directory.socketPath }

    /// Starts `helpline serve` on the directory's socket and database and waits for its ready line.
    /// Throws if it exits first; `waitForReady: false` returns at once.
    static func start(in directory: TemporaryDirectory, arguments: [String] = [], waitForReady: Bool = true) async throws -> DaemonProcess {
        let process = Process()
        process.executableURL = try Fixtures.helplineExecutable()
        process.arguments = ["serve", "--socket", directory.socketPath, "--db", directory.databasePath] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HELPLINE_INTENTS"] = nil
        process.environment = environment
        let daemon = DaemonProcess(process: process, directory: directory)
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

    private init(process: Process, directory: TemporaryDirectory) {
        self.process = process
        self.directory = directory
    }

    /// What the daemon wrote to standard error so far.
    var stderr: String {
        String(decoding: errorOutput.withLockedValue { $0 }, as: UTF8.self)
    }

    /// Waits until standard error contains `text` (generous timeout; for liveness only).
    func waitForOutput(_ text: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !stderr.contains(text) {
            if !process.isRunning, !stderr.contains(text) {
                try await Task.sleep(for: .milliseconds(50))
                if stderr.contains(text) { return }
                throw TestFailure("the daemon exited (status \(process.terminationStatus)) before printing \"\(text)\":\n\(stderr)")
            }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("timed out waiting for \"\(text)\" from the daemon:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends a signal to the daemon.
    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to exit; returns its status.
    func waitForExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        try await HelplineTesting.waitForExit(process, timeout: timeout, describe: self.stderr)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Walks a session through the dialogue to an appeal: picks the first topic that asks for an
/// order, the first order, and writes the message. Returns the answer with the appeal.
func fileAppeal(_ client: HelplineClient, session: String, message: String = "Заказ не пришёл, прошу разобраться") async throws -> ProtocolReply {
    var answer = try await client.state(session: session)
    for _ in 0..<8 {
        guard answer.ok, let state = answer.state else { throw TestFailure("dialogue failed: \(answer)") }
        switch state {
        case .chooseTopic:
            let option = answer.options.first { $0.value == "delivery" } ?? answer.options.first
            guard let option else { throw TestFailure("no topic options offered: \(answer)") }
            answer = try await client.say(session: session, text: option.key)
        case .chooseOrder:
            guard let option = answer.options.first else { throw TestFailure("no order options offered: \(answer)") }
            answer = try await client.say(session: session, text: option.key)
        case .write:
            answer = try await client.say(session: session, text: message)
        case .submitted:
            return answer
        }
    }
    throw TestFailure("no appeal after several turns: \(answer)")
}

/// A log handler that keeps every line, for tests that check what the logs say.
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

    /// A logger at `trace` whose lines end up in `lines`.
    static func logger(_ lines: NIOLockedValueBox<[String]>) -> Logger {
        Logger(label: "test.captured") { _ in CapturingLogHandler(lines: lines) }
    }
}
