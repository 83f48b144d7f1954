import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineIntents
import Testing

/// `Intents/config/desk.yaml`: the shipped figures, and a broken file refused with the key named.
struct DeskRulesTests {
    /// The shipped file: both priority queues above the general one, the general queue's longest
    /// wait, the grace period, the estimate's window, and the seed's averages from dialogue.yaml.
    @Test func shippedFile() {
        let rules = Fixture.rules
        #expect(rules.rank(.premiumSeller) > rules.rank(.regular))
        #expect(rules.rank(.travelPriority) > rules.rank(.regular))
        #expect(rules.rank(.premiumSeller) == rules.rank(.travelPriority))
        #expect(rules.maxWait(.regular) == 1200 && rules.graceSeconds == 120)
        #expect(rules.window == 50 && rules.minSamples == 3)
        #expect(rules.average(.regular) == [5, 10] && rules.average(.premiumSeller) == [1, 3])
        #expect(Set(rules.roles.keys) == ["seller", "travel", "general"])
        for key in DeskPrompt.allCases { #expect(!(rules.prompts.texts[key.rawValue] ?? "").isEmpty, "\(key)") }
    }

    /// The roles name only topics the intents have (and the general topic).
    @Test func rolesNameKnownTopics() throws {
        let catalog = try IntentCatalog(bundle: .embedded)
        let topics = Set(catalog.topics.map(\.id.rawValue)).union([try DialogueRules(bundle: .embedded).generalTopic])
        var rules = Fixture.rules
        try rules.checkTopics(topics)
        #expect(rules.topics == topics)
        var fewer = Fixture.rules
        #expect { try fewer.checkTopics(topics.subtracting(["seller"])) } throws: {
            ($0 as? DataError)?.message == "`roles.seller.serves[1].topics`: unknown topic «seller»"
        }
    }

    /// What each role serves, as the seed's specialists would.
    @Test func roles() throws {
        let roles = Fixture.rules.roles
        let seller = try #require(roles["seller"]), travel = try #require(roles["travel"])
        let general = try #require(roles["general"])
        #expect(seller.serves(topic: "delivery", queue: .premiumSeller) && seller.serves(topic: "seller", queue: .regular))
        #expect(!seller.serves(topic: "delivery", queue: .regular))
        #expect(travel.serves(topic: "travel", queue: .travelPriority) && travel.serves(topic: "travel", queue: .regular))
        #expect(!travel.serves(topic: "delivery", queue: .regular))
        #expect(general.serves(topic: "general", queue: .regular) && general.serves(topic: "returns", queue: .premiumSeller))
        #expect(!general.serves(topic: "travel", queue: .regular))
    }

    /// Each broken file is refused, and the message names the key at fault.
    @Test(arguments: [
        ("  regular:\n    rank: 0\n    max_wait_minutes: 20\n", "", "missing key `queues.regular`"),
        ("    max_wait_minutes: 20\n", "",
         "`queues.regular.max_wait_minutes` is required"),
        ("    max_wait_minutes: 20\n", "    max_wait_minute: 20\n", "`queues.regular.max_wait_minute`: unknown key"),
        ("    max_wait_minutes: 20\n", "    max_wait_minutes: 0\n", "`queues.regular.max_wait_minutes` must be more than 0"),
        ("  regular:\n    rank: 0\n", "  regular:\n    rank: first\n", "`queues.regular.rank` must be a whole number"),
        ("  travel_priority:\n", "  travel_priorty:\n", "`queues.travel_priorty`: unknown queue"),
        ("      - topics: [travel]\n", "      - topic: [travel]\n", "`roles.travel.serves[0].topic`: unknown key"),
        ("        queues: [travel_priority, regular]\n", "        queues: [travel_priority, general]\n",
         "`roles.travel.serves[0].queues[1]`"),
        ("      - except_topics: [travel]\n", "      - except_topics: [travel]\n        topics: [returns]\n",
         "`roles.general.serves[0].except_topics`: give either `topics` or `except_topics`"),
        ("grace_seconds: 120\n", "", "missing key `grace_seconds`"),
        ("  min_samples: 3\n", "  min_samples: 60\n", "`estimate.min_samples` must be from 1"),
        ("  position_first:", "  position_frist:", "`texts.position_frist`: unknown text"),
        ("{ahead}.\"", "{ahaed}.\"", "`texts.position` has the placeholder {ahaed}"),
        ("minute_forms: [\"минута\", \"минуты\", \"минут\"]", "minute_forms: [\"минута\", \"минут\"]",
         "`minute_forms` needs three forms"),
    ])
    func brokenFileNamesTheKey(replacing: String, with: String, expected: String) throws {
        let yaml = Fixture.yaml
        #expect(yaml.contains(replacing), "the shipped file changed: \(replacing)")
        let broken = yaml.replacingOccurrences(of: replacing, with: with)
        #expect {
            try DeskRules(yaml: broken, averages: Fixture.averages)
        } throws: { error in
            guard let error = error as? DataError else { return false }
            return error.file == "config/desk.yaml" && error.message.contains(expected)
        }
    }

    /// A missing file, or a dialogue.yaml without averages, is named.
    @Test func missingFile() {
        var files = DataBundle.embedded.files
        files[DeskRules.path] = nil
        #expect { try DeskRules(bundle: DataBundle(files: files)) } throws: {
            ($0 as? DataError)?.file == "config/desk.yaml"
        }
        #expect { try DeskRules(yaml: Fixture.yaml, averages: [.regular: [5, 10]]) } throws: {
            ($0 as? DataError)?.file == "config/dialogue.yaml"
        }
    }

    /// A role serving nothing is refused.
    @Test func emptyRole() {
        let broken = Fixture.yaml.replacingOccurrences(
            of: "    serves:\n      - topics: [travel]\n        queues: [travel_priority, regular]\n", with: "    serves: []\n")
        #expect { try DeskRules(yaml: broken, averages: Fixture.averages) } throws: {
            ($0 as? DataError)?.message == "`roles.travel.serves` is empty: the role would serve nothing"
        }
    }
}
