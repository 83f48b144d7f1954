import Foundation
import HelplineDialogue
import Testing

struct WriteAndSubmitTests {
    /// A conversation at the message step of `returns` about the headphones.
    static func atWrite(_ engine: DialogueEngine, profile: Profile = Fixture.customer()) -> Conversation {
        var c = Fixture.started(engine, profile: profile)
        Fixture.say(engine, ["3", "1"], in: &c)
        return c
    }

    private func atWrite(_ engine: DialogueEngine, profile: Profile = Fixture.customer()) -> Conversation {
        Self.atWrite(engine, profile: profile)
    }

    /// The message is kept exactly as written — case, spacing, punctuation, emoji, line breaks —
    /// and becomes an appeal: the `openTicket` effect, the reply's ticket and the conversation's agree.
    @Test(arguments: ["Наушники  сломались!!! Верните деньги 😡\nСпасибо.", "  пробелы по краям  ", "1 из 2 не пришёл", "назад пожалуйста"])
    func messageKeptExactly(message: String) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let turn = engine.handle(message, in: &c, now: Fixture.now)
        let ticket = try #require(turn.reply.ticket)
        #expect(turn.reply.state == .submitted && c.state == .submitted)
        #expect(ticket.messages == [message])
        #expect(turn.effects == [.openTicket(ticket)])
        #expect(c.ticket == ticket)
        #expect(ticket.id == "s1-1" && ticket.topic == "returns" && ticket.order == "11111111-0001")
        #expect(ticket.queue == .regular && ticket.etaMinutes == [5, 10] && ticket.createdAt == Fixture.now)
        #expect(turn.reply.intent == nil)
    }

    /// An order named and nothing else at the message step says which order the question is
    /// about: another order of the topic becomes the chosen one, the chosen one is said to be
    /// chosen already, a number that is none of the customer's is said so. Nothing is filed.
    @Test func orderNamedAloneIsNotTheQuestion() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        var turn = engine.handle("чайник", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.state == .write && c.order == Fixture.kettle.id)
        #expect(turn.reply.text.contains("№ \(Fixture.kettle.id)"))
        turn = engine.handle(Fixture.headphones.id, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.order == Fixture.headphones.id)
        turn = engine.handle("наушники", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.order == Fixture.headphones.id)
        #expect(turn.reply.text.hasPrefix("Заказ № \(Fixture.headphones.id) (\(Fixture.headphones.title)) уже выбран."))
        turn = engine.handle("99999999-0009", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.order == Fixture.headphones.id)
        #expect(turn.reply.text.hasPrefix("Заказа № 99999999-0009 нет среди ваших заказов"))
        // A word besides the title makes it a message: about the headphones, it is filed.
        turn = engine.handle("наушники сломались", in: &c, now: Fixture.now)
        #expect(turn.reply.ticket?.messages == ["наушники сломались"] && turn.reply.ticket?.order == Fixture.headphones.id)
    }

    /// A message typed in the Latin layout while meaning Russian is not filed as typed: it is kept
    /// as it reads in the Russian layout and shown, then sent as shown. A message with Russian
    /// letters in it, or in English, is filed as typed.
    @Test func aWrongLayoutMessageIsShownConverted() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        var turn = engine.handle("Rehmth yt ghbt[fk b yt gjpdjybk&", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.state == .write)
        #expect(c.draft == ["Курьер не приехал и не позвонил?"])
        #expect(turn.reply.text.contains("«Курьер не приехал и не позвонил?»"))
        turn = engine.handle("1", in: &c, now: Fixture.now)
        #expect(turn.reply.ticket?.messages == ["Курьер не приехал и не позвонил?"])

        for message in ["rehmth yt ghbt[fk, курьер не приехал", "the courier did not come yesterday"] {
            c = atWrite(engine)
            turn = engine.handle(message, in: &c, now: Fixture.now)
            #expect(turn.reply.ticket?.messages == [message], "\(message)")
        }
    }

    /// A message about another of the customer's orders than the chosen one is not filed under
    /// the chosen one: it is kept while the customer picks between the two, then shown to be sent.
    /// A message that names both, or a new purchase, is filed as it is.
    @Test func aMessageAboutAnotherOrderAsksWhichOne() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        #expect(c.order == Fixture.headphones.id)
        var turn = engine.handle("чайник сломался", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.state == .chooseOrder)
        #expect(c.draft == ["чайник сломался"])
        #expect(turn.reply.text.hasPrefix("В сообщении речь о заказе № \(Fixture.kettle.id) (\(Fixture.kettle.title)), а выбран другой."))
        #expect(turn.reply.options.map(\.value) == [Fixture.headphones.id, Fixture.kettle.id, "no_order"])
        turn = engine.handle("2", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.state == .write && c.order == Fixture.kettle.id)
        #expect(turn.reply.text.contains("«чайник сломался»"))
        turn = engine.handle("1", in: &c, now: Fixture.now)
        #expect(turn.reply.ticket?.messages == ["чайник сломался"] && turn.reply.ticket?.order == Fixture.kettle.id)

        for message in ["наушники пришли, а чайник нет", "заказ 11111111-0002 тоже не пришёл, а наушники пришли", "хочу купить ещё чайник, наушники понравились", "купить чайник тоже хочу"] {
            c = atWrite(engine)
            turn = engine.handle(message, in: &c, now: Fixture.now)
            #expect(turn.reply.ticket?.messages == [message], "\(message)")
            #expect(turn.reply.ticket?.order == Fixture.headphones.id, "\(message)")
        }
    }

    /// «не чайник, а наушники» at the message step corrects the order, and files nothing.
    @Test func orderCorrectedAtTheMessageStep() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        Fixture.say(engine, ["чайник"], in: &c)
        #expect(c.order == Fixture.kettle.id)
        let turn = engine.handle("ой, не чайник, а наушники", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.order == Fixture.headphones.id && c.state == .write)
        // Not a correction: no «не» before «а», or more than an order's title after it.
        let story = engine.handle("чайник а наушники сломались", in: &c, now: Fixture.now)
        #expect(story.reply.ticket?.messages == ["чайник а наушники сломались"])
    }

    /// At the message step a clear information question is answered and the customer stays there;
    /// nothing is filed. A longer message that contains a question is the message.
    @Test func questionAtTheMessageStepIsAnswered() throws {
        let engine = try Fixture.engine([
            "а по телефону можно позвонить вам?": Fixture.verdict("contacts_phone", 0.95),
            "Наушники сломались, какой у вас телефон поддержки, чтобы позвонить и всё объяснить подробно?":
                Fixture.verdict("contacts_phone", 0.95),
        ])
        var c = atWrite(engine)
        let turn = engine.handle("а по телефону можно позвонить вам?", in: &c, now: Fixture.now)
        #expect(turn.reply.state == .write && turn.effects.isEmpty && c.ticket == nil)
        #expect(turn.reply.text.hasPrefix("Москва: +7 495 232−10−00."))
        #expect(turn.reply.intent?.id == "contacts_phone")
        let long = "Наушники сломались, какой у вас телефон поддержки, чтобы позвонить и всё объяснить подробно?"
        #expect(engine.handle(long, in: &c, now: Fixture.now).reply.ticket?.messages == [long])
    }

    /// A question at the message step keeps the draft: it is shown again, and «Отправить» sends it.
    @Test func questionKeepsTheDraft() throws {
        let story = "сдала наушники две недели назад, деньги так и не вернули"
        let engine = try Fixture.engine([story: Fixture.verdict("returns"),
                                         "сколько ждать ответа?": Fixture.verdict("response_time", 0.97)])
        var c = Fixture.started(engine)
        Fixture.say(engine, [story], in: &c)
        let reply = engine.handle("сколько ждать ответа?", in: &c, now: Fixture.now).reply
        #expect(reply.state == .write && reply.text.contains(story) && reply.values == [DialogueEngine.sendValue])
        #expect(Fixture.say(engine, ["Отправить"], in: &c).reply.ticket?.messages == [story])
    }

    /// A weak guess, the refusal, or a question that is not sure enough is filed, not answered.
    @Test func unsureOrRefusalIsFiled() throws {
        let engine = try Fixture.engine(["какой телефон поддержки?": Fixture.verdict("contacts_phone", 0.6),
                                         "меня обманули мошенники": Fixture.verdict("unsupported", 0.99)])
        var c = atWrite(engine)
        #expect(engine.handle("какой телефон поддержки?", in: &c, now: Fixture.now).reply.state == .submitted)
        var d = atWrite(engine)
        #expect(engine.handle("меня обманули мошенники", in: &d, now: Fixture.now).reply.state == .submitted)
    }

    /// The submitted reply states the appeal's number, topic, order, queue and wait estimate.
    @Test func submittedReplyStatesTheAppeal() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let reply = engine.handle("Не работает левый наушник", in: &c, now: Fixture.now).reply
        let p = engine.prompts
        #expect(reply.text.contains(p.text(.ticketCreated, ["ticket": "s1-1"])))
        #expect(reply.text.contains(p.text(.ticketDetails, [
            "topic": "Возвраты и возврат денег",
            "order": p.text(.orderRef, ["id": "11111111-0001", "title": "Наушники Sony WH-1000XM5"])])))
        #expect(reply.text.contains(p.text(.ticketQueue, ["queue": p.queueName(.regular),
                                                          "wait": p.queueWait(.regular, etaMinutes: [5, 10])])))
        #expect(reply.text.contains("5–10 минут"))
        #expect(!reply.text.contains(p.text(.premiumBuyerNote)))
        #expect(reply.values == [DialogueEngine.newAppealValue])
    }

    /// Without an order the appeal says «без заказа».
    @Test func submittedWithoutOrder() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        let reply = Fixture.say(engine, ["3", "без заказа", "Вопрос о возврате"], in: &c).reply
        #expect(reply.ticket?.order == nil)
        #expect(reply.text.contains(engine.prompts.text(.ticketDetailsNoOrder, ["topic": "Возвраты и возврат денег"])))
        #expect(!reply.text.contains("Заказ:"), "no «Заказ: без заказа»")
    }

    /// An empty message is not sent: the step asks again and nothing is stored.
    @Test(arguments: ["", "  ", "\n", "\u{200B}", "\u{0}\t"])
    func emptyMessageAsksAgain(text: String) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.reply.state == .write && turn.effects.isEmpty && c.ticket == nil)
        #expect(turn.reply.text == [Prompt.emptyText, .write, .navigationHint].map { engine.prompts.text($0) }
            .joined(separator: "\n"))
    }

    /// After the appeal, more text is appended to the same appeal, exactly, with an effect per message.
    @Test func moreTextIsAppended() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        _ = engine.handle("Сломались", in: &c, now: Fixture.now)
        let turn = engine.handle("Чек прилагаю  позже", in: &c, now: Fixture.now)
        #expect(turn.reply.state == .submitted)
        #expect(turn.effects == [.appendToTicket(id: "s1-1", message: "Чек прилагаю  позже")])
        #expect(turn.reply.ticket?.messages == ["Сломались", "Чек прилагаю  позже"])
        #expect(turn.reply.text == engine.prompts.text(.appended, ["ticket": "s1-1"]))
        let third = engine.handle("И ещё: коробка цела", in: &c, now: Fixture.now)
        #expect(third.effects == [.appendToTicket(id: "s1-1", message: "И ещё: коробка цела")])
        #expect(c.ticket?.messages.count == 3 && c.ticketCount == 1)
    }

    /// A topic-like message after the appeal is still added to it.
    @Test func topicTextIsAppended() throws {
        let engine = try Fixture.engine(["и деньги не вернули": Fixture.verdict("returns")])
        var c = atWrite(engine)
        _ = engine.handle("Сломались", in: &c, now: Fixture.now)
        let turn = engine.handle("и деньги не вернули", in: &c, now: Fixture.now)
        #expect(turn.effects == [.appendToTicket(id: "s1-1", message: "и деньги не вернули")])
    }

    /// After the appeal an information question is answered and still added to the appeal, so a
    /// follow-up is never lost; bare thanks and a bare call for an operator get a reply and are not added.
    @Test func infoAndThanksAfterSubmit() throws {
        let engine = try Fixture.engine(["какой телефон?": Fixture.verdict("contacts_phone"),
                                         "спасибо": Fixture.verdict("thanks"),
                                         "оператор": Fixture.verdict("operator"),
                                         "спасибо, и ещё: коробка была мятая": Fixture.verdict("thanks")])
        var c = atWrite(engine)
        _ = engine.handle("Сломались", in: &c, now: Fixture.now)
        let info = engine.handle("какой телефон?", in: &c, now: Fixture.now)
        #expect(info.effects.isEmpty, "a clear question is answered, not added")
        #expect(info.reply.state == .submitted)
        #expect(info.reply.text.hasPrefix("Москва: +7 495 232−10−00."))
        #expect(info.reply.text.hasSuffix(engine.prompts.text(.resumeSubmitted, ["ticket": "s1-1"])))
        let thanks = engine.handle("спасибо", in: &c, now: Fixture.now)
        let thanksText = try #require(engine.prompts.smalltalk("thanks"))
        #expect(thanks.effects.isEmpty && thanks.reply.text.hasPrefix(thanksText))
        let op = engine.handle("оператор", in: &c, now: Fixture.now)
        #expect(op.effects.isEmpty && op.reply.text == engine.prompts.text(.resumeSubmitted, ["ticket": "s1-1"]))
        let longer = engine.handle("спасибо, и ещё: коробка была мятая", in: &c, now: Fixture.now)
        #expect(longer.effects == [.appendToTicket(id: "s1-1", message: "спасибо, и ещё: коробка была мятая")])
        #expect(c.ticket?.messages == ["Сломались", "спасибо, и ещё: коробка была мятая"])
        #expect(longer.reply.ticket == c.ticket)
    }

    /// An ambiguous or unrecognised message after the appeal is appended, never lost.
    @Test func ambiguousAfterSubmitIsAppended() throws {
        let engine = try Fixture.engine(["деньги": Fixture.verdict("returns", 0.5, alternatives: [("payment", 0.49)],
                                                                  ambiguous: true)])
        var c = atWrite(engine)
        _ = engine.handle("Сломались", in: &c, now: Fixture.now)
        #expect(engine.handle("деньги", in: &c, now: Fixture.now).effects == [.appendToTicket(id: "s1-1", message: "деньги")])
    }

    /// An empty message after the appeal appends nothing.
    @Test func emptyAfterSubmit() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        _ = engine.handle("Сломались", in: &c, now: Fixture.now)
        let turn = engine.handle(" ", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket?.messages == ["Сломались"] && turn.reply.state == .submitted)
    }

    /// «новое обращение», its option and «меню» start over; the next appeal gets the next number.
    @Test(arguments: ["новое обращение", "Новое обращение", "1", "/new", "меню"])
    func startOverAfterSubmit(input: String) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        _ = engine.handle("Сломались", in: &c, now: Fixture.now)
        let reply = engine.handle(input, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && reply.ticket == nil && c.ticket == nil)
        #expect(c.topic == nil && c.order == nil && reply.options.count == 14)
        let next = Fixture.say(engine, ["5", "Карта не пришла"], in: &c)
        #expect(next.reply.ticket?.id == "s1-2")
        #expect(next.effects == [.openTicket(try #require(next.reply.ticket))])
    }

    /// «отмена» after the appeal cannot cancel it: the state stays and the reply says why.
    @Test func cancelAfterSubmit() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        _ = engine.handle("Сломались", in: &c, now: Fixture.now)
        let turn = engine.handle("отмена", in: &c, now: Fixture.now)
        #expect(turn.reply.state == .submitted && turn.effects.isEmpty && c.ticket != nil)
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.cancelAfterSubmit, ["ticket": "s1-1"])))
    }

    /// «назад» after the appeal returns to the topics; the appeal stays stored.
    @Test func backAfterSubmit() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        _ = engine.handle("Сломались", in: &c, now: Fixture.now)
        let turn = engine.handle("назад", in: &c, now: Fixture.now)
        #expect(turn.reply.state == .chooseTopic && turn.effects.isEmpty)
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.backAfterSubmit, ["ticket": "s1-1"])))
    }
}

/// At the message step, what closes the chat or takes the appeal back is never filed as one.
struct NothingToFileTests {
    private func atWrite(_ engine: DialogueEngine) -> Conversation { WriteAndSubmitTests.atWrite(engine) }

    /// «ок, понятно», «понял» (closing words only) ask for the question; nothing is filed.
    @Test(arguments: ["ок, понятно", "понял", "ну ок", "ясно, хорошо"])
    func closingWordsAreNoAppeal(text: String) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.state == .write && c.draft == nil)
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.describeQuestion)))
    }

    /// Thanks said around closing words after an answer is answered as thanks, not filed.
    @Test(arguments: ["спасибо, понятно", "а, ну понятно, спасибо", "ок спасибо"])
    func thanksAroundClosingWords(text: String) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.state == .write)
        #expect(turn.reply.text.hasPrefix(try #require(engine.prompts.smalltalk("thanks"))))
        #expect(turn.reply.text.contains(engine.prompts.text(.resumeWrite)))
    }

    /// «уже не актуально», «передумала»: nothing is filed; a draft shown stays, unsent.
    @Test(arguments: ["уже не актуально", "передумала", "забудьте", "всё решилось"])
    func neverMind(text: String) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        var turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.state == .write)
        #expect(turn.reply.text == engine.prompts.text(.notSent))
        let story = "наушники не заряжаются с первого дня, хочу вернуть"
        c.draft = [story]
        turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.draft == [story])
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.draftKept)))
    }

    /// A hold said in other words keeps the draft unsent; a longer message with one is added to it.
    @Test(arguments: ["стоп, не отправляйте", "не отправляйте, я хочу дописать", "подождите, хочу добавить",
                      "нет, подождите, я ещё не всё написала", "не спешите отправлять"])
    func draftHeld(text: String) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let story = "наушники не заряжаются с первого дня, хочу вернуть"
        c.draft = [story]
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.draft == [story])
        #expect(turn.reply.text.hasPrefix(engine.prompts.text(.draftKept)))
        let more = "подождите, забыла сказать, что коробка была мятая и без чека вообще"
        _ = engine.handle(more, in: &c, now: Fixture.now)
        #expect(c.ticket == nil && c.draft == [story, more])
    }

    /// «No appeal after all» among other words files nothing; «я не разобралась» is a message, and so
    /// is a request beside it («передумала, верните деньги»: the purchase, not the appeal).
    @Test(arguments: [("уже не актуально, спасибо", false), ("я передумала, не отправляйте", false), ("вопрос снят", false),
                      ("я не разобралась", true), ("ладно, забудьте, сама разобралась", false),
                      ("передумала, верните деньги", true), ("передумал, хочу отказаться, пока он едет", true)])
    func neverMindInOtherWords(text: String, filed: Bool) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect((c.ticket != nil) == filed)
        if !filed { #expect(turn.reply.text == engine.prompts.text(.notSent)) }
    }

    /// Thanks and a goodbye one after the other, around closing words, get the goodbye; nothing is filed.
    @Test func thanksThenGoodbye() throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let turn = engine.handle("понятно, спасибо, пока", in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil)
        #expect(turn.reply.text.hasPrefix(try #require(engine.prompts.smalltalk("goodbye"))))
    }

    /// A refusal of the draft read exactly is not a typo of a confirmation: «не отправляйте» keeps
    /// it (it is two letters from «да отправляйте»); «всё, отправляйте» and a confirmation with a
    /// typo send it.
    @Test(arguments: [("не отправляйте", false), ("не отправляй", false), ("не отправляй пока", false),
                      ("всё, отправляйте", true), ("да отправте", true), ("да, всё верно, отправляйте", true),
                      ("отправляйте, пожалуйста", true)])
    func draftRefusalOrConfirmation(text: String, sends: Bool) throws {
        let engine = try Fixture.engine()
        var c = atWrite(engine)
        let story = "наушники не заряжаются с первого дня, хочу вернуть"
        c.draft = [story]
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect((c.ticket != nil) == sends)
        if sends { #expect(c.ticket?.messages == [story]) } else { #expect(c.draft == [story] && turn.effects.isEmpty) }
    }

    /// An information question asked as one («?», «какой») is answered at the message step from
    /// `asked_question_min_confidence`; the same reading without a question's form is filed.
    @Test(arguments: [("а телефон у вас какой", true), ("а телефон у вас?", true), ("телефон у вас на сайте неверный", false)])
    func askedQuestionNeedsLessCertainty(text: String, answered: Bool) throws {
        let engine = try Fixture.engine([text: Fixture.verdict("contacts_phone", 0.85)])
        var c = atWrite(engine)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect((c.ticket == nil) == answered)
        if answered { #expect(turn.reply.text.hasPrefix("Москва: +7 495 232−10−00.") && c.draft == nil) }
        #expect(try Fixture.rules().freeText.askedQuestionMinConfidence == 0.8)
    }

    /// A story read surely as an information question but not asked as one is answered and kept
    /// as the draft, to be sent or added to.
    @Test func storyReadAsAQuestionIsKept() throws {
        let text = "телефон поддержки с сайта постоянно занят уже третий день"
        let engine = try Fixture.engine([text: Fixture.verdict("contacts_phone", 0.97)])
        var c = atWrite(engine)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.ticket == nil && c.draft == [text])
        #expect(turn.reply.text.contains(engine.prompts.text(.storyKept)))
        #expect(turn.reply.options.map(\.value) == [DialogueEngine.sendValue])
    }

    /// A problem told with «не» and not asked is the message, however surely it reads as a question
    /// answered in place; asked, it is answered and kept.
    @Test(arguments: [("телефон не отвечает", true), ("почему телефон не отвечает?", false)])
    func problemWithNotIsTheMessage(text: String, filed: Bool) throws {
        let engine = try Fixture.engine([text: Fixture.verdict("contacts_phone", 0.97)])
        var c = atWrite(engine)
        let turn = engine.handle(text, in: &c, now: Fixture.now)
        #expect((c.ticket?.messages == [text]) == filed)
        if !filed { #expect(turn.reply.text.hasPrefix("Москва: +7 495 232−10−00.") && c.draft == [text]) }
    }

    /// «по заказу 11111111-0002» names the order and is not the question: the order is taken, the
    /// question asked for.
    @Test func orderNumberWithGenericWords() throws {
        let engine = try Fixture.engine(["оператор": Fixture.verdict("operator")])
        var c = Fixture.started(engine)
        Fixture.say(engine, ["оператор", "по заказу \(Fixture.kettle.id)"], in: &c)
        #expect(c.ticket == nil && c.state == .write && c.order == Fixture.kettle.id)
    }

    /// With a specialist asked for directly, the one order the message names goes with the appeal;
    /// after «Без заказа» on a topic, none is added.
    @Test func orderNamedToTheSpecialist() throws {
        let text = "курьер не приехал, ждала весь день, заказ чайник"
        let engine = try Fixture.engine(["оператор": Fixture.verdict("operator")])
        var c = Fixture.started(engine)
        Fixture.say(engine, ["оператор", text], in: &c)
        #expect(c.ticket?.topic == "general" && c.ticket?.order == Fixture.kettle.id && c.ticket?.messages == [text])
        var chosen = Fixture.started(engine)
        Fixture.say(engine, ["3", "без заказа", text], in: &chosen)
        #expect(chosen.ticket?.topic == "returns" && chosen.ticket?.order == nil)
    }

    /// A message sent twice is kept once: at the message step the draft's last message again files
    /// nothing; after the appeal a message it has already, or «Отправить» in another layout, is not added.
    @Test func repeatsAreKeptOnce() throws {
        let story = "не могу войти в личный кабинет, смс с кодом не приходит"
        let engine = try Fixture.engine([story: Fixture.verdict("account")])
        var c = Fixture.started(engine)
        _ = engine.handle(story, in: &c, now: Fixture.now)
        #expect(c.state == .write && c.draft == [story])
        let again = engine.handle(story, in: &c, now: Fixture.now)
        #expect(again.effects.isEmpty && c.ticket == nil && c.draft == [story])
        #expect(again.reply.text.hasPrefix(engine.prompts.text(.repeatInDraft)))
        _ = engine.handle("отправить", in: &c, now: Fixture.now)
        #expect(c.ticket?.messages == [story])
        for text in [story, " " + story, "otpravit", "jnghfdbnm"] {
            let turn = engine.handle(text, in: &c, now: Fixture.now)
            #expect(turn.effects.isEmpty && c.ticket?.messages == [story], "\(text)")
        }
    }

    /// «забудьте про книгу, вопрос по наушникам»: the chosen order dismissed and another named — the
    /// other becomes the chosen one, the message kept and shown, nothing filed. Both named without
    /// a dismissal is no change of order.
    @Test func dismissedOrder() throws {
        let engine = try Fixture.engine()
        let message = "забудьте про книгу, вопрос по наушникам, хочу их вернуть"
        var c = Fixture.started(engine)
        Fixture.say(engine, ["3", "3"], in: &c)
        #expect(c.topic == "returns" && c.order == Fixture.book.id && c.state == .write)
        let turn = engine.handle(message, in: &c, now: Fixture.now)
        #expect(turn.effects.isEmpty && c.order == Fixture.headphones.id && c.draft == [message] && c.state == .write)
        // The dismissal after the title, «про» before it.
        let after = "про книгу забудьте, наушники сломались, хочу деньги назад"
        var b = Fixture.started(engine)
        Fixture.say(engine, ["3", "3"], in: &b)
        _ = engine.handle(after, in: &b, now: Fixture.now)
        #expect(b.order == Fixture.headphones.id && b.draft == [after] && b.ticket == nil)
        var d = Fixture.started(engine)
        Fixture.say(engine, ["3", "3"], in: &d)
        _ = engine.handle("книгу и наушники привезли в одной коробке, обе вещи мятые", in: &d, now: Fixture.now)
        #expect(d.order != Fixture.headphones.id)
    }

    /// A held draft takes messages up to its limit; past it the customer is asked to send it first,
    /// and nothing more is added: every turn stores the draft, so it must not grow without end.
    @Test func heldDraftIsBounded() throws {
        let story = "Наушники не подошли по размеру, хочу вернуть деньги"
        let engine = try Fixture.engine([story: Fixture.verdict("returns")])
        var c = Fixture.started(engine)
        Fixture.say(engine, [story, "нет"], in: &c)
        #expect(c.draft == [story] && c.state == .write)
        for n in 1..<DialogueEngine.draftMaxMessages {
            _ = engine.handle("дополнение номер \(n)", in: &c, now: Fixture.now)
        }
        #expect(c.draft?.count == DialogueEngine.draftMaxMessages && c.ticket == nil)
        let full = engine.handle("ещё одно дополнение", in: &c, now: Fixture.now)
        #expect(full.reply.text.hasPrefix(engine.prompts.text(.draftFull)) && c.draft?.count == DialogueEngine.draftMaxMessages)
        _ = engine.handle("отправить", in: &c, now: Fixture.now)
        #expect(c.ticket?.messages.count == DialogueEngine.draftMaxMessages)
    }

    /// «как быстро ответят?» after an appeal is answered with the appeal's own queue and wait.
    @Test func waitQuestionAfterTheAppealNamesItsQueue() throws {
        let engine = try Fixture.engine(["как быстро ответят?": Fixture.verdict("response_time")])
        var c = WriteAndSubmitTests.atWrite(engine)
        _ = engine.handle("Наушники сломались через неделю, хочу вернуть деньги", in: &c, now: Fixture.now)
        let ticket = try #require(c.ticket)
        let reply = engine.handle("как быстро ответят?", in: &c, now: Fixture.now).reply
        let queue = engine.prompts.text(.ticketQueue, ["queue": engine.prompts.queueName(ticket.queue),
                                                       "wait": engine.prompts.queueWait(ticket.queue, etaMinutes: ticket.etaMinutes)])
        #expect(reply.text.hasPrefix(queue) && !reply.text.contains("В чате — в среднем"))
        #expect(c.ticket == ticket)
    }

    /// On a topic without an order step, the one order the message names goes with the appeal.
    @Test func orderNamedOnATopicWithoutAnOrderStep() throws {
        let engine = try Fixture.engine()
        var c = Fixture.started(engine)
        Fixture.say(engine, ["10"], in: &c)
        #expect(c.topic == "bonuses" && c.state == .write && c.order == nil)
        let turn = engine.handle("почему не начислили баллы за отзыв на чайник", in: &c, now: Fixture.now)
        #expect(turn.reply.ticket?.order == Fixture.kettle.id)
    }

    /// A held draft stays held through a change of topic or order («нет», then «это не гарантия, а
    /// возврат», «без заказа»): what would be filed is added instead, and «да» sends it under the
    /// topic now chosen.
    @Test func heldDraftThroughChanges() throws {
        let story = "Наушники сломались через неделю после покупки"
        let engine = try Fixture.engine([story: Fixture.verdict("warranty")])
        var c = Fixture.started(engine)
        Fixture.say(engine, [story, "нет", "это не гарантия, а возврат"], in: &c)
        #expect(c.topic == "returns" && c.state == .write && c.ticket == nil && c.draft == [story])
        Fixture.say(engine, ["без заказа", "чек у меня сохранился, могу прислать"], in: &c)
        #expect(c.ticket == nil && c.draft == [story, "чек у меня сохранился, могу прислать"])
        Fixture.say(engine, ["да"], in: &c)
        #expect(c.ticket?.topic == "returns" && c.ticket?.messages.count == 2)
    }

    /// Never-mind words with an explanation only («уже не надо, пришёл») file nothing; thanks with a
    /// draft waiting says it has not gone; «ой, не то выбрала» goes back to the order list.
    @Test func neverMindThanksAndWrongPick() throws {
        let story = "чайник не пришёл, жду уже неделю"
        let engine = try Fixture.engine([story: Fixture.verdict("delivery"), "спасибо": Fixture.verdict("thanks")])
        var c = Fixture.started(engine)
        _ = engine.handle(story, in: &c, now: Fixture.now)
        #expect(c.state == .write && c.draft == [story])
        let thanks = engine.handle("спасибо", in: &c, now: Fixture.now)
        #expect(thanks.reply.text.contains(engine.prompts.text(.draftNotSentYet)) && c.ticket == nil)
        for text in ["уже не надо, пришёл", "отбой, курьер приехал"] {
            var d = c
            _ = engine.handle(text, in: &d, now: Fixture.now)
            #expect(d.ticket == nil, "\(text)")
        }
        var e = Fixture.started(engine)
        Fixture.say(engine, ["1", "1"], in: &e)
        #expect(e.state == .write && e.order == Fixture.headphones.id)
        _ = engine.handle("ой не то выбрала", in: &e, now: Fixture.now)
        #expect(e.state == .chooseOrder && e.ticket == nil)
    }
}
