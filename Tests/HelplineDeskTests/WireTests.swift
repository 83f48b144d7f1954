import Foundation
import HelplineDesk
import HelplineDialogue
import Testing

/// The desk protocol's shapes: requests, answers, events, as JSON lines.
struct WireTests {
    private func decode(_ line: String) throws -> DeskRequest {
        try JSONDecoder().decode(DeskRequest.self, from: Data(line.utf8))
    }

    private func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Every op decodes to its request and encodes back to the same line.
    @Test(arguments: [
        #"{"op":"sign_in","specialist":{"id":"sp-7","name":"Мария","role":"seller"}}"#,
        #"{"op":"sign_in","specialist":{"id":"sp-8","name":"Олег","serves":[{"queues":["travel_priority","regular"],"topics":["travel"]}]}}"#,
        #"{"op":"sign_out"}"#,
        #"{"op":"overview"}"#,
        #"{"op":"next"}"#,
        #"{"op":"show","appeal":"3141-5926"}"#,
        #"{"appeal":"3141-5926","op":"reply","text":"Курьер приедет завтра с 10 до 14."}"#,
        #"{"appeal":"3141-5926","op":"ask","text":"Пришлите, пожалуйста, фото упаковки."}"#,
        #"{"appeal":"3141-5926","op":"transfer","queue":"travel_priority","topic":"travel"}"#,
        #"{"appeal":"3141-5926","op":"transfer","queue":"regular"}"#,
        #"{"appeal":"3141-5926","op":"release"}"#,
        #"{"appeal":"3141-5926","op":"close"}"#,
        #"{"op":"ping"}"#,
    ])
    func requestsRoundTrip(line: String) throws {
        let request = try decode(line)
        #expect(DeskRequest.ops.contains(request.op))
        let back = try json(request)
        #expect(try decode(back) == request)
        #expect(try JSONSerialization.jsonObject(with: Data(back.utf8)) as? NSDictionary
            == JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary)
    }

    /// A bad request is refused naming the field and the rule, never the value.
    @Test(arguments: [
        (#"{"op":"hello"}"#, "`op`: unknown op; known: sign_in, sign_out"),
        (#"{"op":"show"}"#, "missing key `appeal`"),
        (#"{"op":"reply","appeal":"1"}"#, "missing key `text`"),
        (#"{"op":"reply","appeal":"","text":"x"}"#, "`appeal`: must be 1 to 64 bytes"),
        (#"{"op":"transfer","appeal":"1"}"#, "`topic`: a transfer needs `topic`, `queue` or both"),
        (#"{"op":"transfer","appeal":"1","queue":"vip"}"#, "`queue`"),
        (#"{"op":"sign_in","specialist":{"id":"sp-1","name":"Мария"}}"#, "`specialist.role`: give either `role` or `serves`"),
        (#"{"op":"sign_in","specialist":{"id":"sp-1","name":"","role":"seller"}}"#, "`specialist.name`: must be 1 to 200"),
        (#"{"op":"sign_in","specialist":{"id":"sp-1","name":"Мария","serves":[{"topic":["travel"]}]}}"#,
         "`specialist.serves[0].topic`: unknown key"),
        (#"{"op":"sign_in","specialist":{"id":"sp-1","name":"Мария","serves":[]}}"#, "`specialist.serves`: serves nothing"),
        (#"{"op":"sign_in","specialist":{"id":"sp-1","name":"Мария","serves":["#
            + Array(repeating: #"{"queues":["regular"]}"#, count: 65).joined(separator: ",") + "]}}",
         "`specialist.serves`: must be at most 64 lines"),
        (#"{"op":"reply","appeal":"1","text":"a\u0000b"}"#, "`text`: contains NUL"),
    ])
    func badRequestsNameTheField(line: String, expected: String) {
        #expect {
            try decode(line)
        } throws: { error in
            guard let error = error as? DecodingError else { return false }
            let message = DeskRequest.describe(error)
            return message.contains(expected) && !message.contains("Мария")
        }
    }

    /// A text over 4,000 characters is refused; exactly 4,000 is fine.
    @Test func textLimit() throws {
        let fits = String(repeating: "я", count: 4_000)
        #expect(try decode(#"{"op":"reply","appeal":"1","text":"\#(fits)"}"#) == .reply(appeal: "1", text: fits))
        #expect(throws: DecodingError.self) { try decode(#"{"op":"reply","appeal":"1","text":"\#(fits)я"}"#) }
    }

    /// Answers carry `ok`; the server's `id` goes into the same object; failures carry the code.
    @Test func answers() throws {
        struct Envelope: Encodable {
            var id: Int
            var answer: DeskAnswer
            enum Keys: String, CodingKey { case id }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(id, forKey: .id)
                try answer.encode(to: encoder)
            }
        }
        #expect(try json(Envelope(id: 1, answer: .pong)) == #"{"id":1,"ok":true,"pong":true}"#)
        #expect(try json(Envelope(id: 2, answer: .appeal(nil))) == #"{"appeal":null,"id":2,"ok":true}"#)
        #expect(try json(Envelope(id: 3, answer: .failure(DeskError(.notYours, "another specialist has the appeal"))))
            == #"{"error":{"code":"not_yours","message":"another specialist has the appeal"},"id":3,"ok":false}"#)
        let signedIn = DeskAnswer.signedIn(Specialist(id: "sp-1", name: "Мария", role: "general",
                                                      scope: try #require(Fixture.rules.roles["general"])), holding: [])
        for answer in [signedIn, .pong, .signedOut, .appeal(nil), .failure(DeskError(.unknownAppeal, "no appeal")),
                       .overview(try Fixture.desk([Fixture.appeal("a")]).overview(for: nil, now: Fixture.at(1)))] {
            #expect(try JSONDecoder().decode(DeskAnswer.self, from: Data(json(answer).utf8)) == answer)
        }
    }

    /// An appeal as `show` answers it: the whole conversation, and never the customer's session.
    @Test func appealViewHidesTheSession() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        let taken = try #require(try desk.takeNext(specialist: "sp-1", now: Fixture.at(1)).appeal)
        let line = try json(DeskAnswer.appeal(AppealView(taken)))
        #expect(!line.contains("session"))
        #expect(line.contains(#""conversation":[{"at":"2026-05-28T20:26:40.000Z","kind":"customer","text":"Курьер не приехал."}"#))
        guard case .appeal(let view)? = try? JSONDecoder().decode(DeskAnswer.self, from: Data(line.utf8)) else {
            Issue.record("not an appeal answer")
            return
        }
        var expected = taken
        expected.session = ""
        expected.sequence = 0
        #expect(view?.appeal == expected)
    }

    /// Event lines have `event` and no `ok` or `id`: a client cannot take them for answers.
    @Test func eventLines() throws {
        let summary = AppealSummary(Fixture.appeal("a"))
        let events: [DeskEvent] = [
            .newAppeal(summary, reason: .filed),
            .followUp(appeal: "a", DeskEntry(.customer, text: "Ещё вопрос", at: Fixture.at(1))),
            .closedByCustomer(appeal: "a", at: Fixture.at(2)),
        ]
        for event in events {
            let line = try json(DeskEventLine(event))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["event"] is String && object["ok"] == nil && object["id"] == nil)
            #expect(try JSONDecoder().decode(DeskEventLine.self, from: Data(line.utf8)).event == event)
        }
        #expect(try json(DeskEventLine(events[2])) == #"{"appeal":"a","at":"2026-05-28T20:28:40.000Z","event":"closed_by_customer"}"#)
    }

    /// The customer's notice line: `event` «notice», the session it is for, the text to show.
    @Test func customerEventLine() throws {
        let notice = CustomerNotice(appeal: "3141-5926", kind: .reply, text: "Ответ специалиста (Мария) по обращению № 3141-5926:\nГотово.",
                                    message: "Готово.", specialist: "Мария", at: Fixture.at(0))
        let line = try json(CustomerEventLine(session: "s1", notice: notice))
        #expect(line == #"{"appeal":"3141-5926","at":"2026-05-28T20:26:40.000Z","event":"notice","kind":"reply","message":"Готово.","#
            + #""session":"s1","specialist":"Мария","text":"Ответ специалиста (Мария) по обращению № 3141-5926:\nГотово."}"#)
        #expect(try JSONDecoder().decode(CustomerEventLine.self, from: Data(line.utf8))
            == CustomerEventLine(session: "s1", notice: notice))
    }

    /// The desk's state survives a JSON round trip (what a store keeps) and serves the same order after it.
    @Test func stateRoundTrip() throws {
        var desk = try Fixture.desk([
            Fixture.appeal("a", minutes: 0), Fixture.appeal("b", minutes: 0),
            Fixture.appeal("p", queue: .premiumSeller, minutes: 0.5), Fixture.appeal("c", minutes: 1),
        ], specialists: [("sp-1", "general")])
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(2))
        _ = try desk.reply(appeal: "p", specialist: "sp-1", text: "Готово", now: Fixture.at(3))
        let data = try JSONEncoder().encode(desk.state)
        let state = try JSONDecoder().decode(DeskState.self, from: data)
        #expect(state == desk.state)
        var reloaded = Desk(rules: Fixture.rules, state: state)
        #expect(try reloaded.takeAll("sp-1", now: Fixture.at(4)) == ["a", "b", "c"])
        _ = try reloaded.file(Fixture.appeal("d", minutes: 5), at: Fixture.at(5))
        #expect(reloaded.appeals["d"]?.sequence == 5)
    }
}
