import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineChat
import Testing

struct InProcessChatBackendTests {
    let profile = Profile(id: "u1", name: "Анна")

    private func backend() throws -> InProcessChatBackend {
        InProcessChatBackend(engine: try DialogueEngine(bundle: .embedded),
                             clock: { Date(timeIntervalSince1970: 1_800_000_000) },
                             sessionID: { "fixed-session" })
    }

    /// A turn or a state before `open` is a `notOpen` error.
    @Test func sayBeforeOpen() async throws {
        let backend = try backend()
        await #expect(throws: ChatBackendError(.notOpen, "Разговор ещё не начат.")) {
            _ = try await backend.say("привет")
        }
    }

    /// `open` uses the injected session id and returns the engine's greeting with the topic menu.
    @Test func openGreets() async throws {
        let backend = try backend()
        let opened = try await backend.open(profile: profile)
        #expect(opened.session == "fixed-session")
        #expect(opened.reply.state == .chooseTopic)
        #expect(!opened.reply.options.isEmpty)
    }

    /// `state` repeats the reply on screen and changes nothing.
    @Test func stateRepeats() async throws {
        let backend = try backend()
        let opened = try await backend.open(profile: profile)
        let first = try await backend.state()
        let second = try await backend.state()
        #expect(first == second)
        #expect(first.reply == opened.reply)
        #expect(first.session == "fixed-session")
    }
}
