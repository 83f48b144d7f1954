import ArgumentParser
import Foundation
import HelplineBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The echo servers a bench can measure.
enum EchoServerKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// ``PlainEchoServer``: blocking POSIX calls, a thread per connection (the yardstick).
    case plain
    /// ``EchoServer``: SwiftNIO, the daemon's sockets and event loops.
    case nio
}

/// `helpline bench serve-echo` (hidden): an echo server that `bench daemon` and `bench echo` start
/// as their child process, so it runs beside the load generator as the daemon does.
struct BenchServeEchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-echo",
        abstract: "Serve a line echo server on a Unix socket until SIGTERM (started by the bench itself).",
        shouldDisplay: false
    )

    @Option(help: ArgumentHelp("The socket's path.", valueName: "path"))
    var socket: String

    @Option(help: ArgumentHelp("plain or nio.", valueName: "kind"))
    var server: EchoServerKind = .plain

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        ParentLifeline.watchIfStartedByBench()
        switch server {
        case .plain:
            let server = try PlainEchoServer.start(socketPath: socket)
            announceReady()
            await server.waitUntilStopped()
        case .nio:
            let server = try await EchoServer.start(socketPath: socket)
            announceReady()
            await server.waitUntilClosed()
        }
    }

    /// The line ``ChildServer`` waits for.
    private func announceReady() {
        FileHandle.standardError.write(Data("echo server (\(server.rawValue)) ready on \(socket)\n".utf8))
    }
}
