import Foundation
import HelplineDialogue
import Testing

struct ControlWordTests {
    /// Every control word and its slash form is recognised, ignoring case and punctuation.
    @Test(arguments: [
        ("назад", Command.back), ("Назад!", .back), ("/back", .back), ("/BACK", .back),
        ("меню", .menu), ("В начало", .menu), ("/menu", .menu),
        ("отмена", .cancel), ("/cancel", .cancel),
        ("новое обращение", .new), ("/new", .new),
    ])
    func recognised(text: String, command: Command) throws {
        #expect(try Fixture.rules().command(for: text) == command)
    }

    /// Control words count only as a whole message.
    @Test(arguments: ["верните деньги назад", "меню ресторана", "/backup", "", "отмена заказа"])
    func notControlWords(text: String) throws {
        #expect(try Fixture.rules().command(for: text) == nil)
    }

    /// «назад» steps back one step at a time: message → order → topic, and at the start says so.
    @Test func backChain() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["3", "1"], in: &c)
        #expect(c.state == .write)
        let toOrders = engine.handle("назад", in: &c, now: Fixture.now).reply
        #expect(toOrders.state == .chooseOrder && c.topic == "returns" && c.order == nil)
        #expect(toOrders.text.hasPrefix(engine.prompts.text(.backToOrders)))
        #expect(toOrders.values.last == DialogueEngine.noOrderValue)
        let toTopics = engine.handle("/back", in: &c, now: Fixture.now).reply
        #expect(toTopics.state == .chooseTopic && c.topic == nil)
        #expect(toTopics.text.hasPrefix(engine.prompts.text(.backToTopics)))
        let atStart = engine.handle("Назад", in: &c, now: Fixture.now).reply
        #expect(atStart.state == .chooseTopic && atStart.options.count == 14)
        #expect(atStart.text.hasPrefix(engine.prompts.text(.backAtStart)))
    }

    /// From a message step reached without an order step, «назад» returns to the topics.
    @Test func backFromWriteWithoutOrderStep() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["5"], in: &c)
        #expect(engine.handle("назад", in: &c, now: Fixture.now).reply.state == .chooseTopic)
    }

    /// From ambiguity options, «назад» brings the full menu back.
    @Test func backFromAmbiguity() throws {
        let engine = try Fixture.engine(["x": Fixture.verdict("returns", 0.5, alternatives: [("payment", 0.5)], ambiguous: true)])
        var c = Fixture.started(engine)
        #expect(engine.handle("x", in: &c, now: Fixture.now).reply.options.count == 2)
        #expect(engine.handle("назад", in: &c, now: Fixture.now).reply.options.count == 14)
    }

    /// «отмена» drops the draft (topic and order) from the order and message steps.
    @Test(arguments: [["3"], ["3", "1"], ["5"]])
    func cancelDropsDraft(path: [String]) throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, path, in: &c)
        let turn = engine.handle("отмена", in: &c, now: Fixture.now)
        #expect(turn.reply.state == .chooseTopic && c.topic == nil && c.order == nil && turn.effects.isEmpty)
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.cancelled)))
    }

    /// «отмена» with nothing chosen says there is nothing to cancel; with a noted order it drops it.
    @Test func cancelAtStart() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        #expect(engine.handle("/cancel", in: &c, now: Fixture.now).reply.text.hasPrefix(engine.prompts.text(.nothingToCancel)))
        _ = engine.handle("11111111-0001", in: &c, now: Fixture.now)
        #expect(engine.handle("отмена", in: &c, now: Fixture.now).reply.text.hasPrefix(engine.prompts.text(.cancelled)))
        #expect(c.order == nil)
    }

    /// «меню», «в начало» and «новое обращение» return to the topic menu from every state.
    @Test(arguments: [[String](), ["3"], ["3", "2"], ["3", "2", "Текст"]], ["меню", "в начало", "/menu", "новое обращение"])
    func menuFromEveryState(path: [String], word: String) throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, path, in: &c)
        let reply = engine.handle(word, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && reply.options.count == 14)
        #expect(c.topic == nil && c.order == nil && c.ticket == nil && c.misses == 0)
        #expect(reply.text.hasSuffix(engine.prompts.text(.menu)))
    }

    /// «меню» is a way to another topic, not a cancel: a story kept as the draft stays, and the
    /// reply says so; the next topic's message step shows it. «отмена» deletes it.
    @Test func menuKeepsTheDraft() throws {
        let story = "курьер нахамил мне при доставке наушников, бросил коробку и ушёл"
        let engine = try Fixture.engine([story: Fixture.verdict("delivery")])
        var c = Fixture.started(engine)
        Fixture.say(engine, [story], in: &c)
        #expect(c.draft == [story])
        let reply = engine.handle("меню", in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && c.draft == [story])
        #expect(reply.text.hasPrefix(engine.prompts.text(.toMenu) + "\n" + engine.prompts.text(.storyKept)))
        Fixture.say(engine, ["11", "1"], in: &c)
        #expect(c.state == .write && c.draft == [story] && c.options.map(\.value) == [DialogueEngine.sendValue])
        Fixture.say(engine, ["отмена"], in: &c)
        #expect(c.draft == nil)
    }

    /// «новое обращение» before an appeal is filed starts from the menu with the draft kept, and says so.
    @Test func newAppealKeepsTheDraft() throws {
        let story = "курьер нахамил мне при доставке наушников, бросил коробку и ушёл"
        let engine = try Fixture.engine([story: Fixture.verdict("delivery")])
        var c = Fixture.started(engine)
        Fixture.say(engine, [story], in: &c)
        let reply = engine.handle("новое обращение", in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && c.draft == [story])
        #expect(reply.text.hasPrefix(engine.prompts.text(.newAppeal) + "\n" + engine.prompts.text(.storyKept)))
    }

    /// In the message step control words are read; everything else is the message.
    @Test func controlWordsInWrite() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["5"], in: &c)
        #expect(engine.handle("МЕНЮ", in: &c, now: Fixture.now).reply.state == .chooseTopic)
        Fixture.say(engine, ["5"], in: &c)
        let turn = engine.handle("меню не открывается в приложении", in: &c, now: Fixture.now)
        #expect(turn.reply.state == .submitted)
        #expect(turn.reply.ticket?.messages == ["меню не открывается в приложении"])
    }

    /// After an appeal, a new-appeal phrase with a message after it starts a new appeal and reads
    /// the rest at the topic step: nothing is added to the filed appeal.
    @Test(arguments: ["Новое обращение: хочу вернуть книгу", "у меня другой вопрос — хочу вернуть книгу",
                      "новый вопрос, хочу вернуть книгу"])
    func newAppealWithAMessage(message: String) throws {
        let rest = "хочу вернуть книгу"
        let engine = try Fixture.engine(["курьер не привёз заказ": Fixture.verdict("delivery"), rest: Fixture.verdict("returns")])
        var c = Fixture.started(engine)
        Fixture.say(engine, ["курьер не привёз заказ", "1", "курьер не привёз заказ, который обещали вчера"], in: &c)
        #expect(c.state == .submitted && c.ticket != nil)
        let turn = engine.handle(message, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil)
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.newAppeal) + "\n"))
        // The rest is read as at the topic step: the topic and the order it names are taken.
        #expect(c.topic == "returns" && c.order == Fixture.book.id && c.state == .write)
    }

    /// The phrase counts only at the start of a message, followed by more words, not taken back
    /// by «не» after it.
    @Test(arguments: ["добавлю: новое обращение создавать не буду", "новое обращение!!!",
                      "новое обращение не надо, просто добавлю: курьер звонил, но не приехал"])
    func newAppealPhraseElsewhere(message: String) throws {
        let engine = try Fixture.engine(["курьер не привёз заказ": Fixture.verdict("delivery")])
        var c = Fixture.started(engine)
        Fixture.say(engine, ["курьер не привёз заказ", "1", "курьер не привёз заказ, который обещали вчера"], in: &c)
        let turn = engine.handle(message, in: &c, now: Fixture.now)
        if !message.hasSuffix("!!!") {
            #expect(turn.effects == [.appendToTicket(id: "s1-1", message: message)] && c.state == .submitted)
        } else {
            #expect(turn.effects.isEmpty && c.state == .chooseTopic && c.ticket == nil)
        }
    }

    /// The words of a message are counted as runs of letters and digits; what follows is cut as written.
    @Test(arguments: [("Новое обращение: по чайнику!", 2, "по чайнику!"), ("новое обращение", 2, nil),
                      ("У меня ещё вопрос — где заказ 123?", 4, "где заказ 123?"), ("новое обращение ...", 2, nil)])
    func textAfterWords(text: String, count: Int, rest: String?) {
        #expect(DialogueEngine.text(text, afterWords: count) == rest)
    }
}
