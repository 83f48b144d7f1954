import Benchmark
import BenchmarkFixtures

/// Text analysis and classification of typical (eight-word) customer messages, one message an
/// iteration, taking the messages in turn.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(3),
        maxIterations: 200_000
    )
    let messages = Fixtures.eightWordMessages
    let engine = Fixtures.engine

    let analysisInputs = Rotation()
    Benchmark("Text analysis, 8 words") { _ in
        blackHole(engine.matcher.analyzer.analyze(analysisInputs.next(messages)))
    }

    let classificationInputs = Rotation()
    Benchmark("Classification, 8 words") { _ in
        blackHole(engine.classifier.classify(classificationInputs.next(messages)))
    }
}
