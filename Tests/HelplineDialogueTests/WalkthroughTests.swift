import Foundation
import HelplineDialogue
import Testing

struct WalkthroughTests {
    /// A reply a user can act on: text with every placeholder filled, and options where a choice is asked.
    private func checkUsable(_ reply: Reply, _ context: String) {
        #expect(!reply.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "empty text: \(context)")
        #expect(reply.text.firstMatch(of: #/\{[a-z_]+\}/#) == nil, "unfilled placeholder: \(context): \(reply.text)")
        if reply.state == .chooseTopic || reply.state == .chooseOrder {
            #expect(!reply.options.isEmpty, "no options: \(context)")
            #expect(Set(reply.options.map(\.key)).count == reply.options.count, "duplicate keys: \(context)")
        }
        #expect((reply.state == .submitted) == (reply.ticket != nil), "ticket only when submitted: \(context)")
    }

    /// Every topic can be chatted through to an appeal and back to the menu, with and without orders,
    /// and at every step «назад» leads back and «меню» leads home: no dead ends.
    @Test(arguments: 1...14, [true, false])
    func everyTopicEndToEnd(topic: Int, withOrders: Bool) throws {
        let engine = try Fixture.engine()
        let profile = withOrders ? Fixture.customer() : Fixture.customer(orders: [])
        var (c, greeting) = engine.start(id: "w", profile: profile, now: Fixture.now)
        checkUsable(greeting, "greeting")
        var seen: [DialogueState] = [.chooseTopic]

        var reply = engine.handle(String(topic), in: &c, now: Fixture.now).reply
        checkUsable(reply, "topic \(topic)")
        #expect(reply.state == .chooseOrder || reply.state == .write)
        if reply.state == .chooseOrder {
            #expect(withOrders)
            seen.append(.chooseOrder)
            try checkWayBack(engine, c, expected: .chooseTopic)
            reply = engine.handle("1", in: &c, now: Fixture.now).reply
            checkUsable(reply, "order of topic \(topic)")
        }
        #expect(reply.state == .write)
        try checkWayBack(engine, c, expected: seen.last ?? .chooseTopic)
        reply = engine.handle("Помогите, пожалуйста, не могу разобраться сама", in: &c, now: Fixture.now).reply
        checkUsable(reply, "message of topic \(topic)")
        #expect(reply.state == .submitted && reply.ticket?.topic == Fixture.topicTable[topic - 1].id)
        try checkWayBack(engine, c, expected: .chooseTopic)
        reply = engine.handle("новое обращение", in: &c, now: Fixture.now).reply
        checkUsable(reply, "new appeal after topic \(topic)")
        #expect(reply.state == .chooseTopic && reply.options.count == 14)
    }

    /// «назад» from this state lands on `expected`, and «меню» on the topic menu, without touching `c`.
    private func checkWayBack(_ engine: DialogueEngine, _ c: Conversation, expected: DialogueState) throws {
        var back = c
        let reply = engine.handle("назад", in: &back, now: Fixture.now).reply
        checkUsable(reply, "back from \(c.state)")
        #expect(reply.state == expected, "back from \(c.state)")
        var home = c
        #expect(engine.handle("меню", in: &home, now: Fixture.now).reply.state == .chooseTopic)
    }

    /// Hostile and odd input in every state never crashes and always gets a usable reply.
    @Test(arguments: [[String](), ["3"], ["3", "1"], ["3", "1", "Текст"], ["абв", "где"]])
    func oddInputEverywhere(path: [String]) throws {
        let engine = try Fixture.engine()
        var generator = SplitMix(seed: 42)
        var inputs = ["", " ", "\u{0}", "\u{200B}", "{name}", "{ticket", "}", "№", "-", "/", "//", "/unknown",
                      "1", "0", "-1", "999", String(repeating: "1", count: 200), "12345678-", "12345678-00012",
                      String(repeating: "а", count: 10_000), "👍🏽👍🏽", "é", "\u{0301}", "שלום", "без", "назад назад",
                      "11111111-0001 11111111-0002", "\r\n", "NaN", "Infinity"]
        let alphabet = Array("абвгдеёжз ijk 0123456789-№/{}.,!?\n😀")
        for _ in 0..<40 {
            let length = Int(generator.next() % 30)
            inputs.append(String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
        }
        for input in inputs {
            var c = Fixture.started(engine)
            Fixture.say(engine, path, in: &c)
            let turn = engine.handle(input, in: &c, now: Fixture.now)
            checkUsable(turn.reply, "input \(input.prefix(20).debugDescription) after \(path)")
            #expect(turn.reply.state == c.state && turn.reply == engine.currentReply(of: c))
            for effect in turn.effects {
                switch effect {
                case .openTicket(let ticket): #expect(ticket.messages == [input])
                case .appendToTicket(_, let message): #expect(message == input)
                }
            }
        }
    }

    /// A conversation restored from an inconsistent record (a state without its topic or appeal)
    /// recovers to the menu instead of failing.
    @Test(arguments: [DialogueState.chooseOrder, .submitted])
    func inconsistentRecordRecovers(state: DialogueState) throws {
        let engine = try Fixture.engine()
        var c = Conversation(id: "broken", profile: Fixture.customer())
        c.state = state
        let reply = engine.handle("1", in: &c, now: Fixture.now).reply
        checkUsable(reply, "recovery from \(state)")
        #expect(reply.state == .chooseTopic)
    }

    /// A message step without a topic (a hand-made record) still makes an appeal, with the general topic.
    @Test func writeWithoutTopic() throws {
        let engine = try Fixture.engine()
        var c = Conversation(id: "hand", profile: Fixture.customer())
        c.state = .write
        let turn = engine.handle("Текст", in: &c, now: Fixture.now)
        #expect(turn.reply.ticket?.topic == "general")
    }
}

/// A small deterministic generator for reproducible odd input.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
