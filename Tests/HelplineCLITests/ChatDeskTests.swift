import Foundation
import HelplineChat
import HelplineDesk
import HelplineDialogue
import HelplineFiles
import HelplineIntents
import HelplineServer
import HelplineTesting
import Testing
@testable import HelplineCLI

/// The in-process chat's desk (`helpline chat --desk-socket`), in the test's own process: the
/// chat's backend gets a specialist's reply pushed as a notice, the way the terminal shows it.
struct ChatDeskTests {
    @Test func replyReachesTheChatBackendAsANotice() async throws {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.deskSocketPath
        let engine = try WorkingTree.engine()
        let chatDesk = try await ChatDesk.start(deskSocket: deskSocket, engine: engine, bundle: .embedded)
        let (notices, arrived) = AsyncStream.makeStream(of: CustomerEventLine.self)
        let backend = SocketChatBackend(path: chatDesk.customerSocket, notices: { arrived.yield($0) })
        _ = try await backend.open(profile: try Profile.demo(in: .embedded))
        for line in ["доставка", "1", "Курьер не приехал в назначенный день."] { _ = try await backend.say(line) }

        let desk = try await DeskClient.connect(to: deskSocket)
        _ = try await desk.send(.signIn(.init(id: "sp-1", name: "Олег", serves: .role("general"))))
        guard case .appeal(let view?) = try await desk.send(.next) else { throw TestFailure("nothing to take") }
        _ = try await desk.send(.reply(appeal: view.appeal.id, text: "Курьер приедет завтра."))
        var reply: CustomerNotice?
        for await line in notices where line.notice.kind == .reply {
            reply = line.notice
            break
        }
        #expect(reply?.message == "Курьер приедет завтра.")
        #expect(reply?.appeal == view.appeal.id)
        await desk.disconnect()
        await backend.close()
        await chatDesk.stop()
        #expect(!FileManager.default.fileExists(atPath: deskSocket))
        #expect(!FileManager.default.fileExists(atPath: chatDesk.customerSocket))
    }
}
