import Foundation
import HelplineIntents
import HelplineText

/// Scores the matcher: on a labelled set, or by cross-validation over the intents' own examples.
public enum Evaluation {
    /// Classifies every message with `matcher` and scores the answers.
    public static func evaluate(_ matcher: IntentMatcher, on messages: [LabeledMessage]) -> EvaluationReport {
        var tally = Tally()
        for message in messages { tally.add(message, matcher.classify(message.text)) }
        return tally.report()
    }

    /// Stratified K-fold cross-validation over the catalog's examples and off-topic examples:
    /// each intent's examples are shuffled (deterministically, by `seed`) and dealt round-robin into
    /// `folds` parts; each part is classified by a matcher built from the other parts.
    public static func crossValidate(_ catalog: IntentCatalog, folds: Int, seed: UInt64 = 1) -> EvaluationReport {
        var tally = Tally()
        forEachFold(catalog, folds: folds, seed: seed) { matcher, heldOut in
            for message in heldOut { tally.add(message, matcher.classify(message.text)) }
        }
        return tally.report()
    }

    /// Builds a matcher for each fold and hands it the fold's held-out messages.
    static func forEachFold(_ catalog: IntentCatalog, folds: Int, seed: UInt64,
                            _ body: (IntentMatcher, [LabeledMessage]) -> Void) {
        let k = max(2, folds)
        func assign(_ count: Int, salt: String) -> [Int] {
            var rng = SplitMix64(state: seed ^ StableHash.of(salt, seed: 9))
            var order = Array(0..<count)
            order.shuffle(using: &rng)
            var fold = [Int](repeating: 0, count: count)
            for (position, index) in order.enumerated() { fold[index] = position % k }
            return fold
        }
        let intentFolds = catalog.intents.map { assign($0.examples.count, salt: $0.id.rawValue) }
        let offTopicFolds = assign(catalog.offTopicExamples.count, salt: IntentID.noneValue)
        for fold in 0..<k {
            var training = catalog
            var heldOut: [LabeledMessage] = []
            for (i, intent) in catalog.intents.enumerated() {
                var kept: [String] = []
                for (j, example) in intent.examples.enumerated() {
                    if intentFolds[i][j] == fold {
                        heldOut.append(LabeledMessage(intent: intent.id, text: example))
                    } else {
                        kept.append(example)
                    }
                }
                training.intents[i].examples = kept
            }
            var keptOffTopic: [String] = []
            for (j, example) in catalog.offTopicExamples.enumerated() {
                if offTopicFolds[j] == fold {
                    heldOut.append(LabeledMessage(intent: nil, text: example))
                } else {
                    keptOffTopic.append(example)
                }
            }
            training.offTopicExamples = keptOffTopic
            body(IntentMatcher(catalog: training), heldOut)
        }
    }

    /// One setting of the rejection thresholds and the figures it gives.
    public struct SweepPoint: Sendable, Hashable, Codable {
        public var rejectBelow: Double
        public var minEvidence: Double
        public var inDomainAccuracy: Double
        public var offTopicRejectionRate: Double
        public var falseRejectionRate: Double
    }

    /// The figures for every pair of `rejectBelow` × `minEvidence` thresholds, from one scoring pass
    /// over `messages` (or over the cross-validation folds when `folds` is given).
    public static func sweep(_ catalog: IntentCatalog, messages: [LabeledMessage], folds: Int? = nil,
                             rejectBelow: [Double], minEvidence: [Double]) -> [SweepPoint] {
        var scored: [(expected: IntentID?, best: IntentID?, scores: IntentMatcher.Scores)] = []
        func collect(_ matcher: IntentMatcher, _ messages: [LabeledMessage]) {
            for message in messages {
                let scores = matcher.score(matcher.analyze(message.text))
                let best = scores.top.first.flatMap { matcher.classId($0.index) }
                scored.append((message.intent, best, scores))
            }
        }
        if let folds {
            forEachFold(catalog, folds: folds, seed: 1, collect)
        } else {
            collect(IntentMatcher(catalog: catalog), messages)
        }
        var points: [SweepPoint] = []
        for r in rejectBelow {
            for e in minEvidence {
                var inDomain = 0, correct = 0, offTopic = 0, rejected = 0, falseRejected = 0
                for item in scored {
                    let predicted = item.scores.isRejected(rejectBelow: r, minEvidence: e) ? nil : item.best
                    if item.expected == nil {
                        offTopic += 1
                        if predicted == nil { rejected += 1 }
                    } else {
                        inDomain += 1
                        if predicted == item.expected { correct += 1 }
                        if predicted == nil { falseRejected += 1 }
                    }
                }
                func share(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
                points.append(SweepPoint(rejectBelow: r, minEvidence: e, inDomainAccuracy: share(correct, inDomain),
                                         offTopicRejectionRate: share(rejected, offTopic),
                                         falseRejectionRate: share(falseRejected, inDomain)))
            }
        }
        return points
    }

    /// Scores pairs of expected labels and classifications.
    public static func report(_ results: [(LabeledMessage, Classification)]) -> EvaluationReport {
        var tally = Tally()
        for (message, result) in results { tally.add(message, result) }
        return tally.report()
    }

    /// Confidence calibration by temperature scaling, fitted under cross-validation.
    public struct Calibration: Sendable, Hashable, Codable {
        /// The temperature the matcher used.
        public var baseTemperature: Double
        /// The temperature that minimizes the held-out negative log-likelihood.
        public var temperature: Double
        /// Mean negative log-likelihood of the true class over the held-out examples, before and after.
        public var logLossBefore: Double
        public var logLossAfter: Double
        /// Expected calibration error of the reported confidences (10 bins), before and after.
        public var calibrationErrorBefore: Double
        public var calibrationErrorAfter: Double
        /// The cross-validation figures at the fitted temperature (its `calibrationError` is `calibrationErrorAfter`).
        public var after: EvaluationReport
        public var examples: Int
    }

    /// Fits the softmax temperature on K-fold held-out examples: the temperature (from 0.25 to 5)
    /// that minimizes the mean negative log-likelihood of each example's true class, `none`
    /// included. The model's weights are untouched; only how sharp its probabilities are changes.
    public static func calibrate(_ catalog: IntentCatalog, folds: Int, seed: UInt64 = 1) -> Calibration {
        var held: [(matcher: IntentMatcher, items: [(LabeledMessage, Analysis, Int)])] = []
        forEachFold(catalog, folds: folds, seed: seed) { matcher, heldOut in
            let items = heldOut.compactMap { message -> (LabeledMessage, Analysis, Int)? in
                guard let label = matcher.classIndex(of: message.intent) else { return nil }
                return (message, matcher.analyze(message.text), label)
            }
            held.append((matcher, items))
        }
        let count = max(1, held.reduce(0) { $0 + $1.items.count })
        func logLoss(_ temperature: Double) -> Double {
            var total = 0.0
            for (matcher, items) in held {
                let scaled = matcher.withTemperature(temperature)
                for (_, analysis, label) in items {
                    let p = Double(scaled.classProbabilities(analysis)[label])
                    total -= log(max(p, 1e-12))
                }
            }
            return total / Double(count)
        }
        func report(_ temperature: Double) -> EvaluationReport {
            var tally = Tally()
            for (matcher, items) in held {
                let scaled = matcher.withTemperature(temperature)
                for (message, analysis, _) in items { tally.add(message, scaled.classify(analysis: analysis)) }
            }
            return tally.report()
        }
        // Golden-section search on log(temperature): the log-loss is smooth and has one minimum there.
        var low = log(0.25), high = log(5.0)
        let ratio = (sqrt(5.0) - 1) / 2
        var a = high - ratio * (high - low), b = low + ratio * (high - low)
        var fa = logLoss(exp(a)), fb = logLoss(exp(b))
        for _ in 0..<30 {
            if fa < fb {
                high = b; b = a; fb = fa
                a = high - ratio * (high - low); fa = logLoss(exp(a))
            } else {
                low = a; a = b; fa = fb
                b = low + ratio * (high - low); fb = logLoss(exp(b))
            }
        }
        let fitted = (exp((low + high) / 2) * 100).rounded() / 100
        let base = catalog.settings.temperature
        let before = report(base)
        let after = report(fitted)
        return Calibration(baseTemperature: base, temperature: fitted, logLossBefore: logLoss(base),
                           logLossAfter: logLoss(fitted), calibrationErrorBefore: before.calibrationError,
                           calibrationErrorAfter: after.calibrationError, after: after, examples: count)
    }
}
