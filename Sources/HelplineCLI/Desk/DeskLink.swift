import Foundation
import HelplineChat
import HelplineDesk
import HelplineServer

/// The desk terminal's connection to the daemon's desk socket, kept up.
///
/// When the connection drops (the daemon restarts), it is made again in the background with
/// growing pauses, the specialist signs in again — within the grace period they keep their
/// appeals — and events flow again; the user is told both ways. A request whose connection failed
/// is not sent again (a reply might then reach the customer twice): it fails, and the user sees
/// with `/show` whether it was done.
actor DeskLink {
    /// What the user should know about the connection.
    enum Notice: Sendable, Equatable {
        /// The daemon cannot be reached at the start; retries follow.
        case unreachable(SocketChatBackend.Outage)
        /// Connected at last, at the start.
        case connected
        /// Lost; retries follow.
        case lost
        /// Connected and signed in again.
        case back
        /// No more retries (piped use), or the desk refused the sign-in after the reconnect.
        case gaveUp
    }

    /// The request could not be made: the connection is down.
    struct Down: Error {}

    let path: String
    private let policy: ReconnectPolicy
    private let events: @Sendable (DeskEvent) -> Void
    private let notices: @Sendable (Notice) -> Void
    private var client: DeskClient?
    /// The sign-in to repeat after a reconnect, once one succeeded.
    private var signIn: DeskRequest.SignIn?
    private var closing = false
    private var reconnecting: Task<Void, Never>?

    init(path: String, policy: ReconnectPolicy, events: @escaping @Sendable (DeskEvent) -> Void,
         notices: @escaping @Sendable (Notice) -> Void) {
        self.path = path
        self.policy = policy
        self.events = events
        self.notices = notices
    }

    /// Makes the first connection; with `retrying`, waits for the daemon as the policy allows
    /// (said once), else throws at the first failure.
    func connect(retrying: Bool) async throws {
        var attempt = 0
        while true {
            do {
                use(try await DeskClient.connect(to: path))
                if attempt > 0 { notices(.connected) }
                return
            } catch {
                attempt += 1
                guard retrying, let delay = policy.delay(beforeAttempt: attempt) else { throw error }
                if attempt == 1 { notices(.unreachable(SocketChatBackend.outage(error, path: path))) }
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    /// Sends one request on the live connection.
    func send(_ request: DeskRequest) async throws -> DeskAnswer {
        guard let client else { throw Down() }
        do {
            let answer = try await client.send(request)
            if case .signIn(let signIn) = request, case .signedIn = answer { self.signIn = signIn }
            return answer
        } catch {
            dropped(client)
            throw Down()
        }
    }

    /// Closes the connection for good.
    func close() async {
        closing = true
        reconnecting?.cancel()
        await client?.disconnect()
        client = nil
    }

    private func use(_ fresh: DeskClient) {
        client = fresh
        let events = events
        Task { [weak self] in
            for await event in fresh.events { events(event) }
            await self?.dropped(fresh)
        }
    }

    /// The connection `gone` failed: reconnect in the background, once.
    private func dropped(_ gone: DeskClient) {
        guard client === gone, !closing else { return }
        client = nil
        notices(.lost)
        reconnecting = Task { await self.reconnect() }
    }

    private func reconnect() async {
        var attempt = 0
        while !closing {
            attempt += 1
            guard let delay = policy.delay(beforeAttempt: attempt) else {
                notices(.gaveUp)
                return
            }
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            if closing || Task.isCancelled { return }
            guard let fresh = try? await DeskClient.connect(to: path) else { continue }
            if let signIn {
                guard let answer = try? await fresh.send(.signIn(signIn)) else {
                    await fresh.disconnect()
                    continue
                }
                guard case .signedIn = answer else {
                    await fresh.disconnect()
                    notices(.gaveUp)
                    return
                }
            }
            use(fresh)
            notices(.back)
            return
        }
    }
}
