import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

struct DataFileTests {
    /// The shipped prompts file has every text, every queue's wording and three minute forms.
    @Test func promptsAreComplete() throws {
        let prompts = try Fixture.prompts()
        for key in Prompt.allCases {
            #expect(!(prompts.texts[key.rawValue] ?? "").isEmpty, "missing \(key.rawValue)")
        }
        for queue in Queue.allCases {
            #expect(!prompts.queueName(queue).isEmpty && prompts.queueWait(queue, etaMinutes: [1, 2]).contains("1–2"))
        }
        for id: IntentID in ["greeting", "thanks", "goodbye"] { #expect(prompts.smalltalk(id) != nil) }
    }

    /// Every placeholder in the prompts is one the engine fills.
    @Test func placeholdersAreKnown() throws {
        let known: Set = ["name", "topic", "order", "ticket", "queue", "wait", "eta", "number", "option", "no_order",
                          "specialist", "title", "id", "status", "low", "high", "minutes", "draft", "send", "new"]
        let prompts = try Fixture.prompts()
        let all = Array(prompts.texts.values) + prompts.queues.values.flatMap { [$0.name, $0.wait] }
        for text in all {
            for match in text.matches(of: #/\{([a-z_]+)\}/#) {
                #expect(known.contains(String(match.output.1)), "unknown placeholder in «\(text)»")
            }
        }
    }

    /// A prompts file with a placeholder nothing fills is refused, naming the key and the placeholder.
    @Test func refusesUnknownPlaceholders() throws {
        let yaml = try #require(DataBundle.embedded.files[Prompts.path])
        #expect {
            try Prompts(yaml: yaml.replacingOccurrences(of: "{name}", with: "{nmae}"))
        } throws: { error in
            let error = error as? DataError
            return error?.file == Prompts.path && error?.message.contains("`greeting` has the placeholder {nmae}") == true
        }
    }

    /// Data that loads but cannot serve is refused by `init(checking:)`: no intent files, or an
    /// intent without examples, named by its file.
    @Test func checkingRefusesDataThatCannotServe() throws {
        var files = DataBundle.embedded.files
        let withoutIntents = DataBundle(files: files.filter { $0.key.contains("/") })
        #expect { try DialogueEngine(checking: withoutIntents) } throws: { error in
            (error as? DataError)?.message.contains("no intent files") == true
        }
        files["greeting.yaml"] = "id: greeting\nkind: smalltalk\ntitle: Привет\nexamples: []\n"
        #expect { try DialogueEngine(checking: DataBundle(files: files)) } throws: { error in
            (error as? DataError)?.file == "greeting.yaml"
        }
    }

    /// The rules file carries the seed's figures: 5–10 minutes regular, 1–3 for Premium sellers,
    /// and the travel priority rules (hotel, the two packages, corporate, 24 hours).
    @Test func rulesCarryTheSeedsFigures() throws {
        let rules = try Fixture.rules()
        #expect(rules.eta(.regular) == [5, 10])
        #expect(rules.eta(.premiumSeller) == [1, 3])
        #expect(rules.eta(.travelPriority).count == 2)
        #expect(rules.travelPriority.kinds == ["hotel"])
        #expect(Set(rules.travelPriority.packages) == ["Приоритет", "Всё включено"])
        #expect(rules.travelPriority.corporate && rules.travelPriority.startsWithinHours == 24)
        #expect(rules.missesBeforeSpecialist == 2)
        #expect(rules.generalTopic == "general")
    }

    /// Which orders a topic offers: its own `order_kinds`, else travel bookings for travel, goods otherwise.
    @Test func orderKindsPerTopic() throws {
        let rules = try Fixture.rules()
        #expect(rules.orderKinds(for: Intent(id: "travel", kind: .topic, title: "T")) == ["hotel", "flight", "train", "tour"])
        #expect(rules.orderKinds(for: Intent(id: "returns", kind: .topic, title: "R")) == ["goods"])
        #expect(rules.orderKinds(for: Intent(id: "x", kind: .topic, title: "X", orderKinds: ["hotel"])) == ["hotel"])
    }

    /// Placeholders are filled in one pass; values with braces are not filled again; unknown ones stay.
    @Test func placeholderFilling() throws {
        let prompts = Prompts(texts: ["menu": "{a} и {b}, {c}"], smalltalk: [:], queues: [:], minuteForms: [])
        #expect(prompts.text(.menu, ["a": "{b}", "b": "два"]) == "{b} и два, {c}")
        #expect(prompts.text(.miss) == "{miss}")
    }

    /// «минута» agrees with the upper figure of the estimate.
    @Test(arguments: [(1, "минута"), (3, "минуты"), (4, "минуты"), (5, "минут"), (10, "минут"), (11, "минут"),
                      (14, "минут"), (21, "минута"), (22, "минуты"), (25, "минут")])
    func minuteForms(count: Int, form: String) throws {
        #expect(try Fixture.prompts().eta([1, count]).hasSuffix(" " + form))
    }

    /// A prompts file that lacks a text is refused with the key named.
    @Test func brokenPromptsAreRefused() throws {
        var bundle = DataBundle.embedded
        let text = try #require(bundle.files[Prompts.path])
        bundle.files[Prompts.path] = text.replacingOccurrences(of: "\nappended:", with: "\nappended_typo:")
        #expect { try Prompts(bundle: bundle) } throws: { error in
            "\(error)".contains("appended") && "\(error)".contains(Prompts.path)
        }
        #expect(throws: DataError.self) { try Prompts(bundle: DataBundle(files: [:])) }
        #expect(throws: DataError.self) { try Prompts(yaml: "- not a map") }
    }

    /// A rules file with a bad queue estimate or a missing command is refused.
    @Test func brokenRulesAreRefused() throws {
        let text = try #require(DataBundle.embedded.files[DialogueRules.path])
        #expect(throws: DataError.self) {
            try DialogueRules(yaml: text.replacingOccurrences(of: "premium_seller: [1, 3]", with: "premium_seller: [3, 1]"))
        }
        #expect(throws: DataError.self) {
            try DialogueRules(yaml: text.replacingOccurrences(of: "  cancel:", with: "  cancell:"))
        }
        #expect(throws: DataError.self) { try DialogueRules(bundle: DataBundle(files: [:])) }
    }

    /// An engine on a matcher alone takes the shipped prompts and rules.
    @Test func engineOnMatcherUsesEmbeddedTexts() throws {
        let engine = try DialogueEngine(matcher: IntentMatcher(catalog: Fixture.catalog))
        #expect(engine.prompts == (try Fixture.prompts()))
        #expect(engine.rules == (try Fixture.rules()))
    }

    /// Building an engine from a data folder without the dialogue's files fails and names the file.
    @Test func engineNeedsItsFiles() throws {
        var bundle = DataBundle.embedded
        bundle.files[DialogueRules.path] = nil
        #expect { try DialogueEngine(bundle: bundle) } throws: { "\($0)".contains(DialogueRules.path) }
    }
}
