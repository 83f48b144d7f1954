import Foundation
import HelplineChat
import HelplineDialogue
import HelplineIntents
import HelplineServer

/// Replays against a running daemon over its Unix socket, all transcripts on one connection: each
/// transcript is a ``SocketChatBackend`` session sharing it, without reconnecting.
///
/// The daemon keeps its own clock, so each profile's travel dates are moved by the time between the
/// transcript's `now:` and the real time: a trip 23 hours ahead in the transcript is 23 hours ahead
/// of the daemon's clock too.
///
/// With the daemon's desk socket (`deskSocket`), desk transcripts replay over both sockets
/// (``DeskSocketReplayer``); without it they are left out.
public final class SocketTarget: ReplayTarget {
    public let path: String
    public let bundle: DataBundle
    /// The daemon's desk socket, for desk transcripts.
    public let deskSocket: String?
    private let client: HelplineClient
    private let clock: @Sendable () -> Date

    /// Connects to the daemon at `path`; a failure is a ``ChatBackendError`` worded as the chat's.
    /// `bundle` gives the demo profile (the daemon's own data should be the same); `clock` is the
    /// daemon's idea of now (default: the real time).
    public static func connect(to path: String, bundle: DataBundle, deskSocket: String? = nil,
                               clock: @escaping @Sendable () -> Date = { Date() }) async throws -> SocketTarget {
        SocketTarget(path: path, bundle: bundle, deskSocket: deskSocket,
                     client: try await SocketChatBackend.connect(to: path), clock: clock)
    }

    private init(path: String, bundle: DataBundle, deskSocket: String?, client: HelplineClient,
                 clock: @escaping @Sendable () -> Date) {
        self.path = path
        self.bundle = bundle
        self.deskSocket = deskSocket
        self.client = client
        self.clock = clock
    }

    public func deskReplayer() throws -> (any DeskReplaying)? {
        deskSocket.map { DeskSocketReplayer(customers: path, desk: $0, bundle: bundle) }
    }

    public func backend(for transcript: Transcript) async throws -> any ChatBackend {
        SocketChatBackend(sharing: client)
    }

    public func profile(_ profile: Profile, for transcript: Transcript) -> Profile {
        profile.shifted(by: clock().timeIntervalSince(transcript.now))
    }

    /// Closes the connection.
    public func disconnect() async {
        await client.disconnect()
    }
}
