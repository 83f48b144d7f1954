import Foundation
import HelplineDialogue
import HelplineServer
import NIOCore
import Testing
@testable import HelplineBench

/// The load generator reads the fields its customers follow from the daemon's own answers.
@Suite struct WireReplyTests {
    private func reply(_ line: String) -> WireReply? {
        WireReply(json: ByteBuffer(string: line))
    }

    @Test func readsTheFieldsOfAnAnswerTheCodecWrote() throws {
        let codec = ProtocolCodec()
        let response = ProtocolResponse.reply(id: .integer(7), session: "s-1", Reply(
            state: .chooseTopic, text: "Выберите тему «с кавычками»\n",
            options: [ReplyOption(key: "1", label: "Доставка", value: "delivery"),
                      ReplyOption(key: "2", label: "Возврат", value: "returns")]))
        let line = String(decoding: codec.encodeResponse(response), as: UTF8.self)
        let read = try #require(reply(line))
        #expect(read.ok)
        #expect(read.session == "s-1")
        #expect(read.state == .chooseTopic)
        #expect(read.optionValues == ["delivery", "returns"])
        #expect(read.errorCode == nil)
    }

    @Test func readsAnErrorsCode() throws {
        let failure = ProtocolResponse.failure(id: nil, ProtocolError(.tooManyAppeals, "no more appeals in this chat"))
        let read = try #require(reply(String(decoding: ProtocolCodec().encodeResponse(failure), as: UTF8.self)))
        #expect(!read.ok)
        #expect(read.errorCode == LoadDriver.sessionFull)
        #expect(read.state == nil)
        #expect(read.optionValues.isEmpty)
    }

    @Test func refusesWhatIsNotAnAnswer() {
        #expect(reply("not json") == nil)
        #expect(reply("[1,2]") == nil)
        #expect(reply(#"{"session":"s"}"#) == nil)
        #expect(reply(#"{"ok":"yes"}"#) == nil)
    }
}
