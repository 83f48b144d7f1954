import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

/// An info intent's answer variants: chosen by the message's words or the customer's flags.
struct AnswerVariantTests {
    private func engine() throws -> DialogueEngine {
        var intents = Fixture.catalog.intents
        intents.append(Intent(id: "premium", kind: .info, title: "Premium", answer: "Покупателям Premium — без приоритета.",
                              answerVariants: [AnswerVariant(profile: ["premium_seller"], text: "Premium-продавцам — приоритет."),
                                               AnswerVariant(words: ["тревел"], text: "Про Travel.")]))
        let catalog = IntentCatalog(intents: intents, settings: Fixture.catalog.settings)
        return DialogueEngine(catalog: catalog, classifier: ScriptedClassifier(script: [
            "премиум": Fixture.verdict("premium"), "премиум в тревеле": Fixture.verdict("premium"),
        ]), prompts: try Fixture.prompts(), rules: try Fixture.rules())
    }

    @Test func mainAnswerByDefault() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        #expect(engine.handle("премиум", in: &c, now: Fixture.now).reply.text.hasPrefix("Покупателям Premium"))
    }

    @Test func profileFlagChoosesVariant() throws {
        let engine = try engine()
        var c = Fixture.started(engine, profile: Fixture.customer(premiumSeller: true))
        #expect(engine.handle("премиум", in: &c, now: Fixture.now).reply.text.hasPrefix("Premium-продавцам"))
    }

    @Test func wordChoosesVariant() throws {
        let engine = try engine()
        var c = Fixture.started(engine)
        #expect(engine.handle("премиум в тревеле", in: &c, now: Fixture.now).reply.text.hasPrefix("Про Travel."))
    }
}
