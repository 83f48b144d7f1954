import HelplineIntents

/// How well the matcher did on a set of labelled messages.
public struct EvaluationReport: Sendable, Hashable, Codable {
    /// Precision, recall and F1 of one intent (nil: off-topic, written `none`).
    public struct IntentMetrics: Sendable, Hashable, Codable {
        public var intent: IntentID?
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// How many messages carry this intent.
        public var support: Int

        enum CodingKeys: String, CodingKey {
            case intent, precision, recall, f1, support
        }

        public init(intent: IntentID?, precision: Double, recall: Double, f1: Double, support: Int) {
            self.intent = intent
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            intent = try c.decodeIntent(forKey: .intent)
            precision = try c.decode(Double.self, forKey: .precision)
            recall = try c.decode(Double.self, forKey: .recall)
            f1 = try c.decode(Double.self, forKey: .f1)
            support = try c.decode(Int.self, forKey: .support)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(intent: intent, forKey: .intent)
            try c.encode(precision, forKey: .precision)
            try c.encode(recall, forKey: .recall)
            try c.encode(f1, forKey: .f1)
            try c.encode(support, forKey: .support)
        }
    }

    /// How often messages of `expected` got `predicted` instead (nil: off-topic, written `none`).
    public struct Confusion: Sendable, Hashable, Codable {
        public var expected: IntentID?
        public var predicted: IntentID?
        public var count: Int

        enum CodingKeys: String, CodingKey {
            case expected, predicted, count
        }

        public init(expected: IntentID?, predicted: IntentID?, count: Int) {
            self.expected = expected
            self.predicted = predicted
            self.count = count
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            expected = try c.decodeIntent(forKey: .expected)
            predicted = try c.decodeIntent(forKey: .predicted)
            count = try c.decode(Int.self, forKey: .count)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(intent: expected, forKey: .expected)
            try c.encode(intent: predicted, forKey: .predicted)
            try c.encode(count, forKey: .count)
        }
    }

    /// One wrong answer (nil: off-topic, written `none`).
    public struct Mistake: Sendable, Hashable, Codable {
        public var expected: IntentID?
        public var predicted: IntentID?
        public var confidence: Double
        public var text: String
        public var line: Int?

        enum CodingKeys: String, CodingKey {
            case expected, predicted, confidence, text, line
        }

        public init(expected: IntentID?, predicted: IntentID?, confidence: Double, text: String, line: Int?) {
            self.expected = expected
            self.predicted = predicted
            self.confidence = confidence
            self.text = text
            self.line = line
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            expected = try c.decodeIntent(forKey: .expected)
            predicted = try c.decodeIntent(forKey: .predicted)
            confidence = try c.decode(Double.self, forKey: .confidence)
            text = try c.decode(String.self, forKey: .text)
            line = try c.decodeIfPresent(Int.self, forKey: .line)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(intent: expected, forKey: .expected)
            try c.encode(intent: predicted, forKey: .predicted)
            try c.encode(confidence, forKey: .confidence)
            try c.encode(text, forKey: .text)
            try c.encodeIfPresent(line, forKey: .line)
        }
    }

    public var total: Int
    /// Messages with a real intent.
    public var inDomain: Int
    public var inDomainCorrect: Int
    /// Share of in-domain messages given their intent (a rejection counts as wrong).
    public var inDomainAccuracy: Double
    /// Off-topic messages (labelled `none`).
    public var offTopic: Int
    public var offTopicRejected: Int
    /// Share of off-topic messages answered `none`.
    public var offTopicRejectionRate: Double
    /// In-domain messages answered `none`.
    public var falseRejections: Int
    /// Share of in-domain messages answered `none`.
    public var falseRejectionRate: Double
    /// Share of all messages answered right.
    public var accuracy: Double
    /// Unweighted mean F1 over the intents present (including `none` if present).
    public var macroF1: Double
    /// Messages flagged ambiguous.
    public var ambiguous: Int
    /// Expected calibration error of the reported confidences (10 bins): the mean gap between
    /// confidence and accuracy, weighted by bin size. 0 is perfectly calibrated.
    public var calibrationError: Double
    public var perIntent: [IntentMetrics]
    /// The most frequent confusions, most frequent first.
    public var confusions: [Confusion]
    public var mistakes: [Mistake]
}
