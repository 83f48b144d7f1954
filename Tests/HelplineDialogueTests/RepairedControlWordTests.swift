import Foundation
import HelplineDialogue
import Testing

/// Control words and option picks pass through the same repairs as free text: wrong keyboard
/// layout, transliteration and typos.
struct RepairedControlWordTests {
    /// At the message step a repaired control word acts and files nothing.
    @Test(arguments: [
        ("yfpfl", DialogueState.chooseOrder), ("nazad", .chooseOrder), ("назат", .chooseOrder),
        ("vty.", .chooseTopic), ("menu", .chooseTopic), ("мню", .chooseTopic), ("Vty.", .chooseTopic),
        ("jnvtyf", .chooseTopic), ("otmena", .chooseTopic), ("yjdjt j,hfotybt", .chooseTopic),
    ])
    func atTheMessageStep(text: String, state: DialogueState) throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["3", "1"], in: &c)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.reply.state == state)
        #expect(turn.effects.isEmpty && c.ticket == nil)
    }

    /// «menu» at the order step goes to the menu instead of «Не удалось определить заказ».
    @Test func menuAtTheOrderStep() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["3"], in: &c)
        let reply = engine.handle("menu", in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && c.topic == nil)
        #expect(!reply.text.contains(engine.prompts.text(.orderUnrecognized)))
    }

    /// After the appeal, a repaired control word is not appended to it.
    @Test(arguments: ["vty.", "yfpfl", "yjdjt j,hfotybt", "новое обращенье"])
    func afterTheAppeal(text: String) throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["3", "1", "Не работает"], in: &c)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.reply.state == .chooseTopic && turn.effects.isEmpty)
    }

    /// Options are picked in the wrong layout or with a typo: «Без заказа», «Отправить».
    @Test func optionsInTheWrongLayout() throws {
        let story = "сдала наушники две недели назад, деньги так и не вернули"
        let engine = try Fixture.engine([story: Fixture.verdict("returns")])
        var c = Fixture.started(engine)
        Fixture.say(engine, ["3", ",tp pfrfpf"], in: &c)
        #expect(c.state == .write && c.order == nil)
        Fixture.say(engine, ["меню", story, "jnghfdbnm"], in: &c)
        #expect(c.state == .submitted && c.ticket?.messages == [story])
    }

    /// Known words are never read as a typo of a control word; slash forms stay as they are.
    @Test(arguments: ["меня", "назло", "вперед"])
    func knownWordsStayMessages(text: String) throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["3", "1"], in: &c)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.reply.state == .submitted && turn.reply.ticket?.messages == [text])
    }

    @Test func slashFormsStay() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["3", "1"], in: &c)
        #expect(engine.handle("/menu", in: &c, now: Fixture.now).reply.state == .chooseTopic)
    }
}
