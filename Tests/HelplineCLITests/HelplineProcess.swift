import Foundation
import HelplineTesting

/// Runs the built `helpline` binary as a user would, for end-to-end tests.
enum HelplineProcess {
    /// What a finished run printed and how it exited.
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// Runs `helpline ARGUMENTS` with `input` as standard input (a file, so not a terminal).
    ///
    /// Waits for the exit without holding a thread: on a busy 2-core machine the concurrency pool has
    /// two threads, and a test blocked in `waitUntilExit` would stall every other test's waiting.
    static func run(_ arguments: [String], input: String, environment: [String: String] = [:]) async throws -> Result {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inURL = folder.appendingPathComponent("stdin")
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        try Data(input.utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = try HelplineExecutable.url()
        process.arguments = arguments
        var env = baseEnvironment(stateHome: folder.path)
        env.merge(environment) { $1 }
        process.environment = env
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try await runToExit(process)
        return Result(stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8),
                      status: process.terminationStatus)
    }

    /// Starts `process` and resumes when it has exited, without blocking a thread meanwhile.
    static func runToExit(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    /// The environment of this test run without colour or data overrides, with its own state folder.
    static func baseEnvironment(stateHome: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["NO_COLOR", "HELPLINE_INTENTS", "COLUMNS"] { env[key] = nil }
        env["XDG_STATE_HOME"] = stateHome
        return env
    }

    /// A new empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("helpline-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
