import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineServer

/// A conversation with a Helpline daemon over its Unix socket: the chat's back end against a
/// daemon, and the transcript replayer's.
///
/// Whether it reconnects is its `ReconnectPolicy`. With retries (the chat), when the daemon cannot
/// be reached or goes away the backend reports it through `events`, waits (with growing delays),
/// connects again and resumes the same session with `open` + `session`, so the conversation carries
/// on where it was. A turn cut off by the failure is sent again only if the resumed session shows
/// it was not answered (it is still at the place it was before the turn). With `.none` (the
/// replayer) the first failure is an error.
///
/// A backend either owns its connection (``init(path:policy:events:)``) or runs its session on a
/// connection shared with other backends (``init(sharing:)``, the replayer's one connection for
/// all transcripts), which it never reconnects or closes.
///
/// What the specialists' desk sends the session — a specialist's reply or question, the appeal
/// taken, passed on or closed — goes to `notices` as it comes: pushed by the daemon as event
/// lines on the connection, or carried by an answer (then before the call returns).
///
/// Every failure reaches the caller as a ``ChatBackendError`` in words a user can read, made in
/// one place: ``unreachable(_:_:interrupted:)`` for the connection, ``reply(of:)`` for the
/// daemon's answers.
public actor SocketChatBackend: ChatBackend {
    /// Something about the connection the user should know.
    public enum Event: Sendable, Equatable {
        /// The daemon is unreachable; retry number `attempt` follows in `retryIn` seconds.
        case unreachable(reason: Outage, attempt: Int, retryIn: Double)
        /// Connected again; `resumed` when a session was resumed (not at the first `open`).
        case reconnected(resumed: Bool)
    }

    /// Why the daemon cannot be reached; its description is a short Russian phrase.
    public enum Outage: Sendable, Equatable, CustomStringConvertible {
        /// Nothing listens on the socket (no socket file, or connection refused).
        case notRunning
        /// The connection was closed under a call.
        case connectionLost
        /// Any other failure, described.
        case other(String)

        public var description: String {
            switch self {
            case .notRunning: "сервер не запущен"
            case .connectionLost: "соединение прервано"
            case .other(let detail): "сервер не отвечает (\(detail))"
            }
        }
    }

    public let path: String
    public let policy: ReconnectPolicy
    private let events: @Sendable (Event) -> Void
    private let notices: @Sendable (CustomerEventLine) -> Void
    /// Whether the connection belongs to others as well: then it is never closed here.
    private let sharesConnection: Bool
    private var client: HelplineClient?
    private var session: String?
    private var profile: Profile?
    /// The reply on screen, to tell after a reconnect whether a cut-off turn was answered.
    private var current: Reply?
    private var place = ConversationPlace()
    /// Whether the last attempt failed, so the next success is reported as a reconnect.
    private var wasDown = false

    /// A backend with a connection of its own to the daemon at `path`, made at the first call.
    public init(path: String, policy: ReconnectPolicy = .none,
                events: @escaping @Sendable (Event) -> Void = { _ in },
                notices: @escaping @Sendable (CustomerEventLine) -> Void = { _ in }) {
        self.path = path
        self.policy = policy
        self.events = events
        self.notices = notices
        sharesConnection = false
    }

    /// A backend whose session runs on `client`, a connection shared with other backends (the
    /// daemon answers each session's requests in order). It does not reconnect, and `close` ends
    /// the session but leaves the connection open.
    public init(sharing client: HelplineClient) {
        path = client.path
        policy = .none
        events = { _ in }
        notices = { _ in }
        sharesConnection = true
        self.client = client
    }

    /// Connects to the daemon at `path`; a failure is the ``ChatBackendError/Code/unreachable``
    /// error the backends report.
    public static func connect(to path: String) async throws -> HelplineClient {
        do {
            return try await HelplineClient.connect(to: path)
        } catch {
            throw unreachable(path, error)
        }
    }

    public func open(profile: Profile) async throws -> SessionReply {
        self.profile = profile
        let answer = try await withReconnect { client in try await client.open(profile: profile) }
        let reply = try deliver(answer)
        guard let session = answer.session else {
            throw ChatBackendError(.rejected, "the daemon's answer to open has no session")
        }
        self.session = session
        current = reply
        place = ConversationPlace()
        place.update(after: nil, reply: reply, profile: profile)
        return SessionReply(session: session, reply: reply)
    }

    public func say(_ text: String) async throws -> Reply {
        guard let session else { throw ChatBackendError(.notOpen, "Разговор ещё не начат.") }
        let before = current
        var resumed: Reply?
        let answer = try await withReconnect(onResume: { resumed = $0 }) { client in
            // After a reconnect: if the session moved on, the turn was answered before the cut.
            if let resumed, let before, !Self.samePlace(resumed, before) {
                return ProtocolReply(ok: true, session: session, reply: resumed)
            }
            return try await client.say(session: session, text: text)
        }
        let reply = try deliver(answer)
        place.update(after: (text, before), reply: reply, profile: profile)
        current = reply
        return reply
    }

    public func state() async throws -> SessionSnapshot {
        guard let session else { throw ChatBackendError(.notOpen, "Разговор ещё не начат.") }
        let answer = try await withReconnect { client in try await client.state(session: session) }
        let reply = try deliver(answer)
        current = reply
        return SessionSnapshot(session: session, reply: reply, topic: place.topic, order: place.order)
    }

    public func close() async {
        if let client {
            if let session { _ = try? await client.close(session: session) }
            if !sharesConnection { await client.disconnect() }
        }
        if !sharesConnection { client = nil }
        session = nil
    }

    // MARK: Connection

    /// Runs `operation` on a live connection, reconnecting (and resuming the session) as the
    /// policy allows when the connection fails. Protocol errors are not retried.
    private func withReconnect(onResume: (Reply) -> Void = { _ in },
                               _ operation: (HelplineClient) async throws -> ProtocolReply) async throws -> ProtocolReply {
        var attempt = 0
        let interruptions = policy.interruptions()
        while true {
            do {
                let client = try await connected(onResume: onResume)
                let answer = try await operation(client)
                if wasDown {
                    wasDown = false
                    events(.reconnected(resumed: session != nil))
                }
                return answer
            } catch let error as ChatBackendError {
                throw error
            } catch {
                await dropConnection()
                attempt += 1
                guard let delay = policy.delay(beforeAttempt: attempt) else {
                    throw Self.unreachable(path, error)
                }
                wasDown = true
                events(.unreachable(reason: Self.outage(error, path: path), attempt: attempt, retryIn: delay))
                if try await !sleep(delay, unlessInterruptedSince: interruptions) {
                    throw Self.unreachable(path, error, interrupted: true)
                }
            }
        }
    }

    /// The open connection, or a new one; a new one resumes the session first.
    private func connected(onResume: (Reply) -> Void) async throws -> HelplineClient {
        if let client { return client }
        // A shared connection that failed is not replaced: it is not this backend's to remake.
        if sharesConnection { throw HelplineClientError.disconnected }
        let client = try await HelplineClient.connect(to: path)
        let pushed = client.events
        Task { [weak self] in
            for await line in pushed {
                await self?.pushed(line)
            }
        }
        if let session {
            let answer = try await client.resume(session: session)
            if answer.errorCode == .unknownSession {
                await client.disconnect()
                self.session = nil
                throw Self.sessionLost
            }
            let reply = try deliver(answer)
            onResume(reply)
        }
        self.client = client
        return client
    }

    /// An event line pushed on the connection: a notice for this backend's session is shown.
    private func pushed(_ line: CustomerEventLine) {
        guard line.session == session else { return }
        notices(line)
    }

    private func dropConnection() async {
        if let client, !sharesConnection { await client.disconnect() }
        client = nil
    }

    /// Sleeps `seconds` in short steps; false if the user interrupted (Ctrl-C) meanwhile.
    private func sleep(_ seconds: Double, unlessInterruptedSince mark: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if policy.interruptions() != mark { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return policy.interruptions() == mark
    }

    /// Whether two replies show the conversation at the same place: the same step, the same
    /// options, the same appeal with as many messages. Texts may differ (a resumed session repeats
    /// its prompt without the answer that led to it).
    static func samePlace(_ a: Reply, _ b: Reply) -> Bool {
        a.state == b.state && a.options == b.options
            && a.ticket?.id == b.ticket?.id && a.ticket?.messages.count == b.ticket?.messages.count
    }

    // MARK: Errors

    /// A connection failure as the user reads it: the socket and why it cannot be reached, and
    /// whether the user stopped the waiting.
    static func unreachable(_ path: String, _ error: any Error, interrupted: Bool = false) -> ChatBackendError {
        ChatBackendError(.unreachable, "Нет связи с сервером (\(path)): \(outage(error, path: path))."
                         + (interrupted ? " Ожидание прервано." : ""))
    }

    /// The daemon no longer knows the session (it expired or was closed).
    static let sessionLost = ChatBackendError(.sessionLost, "сервер больше не знает этот разговор")

    /// The dialogue reply an answer carries, or the daemon's error as a `ChatBackendError`.
    /// The answer's reply, after handing the notices it carries to `notices`.
    private func deliver(_ answer: ProtocolReply) throws -> Reply {
        if let session = answer.session ?? session {
            for notice in answer.notices { notices(CustomerEventLine(session: session, notice: notice)) }
        }
        return try Self.reply(of: answer)
    }

    static func reply(of answer: ProtocolReply) throws -> Reply {
        if let error = answer.error {
            if error.code == .unknownSession { throw sessionLost }
            if error.code == .appealFull {
                throw ChatBackendError(.limit, "Это обращение заполнено, сообщение не добавлено. Чтобы написать ещё, "
                    + "начните новое: напишите «новое обращение».")
            }
            if error.code == .badRequest, error.message.hasPrefix(#""text" is longer than"#) {
                throw ChatBackendError(.limit, "Сообщение слишком длинное и не отправлено. Сократите его или разделите "
                    + "на несколько сообщений.")
            }
            if error.code == .sessionFull {
                throw ChatBackendError(.limit, "Этот разговор заполнен, сообщение не сохранено. Чтобы продолжить, "
                    + "начните новый разговор.")
            }
            if error.code == .tooManyAppeals {
                throw ChatBackendError(.limit, "В этом разговоре больше нельзя создать обращение: их уже столько, "
                    + "сколько допускается в одном разговоре. Начните новый разговор.")
            }
            throw ChatBackendError(.rejected, "сервер ответил ошибкой \(error.code): \(error.message)")
        }
        guard answer.ok, let reply = answer.reply else {
            throw ChatBackendError(.rejected, "the daemon's answer carries no reply")
        }
        return reply
    }

    /// Sorts a connection failure: a missing or refusing socket means no daemon runs.
    public static func outage(_ error: any Error, path: String) -> Outage {
        if let error = error as? HelplineClientError, error == .disconnected { return .connectionLost }
        if !FileManager.default.fileExists(atPath: path) { return .notRunning }
        let text = "\(error)"
        if text.contains("errno: \(ENOENT))") || text.contains("errno: \(ECONNREFUSED))") { return .notRunning }
        return .other(text)
    }
}
