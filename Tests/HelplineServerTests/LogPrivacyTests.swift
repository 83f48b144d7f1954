import Foundation
import HelplineDialogue
@testable import HelplineServer
import NIOConcurrencyHelpers
import HelplineTesting
import Testing

/// What the daemon's logs show of sessions and of values from outside.
struct LogPrivacyTests {
    /// Even at `trace`, logs carry neither session ids (bearer tokens) nor message texts, only a
    /// tag per session that stays the same for its lines.
    @Test func logsNeitherSessionIdsNorTexts() async throws {
        let lines = NIOLockedValueBox<[String]>([])
        let server = try await RunningDaemon.start(logger: CapturingLogHandler.logger(lines))
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        let text = "Секретное сообщение клиента"
        _ = try await fileAppeal(client, session: session, message: text)
        #expect(try await client.close(session: session).ok)
        await client.disconnect()
        try await server.stop()

        let logged = lines.withLockedValue { $0 }
        #expect(logged.contains { $0.contains("session opened") }, "the session's events are logged")
        #expect(!logged.contains { $0.contains(session) }, "no log line holds the session id")
        #expect(!logged.contains { $0.contains(text) }, "no log line holds the message")
        let tag = "\(LogText.session(session))"
        #expect(logged.filter { $0.contains(tag) }.count >= 3, "open, turns and close carry the same tag")
    }

    /// With the desk too: filing, a specialist's reply and question, the customer's follow-up and
    /// closing leave neither texts nor session ids in the logs.
    @Test func deskLogsNeitherSessionIdsNorTexts() async throws {
        let lines = NIOLockedValueBox<[String]>([])
        let server = try await RunningDaemon.start(desk: true, logger: CapturingLogHandler.logger(lines))
        let client = try await server.client()
        let session = try #require(try await client.open(profile: Fixtures.profile).session)
        let texts = ["Секретное сообщение клиента", "Секретный ответ специалиста", "Секретный вопрос специалиста",
                     "Секретное продолжение клиента"]
        let ticket = try await fileAppeal(client, session: session, topic: "delivery", message: texts[0])
        let specialist = try await server.deskClient()
        _ = try await specialist.send(.signIn(.init(id: "sp-secret", name: "Мария", serves: .role("general"))))
        _ = try await specialist.send(.next)
        _ = try await specialist.send(.reply(appeal: ticket.id, text: texts[1]))
        _ = try await specialist.send(.ask(appeal: ticket.id, text: texts[2]))
        _ = try await client.say(session: session, text: texts[3])
        _ = try await client.say(session: session, text: "Спасибо, вопрос решён")
        _ = try await specialist.send(rawLine: Array(#"{"op":"reply","appeal":"\#(ticket.id)","text":"\#(texts[1])"}"#.utf8))
        await specialist.disconnect()
        await client.disconnect()
        try await server.stop()

        let logged = lines.withLockedValue { $0 }
        #expect(logged.contains { $0.contains("desk=filed") }, "the desk's part of turns is logged")
        #expect(!logged.contains { $0.contains(session) }, "no log line holds the session id")
        for text in texts { #expect(!logged.contains { $0.contains(text) }, "no log line holds «\(text)»") }
    }

    /// Values printed from outside are escaped: a control character cannot start a new log line.
    @Test func escapesWhatItPrints() {
        #expect("\(LogText.escaped("a\nb\u{1B}[31m\u{0}"))" == #""a\nb\u{1B}[31m\0""#)
        #expect("\(LogText.escaped("x\r\t\u{85}\u{2028}y"))" == #""x\r\t\u{85}\u{2028}y""#)
        #expect("\(LogText.escaped(#"unknown intent 'delivery' in "a\b""#))" == #""unknown intent 'delivery' in \"a\\b\"""#)
        #expect("\(LogText.escaped("Доставка 🚚"))" == "\"Доставка 🚚\"")
        #expect("\(LogText.session("abc"))".hasPrefix("s-"))
        #expect("\(LogText.session("abc"))".count == 10)
        #expect("\(LogText.session("abc"))" != "\(LogText.session("abd"))")
    }
}
