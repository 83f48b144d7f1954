import Foundation
import HelplineDialogue
import Testing

struct ConversationTests {
    /// A conversation at every step survives a JSON round trip unchanged, and the decoded copy
    /// continues exactly as the original would.
    @Test(arguments: [[String](), ["3"], ["3", "наушники"], ["3", "1", "Сломались"], ["абв", "где"]])
    func codableRoundTrip(path: [String]) throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, path, in: &c)
        let data = try JSONEncoder().encode(c)
        var decoded = try JSONDecoder().decode(Conversation.self, from: data)
        #expect(decoded == c)
        #expect(engine.currentReply(of: decoded) == engine.currentReply(of: c))
        let a = engine.handle("ещё сообщение", in: &c, now: Fixture.now)
        let b = engine.handle("ещё сообщение", in: &decoded, now: Fixture.now)
        #expect(a == b && c == decoded)
    }

    /// The reply encodes with the daemon protocol's field names and values.
    @Test func replyJSONMatchesProtocol() throws {
        let engine = try Fixture.engine(["хочу вернуть": Fixture.verdict("returns", 0.93)])
        var c = Fixture.started(engine)
        let order = engine.handle("хочу вернуть", in: &c, now: Fixture.now).reply
        let orderJSON = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(order)) as? [String: Any])
        #expect(orderJSON["state"] as? String == "choose_order")
        #expect((orderJSON["intent"] as? [String: Any])?["id"] as? String == "returns")
        #expect((orderJSON["intent"] as? [String: Any])?["confidence"] as? Double == 0.93)
        let first = try #require((orderJSON["options"] as? [[String: Any]])?.first)
        #expect(first["key"] as? String == "1" && first["value"] as? String == "11111111-0001" && first["label"] is String)

        let submitted = Fixture.say(engine, ["1", "Текст"], in: &c).reply
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(submitted)) as? [String: Any])
        #expect(json["state"] as? String == "submitted")
        let ticket = try #require(json["ticket"] as? [String: Any])
        #expect(ticket["id"] as? String == "s1-1" && ticket["topic"] as? String == "returns")
        #expect(ticket["order"] as? String == "11111111-0001" && ticket["queue"] as? String == "regular")
        #expect(ticket["eta_minutes"] as? [Int] == [5, 10])
    }

    /// Handling a turn on a copy leaves the original untouched, and equal inputs give equal turns:
    /// the engine keeps no hidden state.
    @Test func valueSemantics() throws {
        let engine = try Fixture.engine()
        let original = Fixture.started(engine)
        var copy = original
        _ = engine.handle("3", in: &copy, now: Fixture.now)
        #expect(original.state == .chooseTopic && copy.state == .chooseOrder)
        var again = original
        var other = original
        #expect(engine.handle("3", in: &again, now: Fixture.now) == engine.handle("3", in: &other, now: Fixture.now))
        #expect(again == other && again == copy)
    }

    /// `currentReply` repeats the last reply and changes nothing.
    @Test func currentReplyRepeats() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        let reply = engine.handle("3", in: &c, now: Fixture.now).reply
        let before = c
        #expect(engine.currentReply(of: c) == reply)
        #expect(c == before)
    }
}
