import ArgumentParser
import Foundation
import HelplineEvaluation
import HelplineIntents

/// `helpline eval`: scores the matcher on a labelled file and/or by cross-validation.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score the intent matcher on a labelled file or by cross-validation.",
        discussion: """
            FILE has one message per line: intent<TAB>text, with the intent `none` for off-topic \
            messages; blank lines and lines starting with # are skipped. Reports in-domain accuracy, \
            off-topic rejection, false rejection, per-intent precision/recall/F1 and the most confused \
            pairs. --cross-validate K scores K stratified folds of the intents' own examples; \
            --repeats R runs it R times with the examples dealt into folds differently, and adds the \
            mean, lowest and highest of the headline figures (one run moves with the deal).
            """
    )

    @OptionGroup var data: DataOptions

    @Argument(help: "A labelled file of intent<TAB>text lines.")
    var file: String?

    @Option(name: .customLong("cross-validate"), help: ArgumentHelp("Run K-fold cross-validation over the intents' examples.", valueName: "K"))
    var folds: Int?

    @Option(name: .long, help: ArgumentHelp("With --cross-validate: repeat it with R different deals of the examples into folds.", valueName: "R"))
    var repeats = 1

    @Flag(name: .long, help: "Print the reports as one JSON object.")
    var json = false

    @Option(name: .long, help: "How many wrong answers to list (text output).")
    var errors = 20

    @Flag(name: .long, help: "Show the figures for a grid of reject_below and min_evidence thresholds.")
    var sweep = false

    @Flag(name: .long, help: "Also measure the model build time and the classification time per message.")
    var timing = false

    @Flag(name: .long, help: "With --cross-validate K: fit the softmax temperature on the held-out examples and show the calibration error before and after.")
    var calibrate = false

    func validate() throws {
        if file == nil && folds == nil { throw ValidationError("give a FILE, --cross-validate K, or both") }
        if let folds, folds < 2 { throw ValidationError("--cross-validate needs at least 2 folds") }
        if repeats < 1 { throw ValidationError("--repeats needs at least 1") }
        if repeats > 1 && folds == nil { throw ValidationError("--repeats goes with --cross-validate K") }
        if calibrate && folds == nil { throw ValidationError("--calibrate goes with --cross-validate K") }
    }

    func run() throws {
        let catalog = try data.catalog()
        var output = EvalOutput()
        var messages: [LabeledMessage] = []
        if let file {
            guard let contents = FileManager.default.contents(atPath: file),
                  let text = String(data: contents, encoding: .utf8) else {
                throw EvalError(description: "\(file): cannot be read as UTF-8 text")
            }
            do {
                messages = try LabeledMessage.parseTSV(text, knownIntents: Set(catalog.intents.map(\.id)))
            } catch let error as TestSetError {
                throw EvalError(description: "\(file): \(error)")
            }
            output.testSet = Evaluation.evaluate(IntentMatcher(catalog: catalog), on: messages)
        }
        if let folds {
            output.crossValidation = Evaluation.crossValidate(catalog, folds: folds)
            if repeats > 1, let first = output.crossValidation {
                let reports = [first] + (2...repeats).map { Evaluation.crossValidate(catalog, folds: folds, seed: UInt64($0)) }
                output.crossValidationRepeats = RepeatedFigures(reports)
            }
        }
        if calibrate, let folds {
            let calibration = Evaluation.calibrate(catalog, folds: folds)
            output.calibration = calibration
            if !messages.isEmpty {
                let matcher = IntentMatcher(catalog: catalog)
                output.testSetCalibrated = Evaluation.evaluate(matcher.withTemperature(calibration.temperature), on: messages)
            }
        }
        if sweep {
            let grid = Evaluation.sweep(catalog, messages: messages, folds: file == nil ? folds : nil,
                                        rejectBelow: stride(from: 0.0, through: 0.8, by: 0.05).map { $0 },
                                        minEvidence: [0, 0.1, 0.2, 0.3, 0.4, 0.5])
            print("reject_below min_evidence  in-domain  rejection  false-rejection")
            for p in grid {
                print(Fixed.string(p.rejectBelow, places: 2, width: 12) + " " + Fixed.string(p.minEvidence, places: 2, width: 12)
                    + "  " + Fixed.string(p.inDomainAccuracy, places: 3, width: 9)
                    + "  " + Fixed.string(p.offTopicRejectionRate, places: 3, width: 9)
                    + "  " + Fixed.string(p.falseRejectionRate, places: 3, width: 15))
            }
            return
        }
        if timing {
            let texts = messages.isEmpty ? catalog.intents.flatMap(\.examples) : messages.map(\.text)
            output.timing = Self.measure(catalog: catalog, texts: texts)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        if let report = output.testSet, let file {
            print("== \(file): \(report.total) messages (\(report.inDomain) in-domain, \(report.offTopic) off-topic)")
            print(Self.describe(report, errors: errors))
        }
        if let report = output.crossValidation, let folds {
            print("== \(folds)-fold cross-validation over the intents' examples: \(report.total) messages (\(report.inDomain) in-domain, \(report.offTopic) off-topic)")
            print(Self.describe(report, errors: errors))
        }
        if let repeated = output.crossValidationRepeats, let folds {
            print("== \(folds)-fold cross-validation, \(repeated.runs) deals of the examples into folds: mean (lowest–highest)")
            for (name, figure) in [("in-domain accuracy ", repeated.inDomainAccuracy),
                                   ("off-topic rejection", repeated.offTopicRejection),
                                   ("false rejection    ", repeated.falseRejection)] {
                print("\(name) \(f3(figure.mean))  (\(f3(figure.lowest))–\(f3(figure.highest)))")
            }
        }
        if let c = output.calibration, let folds {
            print("== temperature scaling, fitted under \(folds)-fold cross-validation (\(c.examples) held-out examples)")
            print("temperature          \(f2(c.baseTemperature)) → \(f2(c.temperature))")
            print("log-loss             \(f3(c.logLossBefore)) → \(f3(c.logLossAfter))")
            print("calibration error    \(f3(c.calibrationErrorBefore)) → \(f3(c.calibrationErrorAfter)) (ECE, 10 bins, cross-validation)")
            print("at \(f2(c.temperature)): in-domain \(f3(c.after.inDomainAccuracy)), rejection \(f3(c.after.offTopicRejectionRate)), "
                + "false rejection \(f3(c.after.falseRejectionRate)) (cross-validation)")
            if let before = output.testSet, let after = output.testSetCalibrated {
                print("test set: calibration error \(f3(before.calibrationError)) → \(f3(after.calibrationError)); "
                    + "in-domain \(f3(before.inDomainAccuracy)) → \(f3(after.inDomainAccuracy)), "
                    + "rejection \(f3(before.offTopicRejectionRate)) → \(f3(after.offTopicRejectionRate))")
            }
        }
        if let timing = output.timing {
            print("== timing")
            print("model build: median \(f1(timing.buildMillisecondsMedian)) ms CPU over \(timing.builds) builds (\(timing.examples) examples)")
            print("classification: median \(f1(timing.classifyMicrosecondsMedian)) µs CPU, p90 \(f1(timing.classifyMicrosecondsP90)) µs "
                + "per message over \(timing.messages) messages × \(timing.callsPerMessage) calls")
        }
    }

    /// The readable form of a report.
    static func describe(_ r: EvaluationReport, errors: Int) -> String {
        func pct(_ x: Double) -> String { f3(x) }
        var lines: [String] = []
        lines.append("in-domain accuracy  \(pct(r.inDomainAccuracy))  (\(r.inDomainCorrect)/\(r.inDomain))")
        lines.append("off-topic rejection \(pct(r.offTopicRejectionRate))  (\(r.offTopicRejected)/\(r.offTopic))")
        lines.append("false rejection     \(pct(r.falseRejectionRate))  (\(r.falseRejections)/\(r.inDomain))")
        lines.append("overall accuracy    \(pct(r.accuracy))   macro F1 \(pct(r.macroF1))   ambiguous \(r.ambiguous)   calibration error \(pct(r.calibrationError))")
        lines.append("")
        let width = max(8, r.perIntent.map(\.intent.wireValue.count).max() ?? 8)
        lines.append("intent".padding(toLength: width, withPad: " ", startingAt: 0) + "  precision  recall     f1  support")
        for s in r.perIntent {
            lines.append(s.intent.wireValue.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + Fixed.string(s.precision, places: 3, width: 9) + "  " + Fixed.string(s.recall, places: 3, width: 6)
                + "  " + Fixed.string(s.f1, places: 3, width: 5) + "  " + Fixed.string(s.support, width: 7))
        }
        if !r.confusions.isEmpty {
            lines.append("")
            lines.append("most confused (expected → predicted):")
            for c in r.confusions.prefix(10) { lines.append("  \(c.count)× \(c.expected.wireValue) → \(c.predicted.wireValue)") }
        }
        if errors > 0 && !r.mistakes.isEmpty {
            lines.append("")
            lines.append("wrong answers (\(min(errors, r.mistakes.count)) of \(r.mistakes.count)):")
            for m in r.mistakes.prefix(errors) {
                let place = m.line.map { "line \($0): " } ?? ""
                lines.append("  \(place)\(m.expected.wireValue) → \(m.predicted.wireValue) \(f2(m.confidence)): \(m.text)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Times model builds and classification (median per message of the mean over repeated calls).
    ///
    /// Times are the CPU time of the measuring thread, so other processes on the machine do not
    /// inflate them; everything runs on one core.
    static func measure(catalog: IntentCatalog, texts: [String]) -> Timing {
        let builds = 7
        var buildTimes: [Double] = []
        var matcher = IntentMatcher(catalog: catalog)
        for _ in 0..<builds {
            let start = threadCPUNanoseconds()
            matcher = IntentMatcher(catalog: catalog)
            buildTimes.append(Double(threadCPUNanoseconds() - start) / 1e6)
        }
        let calls = 50
        var perMessage: [Double] = []
        var sink = 0
        for text in texts {
            sink &+= matcher.classify(text).intent.wireValue.utf8.count
            let start = threadCPUNanoseconds()
            for _ in 0..<calls { sink &+= matcher.classify(text).alternatives.count }
            perMessage.append(Double(threadCPUNanoseconds() - start) / 1e3 / Double(calls))
        }
        if sink == -1 { print("") }
        return Timing(builds: builds, examples: catalog.intents.reduce(0) { $0 + $1.examples.count } + catalog.offTopicExamples.count,
                      buildMillisecondsMedian: median(buildTimes), messages: texts.count, callsPerMessage: calls,
                      classifyMicrosecondsMedian: median(perMessage), classifyMicrosecondsP90: percentile(perMessage, 0.9))
    }

    /// CPU time consumed by the calling thread, in nanoseconds.
    static func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q + 0.5))]
    }
}

/// A figure with one, two or three decimals, as the report prints it.
private func f1(_ x: Double) -> String { Fixed.string(x, places: 1) }
private func f2(_ x: Double) -> String { Fixed.string(x, places: 2) }
private func f3(_ x: Double) -> String { Fixed.string(x, places: 3) }

/// Build and classification times measured by `eval --timing`.
struct Timing: Codable {
    var builds: Int
    var examples: Int
    var buildMillisecondsMedian: Double
    var messages: Int
    var callsPerMessage: Int
    var classifyMicrosecondsMedian: Double
    var classifyMicrosecondsP90: Double
}

/// Everything `eval --json` prints.
struct EvalOutput: Codable {
    var testSet: EvaluationReport?
    var crossValidation: EvaluationReport?
    var crossValidationRepeats: RepeatedFigures?
    var timing: Timing?
    var calibration: Evaluation.Calibration?
    var testSetCalibrated: EvaluationReport?
}

/// The headline figures of several cross-validation runs.
struct RepeatedFigures: Codable {
    /// The mean, lowest and highest value of one figure over the runs.
    struct Figure: Codable {
        var mean: Double
        var lowest: Double
        var highest: Double

        init(_ values: [Double]) {
            mean = values.reduce(0, +) / Double(max(1, values.count))
            lowest = values.min() ?? 0
            highest = values.max() ?? 0
        }
    }

    var runs: Int
    var inDomainAccuracy: Figure
    var offTopicRejection: Figure
    var falseRejection: Figure

    init(_ reports: [EvaluationReport]) {
        runs = reports.count
        inDomainAccuracy = Figure(reports.map(\.inDomainAccuracy))
        offTopicRejection = Figure(reports.map(\.offTopicRejectionRate))
        falseRejection = Figure(reports.map(\.falseRejectionRate))
    }
}

/// An evaluation file that cannot be used, with the file and line.
struct EvalError: Error, CustomStringConvertible {
    var description: String
}
