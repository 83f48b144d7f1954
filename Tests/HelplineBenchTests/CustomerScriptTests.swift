import Foundation
import HelplineBench
import HelplineDialogue
import HelplineIntents
import HelplineTesting
import Histogram
import Testing

@Suite struct CustomerScriptTests {
    /// Customers following the script through the real engine visit every dialogue state and make
    /// appeals, so a load run exercises the whole flow, not just the menu.
    @Test func scriptVisitsEveryState() {
        let script = CustomerScript(engine: Shared.engine)
        let now = Date()
        var seen: Set<DialogueState> = []
        var appeals = 0
        for index in 0..<8 {
            var random = SplitMix64(seed: UInt64(index))
            var (conversation, reply) = Shared.engine.start(id: "s\(index)", profile: Shared.profile, now: now)
            for _ in 0..<60 {
                let text = script.nextText(state: reply.state, optionValues: reply.options.map(\.value), using: &random)
                let turn = Shared.engine.handle(text, in: &conversation, now: now)
                reply = turn.reply
                seen.insert(reply.state)
                appeals += turn.effects.count { if case .openTicket = $0 { true } else { false } }
            }
        }
        #expect(seen == [.chooseTopic, .chooseOrder, .write, .submitted])
        #expect(appeals > 0)
    }

    /// A customer writes to the specialist about the topic it picked from the menu or asked about,
    /// as real customers do, until it starts a new appeal; a draft shown is mostly sent.
    @Test func messagesAreAboutTheTopicChosen() {
        let script = CustomerScript(engine: Shared.engine)
        let examples = { (id: String) in Set(Shared.engine.catalog.intent(IntentID(rawValue: id))?.examples ?? []) }
        let values = ["delivery", "returns", "payment"]
        for seed in 0..<40 {
            var customer = CustomerScript.Customer(seed: UInt64(seed))
            let picked = script.nextText(state: .chooseTopic, optionValues: values, customer: &customer)
            guard let meant = customer.topic else {
                // Not a pick: an information question, which chooses no topic.
                #expect(!script.topicQuestions.contains(picked) && Int(picked) == nil, "\(picked)")
                continue
            }
            if let key = Int(picked) { #expect(values[key - 1] == meant.rawValue) } else { #expect(examples(meant.rawValue).contains(picked)) }
            let message = script.nextText(state: .write, optionValues: [], customer: &customer)
            #expect(examples(meant.rawValue).contains(message), "\(message) is not about \(meant.rawValue)")
            // With a draft shown, «Отправить» (its key) or a message about the topic.
            let withDraft = script.nextText(state: .write, optionValues: ["send"], customer: &customer)
            #expect(withDraft == "1" || examples(meant.rawValue).contains(withDraft), "\(withDraft)")
            #expect(customer.topic == meant)
        }
        var sender = CustomerScript.Customer(seed: 5)
        sender.topic = "delivery"
        let replies = (0..<40).map { _ in script.nextText(state: .write, optionValues: ["send"], customer: &sender) }
        #expect(replies.contains("1") && replies.contains { $0 != "1" })
        var customer = CustomerScript.Customer(seed: 3)
        customer.topic = "delivery"
        while script.nextText(state: .submitted, optionValues: ["new"], customer: &customer) != script.newAppeal {}
        #expect(customer.topic == nil)
    }

    /// Every text comes from the intent data or is an option number: nothing is made up in code.
    @Test func textsComeFromTheData() {
        let script = CustomerScript(engine: Shared.engine)
        let examples = Set(Shared.engine.catalog.intents.flatMap(\.examples))
        #expect(!script.topicQuestions.isEmpty && !script.infoQuestions.isEmpty && !script.specialistMessages.isEmpty)
        #expect(Set(script.topicQuestions + script.infoQuestions + script.specialistMessages).isSubset(of: examples))
        #expect(Shared.engine.rules.commands[.new]?.contains(script.newAppeal) == true)
        #expect(Shared.engine.rules.noOrder.contains(script.noOrder))
        var random = SplitMix64(seed: 7)
        let values = ["delivery", "returns", "payment"]
        for _ in 0..<200 {
            let text = script.nextText(state: .chooseTopic, optionValues: values, using: &random)
            #expect(examples.contains(text) || ["1", "2", "3"].contains(text), "\(text)")
        }
    }

    /// At the order step the script picks an order (never «Без заказа» by its number) or says
    /// «без заказа» in words.
    @Test func orderStepPicksOrders() {
        let script = CustomerScript(engine: Shared.engine)
        var random = SplitMix64(seed: 3)
        let values = ["31415926-0001", "31415926-0002", DialogueEngine.noOrderValue]
        var picks: [String: Int] = [:]
        for _ in 0..<500 {
            picks[script.nextText(state: .chooseOrder, optionValues: values, using: &random), default: 0] += 1
        }
        #expect(picks["3"] == nil)
        #expect((picks["1"] ?? 0) > 100 && (picks["2"] ?? 0) > 100)
        #expect((picks[script.noOrder] ?? 0) > 20)
    }

    /// The same seed gives the same customer: runs are reproducible.
    @Test func sameSeedSameTexts() {
        let script = CustomerScript(engine: Shared.engine)
        func texts(_ seed: UInt64) -> [String] {
            var random = SplitMix64(seed: seed)
            return (0..<50).map { _ in script.nextText(state: .chooseTopic, optionValues: ["a", "b"], using: &random) }
        }
        #expect(texts(11) == texts(11))
        #expect(texts(11) != texts(12))
    }
}

@Suite struct LatencySummaryTests {
    /// Percentiles are read from the histogram in microseconds.
    @Test func percentilesInMicroseconds() {
        var histogram = LatencySummary.makeHistogram()
        for micros in 1...1_000 { histogram.record(UInt64(micros) * 1_000) }
        let summary = LatencySummary(histogram)
        #expect(summary.count == 1_000)
        #expect(abs(summary.p50 - 500) <= 1)
        #expect(abs(summary.p90 - 900) <= 1)
        #expect(abs(summary.p99 - 990) <= 1)
        #expect(abs(summary.max - 1_000) <= 1)
    }

    /// Durations print in µs below a millisecond and in ms above.
    @Test func formatting() {
        #expect(LatencySummary.format(7.25) == "7.25 µs")
        #expect(LatencySummary.format(250.04) == "250.0 µs")
        #expect(LatencySummary.format(1_520) == "1.52 ms")
    }
}

@Suite struct InProcessBenchTests {
    /// Every measurement takes the number of samples asked for, and stored turns reach the database.
    @Test func samplesAreTaken() async throws {
        let scratch = try TemporaryDirectory()
        let bench = InProcessBench(engine: Shared.engine, profile: Shared.profile)
        let report = try await bench.run(samples: 200, concurrency: 4, databasePath: scratch.path("b.sqlite"))
        #expect(report.analysis.count == 200)
        #expect(report.classification.count == 200)
        #expect(report.engineTurn.count == 200)
        #expect(report.storedTurn.count == 200)
        #expect(report.storedTurnsPerSecond > 0)
        #expect(report.averageWords > 1)
    }
}
