import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

struct OrderStepTests {
    /// A conversation at the order step of `returns` (goods orders offered).
    private func atOrderStep(_ engine: DialogueEngine) -> Conversation {
        var c = Fixture.started(engine)
        _ = engine.handle("3", in: &c, now: Fixture.now)
        return c
    }

    /// An order is chosen by its option number, or by the option's value (the order id).
    @Test(arguments: [("2", "11111111-0002"), ("1", "11111111-0001"), ("22222222-0003", "22222222-0003")])
    func orderByOption(input: String, order: String) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        let reply = engine.handle(input, in: &c, now: Fixture.now).reply
        #expect(reply.state == .write && c.order == order)
        #expect(reply.text.contains(order))
    }

    /// A message that only names the order is the pick and is not kept for the appeal; one that
    /// tells more is.
    @Test func namingTheOrderIsNoStory() throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        _ = engine.handle("по поводу заказа с чайником", in: &c, now: Fixture.now)
        #expect(c.order == Fixture.kettle.id && c.state == .write && c.draft == nil)
        var told = atOrderStep(engine)
        _ = engine.handle("чайник пришёл с трещиной, хочу вернуть", in: &told, now: Fixture.now)
        #expect(told.order == Fixture.kettle.id && told.draft == ["чайник пришёл с трещиной, хочу вернуть"])
    }

    /// A part of an order's number — its end or its start, four digits or more — picks the order,
    /// or narrows the list to the orders it fits.
    @Test(arguments: [("0002", ["11111111-0002"]), ("заказ номер 0003", ["22222222-0003"]), ("22222222", ["22222222-0003"]),
                      ("11111111", ["11111111-0001", "11111111-0002"])])
    func orderByAPartOfItsNumber(input: String, orders: [String]) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        let reply = engine.handle(input, in: &c, now: Fixture.now).reply
        if orders.count == 1 {
            #expect(reply.state == .write && c.order == orders[0])
        } else {
            #expect(reply.state == .chooseOrder && c.order == nil)
            #expect(reply.values.filter { $0 != DialogueEngine.noOrderValue } == orders)
        }
    }

    /// Three digits, or digits that neither start nor end a number, pick nothing.
    @Test(arguments: ["002", "1234", "1111 0003"])
    func digitsThatAreNoPartOfANumber(input: String) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        let reply = engine.handle(input, in: &c, now: Fixture.now).reply
        #expect(c.order == nil && reply.state == .chooseOrder)
    }

    /// An order a profile gives without a title is offered as «Заказ № …» and summed up by its
    /// number, not as « — № …» and «№ … ()».
    @Test func orderWithoutATitle() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine, profile: Fixture.customer(orders: [Order(id: "44444444-0001", title: " "), Fixture.kettle]))
        let list = engine.handle("3", in: &c, now: Fixture.now).reply
        #expect(list.options.first?.label == "Заказ № 44444444-0001")
        let chosen = engine.handle("1", in: &c, now: Fixture.now).reply
        #expect(chosen.text.contains("Заказ: № 44444444-0001."))
        #expect(!chosen.text.contains("()"))
    }

    /// The order number is understood in any spelling: dash, spaces, none, a «№», words around it.
    @Test(arguments: ["11111111-0002", "11111111 0002", "111111110002", "заказ №11111111-0002", "1111 1111 0002",
                      "по заказу 11111111–0002, пожалуйста"])
    func orderByNumberSpelling(input: String) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        #expect(engine.handle(input, in: &c, now: Fixture.now).reply.state == .write)
        #expect(c.order == "11111111-0002")
    }

    /// A distinctive word of an order's title chooses it, in any grammatical form.
    @Test(arguments: [("наушники", "11111111-0001"), ("по поводу наушников", "11111111-0001"),
                      ("Чайник", "11111111-0002"), ("про чайник xiaomi", "11111111-0002"),
                      ("мастер и маргарита", "22222222-0003")])
    func orderByTitleWord(input: String, order: String) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        #expect(engine.handle(input, in: &c, now: Fixture.now).reply.state == .write)
        #expect(c.order == order)
    }

    /// A word shared by two titles offers a choice between just those two; a word of one picks it;
    /// words of two different orders offer those two.
    @Test func titleWordsMatchingTwoOrders() throws {
        let engine = try Fixture.engine()
        let profile = Fixture.customer(orders: [
            Order(id: "44444444-0001", title: "Наушники Sony"), Order(id: "44444444-0002", title: "Наушники JBL"),
        ])
        var c = Fixture.started(engine, profile: profile)
        _ = engine.handle("3", in: &c, now: Fixture.now)
        let shared = engine.handle("наушники", in: &c, now: Fixture.now).reply
        #expect(shared.state == .chooseOrder)
        #expect(shared.text.hasPrefix(engine.prompts.text(.orderAmbiguous)))
        #expect(shared.values == ["44444444-0001", "44444444-0002", DialogueEngine.noOrderValue])
        #expect(engine.handle("наушники jbl", in: &c, now: Fixture.now).reply.state == .write)
        #expect(c.order == "44444444-0002")

        var d = atOrderStep(engine)
        let both = engine.handle("наушники и чайник", in: &d, now: Fixture.now).reply
        #expect(both.state == .chooseOrder && d.order == nil)
        #expect(both.text.hasPrefix(engine.prompts.text(.orderAmbiguous)))
        #expect(both.values == [Fixture.headphones.id, Fixture.kettle.id, DialogueEngine.noOrderValue])
    }

    /// «Без заказа» by option number, label or phrase goes on to the message step without an order.
    @Test(arguments: ["4", "Без заказа", "без заказа", "не по заказу", "no_order"])
    func withoutOrder(input: String) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        let reply = engine.handle(input, in: &c, now: Fixture.now).reply
        #expect(reply.state == .write && c.order == nil && c.topic == "returns")
        #expect(reply.text.contains(engine.prompts.text(.writeSummary, ["topic": "Возвраты и возврат денег"])))
    }

    /// An order number that is not among the offered orders is said to be missing.
    @Test(arguments: ["99999999-0001", "33333333-0004"])
    func unknownOrderNumber(input: String) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        let reply = engine.handle(input, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && c.order == nil)
        #expect(reply.text.hasPrefix(engine.prompts.text(.orderUnknown, ["number": input])))
        #expect(reply.values.last == DialogueEngine.noOrderValue)
    }

    /// Another topic read short of `switch_topic_min_confidence` is offered beside the chosen one,
    /// the story kept; «назад» goes back to the chosen topic's order step, and choosing either
    /// topic goes on with it.
    @Test func unsureOtherTopicIsOffered() throws {
        let text = "курьер обещал привезти вчера вечером, никто не приехал"
        let engine = try Fixture.engine([text: Fixture.verdict("complaint", 0.8)])
        var c = atOrderStep(engine)
        let offered = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(offered.state == .chooseTopic && offered.values == ["complaint", "returns"], "\(offered.text)")
        #expect(offered.text.contains(engine.prompts.text(.topicOffered, ["topic": "Жалобы и споры"])))
        #expect(c.draft == [text])
        let back = engine.handle("назад", in: &c, now: Fixture.now).reply
        #expect(back.state == .chooseOrder && c.topic == "returns", "\(back.text)")
        _ = engine.handle(text, in: &c, now: Fixture.now)
        let chosen = engine.handle("1", in: &c, now: Fixture.now).reply
        #expect(c.topic == "complaint" && chosen.state == .chooseOrder && c.draft == [text], "told twice, kept once")
    }

    /// A question of information is answered at the order step without leaving it.
    @Test func infoAtOrderStep() throws {
        let engine = try Fixture.engine(["а какой телефон?": Fixture.verdict("contacts_phone")])
        var c = atOrderStep(engine)
        let options = c.options
        let reply = engine.handle("а какой телефон?", in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && c.topic == "returns")
        #expect(reply.text.hasPrefix("Москва: +7 495 232−10−00."))
        #expect(reply.text.contains(engine.prompts.text(.resumeOrder, ["no_order": engine.prompts.text(.noOrderOption)])))
        #expect(reply.options == options)
    }

    /// Small talk at the order step gets its short reply and the order question again.
    @Test func smallTalkAtOrderStep() throws {
        let engine = try Fixture.engine(["спасибо": Fixture.verdict("thanks")])
        var c = atOrderStep(engine)
        let reply = engine.handle("спасибо", in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder)
        #expect(reply.text.hasPrefix(try #require(engine.prompts.smalltalk("thanks"))))
    }

    /// A different topic typed at the order step switches to that topic's flow.
    @Test func anotherTopicSwitches() throws {
        let engine = try Fixture.engine(["вообще-то вопрос по бонусам": Fixture.verdict("bonuses")])
        var c = atOrderStep(engine)
        let reply = engine.handle("вообще-то вопрос по бонусам", in: &c, now: Fixture.now).reply
        #expect(reply.state == .write && c.topic == "bonuses" && c.order == nil)
    }

    /// Asking for a specialist at the order step goes to the message step on the same topic, no order.
    @Test func operatorAtOrderStep() throws {
        let engine = try Fixture.engine(["оператора": Fixture.verdict("operator")])
        var c = atOrderStep(engine)
        #expect(engine.handle("оператора", in: &c, now: Fixture.now).reply.state == .write)
        #expect(c.topic == "returns" && c.order == nil)
    }

    /// Anything else asks again with the same options; empty text too.
    @Test(arguments: ["ну не знаю", "", "17"])
    func unrecognisedAsksAgain(input: String) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        let options = c.options
        let reply = engine.handle(input, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && reply.options == options && c.order == nil)
        #expect(!reply.text.isEmpty)
    }

    /// A travel booking is chosen by its title word at the travel topic's order step.
    @Test func bookingByTitle() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["13", "авиабилет"], in: &c)
        #expect(c.state == .write && c.order == "33333333-0004")
    }
}

/// Orders pointed at without a name or a number, and a number the customer does not remember.
struct OrderPointerTests {
    private func atOrderStep(_ engine: DialogueEngine) -> Conversation {
        var c = Fixture.started(engine)
        _ = engine.handle("3", in: &c, now: Fixture.now)
        return c
    }

    /// «последний заказ» reads as tracking to the matcher, but at the order step it points at an
    /// order the list has to tell (orders carry no dates): the topic stays and the list is shown again.
    @Test(arguments: ["последний заказ", "самый последний, который я заказывала", "предыдущий", "мой заказ", "по заказу"])
    func pointerIsNoTopic(text: String) throws {
        let engine = try Fixture.engine([text: Fixture.verdict("order_tracking", 0.97)])
        var c = atOrderStep(engine)
        let before = c.options
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && c.topic == "returns" && c.order == nil && c.draft == nil)
        #expect(reply.text.hasPrefix(engine.prompts.text(.orderUnrecognized)))
        #expect(reply.options == before)
    }

    /// A message that tells more than the pointer is read as any other: here a story surely about
    /// another topic, offered beside the chosen one and kept.
    @Test func pointerInAStoryIsReadAsTheStory() throws {
        let text = "последний заказ так и не пришёл вовремя"
        let engine = try Fixture.engine([text: Fixture.verdict("order_tracking", 0.97)])
        var c = atOrderStep(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && reply.values.prefix(2) == ["order_tracking", "returns"] && c.draft == [text])
    }

    /// A status said in other words («едет», «уже пришёл») is read as it; a «не» before a status
    /// points at the orders without it («тот, что не доставлен»: the kettle on its way).
    @Test(arguments: [("который едет", Fixture.kettle.id), ("тот, что уже пришёл", Fixture.headphones.id),
                      ("тот что не доставлен", Fixture.kettle.id), ("который ещё не пришёл", Fixture.kettle.id),
                      ("который не в пути", Fixture.headphones.id), ("который вручили", Fixture.headphones.id),
                      ("тот самый, который я уже получила", Fixture.headphones.id),
                      ("тот самый, который мне ещё не доставили", Fixture.kettle.id)])
    func statusInOtherWords(text: String, order: String) throws {
        let engine = try Fixture.engine([text: Fixture.verdict("order_tracking", 0.97)])
        var c = atOrderStep(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .write && c.topic == "returns" && c.order == order && c.draft == nil)
    }

    /// A status pointer with a question besides it picks the order and keeps the question for the
    /// appeal; a pointer alone keeps nothing.
    @Test func statusWithAQuestion() throws {
        let question = "что делать если заказ не пришел"
        let engine = try Fixture.engine([question: Fixture.verdict("order_tracking", 0.97)])
        var c = atOrderStep(engine)
        _ = engine.handle(question, in: &c, now: Fixture.now)
        #expect(c.state == .write && c.order == Fixture.kettle.id && c.draft == [question])
        var d = atOrderStep(engine)
        _ = engine.handle("где заказ, который не пришёл", in: &d, now: Fixture.now)
        #expect(d.state == .write && d.order == Fixture.kettle.id && d.draft == nil)
    }

    /// «не знаю», «нет», «хз» at the order step: how to choose, «Без заказа» included — not
    /// «не удалось определить заказ» again and again.
    @Test(arguments: ["не знаю", "нет", "хз"])
    func emptyReplyGetsTheHint(text: String) throws {
        let engine = try Fixture.engine()
        var c = atOrderStep(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && c.draft == nil)
        #expect(reply.text == engine.prompts.text(.orderHint, ["no_order": engine.prompts.text(.noOrderOption)]))
    }

    /// At the order step a story the matcher is sure is off topic is kept all the same: with the
    /// topic chosen, other companies' words tell its problem («карта мир сбербанк, ошибка 05»).
    @Test func offTopicStoryKeptAtTheOrderStep() throws {
        let story = "карта мир сбербанк, ошибка 05 при оплате"
        let engine = DialogueEngine(catalog: Fixture.catalog, classifier: SureOffTopic(text: story),
                                    prompts: try Fixture.prompts(), rules: try Fixture.rules())
        var c = atOrderStep(engine)
        let reply = engine.handle(story, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && c.draft == [story])
        #expect(reply.text.contains(engine.prompts.text(.storyKept)))
    }

    /// Reads one text as off topic for sure; nothing else is recognised.
    private struct SureOffTopic: IntentClassifying {
        let text: String
        func classify(_ message: String) -> Classification {
            let scripted = ScriptedClassifier(script: [:]).classify(message)
            guard message == text else { return scripted }
            return Classification(intent: nil, confidence: 0.95, alternatives: [], isAmbiguous: false, entities: [],
                                  analysis: scripted.analysis)
        }
    }

    /// «у меня нет заказа», «я ещё не заказывала»: no order (`no_order`), not a topic.
    @Test(arguments: ["у меня нет заказа", "я еще не заказывала", "моего заказа тут нет", "нет такого заказа в списке"])
    func noOrderYet(text: String) throws {
        let engine = try Fixture.engine([text: Fixture.verdict("order_tracking", 0.97)])
        var c = atOrderStep(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .write && c.topic == "returns" && c.order == nil)
    }

    /// «не помню номер»: the number is not needed; the same list is asked from, however it is typed.
    @Test(arguments: ["не помню номер", "номер не помню(", "ne pomnyu nomer", "не помню номер заказа", "я не знаю номер заказа",
                      "номер заказа не знаю", "можно без номера заказа?"])
    func forgottenNumber(text: String) throws {
        let engine = try Fixture.engine([text: Fixture.verdict("account", 0.7)])
        var c = atOrderStep(engine)
        let before = c.options
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && c.topic == "returns")
        #expect(reply.text.hasPrefix(engine.prompts.text(.numberNotNeeded, ["no_order": engine.prompts.text(.noOrderOption)])))
        #expect(reply.options == before)
    }
}
