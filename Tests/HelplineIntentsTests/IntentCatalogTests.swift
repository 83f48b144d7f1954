import Testing
@testable import HelplineIntents

struct IntentCatalogTests {
    /// The built-in data holds the 28 intents with the fixed ids the protocol uses.
    @Test func embeddedCatalogHasAllIntents() throws {
        let catalog = try IntentCatalog(bundle: .embedded)
        let expected: Set<String> = [
            "delivery", "order_tracking", "returns", "payment", "ozon_card", "purchase", "pickup_points",
            "discounts", "warranty", "bonuses", "complaint", "account", "travel", "seller",
            "contacts_phone", "contacts_chat", "contacts_email", "contacts_social", "premium", "bank",
            "courier", "response_time", "support_scope", "unsupported",
            "operator", "greeting", "thanks", "goodbye", "bot_identity",
        ]
        #expect(Set(catalog.intents.map(\.id.rawValue)) == expected)
        #expect(catalog.intents.count == 29)
        #expect(catalog.topics.count == 14)
        #expect(!catalog.offTopicExamples.isEmpty)
        for intent in catalog.intents {
            #expect(intent.examples.count >= (intent.kind == .topic ? 40 : 20), "\(intent.id) has too few examples")
        }
    }

    /// A file that is not valid intent YAML fails loading with a DataError naming that file.
    @Test func brokenYAMLNamesTheFile() {
        let bundle = DataBundle(files: [
            "greeting.yaml": "id: greeting\nkind: smalltalk\ntitle: Привет\nexamples: [привет]\n",
            "returns.yaml": "id: returns\nkind: topic\ntitle: [unclosed\n",
        ])
        #expect {
            _ = try IntentCatalog(bundle: bundle)
        } throws: { error in
            (error as? DataError)?.file == "returns.yaml"
        }
    }

    /// An intent with an unknown kind is rejected, naming its file.
    @Test func unknownKindNamesTheFile() {
        let bundle = DataBundle(files: ["odd.yaml": "id: odd\nkind: weird\ntitle: Odd\n"])
        #expect {
            _ = try IntentCatalog(bundle: bundle)
        } throws: { error in
            (error as? DataError)?.file == "odd.yaml"
        }
    }

    /// Two files declaring the same id are an error naming the second file.
    @Test func duplicateIdIsRejected() {
        let bundle = DataBundle(files: [
            "same.yaml": "id: same\nkind: smalltalk\ntitle: A\n",
            "same.yml": "id: same\nkind: smalltalk\ntitle: B\n",
        ])
        #expect {
            _ = try IntentCatalog(bundle: bundle)
        } throws: { error in
            (error as? DataError)?.file == "same.yml"
        }
    }

    /// An intent's id is its file's name: a file named otherwise is refused, naming the file.
    @Test func idIsTheFileName() throws {
        let bundle = DataBundle(files: ["refunds.yaml": "id: returns\nkind: topic\ntitle: Возвраты\nexamples: [\"верните деньги\"]\n"])
        #expect {
            _ = try IntentCatalog(bundle: bundle)
        } throws: { error in
            (error as? DataError)?.file == "refunds.yaml" && (error as? DataError)?.message.contains("file's name") == true
        }
        let catalog = try IntentCatalog(bundle: .embedded)
        #expect(catalog.intents.allSatisfy { DataBundle.embedded.files["\($0.id).yaml"] != nil })
    }

    /// A broken off-topic file is reported under its own name.
    @Test func brokenOffTopicFileNamesTheFile() {
        let bundle = DataBundle(files: [
            "greeting.yaml": "id: greeting\nkind: smalltalk\ntitle: Привет\n",
            "config/offtopic.yaml": "examples: {not: a list}\n",
        ])
        #expect {
            _ = try IntentCatalog(bundle: bundle)
        } throws: { error in
            (error as? DataError)?.file == "config/offtopic.yaml"
        }
    }

    /// Matcher settings read from YAML override only the keys given; the rest keep their defaults.
    @Test func settingsKeepDefaultsForMissingKeys() throws {
        let bundle = DataBundle(files: [
            "config/matcher.yaml": "reject_below: 0.7\nmodel:\n  epochs: 3\n",
            "config/offtopic.yaml": "examples:\n  - какая погода\n",
        ])
        let catalog = try IntentCatalog(bundle: bundle)
        let defaults = MatcherSettings()
        #expect(catalog.settings.rejectBelow == 0.7)
        #expect(catalog.settings.model.epochs == 3)
        #expect(catalog.settings.ambiguityMargin == defaults.ambiguityMargin)
        #expect(catalog.settings.model.learningRate == defaults.model.learningRate)
        #expect(catalog.offTopicExamples == ["какая погода"])
    }
}
