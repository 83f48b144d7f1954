import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

/// Replies read as a person would write them: no repeated or contradictory sentences.
struct WordingTests {
    private func submitted(_ engine: DialogueEngine, orderless: Bool = false) -> (Conversation, Reply) {
        var c = Fixture.started(engine)
        let reply = Fixture.say(engine, ["3", orderless ? "без заказа" : "1", "Сломались"], in: &c).reply
        return (c, reply)
    }

    /// An appeal without an order says only the topic, never «Заказ: без заказа».
    @Test func noOrderIsNotSpelledOut() throws {
        let engine = try Fixture.engine()
        let (_, reply) = submitted(engine, orderless: true)
        #expect(!reply.text.contains("Заказ:"))
        #expect(reply.text.contains("Тема: Возвраты и возврат денег."))
    }

    /// The appeal's reply does not repeat its option «Новое обращение» as a sentence.
    @Test func optionIsNotRepeatedInText() throws {
        let engine = try Fixture.engine()
        let (_, reply) = submitted(engine)
        #expect(reply.values == [DialogueEngine.newAppealValue])
        #expect(!reply.text.contains("новое обращение"))
    }

    /// «пока» and «спасибо» after the appeal get their short reply alone, no reminder of the appeal.
    @Test func goodbyeWithoutReminder() throws {
        let engine = try Fixture.engine(["пока": Fixture.verdict("goodbye"), "спасибо": Fixture.verdict("thanks")])
        var (c, _) = submitted(engine)
        let bye = engine.handle("пока", in: &c, now: Fixture.now)
        #expect(bye.reply.text == engine.prompts.smalltalk("goodbye") && bye.effects.isEmpty)
        #expect(engine.handle("спасибо", in: &c, now: Fixture.now).reply.text == engine.prompts.smalltalk("thanks"))
    }

    /// Thanks or a goodbye with closing words around it («хорошо, спасибо», «всё, до свидания»)
    /// gets its short reply after the appeal and is not added to it, whatever the matcher reads;
    /// closing words alone («ок») and anything more («пока нет») are added.
    @Test func closingsAfterAppealAreNotAdded() throws {
        let engine = try Fixture.engine()
        var (c, _) = submitted(engine)
        let messages = c.ticket?.messages
        for (text, intent) in [("хорошо, спасибо", "thanks"), ("спасибо, жду ответа", "thanks"),
                               ("всё, до свидания", "goodbye"), ("ок спасибо большое", "thanks")] {
            let turn = engine.handle(text, in: &c, now: Fixture.now)
            #expect(turn.reply.text == engine.prompts.smalltalk(IntentID(rawValue: intent)), "\(text)")
            #expect(turn.effects.isEmpty, "\(text)")
        }
        #expect(c.ticket?.messages == messages)
        for text in ["ок", "хорошо, спасибо, но коробка мятая", "привет, спасибо"] {
            let turn = engine.handle(text, in: &c, now: Fixture.now)
            #expect(turn.effects == [.appendToTicket(id: try #require(c.ticket?.id), message: text)], "\(text)")
        }
    }

    /// The navigation hint reads as a sentence.
    @Test func navigationHint() throws {
        let engine = try Fixture.engine()
        #expect(engine.prompts.text(.navigationHint) == "Чтобы вернуться на шаг назад, напишите «назад»; к списку тем — «меню».")
        var c = Fixture.started(engine)
        #expect(Fixture.say(engine, ["3", "1"], in: &c).reply.text.hasSuffix(engine.prompts.text(.navigationHint)))
    }

    /// «ты бот или человек?» gets a one-line answer from the prompts.
    @Test func botIdentityInOneLine() throws {
        var intents = Fixture.catalog.intents
        intents.append(Intent(id: "bot_identity", kind: .smalltalk, title: "Кто отвечает"))
        let catalog = IntentCatalog(intents: intents, settings: Fixture.catalog.settings)
        let engine = DialogueEngine(catalog: catalog, classifier: ScriptedClassifier(script: [
            "ты бот или человек?": Fixture.verdict("bot_identity")]), prompts: try Fixture.prompts(), rules: try Fixture.rules())
        var c = Fixture.started(engine)
        let reply = engine.handle("ты бот или человек?", in: &c, now: Fixture.now).reply
        let line = try #require(engine.prompts.smalltalk("bot_identity"))
        #expect(!line.contains("\n") && line.contains("автоматический помощник") && line.contains("специалист"))
        #expect(reply.text.hasPrefix(line) && reply.state == .chooseTopic)
    }

    /// An angry or shouted message gets the sympathy line first; a calm one does not.
    @Test(arguments: [("ГДЕ МОЙ ЗАКАЗ, ЖДУ УЖЕ ДВЕ НЕДЕЛИ", true), ("безобразие, где заказ", true),
                      ("где мой заказ", false), ("OZON", false)])
    func sympathy(text: String, upset: Bool) throws {
        let engine = try Fixture.engine([text: Fixture.verdict("order_tracking")])
        var c = Fixture.started(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.text.hasPrefix(engine.prompts.text(.sympathy)) == upset)
    }

    /// After a refusal the topic step does not say «Если остались вопросы».
    @Test func refusalIsNotFollowedByLeftoverQuestions() throws {
        let engine = try Fixture.engine(["найдите мошенника": Fixture.verdict("unsupported")])
        var c = Fixture.started(engine)
        let reply = engine.handle("найдите мошенника", in: &c, now: Fixture.now).reply
        #expect(!reply.text.contains(engine.prompts.text(.resumeTopic)))
        #expect(reply.text.contains(engine.prompts.text(.resumeAfterRefusal)))
    }
}
