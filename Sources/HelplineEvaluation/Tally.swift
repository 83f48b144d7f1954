import HelplineIntents

/// The figures of an evaluation, gathered one answer at a time: counts, confidence bins and the
/// wrong answers are kept, the classifications (with their analyses) are not.
struct Tally {
    private var inDomain = 0, inDomainCorrect = 0, offTopic = 0, offTopicRejected = 0, falseRejections = 0
    private var correct = 0, ambiguous = 0
    private var truePositive: [IntentID?: Int] = [:], predictedCount: [IntentID?: Int] = [:], supportCount: [IntentID?: Int] = [:]
    private var confusionCount: [IntentID?: [IntentID?: Int]] = [:]
    private var mistakes: [EvaluationReport.Mistake] = []
    private var bins = [(count: Int, confidence: Double, correct: Int)](repeating: (0, 0, 0), count: 10)
    private var total = 0

    /// Counts one message's answer.
    mutating func add(_ message: LabeledMessage, _ result: Classification) {
        total += 1
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
        if expected == nil {
            offTopic += 1
            if predicted == nil { offTopicRejected += 1 }
        } else {
            inDomain += 1
            if right { inDomainCorrect += 1 }
            if predicted == nil { falseRejections += 1 }
        }
        if result.isAmbiguous { ambiguous += 1 }
        let bin = min(9, max(0, Int(result.confidence * 10)))
        bins[bin].count += 1
        bins[bin].confidence += result.confidence
        if right { bins[bin].correct += 1 }
    }

    /// The report of the answers counted so far.
    func report() -> EvaluationReport {
        var mistakes = mistakes
        // In the order of the labels as written, `none` among them.
        let labels = Set(supportCount.keys).union(predictedCount.keys).sorted { $0.wireValue < $1.wireValue }
        var perIntent: [EvaluationReport.IntentMetrics] = []
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
        confusions.sort {
            ($0.count, $1.expected.wireValue, $1.predicted.wireValue) > ($1.count, $0.expected.wireValue, $0.predicted.wireValue)
        }
        mistakes.sort { ($0.line ?? 0, $0.expected.wireValue, $0.text) < ($1.line ?? 0, $1.expected.wireValue, $1.text) }

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
}
