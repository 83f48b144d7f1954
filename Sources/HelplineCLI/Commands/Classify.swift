import ArgumentParser
import Foundation
import HelplineIntents
import HelplineText

/// `helpline classify`: the matcher's answer for each message, as a readable line or as JSON.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify messages into intents.",
        discussion: """
            Classifies each TEXT argument, or each line of standard input when there are none. \
            With --json, prints exactly one JSON object per input, in order, with "intent":"none" \
            when the message fits no intent:

            {"text":…,"intent":…,"confidence":…,"alternatives":[…],"entities":[…],"ambiguous":…}
            """
    )

    @OptionGroup var data: DataOptions

    @Flag(name: .long, help: "Print one JSON object per input line.")
    var json = false

    @Argument(help: "Messages to classify (default: each line of standard input).")
    var texts: [String] = []

    func run() throws {
        let catalog = try data.catalog()
        let matcher = IntentMatcher(catalog: catalog)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let emit = { (text: String) in
            let result = matcher.classify(text)
            if json {
                let line = ClassifyOutput(text: text, result: result)
                if let data = try? encoder.encode(line), let string = String(data: data, encoding: .utf8) {
                    print(string)
                } else {
                    print(#"{"intent":"none","confidence":0,"alternatives":[],"entities":[]}"#)
                }
            } else {
                print(Self.readable(text: text, result: result))
            }
        }
        if texts.isEmpty {
            while let line = readLine(strippingNewline: true) { emit(line) }
        } else {
            texts.forEach(emit)
        }
    }

    /// One line: the intent and confidence, the message, then alternatives, entities and repairs.
    static func readable(text: String, result: Classification) -> String {
        var parts = ["\(result.intent.wireValue) \(format(result.confidence))\(result.isAmbiguous ? " (ambiguous)" : "")", text]
        if !result.alternatives.isEmpty {
            parts.append("alternatives: " + result.alternatives.map { "\($0.id.wireValue) \(format($0.confidence))" }.joined(separator: ", "))
        }
        if !result.entities.isEmpty {
            parts.append("entities: " + result.entities.map { "\($0.kind.rawValue)=\($0.value)" }.joined(separator: ", "))
        }
        if !result.analysis.repairs.isEmpty {
            parts.append("repairs: " + result.analysis.repairs.map { "\($0.from)→\($0.to) (\($0.reason.rawValue))" }.joined(separator: ", "))
        }
        return parts.joined(separator: " | ")
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// The JSON shape of one `classify --json` line.
struct ClassifyOutput: Encodable {
    var text: String
    /// One alternative: `{"confidence":…,"intent":…}`.
    struct Alternative: Encodable {
        var intent: String
        var confidence: Double
    }

    var intent: String
    var confidence: Double
    var alternatives: [Alternative]
    var entities: [Entity]
    var ambiguous: Bool

    init(text: String, result: Classification) {
        self.text = text
        intent = result.intent.wireValue
        confidence = result.confidence
        alternatives = result.alternatives.map { Alternative(intent: $0.id.wireValue, confidence: $0.confidence) }
        entities = result.entities
        ambiguous = result.isAmbiguous
    }
}
