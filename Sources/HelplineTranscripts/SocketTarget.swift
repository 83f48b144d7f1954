import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineServer

/// Replays against a running daemon over its Unix socket, all transcripts on one connection.
///
/// The daemon keeps its own clock, so each profile's travel dates are moved by the time between the
/// transcript's `now:` and the real time: a trip 23 hours ahead in the transcript is 23 hours ahead
/// of the daemon's clock too.
public final class SocketTarget: ReplayTarget {
    public let path: String
    public let bundle: DataBundle
    private let client: HelplineClient
    private let clock: @Sendable () -> Date

    /// Connects to the daemon at `path`. `bundle` gives the demo profile (the daemon's own data
    /// should be the same); `clock` is the daemon's idea of now (default: the real time).
    public static func connect(to path: String, bundle: DataBundle,
                               clock: @escaping @Sendable () -> Date = { Date() }) async throws -> SocketTarget {
        do {
            return SocketTarget(path: path, bundle: bundle, client: try await HelplineClient.connect(to: path), clock: clock)
        } catch {
            throw ChatBackendError(.unreachable, "cannot connect to the daemon at \(path): \(error)")
        }
    }

    private init(path: String, bundle: DataBundle, client: HelplineClient, clock: @escaping @Sendable () -> Date) {
        self.path = path
        self.bundle = bundle
        self.client = client
        self.clock = clock
    }

    public func backend(for transcript: Transcript) async throws -> any ChatBackend {
        SocketSession(client: client)
    }

    public func profile(_ profile: Profile, for transcript: Transcript) -> Profile {
        profile.shifted(by: clock().timeIntervalSince(transcript.now))
    }

    /// Closes the connection.
    public func disconnect() async {
        await client.disconnect()
    }
}

/// One daemon session on a shared connection, as a ``ChatBackend``.
actor SocketSession: ChatBackend {
    private let client: HelplineClient
    private var session: String?

    init(client: HelplineClient) {
        self.client = client
    }

    func open(profile: Profile) async throws -> SessionReply {
        let answer = try await call { try await client.open(profile: profile) }
        guard let session = answer.session, let reply = answer.reply else {
            throw ChatBackendError(.rejected, "the daemon's answer to `open` has no session or reply")
        }
        self.session = session
        return SessionReply(session: session, reply: reply)
    }

    func say(_ text: String) async throws -> Reply {
        let session = try openSession()
        let answer = try await call { try await client.say(session: session, text: text) }
        guard let reply = answer.reply else { throw ChatBackendError(.rejected, "the daemon's answer to `say` has no reply") }
        return reply
    }

    func state() async throws -> SessionSnapshot {
        let session = try openSession()
        let answer = try await call { try await client.state(session: session) }
        guard let reply = answer.reply else { throw ChatBackendError(.rejected, "the daemon's answer to `state` has no reply") }
        return SessionSnapshot(session: session, reply: reply, topic: nil, order: nil)
    }

    func close() async {
        guard let session else { return }
        self.session = nil
        _ = try? await client.close(session: session)
    }

    private func openSession() throws -> String {
        guard let session else { throw ChatBackendError(.notOpen, "the session is not open") }
        return session
    }

    /// Sends a request; a transport failure or an error answer becomes a ``ChatBackendError``.
    private func call(_ request: () async throws -> ProtocolReply) async throws -> ProtocolReply {
        let answer: ProtocolReply
        do { answer = try await request() } catch {
            throw ChatBackendError(.unreachable, "the daemon did not answer: \(error)")
        }
        guard answer.ok else {
            let code = answer.error?.code.rawValue ?? "error"
            let message = answer.error?.message ?? "no message"
            throw ChatBackendError(code == "unknown_session" ? .sessionLost : .rejected, "\(code): \(message)")
        }
        return answer
    }
}
