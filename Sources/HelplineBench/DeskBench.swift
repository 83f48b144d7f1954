import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineServer
import Histogram
import Logging
import NIOConcurrencyHelpers

/// What `helpline bench desk` measured: customers filing appeals while specialists take, answer
/// and close them, in process, on the wall clock.
public struct DeskBenchReport: Sendable, Hashable, Codable {
    public var customers: Int
    public var specialists: Int
    /// Appeals filed and taken.
    public var appeals: Int
    public var seconds: Double
    /// Appeals taken, answered and closed a second.
    public var appealsPerSecond: Double
    /// By queue: the wait from the appeal's arrival to its taking.
    public var waits: [String: LatencySummary]
    /// Appeals taken more than once (must be 0).
    public var takenTwice: Int
    /// Takings that passed over an appeal of a higher queue that had been waiting since before,
    /// when the appeal taken had not waited past its queue's limit (must be 0).
    public var orderViolations: Int

    enum CodingKeys: String, CodingKey {
        case customers, specialists, appeals, seconds, waits
        case appealsPerSecond = "appeals_per_second"
        case takenTwice = "taken_twice"
        case orderViolations = "order_violations"
    }
}

/// Customers and specialists at once on a desk in process: half the customers regular, half
/// Premium sellers (whose queue goes first), every specialist serving both (`general`).
public struct DeskBench: Sendable {
    public let engine: DialogueEngine
    public let rules: DeskRules

    public init(engine: DialogueEngine, rules: DeskRules) {
        self.engine = engine
        self.rules = rules
    }

    private struct Taking: Sendable {
        var appeal: String
        var queue: Queue
        var arrivedAt: Date
        var takenAt: Date
    }

    public func run(customers: Int, specialists: Int, databasePath: String) async throws -> DeskBenchReport {
        let database = try SessionDatabase(path: databasePath)
        defer { try? database.close() }
        var logger = Logger(label: "helpline.bench")
        logger.logLevel = .critical
        let desk = try DeskService(database: database, rules: rules, logger: logger)
        defer { desk.stop() }
        let sessions = try SessionService(database: database, engine: engine, logger: logger, desk: desk)
        let takings = NIOLockedValueBox<[Taking]>([])
        let filed = NIOLockedValueBox(0)
        let started = ContinuousClock.now

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<customers {
                group.addTask {
                    let profile = index.isMultiple(of: 2)
                        ? Profile(id: "c-\(index)", name: "Анна")
                        : Profile(id: "c-\(index)", name: "Игорь", seller: true, premiumSeller: true)
                    guard let session = await sessions.respond(to: ProtocolRequest(.open(profile))).repliedSession else {
                        throw BenchFailure("a customer could not open a session")
                    }
                    _ = await sessions.respond(to: ProtocolRequest(.say(session: session, text: "delivery")))
                    let answer = await sessions.respond(to: ProtocolRequest(.say(session: session, text: "Курьер не приехал в назначенный день.")))
                    guard case .reply(_, _, let reply) = answer, reply.ticket != nil else {
                        throw BenchFailure("a customer's appeal was not filed: \(answer)")
                    }
                    filed.withLockedValue { $0 += 1 }
                }
            }
            for index in 0..<specialists {
                group.addTask {
                    let connection = desk.connect()
                    defer { Task { await connection.close() } }
                    let signIn = await connection.send(.signIn(.init(id: "sp-\(index)", name: "Специалист \(index)", serves: .role("general"))))
                    guard case .signedIn = signIn else { throw BenchFailure("a specialist could not sign in: \(signIn)") }
                    while true {
                        if case .appeal(let view?) = await connection.send(.next) {
                            let appeal = view.appeal
                            takings.withLockedValue {
                                $0.append(Taking(appeal: appeal.id, queue: appeal.queue, arrivedAt: appeal.arrivedAt,
                                                 takenAt: appeal.takenAt ?? Date()))
                            }
                            _ = await connection.send(.reply(appeal: appeal.id, text: "Спасибо, разбираемся."))
                            _ = await connection.send(.close(appeal: appeal.id))
                            continue
                        }
                        if filed.withLockedValue({ $0 }) == customers,
                           takings.withLockedValue({ $0.count }) >= customers { return }
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = InProcessBench.seconds(ContinuousClock.now - started)
        let taken = takings.withLockedValue { $0 }
        var histograms: [Queue: Histogram<UInt64>] = [:]
        for taking in taken {
            let nanoseconds = UInt64(max(0, taking.takenAt.timeIntervalSince(taking.arrivedAt)) * 1e9)
            histograms[taking.queue, default: LatencySummary.makeHistogram()].record(nanoseconds)
        }
        let counts = Dictionary(taken.map { ($0.appeal, 1) }, uniquingKeysWith: +)
        return DeskBenchReport(
            customers: customers, specialists: specialists, appeals: counts.count, seconds: seconds,
            appealsPerSecond: seconds > 0 ? Double(taken.count) / seconds : 0,
            waits: Dictionary(uniqueKeysWithValues: histograms.map { ($0.key.rawValue, LatencySummary($0.value)) }),
            takenTwice: counts.values.filter { $0 > 1 }.count,
            orderViolations: Self.violations(taken, rules: rules))
    }

    /// Takings of an appeal while one of a higher queue, there since before it was taken, waited
    /// still — unless the one taken had waited past its queue's limit.
    private static func violations(_ taken: [Taking], rules: DeskRules) -> Int {
        taken.filter { taking in
            if let limit = rules.maxWait(taking.queue), taking.takenAt.timeIntervalSince(taking.arrivedAt) >= limit { return false }
            return taken.contains { other in
                rules.rank(other.queue) > rules.rank(taking.queue)
                    && other.arrivedAt < taking.takenAt && other.takenAt > taking.takenAt
            }
        }.count
    }
}
