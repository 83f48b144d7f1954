#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOConcurrencyHelpers

/// The `helpline` executable the tests run as a user would: the one built beside the tests.
public enum HelplineExecutable {
    /// Its location; throws naming the places looked at when there is none (build it first with
    /// `swift build --build-tests`).
    public static func url() throws -> URL {
        _ = testModelCache
        var candidates: [URL] = []
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("helpline"))
            directory = directory.deletingLastPathComponent()
        }
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("helpline"))
        candidates.append(bundle.appendingPathComponent("helpline"))
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("helpline"))
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw TestFailure("the helpline executable was not found beside the tests (looked at \(candidates.map(\.path))); run `swift build --build-tests` first")
    }

    /// The model snapshots that the `helpline` processes of the tests save go to one folder in the
    /// temporary directory, shared by the test runs, not to the user's cache (unless
    /// `HELPLINE_MODEL_CACHE` says otherwise). Set once, before the first process starts, in this
    /// process's environment, which the processes it starts inherit.
    private static let testModelCache: Void = {
        guard ProcessInfo.processInfo.environment["HELPLINE_MODEL_CACHE"] == nil else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("helpline-tests-model-cache").path
        setenv("HELPLINE_MODEL_CACHE", folder, 0)
    }()
}

/// The built `helpline serve`, run as a separate process.
public final class DaemonProcess: Sendable {
    public let process: Process
    public let directory: TemporaryDirectory
    private let errorOutput = NIOLockedValueBox(Data())
    /// Set once standard error has reached its end (the daemon and its children closed it).
    private let errorEnded = NIOLockedValueBox(false)

    public var socketPath: String { directory.socketPath }

    /// Starts `helpline serve` on the directory's socket and database and waits for its ready line.
    /// Throws if it exits first; `waitForReady: false` returns at once. `environment` is added to
    /// this process's.
    public static func start(in directory: TemporaryDirectory, arguments: [String] = [], environment extra: [String: String] = [:],
                             waitForReady: Bool = true) async throws -> DaemonProcess {
        let process = Process()
        process.executableURL = try HelplineExecutable.url()
        process.arguments = ["serve", "--socket", directory.socketPath, "--db", directory.databasePath] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HELPLINE_INTENTS"] = nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let daemon = DaemonProcess(process: process, directory: directory)
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [errorOutput = daemon.errorOutput, errorEnded = daemon.errorEnded] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                errorEnded.withLockedValue { $0 = true }
            } else {
                errorOutput.withLockedValue { $0.append(data) }
            }
        }
        try process.run()
        // Only the daemon writes to the pipe now: its end of output comes when the daemon is gone.
        try? pipe.fileHandleForWriting.close()
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
    public var stderr: String {
        String(decoding: errorOutput.withLockedValue { $0 }, as: UTF8.self)
    }

    /// Waits until standard error contains `text` (generous timeout; for liveness only).
    public func waitForOutput(_ text: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !stderr.contains(text) {
            // After the exit, everything it wrote is read once standard error has ended.
            if !process.isRunning, errorEnded.withLockedValue({ $0 }), !stderr.contains(text) {
                throw TestFailure("the daemon exited (status \(process.terminationStatus)) before printing \"\(text)\":\n\(stderr)")
            }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("timed out waiting for \"\(text)\" from the daemon:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends a signal to the daemon.
    public func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to exit; returns its status.
    /// Everything it wrote to standard error has been read once this returns.
    public func waitForExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let status = try await HelplineTesting.waitForExit(process, timeout: timeout, describe: self.stderr)
        let deadline = ContinuousClock.now + timeout
        while !errorEnded.withLockedValue({ $0 }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return status
    }

    /// Stops the daemon with SIGTERM and waits for it to exit; returns its status.
    @discardableResult
    public func stop(timeout: Duration = .seconds(120)) async throws -> Int32 {
        signal(SIGTERM)
        return try await waitForExit(timeout: timeout)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
