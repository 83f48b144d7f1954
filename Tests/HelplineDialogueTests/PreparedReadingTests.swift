import Foundation
import HelplineIntents
import HelplineText
import Testing
@testable import HelplineDialogue

/// What the engine works out once — phrase tables, option keys, title forms, prompt templates —
/// and its byte-level comparisons read every message exactly as reading it afresh with `String`
/// comparison does (the reference readings below are the straightforward ones).
struct PreparedReadingTests {
    private static let engine = Result { try DialogueEngine(bundle: .embedded) }

    /// Messages of every kind: the intents' examples, the phrases and option labels as typed, in
    /// the Latin layout, in translit, with a typo, shouted, with accents and stray characters.
    private static func messages(_ engine: DialogueEngine, profile: Profile) -> [String] {
        let layout = Dictionary(uniqueKeysWithValues: zip("йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,."))
        let translit: [Character: String] = [
            "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
            "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
            "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ы": "y", "э": "e", "ю": "yu", "я": "ya",
        ]
        var phrases = engine.rules.commands.values.flatMap { $0 } + engine.rules.noOrder + engine.catalog.intents.map(\.title)
        phrases += profile.orders.flatMap { [$0.title, $0.id] } + Prompt.allCases.map { engine.prompts.text($0) }.filter { $0.count < 40 }
        phrases += ["1", "2", "17", "topic:delivery", "no_order", "send", "new_appeal", "operator"]
        var out: [String] = []
        for (index, phrase) in phrases.enumerated() {
            let lower = phrase.lowercased()
            var typo = Array(lower)
            if typo.count > 3 { typo.remove(at: index % typo.count) }
            if typo.count > 4 { typo.swapAt(1, 2) }
            out += [phrase, String(lower.map { layout[$0] ?? $0 }), lower.map { translit[$0] ?? String($0) }.joined(),
                    String(typo), phrase.uppercased() + "!!!", "  " + phrase + "?", phrase + "\u{301}", "ё" + phrase]
        }
        let examples = engine.catalog.intents.flatMap(\.examples)
        for (index, example) in examples.enumerated() where index % 2 == 0 {
            let lower = example.lowercased()
            out += [example, index % 4 == 0 ? String(lower.map { layout[$0] ?? $0 }) : lower.map { translit[$0] ?? String($0) }.joined()]
        }
        return out + ["", " ", "/back", "/MENU", "ЭТО БЕЗОБРАЗИЕ", "достали!!!", "Безобразие какое-то", "क", "한글 меню"]
    }

    private static func profile() throws -> Profile {
        var profile = try Profile.demo(in: .embedded)
        profile.orders += [Order(id: "55555555-0005", title: "Робот-пылесос Samsung Jet", status: "в пути"),
                           Order(id: "55555555-0006", title: "Авиабилет Москва — Сочи", kind: .flight)]
        return profile
    }

    @Test func phraseTablesReadAsPhraseKeys() throws {
        let engine = try Self.engine.get()
        let profile = try Self.profile()
        let reference = ReferencePhraseReader(vocabulary: engine.matcher.analyzer.vocabulary)
        let commands = Command.allCases.flatMap { command in
            (engine.rules.commands[command] ?? []).filter { !$0.hasPrefix("/") }.map { (key: DialogueRules.phraseKey($0), value: command) }
        }
        let noOrder = engine.rules.noOrder.map { (key: DialogueRules.phraseKey($0), value: true) }
        var checked = 0
        for text in Self.messages(engine, profile: profile) {
            let key = DialogueRules.phraseKey(text)
            #expect(engine.reader.readings(of: text, key: key) == reference.readings(of: text, key: key), "\(text)")
            #expect(engine.reader.match(text, key: key, in: engine.commandPhrases) == reference.match(text, key: key, in: commands), "\(text)")
            #expect(engine.reader.match(text, key: key, in: engine.noOrderPhrases) == reference.match(text, key: key, in: noOrder), "\(text)")
            #expect(engine.rules.command(forKey: key) == engine.rules.command(for: text))
            #expect(engine.rules.meansNoOrder(key: key) == engine.rules.noOrder.contains { DialogueRules.phraseKey($0) == key })
            if !key.hasPrefix("/") {
                #expect(engine.rules.isUpset(text, normalized: key) == Self.referenceIsUpset(engine.rules, text, normalized: key), "\(text)")
            }
            checked += 1
        }
        #expect(checked > 5_000)
    }

    /// Passes every message to the matcher, as a classifier other than the engine's own matcher
    /// would: the engine then reads the message's phrase key and its classification apart.
    private struct ForwardingClassifier: IntentClassifying {
        let matcher: IntentMatcher
        func classify(_ text: String) -> Classification { matcher.classify(text) }
    }

    /// A turn's message analyzed once (its phrase key taken from the analysis, which then gives
    /// the classification) plays every turn as reading the key and classifying afresh does.
    @Test func aMessageAnalyzedOnceGivesTheSameTurns() throws {
        let engine = try Self.engine.get()
        let apart = DialogueEngine(catalog: engine.catalog, classifier: ForwardingClassifier(matcher: engine.matcher),
                                   prompts: engine.prompts, rules: engine.rules)
        #expect(engine.classifiesWithMatcher && !apart.classifiesWithMatcher)
        let profile = try Self.profile()
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let long = String(repeating: "Заказ 55555555-0005 не пришел, ", count: 120)
        // Every third of the messages keeps the test short; each kind of message is among them.
        let all = Self.messages(engine, profile: profile)
        let messages = stride(from: 0, to: all.count, by: 3).map { all[$0] }
            + [long, " " + long, "/" + long, "\u{200B}доставка\u{200B}", "  доставка?", "/MENU"]
        var states: Set<DialogueState> = []
        for prefix in [[], ["хочу вернуть наушники"], ["доставка"], ["доставка", "1", "курьер не приехал"],
                       ["доставка", "1", "курьер не приехал", "отправить"]] {
            var start = engine.start(id: "p", profile: profile, now: now).0
            for text in prefix { _ = engine.handle(text, in: &start, now: now) }
            states.insert(start.state)
            for text in messages {
                let key = engine.read(text).key
                #expect(key == DialogueRules.phraseKey(text), "\(text.prefix(80))")
                var once = start, afresh = start
                #expect(engine.handle(text, in: &once, now: now) == apart.handle(text, in: &afresh, now: now), "\(text.prefix(80))")
                #expect(once == afresh)
            }
        }
        #expect(states.count == 4, "every state is played: \(states)")
    }

    /// The option a message chooses is the one the option texts' phrase keys, made afresh, give.
    @Test func optionsReadAsTheirPhraseKeys() throws {
        let engine = try Self.engine.get()
        let profile = try Self.profile()
        let reference = ReferencePhraseReader(vocabulary: engine.matcher.analyzer.vocabulary)
        var lists: [[ReplyOption]] = [engine.menuOptions(specialist: false), engine.menuOptions(specialist: true),
                                      engine.submittedOptions()]
        let (start, _) = engine.start(id: "p", profile: profile, now: Date(timeIntervalSince1970: 1_780_000_000))
        for text in ["1", "3", "13", "хочу вернуть наушники", "рассрочка или кредит"] {
            var c = start
            _ = engine.handle(text, in: &c, now: Date(timeIntervalSince1970: 1_780_000_000))
            lists.append(c.options)
        }
        #expect(lists.contains { $0.contains { $0.value.contains("-") } }, "an order list is among the option lists")
        func referenceChoice(_ text: String, key: String, _ options: [ReplyOption]) -> ReplyOption? {
            let trimmed = text.trimmingWhitespace()
            guard !key.isEmpty else { return nil }
            let optionKey = DialogueRules.phraseKey
            if let exact = options.first(where: { option in
                trimmed == option.value || trimmed == option.key
                    || key == optionKey(option.key) || key == optionKey(option.label) || key == optionKey(option.value)
            }) { return exact }
            let phrases = options.flatMap { [(key: optionKey($0.label), value: $0), (key: optionKey($0.value), value: $0)] }
            return reference.match(text, key: key, in: phrases)
        }
        var checked = 0
        for text in Self.messages(engine, profile: profile) {
            let key = DialogueRules.phraseKey(text)
            for options in lists {
                #expect(engine.chosenOption(text, key: key, in: options) == referenceChoice(text, key: key, options), "\(text)")
                checked += 1
            }
        }
        #expect(checked > 20_000)
    }

    /// Title forms read once are the forms read afresh.
    @Test func titleFormsAreReadOnce() throws {
        let engine = try Self.engine.get()
        let orders = try Self.profile().orders + [Order(id: "1", title: "Книга «Мастер и Маргарита»", kind: .tour),
                                                   Order(id: "2", title: "", kind: .train)]
        for _ in 0..<2 {
            for order in orders {
                #expect(engine.titleForms.forms(order)
                        == OrderFinder.titleForms(order, ignoring: engine.titleStopwords, kindWords: engine.kindWords,
                                                  brandReadings: engine.rules.brandReadings))
            }
        }
    }

    /// Prompts cut at their placeholders fill as the texts filled afresh.
    @Test func templatesFillAsTheTexts() throws {
        let engine = try Self.engine.get()
        let values = ["name": "Анна {ticket}", "topic": "Доставка", "order": "№ 1", "ticket": "s1-1", "queue": "общая",
                      "wait": "5–10 минут", "number": "12345678-0001", "option": "7", "no_order": "Без заказа",
                      "specialist": "Написать", "title": "Наушники", "id": "1", "status": "в пути", "draft": "текст",
                      "send": "Отправить", "eta": "5", "low": "1", "high": "3", "minutes": "минуты"]
        let texts = engine.prompts.texts.values + ["", "{", "}", "a{b", "{x}{y}", "{name}", "до {name} {незакрыт", "{{name}}", "é{name}\u{301}"]
        for text in texts {
            for subset in [[:], values, ["name": "{name}"]] {
                #expect(Template(text).fill(subset) == Prompts.fill(text, subset), "\(text)")
            }
        }
        for prompt in Prompt.allCases {
            #expect(engine.prompts.text(prompt, values) == Prompts.fill(engine.prompts.texts[prompt.rawValue] ?? "", values))
        }
    }

    /// Answers chosen by word starts normalized once are those chosen normalizing them afresh.
    @Test func answerVariantsReadAsWritten() throws {
        let engine = try Self.engine.get()
        let profile = try Self.profile()
        let intents = engine.catalog.intents.filter { !$0.answerVariants.isEmpty }
        #expect(!intents.isEmpty)
        var checked = 0
        for text in Self.messages(engine, profile: profile) {
            let analysis = engine.matcher.analyzer.analyze(text)
            for intent in intents {
                #expect(engine.answer(intent, to: analysis, for: profile) == Self.referenceAnswer(engine, intent, analysis), "\(text)")
                checked += 1
            }
        }
        #expect(checked > 5_000)
    }

    private static func referenceAnswer(_ engine: DialogueEngine, _ intent: Intent, _ analysis: Analysis) -> String {
        let words = Set(analysis.words + analysis.normalized.split(separator: " ").map(String.init))
        let chosen = intent.answerVariants.first { variant in
            variant.profile.contains("premium")
                || variant.words.contains { prefix in
                    let prefix = Normalizer.normalize(prefix)
                    return words.contains { $0.hasPrefix(prefix) }
                }
        }
        let text = (chosen?.text ?? intent.answer)?.trimmingWhitespace() ?? ""
        return text.isEmpty ? engine.prompts.text(.infoMissing, ["topic": intent.title]) : text
    }

    /// Trimming and the order number's digit count, told without the Unicode tables and the
    /// pattern, give what the tables and the pattern give; a number is its whole runs of digits.
    @Test func trimmingAndOrderNumbersAsBefore() throws {
        let engine = try Self.engine.get()
        let ends = ["", " ", "\n", "\t", "\u{A0}", "\u{2028}", "\u{3000}", "\u{85}", "\u{200B}", " - ", "ж", "!"]
        let numbers = ["12345678-0001", "1234567-0001", "12345678 0001", "123456780001", "1\u{301}2345678-0001",
                       "12345678—000", "№ 12345678‐0001", "5\u{301}5555555 5555", "١٢٣٤٥٦٧٨-٠٠٠١",
                       "заказ 2718281800003", "912345678-0001", "12345678-00012", "1234 12345678-0001"]
        var checked = 0
        for (index, message) in (Self.messages(engine, profile: try Self.profile()) + numbers).enumerated() {
            let text = ends[index % ends.count] + message + ends[(index / ends.count) % ends.count]
            let scalars = text.unicodeScalars
            let isTrimmed = { (scalar: Unicode.Scalar) in scalar.properties.isWhitespace || scalar == "\u{200B}" }
            let trimmed = scalars.firstIndex { !isTrimmed($0) }.map { first in
                String(scalars[first...scalars.lastIndex { !isTrimmed($0) }!])
            } ?? ""
            #expect(text.trimmingWhitespace() == trimmed, "\(text.debugDescription)")
            let number = text.firstMatch(of: #/(?:^|[^0-9])([0-9]{8,}[\s\-‐‑–—]*[0-9]{4,})/#).map { String($0.output.1) }
            #expect(OrderFinder.orderNumber(in: text, entities: []) == number, "\(text.debugDescription)")
            checked += 1
        }
        #expect(checked > 5_000)
    }

    private static func referenceIsUpset(_ rules: DialogueRules, _ text: String, normalized: String) -> Bool {
        var letters = 0
        var capitals = 0
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            letters += 1
            if scalar.properties.isUppercase { capitals += 1 }
        }
        if letters >= rules.upset.capsMinLetters, Double(capitals) >= rules.upset.capsShare * Double(letters) { return true }
        let words = normalized.split(separator: " ")
        return rules.upset.words.map(Normalizer.normalize).contains { start in !start.isEmpty && words.contains { $0.hasPrefix(start) } }
    }
}

/// The phrase reading with every phrase key read afresh and compared as strings.
private struct ReferencePhraseReader {
    let vocabulary: Vocabulary
    let common = Set(TextAnalyzer.commonWords)

    func readings(of text: String, key: String) -> [String] {
        guard !key.isEmpty, !key.hasPrefix("/") else { return [] }
        var out = [key]
        let bare = text.trimmingWhitespace().trimming(["!", "?"])
        if let layout = Readings.layout(bare) {
            let normalized = Normalizer.normalize(layout)
            if !normalized.isEmpty { out.append(normalized) }
        }
        let words = key.split(separator: " ").map(String.init)
        if words.count <= 3, words.allSatisfy({ $0.unicodeScalars.allSatisfy { ("a"..."z").contains($0) } }) {
            var combos = [""]
            for word in words {
                let options = Readings.transliterations(word, limit: 4)
                guard !options.isEmpty else { combos = []; break }
                combos = combos.flatMap { prefix in options.map { prefix.isEmpty ? $0 : prefix + " " + $0 } }
            }
            out += combos
        }
        var seen: Set<String> = []
        return out.filter { seen.insert($0).inserted }
    }

    func match<Value>(_ text: String, key: String, in phrases: [(key: String, value: Value)]) -> Value? {
        let readings = readings(of: text, key: key)
        for reading in readings {
            if let hit = phrases.first(where: { $0.key == reading }) { return hit.value }
        }
        for reading in readings where !isKnown(reading) {
            let letters = Array(reading)
            guard letters.count >= 3 else { continue }
            for phrase in phrases {
                let target = Array(phrase.key)
                guard target.count >= 4, !phrase.key.contains(where: \.isNumber) else { continue }
                let allowed = target.count >= 9 ? 2 : 1
                if abs(target.count - letters.count) <= allowed,
                   PhraseReader.distance(letters, target, limit: allowed) <= allowed {
                    return phrase.value
                }
            }
        }
        return nil
    }

    private func isKnown(_ reading: String) -> Bool {
        reading.split(separator: " ").allSatisfy { word in
            let word = String(word)
            return vocabulary.contains(word) || common.contains(word)
        }
    }
}
