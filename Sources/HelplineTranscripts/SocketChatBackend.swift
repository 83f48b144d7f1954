import Foundation
import HelplineDialogue
import HelplineServer

/// A conversation with a Helpline daemon over its Unix socket.
///
/// When the daemon cannot be reached or goes away, the backend reports it through `events`, waits
/// (with growing delays, as its `ReconnectPolicy` says), connects again and resumes the same
/// session with `open` + `session`, so the conversation carries on where it was. A turn cut off
/// by the failure is sent again only if the resumed session shows it was not answered (it is still
/// at the place it was before the turn).
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
    private var client: HelplineClient?
    private var session: String?
    private var profile: Profile?
    /// The reply on screen, to tell after a reconnect whether a cut-off turn was answered.
    private var current: Reply?
    private var place = ConversationPlace()
    /// Whether the last attempt failed, so the next success is reported as a reconnect.
    private var wasDown = false

    public init(path: String, policy: ReconnectPolicy = .none,
                events: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.path = path
        self.policy = policy
        self.events = events
    }

    public func open(profile: Profile) async throws -> SessionReply {
        self.profile = profile
        let answer = try await withReconnect { client in try await client.open(profile: profile) }
        let reply = try Self.reply(of: answer)
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
        let reply = try Self.reply(of: answer)
        place.update(after: (text, before), reply: reply, profile: profile)
        current = reply
        return reply
    }

    public func state() async throws -> SessionSnapshot {
        guard let session else { throw ChatBackendError(.notOpen, "Разговор ещё не начат.") }
        let answer = try await withReconnect { client in try await client.state(session: session) }
        let reply = try Self.reply(of: answer)
        current = reply
        return SessionSnapshot(session: session, reply: reply, topic: place.topic, order: place.order)
    }

    public func close() async {
        if let client {
            if let session { _ = try? await client.close(session: session) }
            await client.disconnect()
        }
        client = nil
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
                let reason = outage(error)
                guard let delay = policy.delay(beforeAttempt: attempt) else {
                    throw ChatBackendError(.unreachable, "Нет связи с сервером (\(path)): \(reason).")
                }
                wasDown = true
                events(.unreachable(reason: reason, attempt: attempt, retryIn: delay))
                if try await !sleep(delay, unlessInterruptedSince: interruptions) {
                    throw ChatBackendError(.unreachable, "Нет связи с сервером (\(path)): \(reason). Ожидание прервано.")
                }
            }
        }
    }

    /// The open connection, or a new one; a new one resumes the session first.
    private func connected(onResume: (Reply) -> Void) async throws -> HelplineClient {
        if let client { return client }
        let client = try await HelplineClient.connect(to: path)
        if let session {
            let answer = try await client.resume(session: session)
            if answer.errorCode == .unknownSession {
                await client.disconnect()
                self.session = nil
                throw ChatBackendError(.sessionLost, "сервер больше не знает этот разговор")
            }
            let reply = try Self.reply(of: answer)
            onResume(reply)
        }
        self.client = client
        return client
    }

    private func dropConnection() async {
        if let client { await client.disconnect() }
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

    /// The dialogue reply an answer carries, or the daemon's error as a `ChatBackendError`.
    private static func reply(of answer: ProtocolReply) throws -> Reply {
        if let error = answer.error {
            if error.code == .unknownSession {
                throw ChatBackendError(.sessionLost, "сервер больше не знает этот разговор")
            }
            throw ChatBackendError(.rejected, "сервер ответил ошибкой \(error.code): \(error.message)")
        }
        guard answer.ok, let reply = answer.reply else {
            throw ChatBackendError(.rejected, "the daemon's answer carries no reply")
        }
        return reply
    }

    /// Whether two replies show the conversation at the same place: the same step, the same
    /// options, the same appeal with as many messages. Texts may differ (a resumed session repeats
    /// its prompt without the answer that led to it).
    static func samePlace(_ a: Reply, _ b: Reply) -> Bool {
        a.state == b.state && a.options == b.options
            && a.ticket?.id == b.ticket?.id && a.ticket?.messages.count == b.ticket?.messages.count
    }

    /// Sorts a connection failure: a missing or refusing socket means no daemon runs.
    func outage(_ error: any Error) -> Outage {
        if let error = error as? HelplineClientError, error == .disconnected { return .connectionLost }
        if !FileManager.default.fileExists(atPath: path) { return .notRunning }
        let text = "\(error)"
        if text.contains("errno: \(ENOENT))") || text.contains("errno: \(ECONNREFUSED))") { return .notRunning }
        return .other(text)
    }
}

/// How a `SocketChatBackend` retries when the daemon cannot be reached.
public struct ReconnectPolicy: Sendable {
    /// The delays before each retry, in seconds; the last repeats.
    public var delays: [Double]
    /// The most retries of one call; `nil` retries until interrupted.
    public var maximumAttempts: Int?
    /// A counter that changes when the user asks to stop waiting (Ctrl-C); read between retries.
    public var interruptions: @Sendable () -> Int

    public init(delays: [Double], maximumAttempts: Int?, interruptions: @escaping @Sendable () -> Int = { 0 }) {
        self.delays = delays
        self.maximumAttempts = maximumAttempts
        self.interruptions = interruptions
    }

    /// No retries: the first failure is an error (the transcript replayer).
    public static let none = ReconnectPolicy(delays: [], maximumAttempts: 0)

    /// The delay before retry number `attempt` (from 1), or `nil` when there are no more retries.
    public func delay(beforeAttempt attempt: Int) -> Double? {
        if let maximumAttempts, attempt > maximumAttempts { return nil }
        guard let last = delays.last else { return nil }
        return attempt <= delays.count ? delays[attempt - 1] : last
    }
}

/// The topic and order of a conversation held by a daemon, followed from the outside: the
/// protocol's reply carries the state and the options, not the topic and order chosen.
///
/// The topic is the option or intent that took the conversation off the topic menu; the order is
/// the order option (or typed order number) that took it off the order step; an appeal's own topic
/// and order win once it exists. Back at the topic menu both are cleared.
struct ConversationPlace: Sendable, Hashable {
    var topic: String?
    var order: String?

    /// Follows one step: `turn` is the user's text with the reply it answered (nil at the start).
    mutating func update(after turn: (text: String, before: Reply?)?, reply: Reply, profile: Profile?) {
        if let ticket = reply.ticket, reply.state == .submitted {
            topic = ticket.topic
            order = ticket.order
            return
        }
        switch reply.state {
        case .chooseTopic:
            topic = nil
            order = nil
            return
        case .chooseOrder, .write, .submitted:
            break
        }
        guard let (text, before) = turn, let before else { return }
        let chosen = Self.option(matching: text, in: before.options)
        if before.state == .chooseTopic && reply.state != .chooseTopic {
            topic = chosen?.value ?? reply.intent?.id.wireValue ?? topic
            order = nil
        }
        let orderIDs = Set(profile?.orders.map(\.id) ?? [])
        if reply.state == .write {
            if let value = chosen?.value, orderIDs.contains(value) {
                order = value
            } else if let typed = orderIDs.first(where: { text.contains($0) }) {
                order = typed
            } else if before.state == .chooseOrder {
                order = nil
            }
        }
    }

    /// The option a text chooses by key, label or value, ignoring case and surrounding spaces.
    static func option(matching text: String, in options: [ReplyOption]) -> ReplyOption? {
        let typed = text.trimmingCharacters(in: .whitespaces).lowercased()
        return options.first { option in
            [option.key, option.label, option.value].contains { $0.lowercased() == typed }
        }
    }
}
