import ArgumentParser
import Foundation
import HelplineIntents
import HelplineText

/// `helpline analyze TEXT...`: every step of the text analysis of one message, as the intent
/// matcher sees it (the analyzer is built on the intents' vocabulary).
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show how a message is analyzed: normalized text, tokens, repairs, stems, entities.",
        discussion: """
        The words of TEXT are joined into one message. The analyzer uses the vocabulary of the \
        intent data, exactly as the matcher does.
        """
    )

    @OptionGroup var data: DataOptions

    @Flag(name: .long, help: "Print the analysis as JSON.")
    var json = false

    @Argument(help: "The message to analyze.")
    var text: [String]

    func validate() throws {
        if text.isEmpty { throw ValidationError("give the message to analyze") }
    }

    func run() throws {
        let catalog: IntentCatalog
        do {
            catalog = try IntentCatalog(bundle: data.bundle())
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("cannot load intent data: \(error)")
        }
        let analysis = IntentMatcher(catalog: catalog).analyzer.analyze(text.joined(separator: " "))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(analysis)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(AnalyzeCommand.report(analysis))
        }
    }

    /// The analysis as aligned, labelled lines.
    static func report(_ analysis: Analysis) -> String {
        var lines: [String] = []
        func add(_ label: String, _ values: [String]) {
            let pad = String(repeating: " ", count: 12 - label.count)
            if values.isEmpty {
                lines.append(label + pad + "—")
                return
            }
            for (index, value) in values.enumerated() {
                lines.append((index == 0 ? label + pad : String(repeating: " ", count: 12)) + value)
            }
        }
        add("normalized", [analysis.normalized])
        add("tokens", analysis.tokens.isEmpty ? [] : [analysis.tokens.map { "\($0.text) (\($0.kind.rawValue))" }.joined(separator: " · ")])
        add("repairs", analysis.repairs.map { "\($0.from) → \($0.to) (\($0.reason.rawValue))" })
        add("words", analysis.words.isEmpty ? [] : [analysis.words.joined(separator: " ")])
        add("stems", analysis.stems.isEmpty ? [] : [analysis.stems.joined(separator: " ")])
        add("entities", analysis.entities.map { "\($0.kind.rawValue): \($0.text) → \($0.value)" })
        return lines.joined(separator: "\n")
    }
}
