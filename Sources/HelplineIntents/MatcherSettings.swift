/// Matcher thresholds and options, from `Intents/config/matcher.yaml`.
///
/// Every key is optional; a missing key keeps the default chosen by measurement
/// (`helpline eval --cross-validate 5` and the test set).
public struct MatcherSettings: Sendable, Hashable, Codable {
    /// Below this confidence the answer is `none`.
    public var rejectBelow: Double
    /// When the runner-up is within this margin of the best, the result is ambiguous.
    public var ambiguityMargin: Double
    /// The menu order of topic ids.
    public var topicOrder: [IntentID]
    /// The least share (0...1) of a message's word evidence that must be known from the intents'
    /// examples; below it the message is `none` whatever the model says.
    public var minEvidence: Double
    /// Softmax temperature applied to the model's scores; above 1 softens the confidences.
    public var temperature: Double
    /// Added to the off-topic class's score when a message contains one of the off-topic
    /// `keywords` (other companies' names), so a question about another shop is not answered
    /// as if it were about this one.
    public var offTopicKeywordBoost: Double
    /// Longer messages are cut to this many characters before analysis.
    public var maxCharacters: Int
    /// Short messages joining two topics («доставка и возврат»): their parts are classified
    /// alone, and two confident different answers make the message ambiguous.
    public var compound: Compound
    /// How the model is built.
    public var model: Model

    enum CodingKeys: String, CodingKey {
        case rejectBelow = "reject_below"
        case ambiguityMargin = "ambiguity_margin"
        case topicOrder = "topic_order"
        case minEvidence = "min_evidence"
        case temperature
        case maxCharacters = "max_characters"
        case offTopicKeywordBoost = "offtopic_keyword_boost"
        case compound
        case model
    }

    public init(rejectBelow: Double = 0.2, ambiguityMargin: Double = 0.1, topicOrder: [IntentID] = [],
                minEvidence: Double = 0.1, temperature: Double = 1, maxCharacters: Int = 4000,
                offTopicKeywordBoost: Double = 4, compound: Compound = Compound(), model: Model = Model()) {
        self.rejectBelow = rejectBelow
        self.ambiguityMargin = ambiguityMargin
        self.topicOrder = topicOrder
        self.minEvidence = minEvidence
        self.temperature = temperature
        self.maxCharacters = maxCharacters
        self.offTopicKeywordBoost = offTopicKeywordBoost
        self.compound = compound
        self.model = model
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = MatcherSettings()
        rejectBelow = try c.decodeIfPresent(Double.self, forKey: .rejectBelow) ?? defaults.rejectBelow
        ambiguityMargin = try c.decodeIfPresent(Double.self, forKey: .ambiguityMargin) ?? defaults.ambiguityMargin
        topicOrder = try c.decodeIfPresent([IntentID].self, forKey: .topicOrder) ?? defaults.topicOrder
        minEvidence = try c.decodeIfPresent(Double.self, forKey: .minEvidence) ?? defaults.minEvidence
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? defaults.temperature
        maxCharacters = try c.decodeIfPresent(Int.self, forKey: .maxCharacters) ?? defaults.maxCharacters
        offTopicKeywordBoost = try c.decodeIfPresent(Double.self, forKey: .offTopicKeywordBoost) ?? defaults.offTopicKeywordBoost
        compound = try c.decodeIfPresent(Compound.self, forKey: .compound) ?? defaults.compound
        model = try c.decodeIfPresent(Model.self, forKey: .model) ?? defaults.model
    }

    /// When a short message asks about two things at once (the `compound:` section of `matcher.yaml`).
    public struct Compound: Sendable, Hashable, Codable {
        /// Words that join the parts («и», «или»); an empty list turns the check off.
        public var joiners: [String]
        /// Only messages of at most this many words are split.
        public var maxWords: Int
        /// Each part's best intent must be at least this likely on its own.
        public var minConfidence: Double

        enum CodingKeys: String, CodingKey {
            case joiners
            case maxWords = "max_words"
            case minConfidence = "min_confidence"
        }

        public init(joiners: [String] = ["и", "или"], maxWords: Int = 8, minConfidence: Double = 0.5) {
            self.joiners = joiners
            self.maxWords = maxWords
            self.minConfidence = minConfidence
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Compound()
            joiners = try c.decodeIfPresent([String].self, forKey: .joiners) ?? defaults.joiners
            maxWords = try c.decodeIfPresent(Int.self, forKey: .maxWords) ?? defaults.maxWords
            minConfidence = try c.decodeIfPresent(Double.self, forKey: .minConfidence) ?? defaults.minConfidence
        }
    }

    /// Features and training of the linear model (the `model:` section of `matcher.yaml`).
    public struct Model: Sendable, Hashable, Codable {
        /// The classifier trained on the features.
        public enum Method: String, Sendable, Hashable, Codable {
            /// Multinomial logistic regression (softmax) by stochastic gradient descent; the
            /// nearest-centroid and naive-Bayes alternatives measured against it are in docs/MATCHER.md.
            case logistic
        }

        public var method: Method
        /// Shortest character n-gram taken from each word (with `<` `>` word-boundary marks).
        public var charMin: Int
        /// Longest character n-gram.
        public var charMax: Int
        /// Weight of the character n-gram features.
        public var charWeight: Double
        /// Weight of the stem (single word) features.
        public var stemWeight: Double
        /// Weight of the stem-pair (adjacent words) features.
        public var bigramWeight: Double
        /// Weight of the feature raised when a message contains one of an intent's `keywords`.
        public var keywordWeight: Double
        /// How much features never seen in training dilute the known ones (0 not at all, 1 as much
        /// as a known feature of the same IDF would): unknown wording lowers every score.
        public var unknownWeight: Double
        /// Whether a long unknown word is read as the known words it is made of, when it can be
        /// («какзаказать» → «как заказать»).
        public var splitWords: Bool
        /// Whether a word form found in the lemma table (`config/lemmas.json`, made by
        /// `scripts/build-lemmas.py`) counts by the stem of its dictionary lemma («пришёл» as
        /// «прийти», «людей» as «человек»). Off: measured, it did not beat Snowball stems with
        /// character n-grams (docs/MATCHER.md, "What was tried"), and the table is not shipped.
        public var lemmas: Bool
        /// Intents whose examples are put before other intents' examples to make extra training
        /// examples (a greeting before a question).
        public var augmentPrefixes: [IntentID]
        /// Intents whose examples are put after other intents' examples (thanks after a question).
        public var augmentSuffixes: [IntentID]
        /// The share of examples that get each kind of extra copy (0 turns it off).
        public var augmentRate: Double
        /// Passes of stochastic gradient descent over the examples.
        public var epochs: Int
        /// The initial step size.
        public var learningRate: Double
        /// L2 penalty on the weights.
        public var l2: Double
        /// How far classes are re-weighted towards balance: 0 none, 1 fully inverse to their size.
        public var classBalance: Double
        /// Seed of the example shuffling, so the same data always gives the same model.
        public var seed: UInt64

        enum CodingKeys: String, CodingKey {
            case method
            case charMin = "char_min"
            case charMax = "char_max"
            case charWeight = "char_weight"
            case stemWeight = "stem_weight"
            case bigramWeight = "bigram_weight"
            case keywordWeight = "keyword_weight"
            case unknownWeight = "unknown_weight"
            case splitWords = "split_words"
            case lemmas
            case augmentPrefixes = "augment_prefixes"
            case augmentSuffixes = "augment_suffixes"
            case augmentRate = "augment_rate"
            case epochs
            case learningRate = "learning_rate"
            case l2
            case classBalance = "class_balance"
            case seed
        }

        public init(method: Method = .logistic, charMin: Int = 3, charMax: Int = 4, charWeight: Double = 1, stemWeight: Double = 1,
                    bigramWeight: Double = 0.5, keywordWeight: Double = 1, unknownWeight: Double = 0.8, splitWords: Bool = true,
                    lemmas: Bool = false, augmentPrefixes: [IntentID] = [.greeting], augmentSuffixes: [IntentID] = [.thanks],
                    augmentRate: Double = 0.15, epochs: Int = 4,
                    learningRate: Double = 5, l2: Double = 1e-4, classBalance: Double = 0.5, seed: UInt64 = 42) {
            self.method = method
            self.charMin = charMin
            self.charMax = charMax
            self.charWeight = charWeight
            self.stemWeight = stemWeight
            self.bigramWeight = bigramWeight
            self.keywordWeight = keywordWeight
            self.unknownWeight = unknownWeight
            self.splitWords = splitWords
            self.lemmas = lemmas
            self.augmentPrefixes = augmentPrefixes
            self.augmentSuffixes = augmentSuffixes
            self.augmentRate = augmentRate
            self.epochs = epochs
            self.learningRate = learningRate
            self.l2 = l2
            self.classBalance = classBalance
            self.seed = seed
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Model()
            method = try c.decodeIfPresent(Method.self, forKey: .method) ?? d.method
            charMin = try c.decodeIfPresent(Int.self, forKey: .charMin) ?? d.charMin
            charMax = try c.decodeIfPresent(Int.self, forKey: .charMax) ?? d.charMax
            charWeight = try c.decodeIfPresent(Double.self, forKey: .charWeight) ?? d.charWeight
            stemWeight = try c.decodeIfPresent(Double.self, forKey: .stemWeight) ?? d.stemWeight
            bigramWeight = try c.decodeIfPresent(Double.self, forKey: .bigramWeight) ?? d.bigramWeight
            keywordWeight = try c.decodeIfPresent(Double.self, forKey: .keywordWeight) ?? d.keywordWeight
            unknownWeight = try c.decodeIfPresent(Double.self, forKey: .unknownWeight) ?? d.unknownWeight
            splitWords = try c.decodeIfPresent(Bool.self, forKey: .splitWords) ?? d.splitWords
            lemmas = try c.decodeIfPresent(Bool.self, forKey: .lemmas) ?? d.lemmas
            augmentPrefixes = try c.decodeIfPresent([IntentID].self, forKey: .augmentPrefixes) ?? d.augmentPrefixes
            augmentSuffixes = try c.decodeIfPresent([IntentID].self, forKey: .augmentSuffixes) ?? d.augmentSuffixes
            augmentRate = try c.decodeIfPresent(Double.self, forKey: .augmentRate) ?? d.augmentRate
            epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
            learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
            l2 = try c.decodeIfPresent(Double.self, forKey: .l2) ?? d.l2
            classBalance = try c.decodeIfPresent(Double.self, forKey: .classBalance) ?? d.classBalance
            seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        }
    }
}
