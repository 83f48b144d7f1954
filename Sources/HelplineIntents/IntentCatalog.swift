import Yams

/// All intents and the matcher's settings, decoded from a `DataBundle`.
public struct IntentCatalog: Sendable {
    /// In file-name order; topics keep the menu order given by `MatcherSettings.topicOrder` if set.
    public var intents: [Intent]
    public var settings: MatcherSettings

    public init(intents: [Intent], settings: MatcherSettings = MatcherSettings()) {
        self.intents = intents
        self.settings = settings
    }

    /// Decodes every top-level `*.yaml` in the bundle as an intent and `config/matcher.yaml` as settings.
    public init(bundle: DataBundle) throws {
        var intents: [Intent] = []
        for (path, text) in bundle.files.sorted(by: { $0.key < $1.key })
        where !path.contains("/") && (path.hasSuffix(".yaml") || path.hasSuffix(".yml")) {
            do {
                intents.append(try YAMLDecoder().decode(Intent.self, from: text))
            } catch {
                throw DataError(file: path, message: "\(error)")
            }
        }
        var settings = MatcherSettings()
        if let text = bundle.files["config/matcher.yaml"] {
            do { settings = try YAMLDecoder().decode(MatcherSettings.self, from: text) } catch {
                throw DataError(file: "config/matcher.yaml", message: "\(error)")
            }
        }
        self.init(intents: intents, settings: settings)
    }

    public func intent(_ id: String) -> Intent? { intents.first { $0.id == id } }

    /// Topics in menu order.
    public var topics: [Intent] {
        let topics = intents.filter { $0.kind == .topic }
        guard !settings.topicOrder.isEmpty else { return topics }
        return settings.topicOrder.compactMap { id in topics.first { $0.id == id } }
            + topics.filter { !settings.topicOrder.contains($0.id) }
    }
}

/// Matcher thresholds and options, from `Intents/config/matcher.yaml`.
public struct MatcherSettings: Sendable, Hashable, Codable {
    /// Below this confidence the answer is `none`.
    public var rejectBelow: Double
    /// When the runner-up is within this margin of the best, the result is ambiguous.
    public var ambiguityMargin: Double
    /// The menu order of topic ids.
    public var topicOrder: [String]

    enum CodingKeys: String, CodingKey {
        case rejectBelow = "reject_below"
        case ambiguityMargin = "ambiguity_margin"
        case topicOrder = "topic_order"
    }

    public init(rejectBelow: Double = 0.5, ambiguityMargin: Double = 0.1, topicOrder: [String] = []) {
        self.rejectBelow = rejectBelow
        self.ambiguityMargin = ambiguityMargin
        self.topicOrder = topicOrder
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rejectBelow = try c.decodeIfPresent(Double.self, forKey: .rejectBelow) ?? 0.5
        ambiguityMargin = try c.decodeIfPresent(Double.self, forKey: .ambiguityMargin) ?? 0.1
        topicOrder = try c.decodeIfPresent([String].self, forKey: .topicOrder) ?? []
    }
}
