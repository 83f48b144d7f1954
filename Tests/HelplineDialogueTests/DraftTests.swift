import Foundation
import HelplineDialogue
import Testing

/// A message that tells the problem is kept as the appeal's draft; the customer never types it twice.
struct DraftTests {
    static let story = "сдала наушники по заказу 11111111-0001 две недели назад, деньги так и не вернули"

    private func engine() throws -> DialogueEngine {
        try Fixture.engine([
            Self.story: Fixture.verdict("returns", orderNumbers: ["11111111-0001"]),
            "возврат": Fixture.verdict("returns"),
            "наушники сломались через неделю, хочу вернуть деньги": Fixture.verdict("returns"),
        ])
    }

    /// A story nothing understood is kept all the same, and the reply says so, on the first miss
    /// and on the one that offers a specialist.
    @Test func aStoryNotUnderstoodIsKeptAndSaidSo() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let story = "самсунг так и не вернули деньги за него"
        let first = engine.handle(story, in: &c, now: Fixture.now).reply
        #expect(first.state == .chooseTopic)
        #expect(first.text.contains(engine.prompts.text(.miss)))
        #expect(first.text.contains(engine.prompts.text(.storyKept)))
        #expect(c.draft == [story])
        let again = "ну вот так вышло с этим телефоном опять"
        let second = engine.handle(again, in: &c, now: Fixture.now).reply
        #expect(second.text.contains(engine.prompts.text(.storyKept)))
        #expect(c.draft == [story, again])
        // A short reply kept nothing: nothing is said of keeping it.
        let short = engine.handle("ээ", in: &c, now: Fixture.now).reply
        #expect(!short.text.contains(engine.prompts.text(.storyKept)))
    }

    /// «Отправить» at the topic step with a story kept says it goes once a topic is chosen: the
    /// menu again, not a miss, nothing filed.
    @Test(arguments: ["Отправить", "отправить", "jnghfdbnm"])
    func sendBeforeATopicSaysChooseOne(word: String) throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let story = "самсунг так и не вернули деньги за него"
        _ = engine.handle(story, in: &c, now: Fixture.now)
        let misses = c.misses
        let turn = engine.handle(word, in: &c, now: Fixture.now)
        #expect(turn.reply.state == .chooseTopic && turn.effects.isEmpty)
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.draftUnsent)))
        #expect(c.misses == misses && c.draft == [story])
    }

    /// The story picks the topic and the order, and the message step shows it with «Отправить»;
    /// choosing it files the appeal holding exactly the story.
    @Test func storySentAsIs() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let atWrite = engine.handle(Self.story, in: &c, now: Fixture.now).reply
        #expect(atWrite.state == .write)
        #expect(atWrite.values == [DialogueEngine.sendValue])
        #expect(atWrite.text.contains(Self.story))
        #expect(c.draft == [Self.story])
        let turn = engine.handle("Отправить", in: &c, now: Fixture.now)
        let ticket = try #require(turn.reply.ticket)
        #expect(ticket.messages == [Self.story])
        #expect(ticket.topic == "returns" && ticket.order == Fixture.headphones.id)
        #expect(turn.effects == [.openTicket(ticket)])
        #expect(c.draft == nil)
    }

    /// «Отправить» again once the appeal has gone (a second click) adds nothing to it: the customer
    /// is told the appeal is with a specialist. A message after it is added as usual.
    @Test(arguments: ["Отправить", "отправить.", "  ОТПРАВИТЬ "])
    func sendAgainAddsNothing(word: String) throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let sent = Fixture.say(engine, [Self.story, "Отправить"], in: &c).reply
        let ticket = try #require(sent.ticket)
        let again = engine.handle(word, in: &c, now: Fixture.now)
        #expect(again.effects.isEmpty)
        #expect(again.reply.text.contains("Обращение № \(ticket.id) уже у специалиста"))
        #expect(c.ticket?.messages == [Self.story])
        let added = engine.handle("отправила товар обратно вчера", in: &c, now: Fixture.now)
        #expect(added.effects == [.appendToTicket(id: ticket.id, message: "отправила товар обратно вчера")])
    }

    /// «Отправить» at the message step with no story kept sends nothing: the customer is asked
    /// for the question itself.
    @Test func sendWithNothingKeptAsksForTheQuestion() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let atWrite = Fixture.say(engine, ["возврат", "1"], in: &c).reply
        #expect(atWrite.state == .write && c.draft == nil)
        let turn = engine.handle("отправить", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && turn.reply.state == .write && turn.reply.ticket == nil)
        #expect(turn.reply.text.contains("Напишите, пожалуйста, сам вопрос словами"))
    }

    /// The option's number sends the draft too.
    /// «да», «всё верно» to the draft shown send it as it is; a longer message is still added.
    @Test(arguments: ["да", "Да!", "всё верно", "ок"])
    func confirmationSendsTheDraft(word: String) throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let reply = Fixture.say(engine, [Self.story, word], in: &c).reply
        #expect(reply.ticket?.messages == [Self.story])
    }

    @Test func sendByNumber() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let reply = Fixture.say(engine, [Self.story, "1"], in: &c).reply
        #expect(reply.ticket?.messages == [Self.story])
    }

    /// What is typed at the message step is added after the story: the appeal holds both, in order.
    @Test func additionGoesWithTheStory() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let reply = Fixture.say(engine, [Self.story, "коробка тоже была мятая"], in: &c).reply
        #expect(reply.ticket?.messages == [Self.story, "коробка тоже была мятая"])
    }

    /// A message that only names a topic is not a draft: the message step asks for the question.
    @Test func bareTopicIsNotADraft() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let reply = Fixture.say(engine, ["возврат", "1"], in: &c).reply
        #expect(reply.state == .write && reply.options.isEmpty && c.draft == nil)
        let ticket = engine.handle("Не подошли", in: &c, now: Fixture.now).reply.ticket
        #expect(ticket?.messages == ["Не подошли"])
    }

    /// A story told at the order step (it names the order by a title word) is the draft as well.
    @Test func storyAtTheOrderStep() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        let reply = Fixture.say(engine, ["возврат", "наушники сломались через неделю, хочу вернуть деньги"], in: &c).reply
        #expect(reply.state == .write && c.order == Fixture.headphones.id)
        #expect(c.draft == ["наушники сломались через неделю, хочу вернуть деньги"])
    }

    /// «назад» and «меню» keep the draft; «отмена» drops it.
    @Test func backKeepsCancelDrops() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, [Self.story, "назад"], in: &c)
        #expect(c.draft == [Self.story])
        Fixture.say(engine, ["отмена"], in: &c)
        #expect(c.draft == nil)
        Fixture.say(engine, [Self.story, "меню"], in: &c)
        #expect(c.draft == [Self.story])
        Fixture.say(engine, ["отмена"], in: &c)
        #expect(c.draft == nil)
    }

    /// A story read as an information question but not asked as one is answered and kept whole,
    /// with the order it names, for the topic chosen next; asked as a question, it is only answered.
    @Test(arguments: [("курьер должен был привезти чайник вчера и не позвонил", true),
                      ("как долго ждать ответа по возврату чайника?", false)])
    func storyReadAsAQuestion(text: String, kept: Bool) throws {
        let engine = try Fixture.engine([text: Fixture.verdict("response_time", 0.95)])
        var c = Fixture.started(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.text.hasPrefix("В чате — в среднем 5–10 минут."))
        #expect(reply.text.contains(engine.prompts.text(.storyKept)) == kept)
        #expect(c.draft == (kept ? [text] : nil))
        if kept { #expect(c.order == Fixture.kettle.id) }
    }

    /// A message of greetings and empty words only («здравствуйте, у меня проблема») is no story:
    /// nothing is kept that would reach the specialist as the appeal's first message.
    @Test(arguments: ["здравствуйте у меня проблема", "здравствуйте, у меня есть вопрос", "привет, у меня проблема, помогите пожалуйста"])
    func greetingIsNoStory(text: String) throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        _ = engine.handle(text, in: &c, now: Fixture.now)
        #expect(c.draft == nil && c.state == .chooseTopic)
    }
}
