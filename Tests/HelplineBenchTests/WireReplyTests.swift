import Foundation
import HelplineDialogue
import HelplineServer
import Testing
@testable import HelplineBench

/// The load generator reads the fields its customers follow from the daemon's own answers.
@Suite struct WireReplyTests {
    private func read(_ response: ProtocolResponse) throws -> WireReply {
        try JSONDecoder().decode(WireReply.self, from: ProtocolCodec().encodeResponse(response))
    }

    @Test func readsTheFieldsOfAnAnswerTheCodecWrote() throws {
        let response = ProtocolResponse.reply(id: .integer(7), session: "s-1", Reply(
            state: .chooseTopic, text: "Выберите тему «с кавычками»\n",
            options: [ReplyOption(key: "1", label: "Доставка", value: "delivery"),
                      ReplyOption(key: "2", label: "Возврат", value: "returns")]))
        let reply = try read(response)
        #expect(reply.ok)
        #expect(reply.session == "s-1")
        #expect(reply.state == .chooseTopic)
        #expect(reply.options?.map(\.value) == ["delivery", "returns"])
        #expect(reply.error == nil)
    }

    /// The refusal after which a simulated customer opens a new chat is recognised by its code.
    @Test func readsAnErrorsCode() throws {
        let failure = ProtocolResponse.failure(id: nil, ProtocolError(.tooManyAppeals, "no more appeals in this chat"))
        let reply = try read(failure)
        #expect(!reply.ok)
        #expect(reply.error?.code == LoadDriver.sessionFull)
        #expect(reply.state == nil)
    }
}
