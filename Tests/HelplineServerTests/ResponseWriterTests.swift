import Foundation
import HelplineDialogue
import NIOCore
import Testing
@testable import HelplineServer

/// The daemon writes answers without `JSONEncoder`; they must be the very bytes `JSONEncoder` writes.
struct ResponseWriterTests {
    private let codec = ProtocolCodec()

    private func expectSameBytes(_ response: ProtocolResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        buffer.writeStaticString("prefix")
        let written = codec.encodeResponse(response, into: &buffer)
        #expect(written, "\(response)", sourceLocation: sourceLocation)
        let expected = Array("prefix".utf8) + Array(codec.encodeResponse(response))
        let actual = Array(buffer.readableBytesView)
        #expect(actual == expected, "\(String(decoding: actual, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))",
                sourceLocation: sourceLocation)
    }

    /// Every reply of conversations that go through every state (menus, order lists, appeals with
    /// several messages, intents) is written exactly as `JSONEncoder` writes it.
    @Test func repliesOfWholeConversations() throws {
        let engine = try Fixtures.engine()
        let now = Date(timeIntervalSince1970: 1_900_000_123.456)
        let texts = ["2", "1", "Здравствуйте, наушники \"Sony\" не заряжаются\nчто делать?", "ещё вопрос: c:\\путь/к/файлу",
                     "новое обращение", "хочу вернуть чайник", "меню", "какой у вас телефон?", "оператор", "спасибо\t!",
                     "новое обращение", "доставка", "без заказа", "🙂 сообщение\u{2028}с разделителем", "назад", "абвгд"]
        var (conversation, greeting) = engine.start(id: "0123456789abcdef01234567", profile: Fixtures.profile, now: now)
        expectSameBytes(.reply(id: nil, session: conversation.id, greeting))
        var sawTicket = false
        var sawIntent = false
        for (index, text) in texts.enumerated() {
            let reply = engine.handle(text, in: &conversation, now: now).reply
            sawTicket = sawTicket || reply.ticket != nil
            sawIntent = sawIntent || reply.intent != nil
            expectSameBytes(.reply(id: .integer(Int64(index)), session: conversation.id, reply))
        }
        #expect(sawTicket && sawIntent)
    }

    /// Strings with every control character, quotes, backslashes, slashes and non-ASCII text.
    @Test func escapesStringsAsJSONEncoderDoes() {
        var text = ""
        for value in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        text += "\u{7F}\"\\/ ёЁ 🙂 \u{2028}\u{2029}\u{FEFF} é e\u{301}"
        let reply = Reply(state: .write, text: text, options: [ReplyOption(key: "\"", label: text, value: "/")],
                          intent: IntentScore(id: "a\\b", confidence: 0.1 + 0.2))
        expectSameBytes(.reply(id: .string(text), session: "s", reply))
        expectSameBytes(.failure(id: nil, ProtocolError(.badRequest, text)))
    }

    /// Ids of every JSON kind, numbers in every form, and every other answer shape.
    @Test func writesEveryAnswerShapeAndID() {
        let ids: [JSONValue?] = [
            nil, .null, .bool(true), .bool(false), .integer(0), .integer(-42), .integer(.max), .integer(.min),
            .number(1.5), .number(2), .number(1e-7), .number(-0.0), .string(""), .string("идентификатор"),
            .array([.integer(1), .string("x"), .null]), .object(["b": 1, "a": .object(["z": "y", "_": .array([])]), "A": .bool(true)]),
        ]
        let stats = ServerStats(sessions: 3, tickets: 1, connections: 2, uptimeSeconds: 12.345678, turns: 99,
                                rssBytes: 45_678_912, sessionsLoaded: 2, transactions: 7)
        var noMemory = stats
        noMemory.rssBytes = nil
        noMemory.uptimeSeconds = 3
        for id in ids {
            expectSameBytes(.pong(id: id))
            expectSameBytes(.closed(id: id, session: "abc"))
            expectSameBytes(.stats(id: id, stats))
            expectSameBytes(.stats(id: id, noMemory))
            expectSameBytes(.failure(id: id, ProtocolError(.unknownSession, "no open session")))
            expectSameBytes(.reply(id: id, session: "s", Reply(state: .chooseTopic, text: "", options: [])))
        }
        for confidence in [0.0, 1.0, 0.93, 1e-7, 0.123456789012345, .leastNonzeroMagnitude, 123456789.125] {
            expectSameBytes(.reply(id: nil, session: "s", Reply(state: .chooseTopic, text: "t",
                                                                intent: IntentScore(id: "returns", confidence: confidence))))
        }
    }

    /// A number JSON cannot carry is left to `JSONEncoder`'s path (which answers an internal error),
    /// and nothing half-written stays in the buffer.
    @Test func refusesNonFiniteNumbers() {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        buffer.writeStaticString("x")
        let reply = Reply(state: .chooseTopic, text: "t", intent: IntentScore(id: "a", confidence: .nan))
        #expect(!codec.encodeResponse(.reply(id: 1, session: "s", reply), into: &buffer))
        #expect(!codec.encodeResponse(.stats(id: nil, ServerStats(sessions: 0, tickets: 0, connections: 0, uptimeSeconds: .infinity,
                                                                 turns: 0, rssBytes: nil, sessionsLoaded: 0, transactions: 0)),
                                      into: &buffer))
        #expect(Array(buffer.readableBytesView) == Array("x".utf8))
    }
}
