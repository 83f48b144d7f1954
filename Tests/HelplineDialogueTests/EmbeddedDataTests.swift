import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

/// End to end on the real data built into the binary: the intents, the matcher, the prompts,
/// the rules and the demo customer.
struct EmbeddedDataTests {
    /// One engine for the suite: building the real matcher trains its model.
    private static let shared = Result { try DialogueEngine(bundle: .embedded) }

    private func engine() throws -> DialogueEngine { try Self.shared.get() }

    /// The menu is the issue's 14 topics, in its order, with its labels.
    @Test func menuFromData() throws {
        let (_, reply) = try engine().start(id: "e", profile: try Profile.demo(), now: Fixture.now)
        #expect(reply.values == Fixture.topicTable.map(\.id))
        #expect(reply.options.map(\.label) == Fixture.topicTable.map(\.title))
        #expect(reply.text.hasPrefix(try engine().prompts.text(.greeting, ["name": try Profile.demo().name])))
    }

    /// Every information intent has an answer for the dialogue to show, `unsupported` included.
    @Test func infoIntentsHaveAnswers() throws {
        let info = try engine().catalog.intents.filter { $0.kind == .info }
        #expect(info.contains { $0.id == "unsupported" })
        for intent in info {
            #expect(!(intent.answer ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(intent.id)")
        }
    }

    /// The demo customer chats through a goods appeal and a travel appeal: orders by title word in
    /// another grammatical form, the hotel booking in the Ozon Travel priority queue, the Premium note.
    @Test func demoCustomerWalkthrough() throws {
        let engine = try engine()
        let demo = try Profile.demo()
        var (c, _) = engine.start(id: "demo", profile: demo, now: Fixture.now)

        let orders = engine.handle("3", in: &c, now: Fixture.now).reply
        #expect(orders.state == .chooseOrder)
        #expect(orders.values == demo.orders.filter { $0.kind == .goods }.map(\.id) + [DialogueEngine.noOrderValue])
        #expect(engine.handle("наушников", in: &c, now: Fixture.now).reply.state == .write)
        let headphones = try #require(demo.orders.first { $0.title.hasPrefix("Наушники") })
        #expect(c.order == headphones.id)
        let goods = engine.handle("Левый наушник не работает", in: &c, now: Fixture.now)
        let ticket = try #require(goods.reply.ticket)
        #expect(ticket.queue == .regular && ticket.etaMinutes == [5, 10] && ticket.order == headphones.id)
        #expect(goods.reply.text.contains(engine.prompts.text(.premiumBuyerNote)))
        #expect(goods.effects == [.openTicket(ticket)])

        _ = engine.handle("новое обращение", in: &c, now: Fixture.now)
        let bookings = engine.handle("Ozon Travel", in: &c, now: Fixture.now).reply
        let hotel = try #require(demo.orders.first { $0.kind.isTravel })
        #expect(bookings.values == [hotel.id, DialogueEngine.noOrderValue])
        #expect(engine.handle("отель", in: &c, now: Fixture.now).reply.state == .write)
        let travel = engine.handle("Нужно перенести заезд", in: &c, now: Fixture.now).reply
        #expect(travel.ticket?.queue == .travelPriority && travel.ticket?.id == "demo-2")
    }

    /// At the order step a title word typed in the wrong keyboard layout or in translit picks the
    /// order, as the text layer repairs it («yfeiybrb», «naushniki» → «наушники»).
    @Test(arguments: [("yfeiybrb", "Наушники"), ("naushniki", "Наушники"), ("xfqybr", "Электрический чайник")])
    func repairedTitleWordPicksOrder(input: String, title: String) throws {
        let engine = try engine()
        let demo = try Profile.demo()
        var c = engine.start(id: "t", profile: demo, now: Fixture.now).0
        _ = engine.handle("3", in: &c, now: Fixture.now)
        #expect(c.state == .chooseOrder)
        let reply = engine.handle(input, in: &c, now: Fixture.now).reply
        let order = try #require(demo.orders.first { $0.title.hasPrefix(title) })
        #expect(reply.state == .write && c.order == order.id)
    }

    /// With the real matcher, asking for an operator opens the message step with the general topic.
    @Test func realMatcherOperator() throws {
        let engine = try engine()
        var c = engine.start(id: "o", profile: try Profile.demo(), now: Fixture.now).0
        #expect(engine.handle("позовите оператора", in: &c, now: Fixture.now).reply.state == .write)
        #expect(c.topic == "general")
    }

    /// At the message step, a call for a specialist with nothing else in it, however long, is
    /// answered that the customer is writing to one already, and nothing is filed; a call with the
    /// question in it is the appeal.
    @Test(arguments: ["соедините с оператором пожалуйста", "мне нужен живой человек а не бот",
                      "позовите пожалуйста живого оператора мне нужен человек а не бот",
                      "Переключите меня на специалиста, пожалуйста!"])
    func longerCallAtTheMessageStepIsNotFiled(call: String) throws {
        let engine = try engine()
        var c = engine.start(id: "w", profile: try Profile.demo(), now: Fixture.now).0
        _ = engine.handle("доставка", in: &c, now: Fixture.now)
        _ = engine.handle("без заказа", in: &c, now: Fixture.now)
        #expect(c.state == .write)
        let turn = engine.handle(call, in: &c, now: Fixture.now)
        #expect(turn.reply.state == .write, "\(call)")
        #expect(turn.reply.ticket == nil && c.ticket == nil)
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.alreadyWriting)), "\(turn.reply.text)")

        let story = engine.handle("позовите оператора, курьер не приехал уже неделю", in: &c, now: Fixture.now)
        #expect(story.reply.state == .submitted)
        #expect(c.ticket?.messages == ["позовите оператора, курьер не приехал уже неделю"])
    }

    /// At the order step a product word alone, or with pointing words, is an order looked for,
    /// not a question about support's phone or mail; a question with more words is answered.
    @Test func productWordAtTheOrderStepIsNotAQuestion() throws {
        let engine = try engine()
        for text in ["телефон", "тот, что с телефоном", "почта"] {
            var c = Fixture.started(engine, profile: try Profile.demo())
            _ = engine.handle("гарантия", in: &c, now: Fixture.now)
            let reply = engine.handle(text, in: &c, now: Fixture.now).reply
            #expect(reply.state == .chooseOrder && reply.text.hasPrefix(engine.prompts.text(.orderUnrecognized)), "\(text): \(reply.text)")
        }
        var c = Fixture.started(engine, profile: try Profile.demo())
        _ = engine.handle("гарантия", in: &c, now: Fixture.now)
        let reply = engine.handle("какой телефон поддержки", in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && reply.intent?.id == "contacts_phone" && reply.text.contains("+7\u{00A0}495\u{00A0}232−10−00"))
    }

    /// A story told before the message step reaches the appeal whichever way the step in between
    /// answers it: past an order number that is not in the list, the chosen topic named again, an
    /// information question inside it, an order that could not be recognised.
    @Test(arguments: [
        ["возврат", "по заказу 99999999-0001 пришёл брак, хочу вернуть деньги", "1"],
        ["оплата", "картой оплатила, а деньги списали два раза", "2"],
        ["курьер третий день не едет и не звонит, как с ним связаться вообще?", "доставка", "2"],
        // Vague enough that another topic may be offered beside «Доставка»: «2» is «Доставка»
        // then and the order next, else the order and an empty reply, which changes nothing.
        ["доставка", "блин ну сколько можно, третий день жду и ничего не происходит", "2", "2"],
    ])
    func storiesReachTheAppeal(messages: [String]) throws {
        let engine = try engine()
        var c = Fixture.started(engine, profile: try Profile.demo())
        let story = messages.first { $0.split(separator: " ").count >= 4 } ?? ""
        for message in messages { _ = engine.handle(message, in: &c, now: Fixture.now) }
        #expect(c.state == .write)
        #expect((c.draft ?? []) == [story], "\(messages)")
        _ = engine.handle("1", in: &c, now: Fixture.now)
        #expect(c.ticket?.messages == [story])
    }

    /// What is not the customer's story is not put into the appeal: a question the matcher is sure
    /// is off topic, a call for a specialist alone, a short question the message step would answer.
    @Test(arguments: ["какая погода в москве завтра", "позовите живого оператора пожалуйста",
                      "подскажите номер телефона поддержки пожалуйста"])
    func notAStory(text: String) throws {
        let engine = try engine()
        var c = Fixture.started(engine, profile: try Profile.demo())
        _ = engine.handle(text, in: &c, now: Fixture.now)
        #expect((c.draft ?? []).isEmpty, "\(text)")
    }

    /// At the message step «нет», a number or «не знаю» alone is not filed as the appeal; with a
    /// draft shown, «нет» does not send it, and what follows is added to it, unsent, until «Отправить».
    @Test func emptyRepliesAreNotAppeals() throws {
        let engine = try engine()
        var c = Fixture.started(engine, profile: try Profile.demo())
        _ = engine.handle("оплата", in: &c, now: Fixture.now)
        _ = engine.handle("без заказа", in: &c, now: Fixture.now)
        for text in ["нет", "2", "не знаю", "???", "ytn", "нету", "не помню", "ок, жду", "ну пожалуйста", "срочно!!!",
                     "вы тут?", "ау", "да, первый", "вот", "ну вот"] {
            let reply = engine.handle(text, in: &c, now: Fixture.now).reply
            #expect(reply.state == .write && c.ticket == nil, "\(text)")
            #expect(reply.text.hasPrefix(engine.prompts.text(.describeQuestion)), "\(text): \(reply.text)")
        }
        var d = Fixture.started(engine, profile: try Profile.demo())
        _ = engine.handle("Наушники не подошли по размеру, хочу вернуть деньги", in: &d, now: Fixture.now)
        #expect(d.state == .write && (d.draft ?? []).count == 1)
        for refusal in ["нет", "нет, не так", "нет, подождите", "пока не отправляйте", "я ещё не закончила"] {
            let refused = engine.handle(refusal, in: &d, now: Fixture.now).reply
            #expect(refused.state == .write && d.ticket == nil && refused.text.hasPrefix(engine.prompts.text(.draftKept)),
                    "\(refusal): \(refused.text)")
        }
        // Held, the draft takes what follows without sending it, until «Отправить».
        let added = engine.handle("коробку вскрыла, но бирки на месте", in: &d, now: Fixture.now)
        #expect(added.effects.isEmpty && d.ticket == nil && added.reply.text.hasPrefix(engine.prompts.text(.draftAdded)))
        #expect(d.draft == ["Наушники не подошли по размеру, хочу вернуть деньги", "коробку вскрыла, но бирки на месте"])
        _ = engine.handle("а фото можно приложить?", in: &d, now: Fixture.now)
        #expect(d.ticket == nil && d.draft?.count == 3)
        _ = engine.handle("отправить", in: &d, now: Fixture.now)
        #expect(d.ticket?.messages == ["Наушники не подошли по размеру, хочу вернуть деньги", "коробку вскрыла, но бирки на месте",
                                       "а фото можно приложить?"])
    }

    /// «Не та тема» at the order and message steps goes back to the topics with the draft kept; a
    /// message at the message step that also names the topic goes to it, the chosen order kept.
    @Test func wrongTopicIsChangedNotFiled() throws {
        let engine = try engine()
        var c = Fixture.started(engine, profile: try Profile.demo())
        _ = engine.handle("Наушники не подошли по размеру, хочу вернуть деньги", in: &c, now: Fixture.now)
        let back = engine.handle("не та тема", in: &c, now: Fixture.now).reply
        #expect(back.state == .chooseTopic && c.ticket == nil && back.text.hasPrefix(engine.prompts.text(.otherTopic)))
        #expect((c.draft ?? []) == ["Наушники не подошли по размеру, хочу вернуть деньги"])

        var d = Fixture.started(engine, profile: try Profile.demo())
        _ = engine.handle("гарантия", in: &d, now: Fixture.now)
        _ = engine.handle("1", in: &d, now: Fixture.now)
        #expect(d.state == .write && d.topic == "warranty")
        let moved = engine.handle("ой не та тема, мне нужна доставка", in: &d, now: Fixture.now).reply
        #expect(d.ticket == nil && d.topic == "delivery" && d.order == "31415926-0001", "\(moved.text)")
        #expect(moved.state == .write)

        // A long message that starts by saying the topic is wrong is not filed under it; its story is kept.
        var long = Fixture.started(engine, profile: try Profile.demo())
        Fixture.say(engine, ["возврат", "1"], in: &long)
        let story = "не та тема, я хотела спросить почему курьер не приехал вчера и не позвонил мне хотя обещал"
        let moved2 = engine.handle(story, in: &long, now: Fixture.now).reply
        #expect(long.ticket == nil && long.topic != "returns" && (long.draft ?? []) == [story], "\(moved2.text)")

        var e = Fixture.started(engine, profile: try Profile.demo())
        _ = engine.handle("возврат", in: &e, now: Fixture.now)
        let fromOrders = engine.handle("другая тема", in: &e, now: Fixture.now).reply
        #expect(fromOrders.state == .chooseTopic && e.topic == nil)
    }

    /// Two questions about support in one message are both answered, at the topic, order and
    /// message steps, and nothing is filed.
    @Test func twoQuestionsAreBothAnswered() throws {
        let engine = try engine()
        let question = "какой телефон и почта поддержки?"
        var c = Fixture.started(engine, profile: try Profile.demo())
        for step in [nil, "оплата", "без заказа"] {
            if let step { _ = engine.handle(step, in: &c, now: Fixture.now) }
            let state = c.state
            let reply = engine.handle(question, in: &c, now: Fixture.now).reply
            #expect(reply.state == state && c.ticket == nil, "\(state)")
            #expect(reply.text.contains("+7\u{00A0}495\u{00A0}232−10−00") && reply.text.contains("help@ozon.ru"), "\(state): \(reply.text)")
        }
    }

    /// At the order step an order is pointed at by its status as the app shows it, whatever topic
    /// the status words sound like («доставлен» is no switch to tracking).
    @Test(arguments: [("который в пути", "31415926-0002"), ("тот, что доставлен", "31415926-0001"),
                      ("та, что ожидает в пункте выдачи", "27182818-0003"), ("который уже доставили", "31415926-0001")])
    func orderPointedAtByItsStatus(text: String, order: String) throws {
        let engine = try engine()
        var c = Fixture.started(engine, profile: try Profile.demo())
        _ = engine.handle("возврат", in: &c, now: Fixture.now)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .write && c.topic == "returns" && c.order == order, "\(text): \(reply.text)")
        #expect(c.draft == nil, "a pick is no story: \(text)")
    }

    /// A new problem told after an appeal is added to it (nothing is lost), and the reply says that
    /// «Новое обращение» takes it into a new appeal, where it is read as the first message (its
    /// topic and order taken) and kept as the draft; a follow-up on the same problem gets no such line.
    @Test func newProblemAfterAnAppealCanStartANewOne() throws {
        let engine = try engine()
        var c = Fixture.started(engine, profile: try Profile.demo())
        Fixture.say(engine, ["доставка", "1", "курьер не приехал в назначенное время"], in: &c)
        #expect(c.state == .submitted && c.ticket?.topic == "delivery")
        let followUp = engine.handle("жду уже третий день, никто не звонит", in: &c, now: Fixture.now).reply
        #expect(!followUp.text.contains(engine.prompts.text(.newAppealHint, ["new": engine.prompts.text(.newAppealOption)])),
                "\(followUp.text)")
        let problem = "а ещё книга пришла мятая, хочу вернуть деньги"
        let reply = engine.handle(problem, in: &c, now: Fixture.now).reply
        #expect(c.ticket?.messages.last == problem)
        #expect(reply.text.contains(engine.prompts.text(.newAppealHint, ["new": engine.prompts.text(.newAppealOption)])), "\(reply.text)")
        // A follow-up before «Новое обращение» does not drop it.
        _ = engine.handle("и курьер даже не позвонил предупредить", in: &c, now: Fixture.now)
        // «Новое обращение» reads it as the new appeal's first message: its topic and order taken.
        let started = engine.handle("новое обращение", in: &c, now: Fixture.now).reply
        #expect(started.text.hasPrefix(engine.prompts.text(.newAppeal) + "\n"))
        #expect(c.state == .write && c.ticket == nil && (c.draft ?? []) == [problem] && c.topic == "returns")
    }

    /// A question asked in a sentence of its own beside a story is answered as the story goes on:
    /// at the topic step before the order or message step, and at the message step with the appeal.
    @Test func questionInASentenceOfItsOwnIsAnswered() throws {
        let engine = try engine()
        let story = "Заказ чайника висит в статусе в пути уже 2 недели. Дайте номер телефона, куда звонить"
        var c = Fixture.started(engine, profile: try Profile.demo())
        let reply = engine.handle(story, in: &c, now: Fixture.now).reply
        #expect(c.topic == "order_tracking" && c.order == "31415926-0002", "\(c.topic ?? "-") \(reply.text)")
        #expect(reply.text.hasPrefix("Телефон горячей линии Озон") && reply.text.contains("Тема: Отслеживание заказа"), "\(reply.text)")
        #expect(c.draft == [story])

        var d = Fixture.started(engine, profile: try Profile.demo())
        Fixture.say(engine, ["доставка", "2"], in: &d)
        let filed = engine.handle("Курьер не приехал в назначенный день. Какая у вас почта для претензий?", in: &d, now: Fixture.now).reply
        #expect(filed.state == .submitted && filed.text.contains("help@ozon.ru") && filed.text.contains("передано специалисту"), "\(filed.text)")

        // One sentence: nothing is read twice, nothing added.
        var e = Fixture.started(engine, profile: try Profile.demo())
        Fixture.say(engine, ["доставка", "2"], in: &e)
        let plain = engine.handle("курьер не приехал в назначенный день", in: &e, now: Fixture.now).reply
        #expect(plain.text.hasPrefix("Обращение №"), "\(plain.text)")
    }

    /// Small talk the matcher is not sure of is not answered: «нет» is not a greeting.
    @Test func unsureSmallTalkIsNotAnswered() throws {
        let engine = try engine()
        var c = Fixture.started(engine, profile: try Profile.demo())
        let reply = engine.handle("нет", in: &c, now: Fixture.now).reply
        #expect(!reply.text.hasPrefix("Здравствуйте"), "\(reply.text)")
        _ = engine.handle("доставка", in: &c, now: Fixture.now)
        let atOrders = engine.handle("нет", in: &c, now: Fixture.now).reply
        #expect(atOrders.state == .chooseOrder && !atOrders.text.hasPrefix("Здравствуйте"), "\(atOrders.text)")
    }

    /// Whatever the real matcher says about the intents' own examples, the dialogue acts on it by the
    /// intent's kind: a topic starts its flow, info is answered in place from the file, small talk gets
    /// its short reply, `operator` opens the message step. Info is answered at the order step as well.
    /// Every kind is exercised at least once.
    @Test func routingFollowsTheMatcher() throws {
        let engine = try engine()
        let demo = try Profile.demo()
        var routed: [Intent.Kind: Int] = [:]
        for intent in engine.catalog.intents {
            for example in intent.examples.prefix(8) {
                let classification = engine.classifier.classify(example)
                guard classification.intent == intent.id, !classification.isAmbiguous else { continue }
                var c = engine.start(id: "r", profile: demo, now: Fixture.now).0
                let isMenuLabel = c.options.contains { $0.label.lowercased() == example.lowercased() }
                let reply = engine.handle(example, in: &c, now: Fixture.now).reply
                #expect(reply.intent?.id == (isMenuLabel ? nil : intent.id), "\(example)")
                switch intent.kind {
                case .topic:
                    #expect(c.topic == intent.id.rawValue && (reply.state == .chooseOrder || reply.state == .write), "\(example)")
                case .info:
                    // The main answer, or the variant the message's words or the profile choose.
                    let answers = ([intent.answer ?? ""] + intent.answerVariants.map(\.text))
                        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                    #expect(reply.state == .chooseTopic && answers.contains { reply.text.hasPrefix($0) }, "\(example)")
                    // At the order step too, unless the text could name an order: a number, or one
                    // word besides generic ones («телефон», «почта») is an order looked for there.
                    guard !example.contains(where: \.isNumber) else { break }
                    var d = Fixture.started(engine)
                    _ = engine.handle("3", in: &d, now: Fixture.now)
                    let inPlace = engine.handle(example, in: &d, now: Fixture.now).reply
                    let words = example.split { !$0.isLetter }.count
                    let lookedForAnOrder = words <= 2 && inPlace.text.hasPrefix(engine.prompts.text(.orderUnrecognized))
                    #expect(inPlace.state == .chooseOrder && (answers.contains { inPlace.text.hasPrefix($0) } || lookedForAnOrder),
                            "\(example)")
                    #expect(d.topic == "returns")
                case .smalltalk:
                    let short = try #require(engine.prompts.smalltalk(intent.id))
                    #expect(reply.state == .chooseTopic && reply.text.hasPrefix(short), "\(example)")
                case .control:
                    #expect(reply.state == .write && c.topic == engine.rules.generalTopic, "\(example)")
                }
                routed[intent.kind, default: 0] += 1
            }
        }
        for kind in [Intent.Kind.topic, .info, .smalltalk, .control] {
            #expect((routed[kind] ?? 0) > 0, "no example of kind \(kind) was routed")
        }
    }

    /// A story told with a question in a sentence of its own: the question is answered and the
    /// story is kept for the appeal, not dropped with the rest of the message.
    @Test func aStoryBesideAQuestionIsKept() throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "story", profile: try Profile.demo(), now: Fixture.now)
        let reply = engine.handle("Мне пришла не та книга. Куда можно написать на почту?", in: &c, now: Fixture.now).reply
        #expect(reply.text.contains("help@ozon.ru"))
        #expect(c.draft == ["Мне пришла не та книга."])
        // The book the story names is the order of the topic chosen next: straight to the message step.
        let book = try #require(try Profile.demo().orders.first { $0.title.hasPrefix("Книга") })
        #expect(c.order == book.id)
        let next = engine.handle("возврат", in: &c, now: Fixture.now).reply
        #expect(next.state == .write && c.order == book.id)
        // A question alone keeps nothing.
        var (d, _) = engine.start(id: "question", profile: try Profile.demo(), now: Fixture.now)
        _ = engine.handle("Куда можно написать на почту?", in: &d, now: Fixture.now)
        #expect(d.draft == nil)
    }

    /// At the message step an ordinal alone («второй»: a pick from a list that is not there) is
    /// not an appeal; the customer is asked to describe the question.
    @Test func anOrdinalAloneIsNotAnAppeal() throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "ordinal", profile: Profile(id: "u-1", name: "Игорь"), now: Fixture.now)
        _ = engine.handle("доставка", in: &c, now: Fixture.now)
        #expect(c.state == .write)
        for text in ["второй", "третий вариант"] {
            let turn = engine.handle(text, in: &c, now: Fixture.now)
            #expect(turn.reply.state == .write && turn.reply.ticket == nil, "\(text)")
            #expect(turn.effects.isEmpty, "\(text)")
        }
    }

    /// An order number that is none of the customer's is said so when the topic is chosen, also
    /// for a customer without orders.
    @Test func anUnknownOrderNumberIsSaidSo() throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "unknown", profile: Profile(id: "u-1", name: "Игорь"), now: Fixture.now)
        let reply = engine.handle("Заказ 98765432-0001 не пришёл", in: &c, now: Fixture.now).reply
        #expect(reply.state == .write)
        #expect(reply.text.contains(engine.prompts.text(.orderNotFound, ["number": "98765432-0001"])))
        #expect(c.order == nil)
    }

    /// «это не гарантия», «а это не доставка?»: the topic is not that one — the menu, the draft kept.
    @Test(arguments: ["это не гарантия", "нет, не гарантия", "а это не доставка?"])
    func topicDeniedAtTheMessageStep(text: String) throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "e", profile: try Profile.demo(), now: Fixture.now)
        let story = "у меня сломался чайник, не включается вообще"
        _ = engine.handle("гарантия", in: &c, now: Fixture.now)
        _ = engine.handle("2", in: &c, now: Fixture.now)
        c.draft = [story]
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.state == .chooseTopic && c.topic == nil && c.draft == [story])
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.otherTopic)))
    }

    /// Every topic the shipped `topic_names` name is a topic of the shipped catalog.
    @Test func topicNamesNameTopics() throws {
        let engine = try engine()
        let topics = Set(engine.catalog.topics.map(\.id.rawValue))
        #expect(!engine.rules.freeText.topicNames.isEmpty)
        for id in engine.rules.freeText.topicNames.keys { #expect(topics.contains(id), "\(id)") }
    }

    /// At the message step a topic named and nothing else («возврат», «нет, это возврат», «не
    /// гарантия, а возврат») changes the topic with the draft and the order kept; a short problem
    /// with a topic's word in it («курьер нагрубил», «возврат денег не пришёл») is the message.
    @Test(arguments: [("возврат", "returns"), ("нет, это возврат", "returns"), ("это не гарантия а возврат", "returns"),
                      ("поменяйте тему на доставку", "delivery"), ("гарантия", "warranty"), ("вопрос по доставке", "delivery"),
                      ("смени тему на гарантию", "warranty"),
                      ("курьер нагрубил", nil), ("возврат денег не пришёл", nil)] as [(String, String?)])
    func topicNamedAtTheMessageStep(text: String, topic: String?) throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "e", profile: try Profile.demo(), now: Fixture.now)
        let story = "у меня сломался чайник, не включается вообще"
        _ = engine.handle("гарантия", in: &c, now: Fixture.now)
        _ = engine.handle("2", in: &c, now: Fixture.now)
        _ = engine.handle("да", in: &c, now: Fixture.now)
        c.draft = [story]
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        if let topic {
            #expect(turn.effects.isEmpty && c.ticket == nil && c.state == .write)
            #expect(c.topic == topic && c.order == "31415926-0002" && c.draft == [story])
        } else {
            #expect(c.ticket?.topic == "warranty" && c.ticket?.messages == [story, text])
        }
    }

    /// A short statement of a problem that picks the topic and the order («чайник не
    /// включается») is kept as the draft and filed by «Отправить», at the topic step and at the
    /// order step; a message that only names a topic or an order, or points at an order by its
    /// status, keeps nothing.
    @Test(arguments: [
        ("чайник не включается", nil), ("наушники сломались", nil), ("книга порвана", nil),
        ("чайник не включается", "Гарантия"), ("наушники сломались", "Гарантия"),
    ] as [(String, String?)])
    func shortStatementKept(message: String, topic: String?) throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "short", profile: try Profile.demo(), now: Fixture.now)
        if let topic { _ = engine.handle(topic, in: &c, now: Fixture.now) }
        var reply = engine.handle(message, in: &c, now: Fixture.now).reply
        #expect(c.draft == [message])
        // The matcher unsure of the topic asks for it, the statement kept.
        if reply.state == .chooseTopic { reply = engine.handle("1", in: &c, now: Fixture.now).reply }
        if reply.state == .chooseOrder { reply = engine.handle("1", in: &c, now: Fixture.now).reply }
        #expect(reply.state == .write)
        #expect(reply.values == [DialogueEngine.sendValue])
        #expect(reply.text.contains("«\(message)»"))
        let ticket = try #require(engine.handle("Отправить", in: &c, now: Fixture.now).reply.ticket)
        #expect(ticket.messages == [message])
    }

    @Test(arguments: [
        ("возврат чайника", nil), ("гарантия на наушники", nil), ("где мой заказ", nil), ("по поводу доставки", nil),
        ("гдк мой закз", nil), ("почта для продавцов", nil), ("который не пришел", "Гарантия"), ("тот что в пути", "Гарантия"),
        ("про чайник", "Гарантия"), ("хочу написать жалобу", nil), ("открыть спор", nil), ("у меня вопрос по заказу", nil),
        ("нужна помощь с возвратом", nil), ("погода сочи", nil), ("вопрос по книге", nil), ("проблема с чайником", nil),
    ] as [(String, String?)])
    func namingOnlyKeepsNothing(message: String, topic: String?) throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "naming", profile: try Profile.demo(), now: Fixture.now)
        if let topic { _ = engine.handle(topic, in: &c, now: Fixture.now) }
        _ = engine.handle(message, in: &c, now: Fixture.now)
        #expect(c.draft == nil)
    }

    /// With the draft shown, a short question («как прикрепить фото?») is added to it unsent and the
    /// draft shown again; «нет, всё верно» sends the draft alone; any other addition files both.
    @Test func additionsToTheDraftShown() throws {
        let engine = try engine()
        let story = "книга пришла порванная, хочу вернуть"
        func shown() throws -> Conversation {
            var (c, _) = engine.start(id: "shown", profile: try Profile.demo(), now: Fixture.now)
            let reply = engine.handle(story, in: &c, now: Fixture.now).reply
            #expect(reply.state == .write && reply.values == [DialogueEngine.sendValue])
            return c
        }
        var asked = try shown()
        let question = engine.handle("как прикрепить фото?", in: &asked, now: Fixture.now).reply
        #expect(question.state == .write && question.ticket == nil)
        #expect(question.text.hasPrefix(engine.prompts.text(.questionAdded)))
        #expect(asked.draft == [story, "как прикрепить фото?"])
        let sent = try #require(engine.handle("Отправить", in: &asked, now: Fixture.now).reply.ticket)
        #expect(sent.messages == [story, "как прикрепить фото?"])

        var confirmed = try shown()
        let ticket = try #require(engine.handle("нет, всё верно", in: &confirmed, now: Fixture.now).reply.ticket)
        #expect(ticket.messages == [story])

        var added = try shown()
        let filed = try #require(engine.handle("ещё обложка помята", in: &added, now: Fixture.now).reply.ticket)
        #expect(filed.messages == [story, "ещё обложка помята"])
    }

    /// A short statement the matcher cannot place that names one of the customer's goods («чайник
    /// течёт») is kept, the order noted, and the topic asked for; so is a story that names goods
    /// by one word of the title (said kept, or asked about when the matcher has a weak guess).
    @Test(arguments: [("чайник течет", "31415926-0002", true), ("книгу порвали", "27182818-0003", true),
                      ("купила чайник месяц назад, сегодня перестал греть воду, индикатор мигает", "31415926-0002", false)])
    func unplacedStatementAboutGoodsIsKept(message: String, order: String, saysKept: Bool) throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "goods", profile: try Profile.demo(), now: Fixture.now)
        let reply = engine.handle(message, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic)
        if saysKept { #expect(reply.text.contains(engine.prompts.text(.storyKept))) }
        #expect(c.draft == [message] && c.order == order)
    }

    /// At the message step: «не наушники, а чайник» after a draft about the headphones goes with
    /// the draft; a topic's name asked about («а вернут деньги?») is added, the topic kept;
    /// «спасибо, отправляйте» sends the draft alone; «фото есть» is no question; «см. выше» and «это»
    /// alone are not appeals; «Отправить» at the order step says the draft waits for the choice.
    @Test func messageStepAnswersToTheDraft() throws {
        let engine = try engine()
        func start(_ first: String) throws -> Conversation {
            var (c, _) = engine.start(id: "m", profile: try Profile.demo(), now: Fixture.now)
            _ = engine.handle(first, in: &c, now: Fixture.now)
            return c
        }
        var corrected = try start("гарантия")
        for message in ["наушники сломались", "ой, не наушники, а чайник"] { _ = engine.handle(message, in: &corrected, now: Fixture.now) }
        #expect(corrected.order == "31415926-0002" && corrected.draft == ["наушники сломались", "ой, не наушники, а чайник"])

        var asked = try start("чайник не включается")
        let topic = asked.topic
        let question = engine.handle("а вернут деньги?", in: &asked, now: Fixture.now).reply
        #expect(question.text.hasPrefix(engine.prompts.text(.questionAdded)) && asked.topic == topic)

        var request = try start("чайник не включается")
        let changed = engine.handle("хочу оформить возврат", in: &request, now: Fixture.now)
        #expect(changed.effects.isEmpty && request.topic == "returns" && request.draft == ["чайник не включается"])

        var thanked = try start("чайник не включается")
        let sent = try #require(engine.handle("спасибо, отправляйте", in: &thanked, now: Fixture.now).reply.ticket)
        #expect(sent.messages == ["чайник не включается"])

        var photo = try start("чайник не включается")
        let filed = try #require(engine.handle("фото есть", in: &photo, now: Fixture.now).reply.ticket)
        #expect(filed.messages == ["чайник не включается", "фото есть"])

        var empty = try start("Гарантия")
        _ = engine.handle("2", in: &empty, now: Fixture.now)
        for text in ["см. выше", "это", "я уже писал", "выше написала", "то же самое", "вот такая проблема"] {
            let reply = engine.handle(text, in: &empty, now: Fixture.now).reply
            #expect(reply.state == .write && empty.ticket == nil, "\(text)")
        }

        var waiting = try start("курьер нагрубил")
        #expect(waiting.state == .chooseOrder)
        let unsent = engine.handle("Отправить", in: &waiting, now: Fixture.now).reply
        #expect(unsent.state == .chooseOrder && unsent.text.hasPrefix(engine.prompts.text(.draftUnsentOrder)))
        #expect(waiting.draft == ["курьер нагрубил"])
    }

    /// A short story asked as a question is kept though every word of it names a topic or an
    /// order («когда вернут деньги за наушники»); the same words as a request for help are not.
    @Test func shortQuestionStoryIsKept() throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "q", profile: try Profile.demo(), now: Fixture.now)
        _ = engine.handle("когда вернут деньги за наушники", in: &c, now: Fixture.now)
        #expect(c.draft == ["когда вернут деньги за наушники"])
    }

    /// «не знаю какой заказ» at the order step says how to choose, not a change of topic.
    @Test func notKnowingWhichOrderGetsTheHint() throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "h", profile: try Profile.demo(), now: Fixture.now)
        _ = engine.handle("курьер нагрубил", in: &c, now: Fixture.now)
        let topic = c.topic
        let reply = engine.handle("не знаю какой заказ", in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseOrder && c.topic == topic && c.draft == ["курьер нагрубил"])
    }

    /// After an appeal, a message that says it adds to it («забыла сказать: …») is added and never
    /// offered as a new appeal's first message, whatever topic its words sound like.
    @Test func anAdditionAfterTheAppealSeedsNoNewOne() throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "a", profile: try Profile.demo(), now: Fixture.now)
        for text in ["чайник не включается", "Отправить"] { _ = engine.handle(text, in: &c, now: Fixture.now) }
        let addition = "забыла сказать: чек об оплате сохранился, могу прислать"
        let added = engine.handle(addition, in: &c, now: Fixture.now)
        #expect(added.effects.count == 1 && c.draft == nil)
        #expect(!added.reply.text.contains(engine.prompts.text(.newAppealHint, ["new": engine.prompts.text(.newAppealOption)])))
    }

    /// A story that names a kind of booking by its words («рейс») does not name a booking of another
    /// kind by a town they share: the demo customer's hotel in Sochi is not the flight's.
    @Test(arguments: [("рейс в сочи задержали, что делать", nil), ("отель в сочи не заселяет по брони", "16180339-0004")]
          as [(String, String?)])
    func kindWordsKeepBookingsApart(message: String, order: String?) throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "k", profile: try Profile.demo(), now: Fixture.now)
        _ = engine.handle(message, in: &c, now: Fixture.now)
        #expect(c.topic == "travel" && c.order == order)
    }

    /// A traveller with a flight to Sochi, a tour to Antalya and two trains.
    private static func traveller() -> Profile {
        let starts = Fixture.now.addingTimeInterval(72 * 3600)
        return Profile(id: "t", name: "Дмитрий", premium: false, seller: false, premiumSeller: false, corporate: false, orders: [
            Order(id: "70400001-0001", title: "Авиабилет Москва — Сочи", status: "оплачено", kind: .flight, startsAt: starts),
            Order(id: "70400001-0002", title: "Поезд Москва — Казань", status: "оплачено", kind: .train, startsAt: starts),
            Order(id: "70400001-0003", title: "Тур в Анталью, 7 ночей", status: "оплачено", kind: .tour, startsAt: starts),
            Order(id: "70400001-0005", title: "Поезд Санкт-Петербург — Псков", status: "оплачено", kind: .train, startsAt: starts),
        ])
    }

    /// A kind of booking named against a town of another booking («рейс в анталью» with a flight to
    /// Sochi and a tour to Antalya) picks neither: both are offered. A kind with a town of its own
    /// booking picks it.
    @Test(arguments: [("рейс в анталью отменили", nil), ("самолёт в анталью задержали", nil), ("тур в сочи", nil),
                      ("рейс в сочи задержали", "70400001-0001")] as [(String, String?)])
    func kindAgainstTownPicksNeither(message: String, order: String?) throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "t", profile: Self.traveller(), now: Fixture.now)
        let reply = engine.handle(message, in: &c, now: Fixture.now).reply
        #expect(c.order == order)
        if order == nil { #expect(reply.state == .chooseOrder && reply.values.contains("70400001-0003")) }
    }

    /// A kind of booking named with no topic read («поезд в сочи») offers Ozon Travel, which takes
    /// all the bookings it could mean; a town alone («какая погода в сочи») offers nothing.
    @Test func kindOfBookingOffersTravel() throws {
        let engine = try engine()
        var (c, _) = engine.start(id: "t", profile: Self.traveller(), now: Fixture.now)
        let reply = engine.handle("поезд в сочи", in: &c, now: Fixture.now).reply
        #expect(reply.values == ["travel", DialogueEngine.specialistValue])
        var weather = engine.start(id: "w", profile: Self.traveller(), now: Fixture.now).0
        let other = engine.handle("какая погода в сочи", in: &weather, now: Fixture.now).reply
        #expect(other.values != ["travel", DialogueEngine.specialistValue])
    }

    /// Plays `messages` from the start with the demo customer; the conversation after them and the last reply.
    private func played(_ messages: [String]) throws -> (Conversation, Reply) {
        let engine = try engine()
        var (c, reply) = engine.start(id: "p", profile: try Profile.demo(), now: Fixture.now)
        for message in messages { reply = engine.handle(message, in: &c, now: Fixture.now).reply }
        return (c, reply)
    }

    /// A problem and a question in one sentence, joined by a comma («курьер не приехал вчера, как с
    /// ним связаться?»): the question is answered and the problem kept, at the topic step and at
    /// the order step (a short statement there too), as with a full stop between them.
    @Test func problemBeforeACommaQuestionIsKept() throws {
        let (atTopics, answered) = try played(["Курьер не приехал вчера, как с ним связаться?"])
        #expect(answered.text.contains("help@ozon.ru") && atTopics.draft == ["Курьер не приехал вчера"])
        let (atOrders, _) = try played(["доставка", "курьер не приехал, как связаться с курьером?"])
        #expect(atOrders.draft == ["курьер не приехал"] && atOrders.state == .chooseOrder)
        // The question alone keeps nothing.
        let (alone, _) = try played(["подскажите, как связаться с курьером?"])
        #expect(alone.draft == nil)
    }

    /// A question asked after a comma in a message read as a topic is answered there too
    /// («Списали деньги дважды, куда писать на почту?»).
    @Test func commaQuestionBesideATopicIsAnswered() throws {
        let (c, reply) = try played(["Списали деньги дважды, куда писать на почту?"])
        #expect(reply.text.contains("help@ozon.ru") && c.topic == "payment")
    }

    /// After the appeal, a new problem told beside a question is added to the appeal as well as
    /// the question answered; a question alone is only answered.
    @Test func storyBesideAQuestionAfterTheAppealIsAdded() throws {
        let filed = ["доставка", "чайник", "курьер не приехал"]
        let (c, reply) = try played(filed + ["а ещё книга порвана, какая почта поддержки?"])
        #expect(reply.text.contains("help@ozon.ru"))
        #expect(c.ticket?.messages == ["курьер не приехал", "а ещё книга порвана, какая почта поддержки?"])
        let (asked, _) = try played(filed + ["какая почта поддержки?"])
        #expect(asked.ticket?.messages == ["курьер не приехал"])
    }

    /// A topic's own word negated states a problem: «книгу так и не доставили», «чайник не
    /// оплатился» are kept like «чайник не включается»; the topic named alone is not.
    @Test(arguments: ["книгу так и не доставили", "книгу мне так и не доставили", "чайник не оплатился"])
    func negatedTopicWordIsAStatement(message: String) throws {
        let (c, _) = try played([message])
        #expect(c.draft == [message])
    }

    /// Words that only say the topic was wrong and ask for another («ой, не та тема, мне нужен
    /// возврат») change the topic and are no message for the specialist; an order pointed at with a
    /// time word («тот что вчера пришёл») is a pick, no message either.
    @Test func topicFixAndOrderPointerAreNoStory() throws {
        let (fixed, reply) = try played(["доставка", "ой, не та тема, мне нужен возврат"])
        #expect(fixed.topic == "returns" && reply.state == .chooseOrder && fixed.draft == nil)
        let (pointed, picked) = try played(["доставка", "тот что вчера пришёл"])
        #expect(picked.state == .write && pointed.order == "31415926-0001" && pointed.draft == nil)
    }

    /// A topic the customer chose is not overridden by what a story reads as: both are offered,
    /// the story kept. Asked for with a request word, the other topic is taken.
    @Test func storyAboutAnotherTopicAtTheOrderStepIsOffered() throws {
        let (c, reply) = try played(["доставка", "курьер хамил и матерился"])
        #expect(reply.state == .chooseTopic && reply.values.prefix(2) == ["complaint", "delivery"])
        #expect(c.draft == ["курьер хамил и матерился"])
        let (asked, requested) = try played(["доставка", "хочу пожаловаться на курьера, он нагрубил мне"])
        #expect(asked.topic == "complaint" && requested.state == .chooseOrder)
    }

    /// «отмена обращения» after the appeal is the cancel command: the customer is told it cannot be
    /// cancelled here, and nothing is added.
    @Test func cancellingAFiledAppealIsExplained() throws {
        let engine = try engine()
        let (c, reply) = try played(["доставка", "чайник", "курьер не приехал", "отмена обращения"])
        #expect(reply.text.contains(engine.prompts.text(.cancelAfterSubmit)))
        #expect(c.ticket?.messages == ["курьер не приехал"])
    }

    /// With a booking chosen, a kind's word alone («в отеле», «поезд») names no other booking: the
    /// message is the tour's; a title's own word («отель морской») still does.
    @Test func kindWordAloneNamesNoOtherBooking() throws {
        let engine = try engine()
        var profile = Self.traveller()
        profile.orders.append(Order(id: "70400001-0006", title: "Отель «Морской», Сочи, 5 ночей", status: "оплачено",
                                    kind: .hotel, startsAt: Fixture.now.addingTimeInterval(72 * 3600)))
        var (c, _) = engine.start(id: "t", profile: profile, now: Fixture.now)
        for message in ["Ozon Travel", "70400001-0003"] { _ = engine.handle(message, in: &c, now: Fixture.now) }
        var tour = c
        let kept = engine.handle("в отеле нет горячей воды, гид не отвечает", in: &tour, now: Fixture.now).reply
        #expect(kept.state == .submitted && kept.ticket?.order == "70400001-0003" && tour.ticket != nil)
        let other = engine.handle("вопрос про отель морской, там нет горячей воды", in: &c, now: Fixture.now).reply
        #expect(other.state == .chooseOrder && other.values.contains("70400001-0006"))
    }

    /// A problem joined to a question by «а» with no comma is kept as well («курьер не приехал а
    /// как с ним связаться»); a wait asked after a comma in a story («…, сколько ждать?») is the
    /// story's wait, not answered with the chat's reply times.
    @Test func problemJoinedByAIsKeptAndTheStorysWaitIsNotAnswered() throws {
        let (c, reply) = try played(["курьер не приехал а как с ним связаться"])
        #expect(reply.text.contains("help@ozon.ru") && c.draft == ["курьер не приехал"])
        let engine = try engine()
        let wait = try #require(engine.catalog.intent(engine.rules.waitQuestion)?.answer)
        let (refund, asked) = try played(["Мне не вернули деньги за наушники, сколько ждать?"])
        #expect(!asked.text.contains(String(wait.prefix(30))) && refund.draft == ["Мне не вернули деньги за наушники, сколько ждать?"])
    }

    /// After «меню» with a story kept, a question that reads as another topic («где мой чайник?»)
    /// is kept beside the story, not lost.
    @Test func questionAfterTheMenuIsKeptBesideTheStory() throws {
        let (c, reply) = try played(["возврат", "наушники сломались через неделю", "меню", "где мой чайник?"])
        #expect(c.draft == ["наушники сломались через неделю", "где мой чайник?"] && reply.state == .write)
    }

    /// «хочу отменить заказ» at the message step of «Оформление заказа» picked from the menu: the
    /// message kept and the order asked for; after the order, the draft shown with it.
    @Test func cancellingAtTheMessageStepAsksForTheOrder() throws {
        let (c, reply) = try played(["Оформление заказа", "хочу отменить заказ"])
        #expect(reply.state == .chooseOrder && c.draft == ["хочу отменить заказ"])
        let (picked, shown) = try played(["Оформление заказа", "хочу отменить заказ", "31415926-0002"])
        #expect(shown.state == .write && picked.order == "31415926-0002" && picked.draft == ["хочу отменить заказ"])
    }

    /// While two topics are offered for a story, an order named alone is noted and a question
    /// answered, and the same two topics stay offered; the order the story named goes with the
    /// topic chosen.
    @Test func offerStaysThroughAnOrderAndAQuestion() throws {
        let offered = ["доставка", "курьер хамил и матерился"]
        let (noted, reply) = try played(offered + ["чайник"])
        #expect(noted.order == "31415926-0002" && reply.values == ["complaint", "delivery"])
        // No specialist among the choices: the question does not offer one.
        #expect(reply.text.hasSuffix(try engine().prompts.text(.chooseOffered)))
        let (asked, answered) = try played(offered + ["какой телефон поддержки?"])
        #expect(answered.text.contains("232−10−00") && answered.values == ["complaint", "delivery"] && asked.draft == [offered[1]])
        let (paid, shown) = try played(["возврат", "списали деньги дважды за наушники", "payment"])
        #expect(paid.topic == "payment" && paid.order == "31415926-0001" && shown.state == .write)
    }

    /// After the appeal, a problem told with «не» before a question is added as well as the question
    /// answered; so is a question in a clause of its own after a story the matcher is not sure of.
    @Test func statementBesideAQuestionAfterTheAppeal() throws {
        let filed = ["доставка", "чайник", "курьер не приехал"]
        let (c, reply) = try played(filed + ["курьер так и не позвонил, какой телефон горячей линии?"])
        #expect(reply.text.contains("232−10−00"))
        #expect(c.ticket?.messages == ["курьер не приехал", "курьер так и не позвонил, какой телефон горячей линии?"])
    }

    /// At the order step, a story that names its order by number and reads, less surely, as
    /// another topic takes the order and offers both topics rather than being filed.
    @Test func storyNamingItsOrderOffersTheTopicItReadsAs() throws {
        let story = "заказ 27182818-0003 лежит в пункте выдачи уже неделю, а мне смс не пришло"
        let (c, reply) = try played(["Возвраты и возврат денег", story])
        #expect(reply.state == .chooseTopic && reply.values.count == 2 && reply.values.last == "returns", "\(reply.values)")
        #expect(c.order == "27182818-0003" && c.draft == [story])
    }

    /// An angry message that gets a refusal gets no line of sympathy before it («постараемся
    /// помочь» would contradict it); an angry message about an order does.
    @Test func noSympathyBeforeARefusal() throws {
        let engine = try engine()
        let sympathy = engine.prompts.text(.sympathy)
        let (_, refused) = try played(["ПОКУПАТЕЛЬ ОСТАВИЛ ФЕЙКОВЫЙ ОТЗЫВ НА МОИ КОРОБКИ 😡 УДАЛИТЕ ЕГО"])
        #expect(refused.intent?.id == "unsupported" && !refused.text.contains(sympathy), "\(refused.text)")
        let (_, angry) = try played(["ГДЕ МОЙ ЗАКАЗ?? ЖДУ УЖЕ ДВЕ НЕДЕЛИ 😡"])
        #expect(angry.text.hasPrefix(sympathy))
    }
}
