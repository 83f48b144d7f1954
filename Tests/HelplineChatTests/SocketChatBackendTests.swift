import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineServer
import Synchronization
import HelplineTesting
import Testing
@testable import HelplineChat

/// A daemon on a temporary socket, served in this process, quick to stop.
private func startDaemon(in directory: TemporaryDirectory) async throws -> InProcessDaemon {
    try await InProcessDaemon.start(in: directory) { $0.shutdownGracePeriod = 1 }
}

struct SocketChatBackendTests {
    let profile: Profile

    init() throws {
        profile = try Profile.demo(in: .embedded)
    }

    /// Over the socket a conversation gets the same replies as in-process, apart from the session id.
    @Test func sameRepliesAsInProcess() async throws {
        let directory = try TemporaryDirectory()
        let server = try await startDaemon(in: directory)
        let socket = SocketChatBackend(path: server.daemon.configuration.socketPath)
        let local = InProcessChatBackend(engine: try DialogueEngine(bundle: .embedded))

        let remoteGreeting = try await socket.open(profile: profile)
        let localGreeting = try await local.open(profile: profile)
        #expect(remoteGreeting.reply == localGreeting.reply)
        for text in ["доставка", "1"] {
            let remote = try await socket.say(text)
            let here = try await local.say(text)
            #expect(remote == here)
        }
        let state = try await socket.state()
        #expect(state.session == remoteGreeting.session)
        #expect(state.state == .write)
        #expect(state.topic == "delivery")
        #expect(state.order == profile.orders[0].id)
        await socket.close()
        try await server.stop()
    }

    /// A refusal that keeps to a limit of the conversation (the session has filed all its appeals)
    /// reaches the chat as a `limit` error in Russian, not as the server's code: the chat says it
    /// and goes on.
    @Test func limitsAreSaidInRussian() async throws {
        let directory = try TemporaryDirectory()
        let server = try await InProcessDaemon.start(in: directory) {
            $0.shutdownGracePeriod = 1
            $0.sessions.maximumAppealsPerSession = 1
        }
        let socket = SocketChatBackend(path: server.daemon.configuration.socketPath)
        _ = try await socket.open(profile: profile)
        for text in ["доставка", "4", "Курьер не приехал вчера вечером", "новое обращение", "доставка", "4"] {
            _ = try await socket.say(text)
        }
        do {
            _ = try await socket.say("Чайник пришёл с трещиной на крышке")
            Issue.record("a second appeal was filed")
        } catch let error as ChatBackendError {
            #expect(error.code == .limit)
            #expect(error.message.contains("обращение") && !error.message.contains("too_many_appeals"))
        }
        #expect(try await socket.state().state == .write, "the chat goes on where it was")
        do {
            _ = try await socket.say(String(repeating: "я", count: 4_001))
            Issue.record("a message over the length limit was taken")
        } catch let error as ChatBackendError {
            #expect(error.code == .limit)
            #expect(error.message.hasPrefix("Сообщение слишком длинное"))
        }
        await socket.close()
        try await server.stop()
    }

    /// When the daemon goes away and comes back on the same socket and database, the next turn waits,
    /// reconnects, resumes the same session and is answered in place; the user is told both ways.
    @Test func resumesAfterTheDaemonRestarts() async throws {
        let directory = try TemporaryDirectory()
        var server = try await startDaemon(in: directory)
        let events = Mutex<[SocketChatBackend.Event]>([])
        let backend = SocketChatBackend(path: server.daemon.configuration.socketPath,
                                        policy: ReconnectPolicy(delays: [0.1], maximumAttempts: 300),
                                        events: { event in events.withLock { $0.append(event) } })
        let opened = try await backend.open(profile: profile)
        #expect(try await backend.say("доставка").state == .chooseOrder)

        try await server.stop()
        let restart = Task { () -> InProcessDaemon in
            try await Task.sleep(for: .milliseconds(500))
            return try await startDaemon(in: directory)
        }
        let reply = try await backend.say("1")
        server = try await restart.value
        #expect(reply.state == .write)
        #expect(reply.text.contains(profile.orders[0].id))
        #expect(try await backend.state().session == opened.session)
        let seen = events.withLock { $0 }
        #expect(seen.contains { if case .unreachable = $0 { true } else { false } })
        #expect(seen.last == .reconnected(resumed: true))
        await backend.close()
        try await server.stop()
    }

    /// Backends sharing one connection each run their own session; closing one ends its session
    /// and leaves the connection to the others.
    @Test func sessionsShareAConnection() async throws {
        let directory = try TemporaryDirectory()
        let server = try await startDaemon(in: directory)
        let client = try await SocketChatBackend.connect(to: server.socketPath)
        let first = SocketChatBackend(sharing: client)
        let second = SocketChatBackend(sharing: client)
        let one = try await first.open(profile: profile)
        let two = try await second.open(profile: profile)
        #expect(one.session != two.session)
        #expect(try await first.say("доставка").state == .chooseOrder)
        await first.close()
        #expect(try await second.state().state == .chooseTopic)
        #expect(try await second.say("доставка").state == .chooseOrder)
        await second.close()
        await client.disconnect()
        try await server.stop()
    }

    /// With no daemon and no retries, `open` fails at once as unreachable and says the server is not running.
    @Test func unreachableWithoutRetries() async throws {
        let backend = SocketChatBackend(path: "/tmp/hl-nothing-\(UUID().uuidString.prefix(8)).sock")
        do {
            _ = try await backend.open(profile: profile)
            Issue.record("open succeeded with no daemon")
        } catch let error as ChatBackendError {
            #expect(error.code == .unreachable)
            #expect(error.message.contains(SocketChatBackend.Outage.notRunning.description))
        }
    }

    /// Retries follow the delays, the last repeating, up to the limit.
    @Test func reconnectPolicyDelays() {
        let policy = ReconnectPolicy(delays: [1, 2], maximumAttempts: 3)
        #expect(policy.delay(beforeAttempt: 1) == 1)
        #expect(policy.delay(beforeAttempt: 2) == 2)
        #expect(policy.delay(beforeAttempt: 3) == 2)
        #expect(policy.delay(beforeAttempt: 4) == nil)
        #expect(ReconnectPolicy.none.delay(beforeAttempt: 1) == nil)
        #expect(ReconnectPolicy(delays: [5], maximumAttempts: nil).delay(beforeAttempt: 1000) == 5)
    }

    /// A resumed session at the same step, options and appeal is the same place even if its text differs.
    @Test func samePlaceIgnoresText() {
        let menu = [ReplyOption(key: "1", label: "Доставка", value: "delivery")]
        let a = Reply(state: .chooseTopic, text: "Ответ на вопрос. Выберите тему.", options: menu)
        let b = Reply(state: .chooseTopic, text: "Выберите тему.", options: menu)
        #expect(SocketChatBackend.samePlace(a, b))
        #expect(!SocketChatBackend.samePlace(a, Reply(state: .write, text: "Выберите тему.")))
    }
}
