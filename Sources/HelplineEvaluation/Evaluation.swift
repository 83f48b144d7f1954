import Foundation
import HelplineIntents
import HelplineText

/// One labelled message of an evaluation set: the intent it should get (`none` for off-topic).
public struct LabeledMessage: Sendable, Hashable, Codable {
    public var intent: String
    public var text: String
    /// The line of the file it came from (1-based), when read from one.
    public var line: Int?

    public init(intent: String, text: String, line: Int? = nil) {
        self.intent = intent
        self.text = text
        self.line = line
    }

    /// Reads `intent<TAB>text` lines. Blank lines and lines starting with `#` are skipped.
    ///
    /// Throws a `TestSetError` with the line number for a line without a tab, with an empty intent
    /// or text, or (when `knownIntents` is given) with an intent that is neither known nor `none`.
    public static func parseTSV(_ content: String, knownIntents: Set<String>? = nil) throws -> [LabeledMessage] {
        var messages: [LabeledMessage] = []
        var number = 0
        // "\r\n" is a single Character in Swift, so it is named as a separator of its own.
        for rawLine in content.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if number == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            if line.allSatisfy(\.isWhitespace) || line.hasPrefix("#") { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw TestSetError(line: number, message: "expected 'intent<TAB>text', found no tab")
            }
            let intent = line[..<tab].trimmed()
            let text = line[line.index(after: tab)...].trimmed()
            guard !intent.isEmpty else { throw TestSetError(line: number, message: "the intent is empty") }
            guard !intent.contains(where: \.isWhitespace) else {
                throw TestSetError(line: number, message: "the intent '\(intent)' contains spaces")
            }
            guard !text.isEmpty else { throw TestSetError(line: number, message: "the text is empty") }
            if let knownIntents, intent != Classification.none, !knownIntents.contains(intent) {
                throw TestSetError(line: number, message: "unknown intent '\(intent)'")
            }
            messages.append(LabeledMessage(intent: intent, text: text, line: number))
        }
        return messages
    }
}

/// A line of an evaluation file that cannot be used.
public struct TestSetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

extension Substring {
    /// The text without leading and trailing whitespace.
    fileprivate func trimmed() -> String {
        var s = self[...]
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

/// How well the matcher did on a set of labelled messages.
public struct EvaluationReport: Sendable, Hashable, Codable {
    /// Precision, recall and F1 of one intent (or `none`).
    public struct IntentScore: Sendable, Hashable, Codable {
        public var intent: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// How many messages carry this intent.
        public var support: Int
    }

    /// How often messages of `expected` got `predicted` instead.
    public struct Confusion: Sendable, Hashable, Codable {
        public var expected: String
        public var predicted: String
        public var count: Int
    }

    /// One wrong answer.
    public struct Mistake: Sendable, Hashable, Codable {
        public var expected: String
        public var predicted: String
        public var confidence: Double
        public var text: String
        public var line: Int?
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
    public var perIntent: [IntentScore]
    /// The most frequent confusions, most frequent first.
    public var confusions: [Confusion]
    public var mistakes: [Mistake]
}

/// Scores the matcher: on a labelled set, or by cross-validation over the intents' own examples.
public enum Evaluation {
    /// Classifies every message with `matcher` and scores the answers.
    public static func evaluate(_ matcher: IntentMatcher, on messages: [LabeledMessage]) -> EvaluationReport {
        report(messages.map { ($0, matcher.classify($0.text)) })
    }

    /// Stratified K-fold cross-validation over the catalog's examples and off-topic examples:
    /// each intent's examples are shuffled (deterministically, by `seed`) and dealt round-robin into
    /// `folds` parts; each part is classified by a matcher built from the other parts.
    public static func crossValidate(_ catalog: IntentCatalog, folds: Int, seed: UInt64 = 1) -> EvaluationReport {
        var results: [(LabeledMessage, Classification)] = []
        forEachFold(catalog, folds: folds, seed: seed) { matcher, heldOut in
            for message in heldOut { results.append((message, matcher.classify(message.text))) }
        }
        return report(results)
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
        let intentFolds = catalog.intents.map { assign($0.examples.count, salt: $0.id) }
        let offTopicFolds = assign(catalog.offTopicExamples.count, salt: Classification.none)
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
                    heldOut.append(LabeledMessage(intent: Classification.none, text: example))
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
        var scored: [(expected: String, best: String, scores: IntentMatcher.Scores)] = []
        func collect(_ matcher: IntentMatcher, _ messages: [LabeledMessage]) {
            for message in messages {
                let scores = matcher.score(matcher.analyze(message.text))
                let best = scores.top.first.map { matcher.classId($0.index) } ?? Classification.none
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
                    let predicted = item.scores.isRejected(rejectBelow: r, minEvidence: e) ? Classification.none : item.best
                    if item.expected == Classification.none {
                        offTopic += 1
                        if predicted == Classification.none { rejected += 1 }
                    } else {
                        inDomain += 1
                        if predicted == item.expected { correct += 1 }
                        if predicted == Classification.none { falseRejected += 1 }
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
        let none = Classification.none
        var inDomain = 0, inDomainCorrect = 0, offTopic = 0, offTopicRejected = 0, falseRejections = 0
        var correct = 0, ambiguous = 0
        var truePositive: [String: Int] = [:], predictedCount: [String: Int] = [:], supportCount: [String: Int] = [:]
        var confusionCount: [String: [String: Int]] = [:]
        var mistakes: [EvaluationReport.Mistake] = []
        var bins = [(count: Int, confidence: Double, correct: Int)](repeating: (0, 0, 0), count: 10)

        for (message, result) in results {
            let expected = message.intent
            let predicted = result.intent
            let right = expected == predicted
            supportCount[expected, default: 0] += 1
            predictedCount[predicted, default: 0] += 1
            if right {
                truePositive[expected, default: 0] += 1
                correct += 1
            } else {
                confusionCount[expected, default: [:]][predicted, default: 0] += 1
                mistakes.append(.init(expected: expected, predicted: predicted, confidence: result.confidence,
                                      text: message.text, line: message.line))
            }
            if expected == none {
                offTopic += 1
                if predicted == none { offTopicRejected += 1 }
            } else {
                inDomain += 1
                if right { inDomainCorrect += 1 }
                if predicted == none { falseRejections += 1 }
            }
            if result.isAmbiguous { ambiguous += 1 }
            let bin = min(9, max(0, Int(result.confidence * 10)))
            bins[bin].count += 1
            bins[bin].confidence += result.confidence
            if right { bins[bin].correct += 1 }
        }

        let labels = Set(supportCount.keys).union(predictedCount.keys).sorted()
        var perIntent: [EvaluationReport.IntentScore] = []
        for label in labels {
            let tp = Double(truePositive[label] ?? 0)
            let predicted = Double(predictedCount[label] ?? 0)
            let support = supportCount[label] ?? 0
            let precision = predicted > 0 ? tp / predicted : 0
            let recall = support > 0 ? tp / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            perIntent.append(.init(intent: label, precision: precision, recall: recall, f1: f1, support: support))
        }
        let present = perIntent.filter { $0.support > 0 }
        var confusions: [EvaluationReport.Confusion] = []
        for (expected, row) in confusionCount {
            for (predicted, count) in row { confusions.append(.init(expected: expected, predicted: predicted, count: count)) }
        }
        confusions.sort { ($0.count, $1.expected, $1.predicted) > ($1.count, $0.expected, $0.predicted) }
        mistakes.sort { ($0.line ?? 0, $0.expected, $0.text) < ($1.line ?? 0, $1.expected, $1.text) }

        let total = results.count
        var calibration = 0.0
        for bin in bins where bin.count > 0 {
            let gap = abs(bin.confidence / Double(bin.count) - Double(bin.correct) / Double(bin.count))
            calibration += gap * Double(bin.count) / Double(max(1, total))
        }
        func share(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
        return EvaluationReport(
            total: total, inDomain: inDomain, inDomainCorrect: inDomainCorrect,
            inDomainAccuracy: share(inDomainCorrect, inDomain),
            offTopic: offTopic, offTopicRejected: offTopicRejected,
            offTopicRejectionRate: share(offTopicRejected, offTopic),
            falseRejections: falseRejections, falseRejectionRate: share(falseRejections, inDomain),
            accuracy: share(correct, total),
            macroF1: present.isEmpty ? 0 : present.map(\.f1).reduce(0, +) / Double(present.count),
            ambiguous: ambiguous, calibrationError: calibration,
            perIntent: perIntent, confusions: confusions, mistakes: mistakes
        )
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
            var results: [(LabeledMessage, Classification)] = []
            for (matcher, items) in held {
                let scaled = matcher.withTemperature(temperature)
                for (message, analysis, _) in items { results.append((message, scaled.classify(analysis: analysis))) }
            }
            return Evaluation.report(results)
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
