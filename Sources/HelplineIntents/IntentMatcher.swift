import HelplineText

/// An intent with a confidence in 0...1, comparable across messages.
public struct ScoredIntent: Sendable, Hashable, Codable {
    public var intent: String
    public var confidence: Double

    public init(intent: String, confidence: Double) {
        self.intent = intent
        self.confidence = confidence
    }
}

/// What the matcher made of one message.
public struct Classification: Sendable, Hashable {
    /// The best intent's id, or `"none"` when the best is too weak.
    public var intent: String
    public var confidence: Double
    /// The ranked candidates after the best (at most a few).
    public var alternatives: [ScoredIntent]
    /// The best and the runner-up are too close to choose; the dialogue should ask.
    public var isAmbiguous: Bool
    public var entities: [Entity]
    public var analysis: Analysis

    public static let none = "none"

    public init(intent: String, confidence: Double, alternatives: [ScoredIntent], isAmbiguous: Bool,
                entities: [Entity], analysis: Analysis) {
        self.intent = intent
        self.confidence = confidence
        self.alternatives = alternatives
        self.isAmbiguous = isAmbiguous
        self.entities = entities
        self.analysis = analysis
    }
}

/// Classifies free-text Russian messages into the catalog's intents. Built once at start-up.
public struct IntentMatcher: Sendable {
    public let catalog: IntentCatalog
    public let analyzer: TextAnalyzer
    private let stemSets: [(String, Set<String>)]

    public init(catalog: IntentCatalog) {
        self.catalog = catalog
        var vocabulary = Vocabulary()
        for intent in catalog.intents {
            for example in intent.examples + intent.keywords {
                for word in Normalizer.normalize(example).split(separator: " ") { vocabulary.add(String(word)) }
            }
        }
        let analyzer = TextAnalyzer(vocabulary: vocabulary)
        self.analyzer = analyzer
        stemSets = catalog.intents.map { intent in
            (intent.id, Set((intent.examples + intent.keywords).flatMap { analyzer.analyze($0).stems }))
        }
    }

    public func classify(_ text: String) -> Classification {
        let analysis = analyzer.analyze(text)
        let stems = Set(analysis.stems)
        var scored = stemSets.map { id, set in
            ScoredIntent(intent: id, confidence: stems.isEmpty ? 0 : Double(stems.intersection(set).count) / Double(stems.count))
        }
        scored.sort { $0.confidence > $1.confidence }
        let best = scored.first ?? ScoredIntent(intent: Classification.none, confidence: 0)
        let rejected = best.confidence < catalog.settings.rejectBelow
        let ambiguous = !rejected && scored.count > 1 && best.confidence - scored[1].confidence < catalog.settings.ambiguityMargin
        return Classification(
            intent: rejected ? Classification.none : best.intent,
            confidence: best.confidence,
            alternatives: Array(scored.dropFirst().prefix(3)),
            isAmbiguous: ambiguous,
            entities: analysis.entities,
            analysis: analysis
        )
    }
}
