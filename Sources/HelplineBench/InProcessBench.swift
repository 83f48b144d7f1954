import Foundation
import HelplineDialogue
import HelplineServer
import Histogram
import Logging

/// Timings without sockets: text analysis, classification, dialogue turns, and turns stored in
/// SQLite through the daemon's session service.
public struct InProcessReport: Sendable, Hashable, Codable {
    /// `TextAnalyzer.analyze` on the customers' questions.
    public var analysis: LatencySummary
    /// The engine's classifier on the customers' questions.
    public var classification: LatencySummary
    /// `DialogueEngine.handle`: one whole turn of a simulated customer, in memory.
    public var engineTurn: LatencySummary
    /// `SessionService.respond` to a `say`: a turn committed to SQLite, one at a time.
    public var storedTurn: LatencySummary
    /// Turns per second through the session service with `concurrency` customers at once.
    public var storedTurnsPerSecond: Double
    public var concurrency: Int
    /// The average number of words in the questions timed.
    public var averageWords: Double

    enum CodingKeys: String, CodingKey {
        case analysis, classification, concurrency
        case engineTurn = "engine_turn"
        case storedTurn = "stored_turn"
        case storedTurnsPerSecond = "stored_turns_per_second"
        case averageWords = "average_words"
    }
}

/// Measures the layers under the daemon directly, each call timed on its own.
public struct InProcessBench: Sendable {
    public let engine: DialogueEngine
    public let script: CustomerScript
    public let profile: Profile

    public init(engine: DialogueEngine, profile: Profile) {
        self.engine = engine
        self.script = CustomerScript(engine: engine)
        self.profile = profile
    }

    /// Runs every measurement, `samples` calls each; the stored turns go to a database at `databasePath`.
    public func run(samples: Int, concurrency: Int, databasePath: String, seed: UInt64 = 1) async throws -> InProcessReport {
        let questions = script.topicQuestions + script.infoQuestions
        let words = questions.map { $0.split(whereSeparator: \.isWhitespace).count }
        let analysis = timeEach(questions, samples: samples) { engine.matcher.analyzer.analyze($0) }
        let classification = timeEach(questions, samples: samples) { engine.classifier.classify($0) }
        let engineTurn = engineTurns(samples: samples, seed: seed)
        let (stored, throughput) = try await storedTurns(samples: samples, concurrency: concurrency,
                                                         databasePath: databasePath, seed: seed)
        return InProcessReport(
            analysis: analysis, classification: classification, engineTurn: engineTurn, storedTurn: stored,
            storedTurnsPerSecond: throughput, concurrency: concurrency,
            averageWords: questions.isEmpty ? 0 : Double(words.reduce(0, +)) / Double(questions.count)
        )
    }

    /// Times `body` on the inputs in turn, round and round, `samples` times (after one untimed round).
    public func timeEach<Result>(_ inputs: [String], samples: Int, _ body: (String) -> Result) -> LatencySummary {
        var histogram = LatencySummary.makeHistogram()
        guard !inputs.isEmpty else { return LatencySummary(histogram) }
        var sink = 0
        for input in inputs { sink &+= withExtendedLifetime(body(input)) { 1 } }
        for index in 0..<samples {
            let input = inputs[index % inputs.count]
            let started = ContinuousClock.now
            let result = body(input)
            let elapsed = ContinuousClock.now - started
            withExtendedLifetime(result) {}
            histogram.record(Self.nanoseconds(elapsed))
        }
        precondition(sink >= 0)
        return LatencySummary(histogram)
    }

    /// Times whole dialogue turns of 64 customers taking turns, each following the script.
    public func engineTurns(samples: Int, seed: UInt64) -> LatencySummary {
        var histogram = LatencySummary.makeHistogram()
        let now = Date()
        var customers: [(conversation: Conversation, reply: Reply, scripted: CustomerScript.Customer)] = (0..<64).map { index in
            let (conversation, reply) = engine.start(id: "bench-\(index)", profile: profile, now: now)
            return (conversation, reply, CustomerScript.Customer(seed: seed &+ UInt64(index)))
        }
        for index in 0..<(samples + 64) {
            let slot = index % customers.count
            let text = script.nextText(state: customers[slot].reply.state,
                                       optionValues: customers[slot].reply.options.map(\.value),
                                       customer: &customers[slot].scripted)
            let started = ContinuousClock.now
            let turn = engine.handle(text, in: &customers[slot].conversation, now: now)
            let elapsed = ContinuousClock.now - started
            customers[slot].reply = turn.reply
            if index >= 64 { histogram.record(Self.nanoseconds(elapsed)) }
        }
        return LatencySummary(histogram)
    }

    /// Times turns through a ``SessionService`` on a fresh database: one at a time for latency,
    /// then `concurrency` customers at once for throughput.
    public func storedTurns(samples: Int, concurrency: Int, databasePath: String, seed: UInt64) async throws -> (LatencySummary, Double) {
        let database = try SessionDatabase(path: databasePath, journal: true)
        defer { try? database.close() }
        var logger = Logger(label: "helpline.bench")
        logger.logLevel = .critical
        let service = try SessionService(database: database, engine: engine, logger: logger)
        let customerCount = max(1, concurrency)
        var customers: [StoredCustomer] = []
        for index in 0..<customerCount {
            let response = await service.respond(to: ProtocolRequest(.open(profile)))
            guard case .reply(_, let session, let reply) = response else {
                throw BenchFailure("could not open a session: \(response)")
            }
            customers.append(StoredCustomer(session: session, reply: reply, scripted: CustomerScript.Customer(seed: seed &+ UInt64(index))))
        }

        var histogram = LatencySummary.makeHistogram()
        for index in 0..<(samples + customerCount) {
            let slot = index % customerCount
            let request = customers[slot].nextRequest(script)
            let started = ContinuousClock.now
            let response = await service.respond(to: request)
            let elapsed = ContinuousClock.now - started
            customers[slot].read(response)
            if index >= customerCount { histogram.record(Self.nanoseconds(elapsed)) }
        }

        let perCustomer = max(1, samples / customerCount)
        let started = ContinuousClock.now
        let done = await withTaskGroup(of: Int.self) { group in
            for customer in customers {
                group.addTask { [script] in
                    var customer = customer
                    for _ in 0..<perCustomer {
                        customer.read(await service.respond(to: customer.nextRequest(script)))
                    }
                    return perCustomer
                }
            }
            return await group.reduce(0, +)
        }
        let seconds = Self.seconds(ContinuousClock.now - started)
        return (LatencySummary(histogram), seconds > 0 ? Double(done) / seconds : 0)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// A simulated customer talking to a ``SessionService`` directly.
private struct StoredCustomer: Sendable {
    var session: String
    var reply: Reply
    var scripted: CustomerScript.Customer

    mutating func nextRequest(_ script: CustomerScript) -> ProtocolRequest {
        let text = script.nextText(state: reply.state, optionValues: reply.options.map(\.value), customer: &scripted)
        return ProtocolRequest(.say(session: session, text: text))
    }

    mutating func read(_ response: ProtocolResponse) {
        if case .reply(_, _, let reply) = response { self.reply = reply }
    }
}
