import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

/// Below the confidence set in data the dialogue does not act on its guess: it offers the
/// likeliest topics and a specialist, and keeps the message for whichever is chosen.
struct WeakGuessTests {
    static let text = "чек не пришел на почту после оплаты заказа"

    private func engine(_ confidence: Double) throws -> DialogueEngine {
        try Fixture.engine([Self.text: Fixture.verdict("payment", confidence,
                                                       alternatives: [("purchase", 0.29), ("thanks", 0.1), ("account", 0.1)])])
    }

    /// 0.44 against 0.29: the two or three likeliest topics (small talk left out), then a specialist.
    @Test func weakGuessIsConfirmed() throws {
        let engine = try engine(0.44)
        var c = Fixture.started(engine)
        let reply = engine.handle(Self.text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && c.topic == nil)
        #expect(reply.values == ["payment", "purchase", "account", DialogueEngine.specialistValue])
        #expect(reply.text == engine.prompts.text(.confirmGuess))
    }

    /// Choosing one goes on with the message kept as the draft.
    @Test func choiceKeepsTheMessage() throws {
        let engine = try engine(0.44)
        var c = Fixture.started(engine)
        Fixture.say(engine, [Self.text, "2"], in: &c)
        #expect(c.topic == "purchase" && c.state == .write && c.draft == [Self.text])
        let reply = Fixture.say(engine, ["Отправить"], in: &c).reply
        #expect(reply.ticket?.topic == "purchase" && reply.ticket?.messages == [Self.text])
    }

    /// The specialist option files the message on the general topic.
    @Test func specialistTakesTheMessage() throws {
        let engine = try engine(0.44)
        var c = Fixture.started(engine)
        Fixture.say(engine, [Self.text, "4"], in: &c)
        #expect(c.topic == "general" && c.state == .write && c.draft == [Self.text])
    }

    /// «да» to a guess of one topic chooses it, with the message kept.
    @Test func yesChoosesTheOnlyGuess() throws {
        let engine = try Fixture.engine([Self.text: Fixture.verdict("payment", 0.44, alternatives: [("thanks", 0.3)])])
        var c = Fixture.started(engine)
        let guess = engine.handle(Self.text, in: &c, now: Fixture.now).reply
        #expect(guess.values == ["payment", DialogueEngine.specialistValue])
        Fixture.say(engine, ["да"], in: &c)
        #expect(c.topic == "payment" && c.draft == [Self.text])
    }

    /// A yes with more words: «да, второе» chooses the second option; «да, наушники» to a guess of
    /// one topic chooses it with the order named; «да, но не то» is read as any message.
    @Test func yesWithMoreWords() throws {
        let several = try engine(0.44)
        var c = Fixture.started(several)
        Fixture.say(several, [Self.text, "да, второе"], in: &c)
        #expect(c.topic == "purchase" && c.draft == [Self.text])
        let one = try Fixture.engine([Self.text: Fixture.verdict("payment", 0.44, alternatives: [("thanks", 0.3)])])
        var d = Fixture.started(one)
        Fixture.say(one, [Self.text, "да, наушники"], in: &d)
        #expect(d.topic == "payment" && d.order == Fixture.headphones.id && d.draft == [Self.text])
        var e = Fixture.started(one)
        Fixture.say(one, [Self.text, "да, но не то"], in: &e)
        #expect(e.topic == nil && e.state == .chooseTopic)
    }

    /// Among several guessed topics «да» chooses none: the same choices are offered again.
    @Test func yesAmongSeveralGuessesAsksAgain() throws {
        let engine = try engine(0.44)
        var c = Fixture.started(engine)
        Fixture.say(engine, [Self.text], in: &c)
        let reply = Fixture.say(engine, ["да"], in: &c).reply
        #expect(c.topic == nil && reply.text == engine.prompts.text(.offerAgain))
        #expect(reply.values == ["payment", "purchase", "account", DialogueEngine.specialistValue])
    }

    /// A topic the matcher gives next to nothing (below `confirm_alternative_min`) is not offered.
    @Test func unlikelyTopicsAreNotOffered() throws {
        let engine = try Fixture.engine([Self.text: Fixture.verdict("payment", 0.44, alternatives: [("purchase", 0.29), ("account", 0.03)])])
        var c = Fixture.started(engine)
        let reply = engine.handle(Self.text, in: &c, now: Fixture.now).reply
        #expect(reply.values == ["payment", "purchase", DialogueEngine.specialistValue])
        #expect(try Fixture.rules().freeText.confirmAlternativeMin == 0.05)
    }

    /// A refusal the matcher is not sure of is not given: the topics besides it are offered.
    @Test func unsureRefusalIsAGuess() throws {
        let text = "украли посылку из постамата"
        let engine = try Fixture.engine([text: Fixture.verdict("unsupported", 0.68, alternatives: [("pickup_points", 0.3)])])
        var c = Fixture.started(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.text == engine.prompts.text(.confirmGuess))
        #expect(reply.values == ["pickup_points", DialogueEngine.specialistValue])
    }

    /// A refusal among the close candidates of an ambiguous message, first or second, is never
    /// offered as a choice: the topics besides it and a specialist are, as for an unsure refusal,
    /// whichever way the margin between them falls.
    @Test(arguments: [("unsupported", "complaint"), ("complaint", "unsupported")])
    func refusalInAnAmbiguousMessageIsNotOffered(best: String, second: String) throws {
        let text = "меня обманул продавец, мошенник, помогите"
        let engine = try Fixture.engine([text: Fixture.verdict(IntentID(best), 0.54, alternatives: [(IntentID(second), 0.46)],
                                                               ambiguous: true)])
        var c = Fixture.started(engine)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && reply.text == engine.prompts.text(.confirmGuess))
        #expect(reply.values == ["complaint", DialogueEngine.specialistValue])
        #expect(c.draft == [text])
    }

    /// A product word alone read first as small talk («чайник»: thanks beside tracking, both weak)
    /// is a weak guess: the order it names is noted, the likeliest topics offered, and the one
    /// chosen takes the order — the runner-up is not acted on.
    @Test func smalltalkBesideAWeakTopicIsAGuess() throws {
        let engine = try Fixture.engine(["чайник": Fixture.verdict("thanks", 0.40, alternatives: [("order_tracking", 0.33), ("returns", 0.11)],
                                                                  ambiguous: true)])
        var c = Fixture.started(engine)
        let reply = engine.handle("чайник", in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic && reply.text == engine.prompts.text(.confirmGuess))
        #expect(reply.values == ["order_tracking", "returns", DialogueEngine.specialistValue])
        #expect(c.topic == nil && c.order == Fixture.kettle.id && c.draft == nil)
        Fixture.say(engine, ["2"], in: &c)
        #expect(c.topic == "returns" && c.order == Fixture.kettle.id && c.state == .write)
    }

    /// A message that only names an order («мой чайник») read as a topic less surely than a switch
    /// of topic needs is a weak guess with the order noted; as sure as a switch, it is acted on.
    @Test(arguments: [(0.85, false), (0.95, true)])
    func orderNamedAloneIsAGuess(confidence: Double, acts: Bool) throws {
        let engine = try Fixture.engine(["мой чайник": Fixture.verdict("order_tracking", confidence, alternatives: [("returns", 0.1)])])
        var c = Fixture.started(engine)
        let reply = engine.handle("мой чайник", in: &c, now: Fixture.now).reply
        #expect(c.order == Fixture.kettle.id)
        if acts {
            #expect(c.topic == "order_tracking" && reply.state == .write)
        } else {
            #expect(c.topic == nil && reply.text == engine.prompts.text(.confirmGuess))
            #expect(reply.values == ["order_tracking", "returns", DialogueEngine.specialistValue])
        }
    }

    /// A short problem guessed weakly is kept for the appeal too; a vague phrase is not.
    @Test func shortGuessedProblemIsKept() throws {
        let engine = try Fixture.engine([
            "наушники сломались": Fixture.verdict("returns", 0.44, alternatives: [("payment", 0.3)]),
            "не получается": Fixture.verdict("payment", 0.44, alternatives: [("returns", 0.3)]),
        ])
        var c = Fixture.started(engine)
        Fixture.say(engine, ["наушники сломались", "1"], in: &c)
        #expect(c.topic == "returns" && c.draft == ["наушники сломались"] && c.order == Fixture.headphones.id)
        var vague = Fixture.started(engine)
        Fixture.say(engine, ["не получается", "1"], in: &vague)
        #expect(vague.topic == "payment" && vague.draft == nil)
    }

    /// At or above the threshold the guess is acted on.
    @Test func sureGuessActs() throws {
        let engine = try engine(0.8)
        var c = Fixture.started(engine)
        let reply = engine.handle(Self.text, in: &c, now: Fixture.now).reply
        #expect(c.topic == "payment" && reply.state == .chooseOrder)
    }

    /// The threshold is data.
    @Test func thresholdIsData() throws {
        #expect(try Fixture.rules().freeText.confirmBelow == 0.6)
    }
}
