import HelplineText

/// What the matcher made of one message.
public struct Classification: Sendable, Hashable {
    /// The best intent, or nil when the best is too weak: the message fits no intent (off-topic).
    public var intent: IntentID?
    /// The probability of `intent`; for no intent, one minus the best intent's probability.
    public var confidence: Double
    /// The ranked candidates after the best (at most a few); for no intent, the closest intents.
    public var alternatives: [IntentScore]
    /// The best and the runner-up are too close to choose; the dialogue should ask.
    public var isAmbiguous: Bool
    public var entities: [Entity]
    public var analysis: Analysis

    public init(intent: IntentID?, confidence: Double, alternatives: [IntentScore], isAmbiguous: Bool,
                entities: [Entity], analysis: Analysis) {
        self.intent = intent
        self.confidence = confidence
        self.alternatives = alternatives
        self.isAmbiguous = isAmbiguous
        self.entities = entities
        self.analysis = analysis
    }

    /// Whether the message was rejected as belonging to no intent.
    public var isRejected: Bool { intent == nil }

    /// The best intent and its confidence (no intent when rejected).
    public var best: IntentScore { IntentScore(id: intent, confidence: confidence) }
}
