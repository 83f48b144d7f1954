import Foundation
import HelplineDialogue
import Testing

/// At the order step a clear new topic wins over a product word, and every change of topic is said.
struct TopicChangeTests {
    private func atTracking(_ engine: DialogueEngine) -> Conversation {
        var c = Fixture.started(engine)
        Fixture.say(engine, ["2"], in: &c)
        return c
    }

    /// «хочу вернуть наушники, не подошли» at the tracking step: returns, with the headphones taken,
    /// and the reply names the new topic.
    @Test func confidentTopicWinsOverProductWord() throws {
        let text = "хочу вернуть наушники, не подошли"
        let engine = try Fixture.engine([text: Fixture.verdict("returns", 0.95)])
        var c = atTracking(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(c.topic == "returns" && c.order == Fixture.headphones.id && reply.state == .write)
        #expect(reply.text.contains("Тема: Возвраты и возврат денег."))
    }

    /// A switch that lands on another order step says the new topic first.
    @Test func switchToOrderStepIsAnnounced() throws {
        let text = "а вообще хочу оформить возврат"
        let engine = try Fixture.engine([text: Fixture.verdict("returns", 0.95)])
        var c = atTracking(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && c.topic == "returns")
        #expect(reply.text.hasPrefix(engine.prompts.text(.topicChosen, ["topic": "Возвраты и возврат денег"])))
    }

    /// A message that only names an order picks it, whatever topic the matcher leans to.
    @Test func bareTitleStaysAnOrderPick() throws {
        let engine = try Fixture.engine(["наушники": Fixture.verdict("returns", 0.95)])
        var c = atTracking(engine)
        _ = engine.handle("наушники", in: &c, now: Fixture.now)
        #expect(c.topic == "order_tracking" && c.order == Fixture.headphones.id)
    }

    /// A weak guess of another topic does not switch silently: the order is asked for again.
    @Test func weakGuessDoesNotSwitch() throws {
        let text = "не помню номер заказа"
        let engine = try Fixture.engine([text: Fixture.verdict("order_tracking", 0.4)])
        var c = Fixture.started(engine)
        Fixture.say(engine, ["1"], in: &c)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(c.topic == "delivery" && reply.state == .chooseOrder)
    }

    /// Choosing a topic is acknowledged before the order list, whichever way it was chosen.
    @Test(arguments: ["3", "Возвраты и возврат денег", "returns"])
    func topicAcknowledgedBeforeOrders(choice: String) throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        let reply = engine.handle(choice, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder)
        #expect(reply.text.hasPrefix("Тема: Возвраты и возврат денег.\n"))
    }

    /// A topic without an order step named at the message step does not take the order chosen
    /// for the topic before; one with an order step keeps it when it fits.
    @Test func orderStaysWithTopicsThatTakeIt() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["1", "1"], in: &c)
        #expect(c.topic == "delivery" && c.order == Fixture.headphones.id && c.state == .write)
        Fixture.say(engine, ["возврат"], in: &c)
        #expect(c.topic == "returns" && c.order == Fixture.headphones.id && c.state == .write)
        let turn = Fixture.say(engine, ["карта озон"], in: &c)
        #expect(c.topic == "ozon_card" && c.order == nil && c.state == .write)
        #expect(!turn.reply.text.contains(Fixture.headphones.id))
    }

    /// The chosen topic denied in a message that tells more («это не гарантия, я хочу вернуть
    /// деньги») goes to the topic the rest of the message reads as, the message kept; nothing is
    /// filed under the denied topic.
    @Test func deniedTopicAndTheOneMeant() throws {
        let message = "это не гарантия, я хочу вернуть деньги"
        let engine = try Fixture.engine([message: Fixture.verdict("warranty"), "это я хочу вернуть деньги": Fixture.verdict("returns")])
        var c = Fixture.started(engine)
        Fixture.say(engine, ["9", "1"], in: &c)
        #expect(c.topic == "warranty" && c.order == Fixture.headphones.id && c.state == .write)
        let turn = engine.handle(message, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil)
        #expect(c.topic == "returns" && c.order == Fixture.headphones.id && c.state == .write && c.draft == [message])
    }
}
