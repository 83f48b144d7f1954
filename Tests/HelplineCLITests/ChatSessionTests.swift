import Foundation
import HelplineChat
import HelplineDesk
import HelplineDialogue
import HelplineTranscripts
import Testing
@testable import HelplineCLI

/// A backend that answers each message with its text in a fixed reply, and can be told to forget
/// the session once.
private actor EchoBackend: ChatBackend {
    private(set) var said: [String] = []
    private(set) var opened = 0
    var forgetNext = false

    func open(profile: Profile) async throws -> SessionReply {
        opened += 1
        return SessionReply(session: "s\(opened)", reply: Reply(state: .chooseTopic, text: "Привет, \(profile.name)!", options: [
            ReplyOption(key: "1", label: "Доставка", value: "delivery"),
        ]))
    }

    func say(_ text: String) async throws -> Reply {
        if forgetNext {
            forgetNext = false
            throw ChatBackendError(.sessionLost, "unknown session")
        }
        said.append(text)
        return Reply(state: .write, text: "Вы сказали: \(text)")
    }

    func state() async throws -> SessionSnapshot {
        SessionSnapshot(session: "s\(opened)", reply: Reply(state: .write, text: "…"), topic: "delivery", order: "1-1")
    }

    func close() async {}

    func setForgetNext() { forgetNext = true }
}

/// A screen that keeps what it was asked to show.
private final class CapturingScreen: ChatScreen {
    var replies: [Reply] = []
    var notices: [String] = []
    var problems: [String] = []

    func show(reply: Reply, session: String) { replies.append(reply) }
    func show(notice: String) { notices.append(notice) }
    func show(problem: String) { problems.append(problem) }
    func text(for notice: CustomerEventLine) -> String { notice.notice.text + "\n" }
}

struct ChatSessionTests {
    private func makeSession(stopOnFailure: Bool = false) -> (ChatSession, EchoBackend, CapturingScreen) {
        let backend = EchoBackend()
        let screen = CapturingScreen()
        let session = ChatSession(backend: backend, screen: screen, profile: Profile(id: "u1", name: "Анна"),
                                  profileFile: nil, transcriptProfileFile: "demo-profile.yaml",
                                  stopOnFailure: stopOnFailure, clock: { Date(timeIntervalSince1970: 1_800_000_000) })
        return (session, backend, screen)
    }

    /// Messages go to the backend trimmed, their replies reach the screen, and blank lines do nothing.
    @Test func messagesBecomeTurns() async throws {
        let (session, backend, screen) = makeSession()
        try await session.start(recordTo: nil)
        #expect(await session.handle("  где мой заказ  ") == .proceed)
        #expect(await session.handle("   ") == .proceed)
        #expect(await backend.said == ["где мой заказ"])
        #expect(screen.replies.map(\.text) == ["Привет, Анна!", "Вы сказали: где мой заказ"])
        #expect(session.optionLabels.isEmpty)
    }

    /// /menu, /back and /cancel are turns the engine understands; /quit ends the loop.
    @Test func navigationCommandsAreTurns() async throws {
        let (session, backend, _) = makeSession()
        try await session.start(recordTo: nil)
        _ = await session.handle("/menu")
        _ = await session.handle("/back")
        _ = await session.handle("/cancel")
        #expect(await backend.said == ["/menu", "/back", "/cancel"])
        #expect(await session.handle("/quit") == .quit)
    }

    /// /state shows labels, not ids: the topic's menu label and the order's number with its title.
    @Test func stateShowsLabels() async throws {
        let backend = EchoBackend()
        let screen = CapturingScreen()
        let profile = Profile(id: "u1", name: "Анна", orders: [Order(id: "1-1", title: "Чайник")])
        let session = ChatSession(backend: backend, screen: screen, profile: profile, profileFile: nil,
                                  transcriptProfileFile: nil, stopOnFailure: false, topicTitles: ["delivery": "Доставка"])
        try await session.start(recordTo: nil)
        _ = await session.handle("/state")
        #expect(screen.notices[0].contains("Тема: Доставка"))
        #expect(screen.notices[0].contains("Заказ: № 1-1 (Чайник)"))
    }

    /// /state shows step, topic and order; /profile the customer; an unknown command is a problem, not a turn.
    @Test func informationCommands() async throws {
        let (session, backend, screen) = makeSession()
        try await session.start(recordTo: nil)
        _ = await session.handle("/state")
        _ = await session.handle("/profile")
        _ = await session.handle("/nope")
        #expect(screen.notices[0].contains("Шаг: сообщение специалисту"))
        #expect(screen.notices[0].contains("Тема: delivery"))
        #expect(screen.notices[0].contains("Заказ: 1-1"))
        #expect(screen.notices[1].contains("Анна"))
        #expect(screen.problems == [ChatStrings.unknownCommand("/nope")])
        #expect(await backend.said.isEmpty)
    }

    /// /record started midway writes the conversation from its start, then every later turn.
    @Test func recordingMidwayKeepsTheWholeConversation() async throws {
        let (session, _, screen) = makeSession()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chat-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await session.start(recordTo: nil)
        _ = await session.handle("первое")
        _ = await session.handle("/record \(path)")
        _ = await session.handle("второе")
        await session.finish()
        #expect(screen.notices.last == ChatStrings.recordingTo(path))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let userLines = text.split(separator: "\n").filter { $0.hasPrefix("> ") }
        #expect(userLines == ["> первое", "> второе"])
        #expect(text.contains("< Привет, Анна!"))
        #expect(text.contains("profile: demo\n"))
    }

    /// A session the backend forgot is reopened and the user told; piped use stops there.
    @Test func lostSessionIsReopened() async throws {
        let (session, backend, screen) = makeSession()
        try await session.start(recordTo: nil)
        await backend.setForgetNext()
        #expect(await session.handle("привет") == .proceed)
        #expect(await backend.opened == 2)
        #expect(session.session == "s2")
        #expect(screen.problems == [ChatStrings.sessionLost])

        let (piped, pipedBackend, _) = makeSession(stopOnFailure: true)
        try await piped.start(recordTo: nil)
        await pipedBackend.setForgetNext()
        #expect(await piped.handle("привет") == .failed)
    }
}
