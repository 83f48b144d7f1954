import Foundation
import HelplineBench

/// A temporary folder for a bench's sockets and databases, and the servers it starts there as
/// child processes of this same binary: daemons (`serve`) and echo servers (`bench serve-echo`).
struct BenchWorkspace: Sendable {
    let folder: URL
    let executable: String
    /// `--intents` for the daemons.
    let intents: String?

    init(intents: String?) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("helpline-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        executable = try Self.thisExecutable()
        self.intents = intents
    }

    /// A path in the folder.
    func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// Starts a daemon on `name.sock` and `name.sqlite`, logging errors only; returns when it is ready.
    func daemon(_ name: String) async throws -> (server: ChildServer, socketPath: String) {
        let socketPath = path("\(name).sock")
        var arguments = ["serve", "--socket", socketPath, "--db", path("\(name).sqlite"), "--log-level", "error"]
        if let intents { arguments += ["--intents", intents] }
        return (try await ChildServer.launch(executable: executable, arguments: arguments), socketPath)
    }

    /// Starts an echo server of `kind` on `echo-KIND.sock`; returns when it is ready.
    func echo(_ kind: EchoServerKind) async throws -> (server: ChildServer, socketPath: String) {
        let socketPath = path("echo-\(kind.rawValue).sock")
        let arguments = ["bench", "serve-echo", "--socket", socketPath, "--server", kind.rawValue]
        return (try await ChildServer.launch(executable: executable, arguments: arguments), socketPath)
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    private static func thisExecutable() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        guard let first = CommandLine.arguments.first else { throw BenchFailure("cannot find the helpline binary") }
        return URL(fileURLWithPath: first).standardizedFileURL.path
    }
}
