import Foundation
import Yams

/// All intents and the matcher's settings, decoded from a `DataBundle`.
public struct IntentCatalog: Sendable {
    /// In file-name order; topics keep the menu order given by `MatcherSettings.topicOrder` if set.
    public var intents: [Intent] {
        didSet { positions = Self.positions(of: intents) }
    }
    /// Each intent's index in ``intents``, by id (the first, if an id repeats).
    private var positions: [IntentID: Int]
    public var settings: MatcherSettings
    /// Messages that belong to no intent (weather, recipes, chit-chat), from `config/offtopic.yaml`.
    /// The matcher learns rejection from them.
    public var offTopicExamples: [String]
    /// Words or phrases that are strong evidence of an off-topic message (other companies' names),
    /// from the `keywords` of `config/offtopic.yaml`.
    public var offTopicKeywords: [String]
    /// The marketplace's own vocabulary (statuses, services, screens, Latin names), from
    /// `config/vocabulary.yaml`.
    public var vocabulary: MarketVocabulary
    /// Word forms whose dictionary lemma has another stem than the form, from `config/lemmas.json`.
    public var lemmas: LemmaTable
    /// Stems of correctly spelled Russian words (`config/known-stems.txt`): a word with a
    /// `common` one is left as written by the spelling corrector, never "repaired" into another
    /// word; with a `rare` one, unless a known word is one edit away.
    public var knownStems: (common: [String], rare: [String]) = ([], [])
    /// The file each intent was read from, by intent id (empty for a catalog built in code).
    public var files: [IntentID: String] = [:]

    public init(intents: [Intent], settings: MatcherSettings = MatcherSettings(), offTopicExamples: [String] = [],
                offTopicKeywords: [String] = [], vocabulary: MarketVocabulary = MarketVocabulary(),
                lemmas: LemmaTable = LemmaTable()) {
        self.intents = intents
        positions = Self.positions(of: intents)
        self.settings = settings
        self.offTopicExamples = offTopicExamples
        self.offTopicKeywords = offTopicKeywords
        self.vocabulary = vocabulary
        self.lemmas = lemmas
    }

    /// Decodes every top-level `*.yaml` in the bundle as an intent, `config/matcher.yaml` as settings,
    /// `config/offtopic.yaml` as the off-topic examples and `config/vocabulary.yaml` as the
    /// marketplace's vocabulary.
    ///
    /// Throws a `DataError` naming the file that cannot be decoded, or the second file of a duplicated id.
    public init(bundle: DataBundle) throws {
        var intents: [Intent] = []
        var seen: [IntentID: String] = [:]
        for (path, text) in bundle.files.sorted(by: { $0.key < $1.key })
        where !path.contains("/") && (path.hasSuffix(".yaml") || path.hasSuffix(".yml")) {
            let intent: Intent
            do {
                intent = try YAMLDecoder().decode(Intent.self, from: text)
            } catch {
                throw DataError(file: path, message: "\(error)")
            }
            guard !intent.id.rawValue.isEmpty, intent.id.rawValue != IntentID.noneValue else {
                throw DataError(file: path, message: "the intent id '\(intent.id)' is reserved or empty")
            }
            if let first = seen[intent.id] {
                throw DataError(file: path, message: "the intent id '\(intent.id)' is already used by \(first)")
            }
            guard path == "\(intent.id).yaml" || path == "\(intent.id).yml" else {
                throw DataError(file: path, message: "id: '\(intent.id)' must be the file's name without .yaml")
            }
            seen[intent.id] = path
            intents.append(intent)
        }
        var settings = MatcherSettings()
        if let text = bundle.files["config/matcher.yaml"] {
            do { settings = try YAMLDecoder().decode(MatcherSettings.self, from: text) } catch {
                throw DataError(file: "config/matcher.yaml", message: "\(error)")
            }
        }
        var offTopic = OffTopicFile(examples: [], keywords: nil)
        if let text = bundle.files["config/offtopic.yaml"] {
            do { offTopic = try YAMLDecoder().decode(OffTopicFile.self, from: text) } catch {
                throw DataError(file: "config/offtopic.yaml", message: "\(error)")
            }
        }
        var vocabulary = MarketVocabulary()
        if let text = bundle.files["config/vocabulary.yaml"] {
            do { vocabulary = try YAMLDecoder().decode(MarketVocabulary.self, from: text) } catch {
                throw DataError(file: "config/vocabulary.yaml", message: "\(error)")
            }
            try vocabulary.validate(intents: Set(intents.map(\.id)), file: "config/vocabulary.yaml")
        }
        var lemmas = LemmaTable()
        if settings.model.lemmas, let text = bundle.files[LemmaTable.file] {
            lemmas = try LemmaTable(json: text)
        }
        self.init(intents: intents, settings: settings, offTopicExamples: offTopic.examples,
                  offTopicKeywords: offTopic.keywords ?? [], vocabulary: vocabulary, lemmas: lemmas)
        if let text = bundle.files[Self.knownStemsFile] {
            knownStems = try Self.knownStems(text)
        }
        files = seen
    }

    /// The file of ``knownStems``.
    public static let knownStemsFile = "config/known-stems.txt"

    /// The stems of `config/known-stems.txt`: one a line, lower case Russian letters, a rare
    /// word's followed by `*`; `#` starts a comment line. Throws a `DataError` naming the line of
    /// anything else.
    static func knownStems(_ text: String) throws -> (common: [String], rare: [String]) {
        // Read by bytes: the file has some 26,000 lines and is read at every start.
        var common: [String] = [], rare: [String] = []
        for (number, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var stem = line[...]
            while let last = stem.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") || last == UInt8(ascii: "\r") {
                stem = stem.dropLast()
            }
            while let first = stem.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { stem = stem.dropFirst() }
            if stem.isEmpty || stem.first == UInt8(ascii: "#") { continue }
            let isRare = stem.last == UInt8(ascii: "*")
            if isRare { stem = stem.dropLast() }
            guard !stem.isEmpty, isLowercaseRussian(stem) else {
                throw DataError(file: knownStemsFile,
                                message: "line \(number + 1): a stem is lower case Russian letters (а–я, ё as е), `*` after a rare one")
            }
            let text = String(decoding: stem, as: UTF8.self)
            if isRare { rare.append(text) } else { common.append(text) }
        }
        return (common, rare)
    }

    /// Whether the bytes are the UTF-8 of letters а–я only (а–п are D0 B0–BF, р–я D1 80–8F).
    private static func isLowercaseRussian(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let lead = bytes[index]
            index = bytes.index(after: index)
            guard index != bytes.endIndex else { return false }
            let next = bytes[index]
            index = bytes.index(after: index)
            guard (lead == 0xD0 && (0xB0...0xBF).contains(next)) || (lead == 0xD1 && (0x80...0x8F).contains(next)) else {
                return false
            }
        }
        return true
    }

    /// Checks that the catalog can serve: it has intents, and every intent has examples to learn
    /// from. Throws a `DataError` naming the folder or the intent's file. (Loading alone accepts
    /// partial data, which tests and tools use.)
    public func checkServable() throws {
        guard !intents.isEmpty else {
            throw DataError(file: "the data folder", message: "has no intent files (*.yaml at its top level)")
        }
        for intent in intents where intent.examples.isEmpty {
            throw DataError(file: files[intent.id] ?? "intent \(intent.id)",
                            message: "`examples` is empty: an intent needs at least one example to be recognised")
        }
    }

    /// The intent with this id, if the catalog has it.
    public func intent(_ id: IntentID) -> Intent? { positions[id].map { intents[$0] } }

    private static func positions(of intents: [Intent]) -> [IntentID: Int] {
        var positions: [IntentID: Int] = [:]
        for (index, intent) in intents.enumerated() where positions[intent.id] == nil { positions[intent.id] = index }
        return positions
    }

    /// Topics in menu order.
    public var topics: [Intent] {
        let topics = intents.filter { $0.kind == .topic }
        guard !settings.topicOrder.isEmpty else { return topics }
        return settings.topicOrder.compactMap { id in topics.first { $0.id == id } }
            + topics.filter { !settings.topicOrder.contains($0.id) }
    }
}

/// The shape of `config/offtopic.yaml`.
private struct OffTopicFile: Decodable {
    var examples: [String]
    var keywords: [String]?
}
