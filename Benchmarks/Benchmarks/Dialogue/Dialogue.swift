import Benchmark
import BenchmarkFixtures
import Foundation
import Synchronization

/// Whole dialogue turns of simulated customers: in memory (the engine alone), and through the
/// daemon's session service with every turn committed to SQLite (no socket).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )
    let engine = Fixtures.engine
    let now = Date()

    // 64 customers take turns; only `handle` is timed, not the script choosing what to type.
    let customers = Mutex((0..<64).map { ScriptedCustomer(index: $0, now: now) })
    let turnOrder = Rotation()
    let indices = Array(0..<64)
    Benchmark("Engine turn") { benchmark in
        let index = turnOrder.next(indices)
        customers.withLock { customers in
            let text = customers[index].nextText()
            benchmark.startMeasurement()
            let turn = engine.handle(text, in: &customers[index].conversation, now: now)
            benchmark.stopMeasurement()
            customers[index].reply = turn.reply
        }
    }

    // 16 sessions in a fresh database take turns, one request at a time.
    let stored = Mutex<StoredConversations?>(nil)
    Benchmark(
        "Stored turn (SessionService + SQLite)",
        configuration: .init(maxDuration: .seconds(3), maxIterations: 20_000)
    ) { benchmark in
        guard let conversations = stored.withLock({ $0 }) else { return }
        let (slot, request) = conversations.nextRequest()
        benchmark.startMeasurement()
        let response = await conversations.service.respond(to: request)
        benchmark.stopMeasurement()
        conversations.read(response, slot: slot)
    } setup: {
        let conversations = try StoredConversations()
        try await conversations.open(16)
        stored.withLock { $0 = conversations }
    } teardown: {
        stored.withLock { $0?.remove(); $0 = nil }
    }
}
