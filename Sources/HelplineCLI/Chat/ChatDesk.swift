#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineIntents
import HelplineServer
import Logging

/// The specialists' desk of a chat run in this process (`helpline chat --desk-socket PATH`): the
/// chat process serves the daemon's session service and desk itself — the desk on PATH, for
/// `helpline desk --socket PATH`, and the customer's side on a private socket in a temporary
/// folder, which the chat talks to like `chat --socket` does, so a specialist's words reach the
/// chat the way they reach a chat on a daemon. The conversation and its appeals live in a temporary
/// database, removed when the chat ends.
final class ChatDesk: Sendable {
    let daemon: HelplineDaemon
    private let folder: String
    private let task: Task<Void, any Error>

    /// The customer's side, for the chat's backend.
    var customerSocket: String { daemon.configuration.socketPath }

    /// Starts serving: the desk on `deskSocket` with the rules of `bundle`, the customer's side on
    /// a private socket.
    static func start(deskSocket: String, engine: DialogueEngine, bundle: DataBundle) async throws -> ChatDesk {
        let rules = try HelplineDaemon.checked(DeskRules(bundle: bundle), for: engine)
        var template = Array("/tmp/helpline-chat-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ChatError("cannot make a temporary folder for the chat's desk") }
        let folder = String(cString: made)
        var configuration = ServerConfiguration(socketPath: folder + "/chat.sock", databasePath: folder + "/chat.sqlite")
        configuration.deskSocketPath = deskSocket
        configuration.shutdownGracePeriod = 2
        // The chat owns the terminal: the daemon's logs would break its lines.
        var logger = Logger(label: "helpline.chat.desk")
        logger.logLevel = .critical
        do {
            let daemon = try HelplineDaemon(configuration: configuration, engine: engine, deskRules: rules, logger: logger)
            try await daemon.start()
            let task = Task { try await daemon.run() }
            return ChatDesk(daemon: daemon, folder: folder, task: task)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    private init(daemon: HelplineDaemon, folder: String, task: Task<Void, any Error>) {
        self.daemon = daemon
        self.folder = folder
        self.task = task
    }

    /// Stops serving (the specialists' connections are closed) and removes the temporary folder.
    func stop() async {
        daemon.shutdown()
        _ = try? await task.value
        try? FileManager.default.removeItem(atPath: folder)
    }
}
