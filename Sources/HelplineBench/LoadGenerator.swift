import Foundation
import HelplineDialogue
import HelplineServer
import NIOCore
import NIOPosix

/// How hard and how long a load run pushes a daemon.
public struct LoadConfiguration: Sendable {
    public var socketPath: String
    /// Client connections, each with its own customers.
    public var connections: Int
    /// Requests outstanding per connection (pipelined; answers come back in order).
    public var inFlight: Int
    /// Turns (`say` requests) timed; they are shared out among the connections as they go.
    public var turns: Int
    /// Turns sent first and not timed.
    public var warmupTurns: Int
    /// Customers (sessions) in all, spread evenly over the connections; at least one per request in flight.
    public var sessions: Int
    /// Seeds the customers' choices, so runs are reproducible.
    public var seed: UInt64
    /// A run taking longer than this is cut short: its connections are closed.
    public var timeLimit: Duration
    /// More daemons' sockets: connection number `i` goes to `([socketPath] + otherSocketPaths)[i % count]`.
    public var otherSocketPaths: [String] = []
    /// Reads other processes' processor time in seconds (the daemons', the database server's),
    /// before and after the timed turns: the report gives it per timed turn, under the same names.
    public var processTimes: (@Sendable () -> [String: Double])?

    public init(socketPath: String, connections: Int = 16, inFlight: Int = 1, turns: Int = 100_000,
                warmupTurns: Int? = nil, sessions: Int? = nil, seed: UInt64 = 1, timeLimit: Duration = .seconds(600)) {
        self.socketPath = socketPath
        self.connections = max(1, connections)
        self.inFlight = max(1, inFlight)
        self.turns = max(0, turns)
        self.warmupTurns = warmupTurns ?? min(max(self.turns / 10, 100), 10_000)
        self.sessions = max(sessions ?? 0, self.connections * self.inFlight)
        self.seed = seed
        self.timeLimit = timeLimit
    }
}

/// What a load run measured.
public struct LoadReport: Sendable, Hashable, Codable {
    public var connections: Int
    public var inFlight: Int
    public var sessions: Int
    /// Timed turns answered.
    public var turns: Int
    /// Answers that were errors (or never came), by code.
    public var errors: Int
    public var errorCodes: [String: Int]
    /// Wall time of the timed turns.
    public var seconds: Double
    public var turnsPerSecond: Double
    /// Per-turn latency, request written to answer read, in microseconds.
    public var latency: LatencySummary
    /// Wall time to open all sessions.
    public var openSeconds: Double
    /// The load generator's own processor time per timed turn, in microseconds.
    public var clientCPUPerTurn: Double?
    /// The processor time per timed turn of what ``LoadConfiguration/processTimes`` reads, in
    /// microseconds, by its names.
    public var processCPUPerTurn: [String: Double] = [:]

    enum CodingKeys: String, CodingKey {
        case connections, sessions, turns, errors, seconds, latency
        case inFlight = "in_flight"
        case errorCodes = "error_codes"
        case turnsPerSecond = "turns_per_second"
        case openSeconds = "open_seconds"
        case clientCPUPerTurn = "client_cpu_us_per_turn"
        case processCPUPerTurn = "process_cpu_us_per_turn"
    }
}

/// Runs simulated customers against a daemon over its socket and measures the answers.
///
/// ```swift
/// let generator = LoadGenerator(script: CustomerScript(engine: engine), profile: try Profile.demo())
/// let report = try await generator.run(LoadConfiguration(socketPath: path, connections: 16))
/// print(report.turnsPerSecond, report.latency.line)
/// ```
public struct LoadGenerator: Sendable {
    public let script: CustomerScript
    public let profile: Profile
    private let texts: EncodedTexts
    private let openLine: [UInt8]

    public init(script: CustomerScript, profile: Profile) {
        self.script = script
        self.profile = profile
        texts = EncodedTexts(script.allTexts)
        openLine = (try? Array(ProtocolCodec().encodeRequest(ProtocolRequest(.open(profile))))) ?? []
    }

    /// Opens the sessions, sends the warm-up turns, then the timed turns; closes the connections.
    public func run(_ configuration: LoadConfiguration,
                    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> LoadReport {
        let channels = try await connect(configuration, group: group)
        let watchdog = Self.watchdog(channels, after: configuration.timeLimit)
        defer { watchdog.cancel() }
        do {
            let (opened, openSeconds) = try await Self.phase(channels) { .open($0) }
            let timed = try await Self.timedTurns(channels, configuration)
            await Self.close(channels)
            var report = timed.report(configuration)
            report.sessions = configuration.sessions
            report.openSeconds = openSeconds
            report.errors += opened.errors + opened.lost
            report.errorCodes.merge(opened.errorCodes, uniquingKeysWith: +)
            return report
        } catch {
            await Self.close(channels)
            throw error
        }
    }

    /// Opens `configuration.sessions` sessions and leaves them open; returns how many opened, the
    /// errors, and the wall time.
    public func openSessions(_ configuration: LoadConfiguration,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> (opened: Int, errors: Int, seconds: Double) {
        let channels = try await connect(configuration, group: group)
        let watchdog = Self.watchdog(channels, after: configuration.timeLimit)
        defer { watchdog.cancel() }
        let (result, seconds) = try await Self.phase(channels) { .open($0) }
        await Self.close(channels)
        return (result.requests - result.errors, result.errors + result.lost, seconds)
    }

    /// Sends one fixed line through a line echo server (``PlainEchoServer``, ``EchoServer``) or
    /// any server that answers each line with one line, driven as ``run(_:group:)`` drives a
    /// daemon: `configuration.connections` connections with `inFlight` lines outstanding on each,
    /// warm-up lines first, then the timed ones. Its `sessions` and `seed` are not used.
    public static func echo(_ configuration: LoadConfiguration, line: [UInt8],
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> LoadReport {
        let channels = try await connect(configuration.socketPath, count: configuration.connections, group: group) { _ in
            LoadDriver(echoing: line, inFlight: configuration.inFlight)
        }
        let watchdog = watchdog(channels, after: configuration.timeLimit)
        defer { watchdog.cancel() }
        do {
            let timed = try await timedTurns(channels, configuration)
            await close(channels)
            var report = timed.report(configuration)
            report.sessions = 0
            return report
        } catch {
            await close(channels)
            throw error
        }
    }

    /// A typical `say` request line, for the echo comparison.
    public func sampleSayLine() -> [UInt8] {
        let text = script.topicQuestions.first ?? script.newAppeal
        let buffer = texts.sayLine(session: EncodedTexts.quote("0123456789abcdef01234567"), text: text,
                                   allocator: ByteBufferAllocator())
        return Array(buffer.readableBytesView)
    }

    // MARK: Plumbing

    private func connect(_ configuration: LoadConfiguration, group: any EventLoopGroup) async throws -> [any Channel] {
        let perConnection = configuration.sessions / configuration.connections
        let extra = configuration.sessions % configuration.connections
        let (script, texts, openLine, inFlight) = (script, texts, openLine, configuration.inFlight)
        let sockets = [configuration.socketPath] + configuration.otherSocketPaths
        return try await Self.connect(sockets, count: configuration.connections, group: group) { index in
            LoadDriver(script: script, texts: texts, openLine: openLine,
                       customers: perConnection + (index < extra ? 1 : 0), inFlight: inFlight,
                       seed: configuration.seed &+ UInt64(index) &* 0x1_0000_0001)
        }
    }

    /// `count` connections to `path`, connection number `index` driven by `handler(index)`; none
    /// are left open if one fails.
    private static func connect(_ path: String, count: Int, group: any EventLoopGroup,
                                handler: @escaping @Sendable (Int) -> any ChannelHandler) async throws -> [any Channel] {
        try await connect([path], count: count, group: group, handler: handler)
    }

    /// `count` connections spread over `paths` in turn, connection number `index` driven by
    /// `handler(index)`; none are left open if one fails.
    private static func connect(_ paths: [String], count: Int, group: any EventLoopGroup,
                                handler: @escaping @Sendable (Int) -> any ChannelHandler) async throws -> [any Channel] {
        var channels: [any Channel] = []
        do {
            for index in 0..<count {
                channels.append(try await connect(paths[index % paths.count], group: group) { handler(index) })
            }
        } catch {
            await close(channels)
            throw error
        }
        return channels
    }

    private static func connect(_ path: String, group: any EventLoopGroup,
                                handler: @escaping @Sendable () -> any ChannelHandler) async throws -> any Channel {
        try await ClientBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 16 * 1024 * 1024)))
                    try pipeline.addHandler(handler())
                }
            }
            .connect(unixDomainSocketPath: path)
            .get()
    }

    /// The warm-up turns, untimed, then the timed turns with the load generator's processor time.
    private static func timedTurns(_ channels: [any Channel], _ configuration: LoadConfiguration) async throws -> TimedTurns {
        if configuration.warmupTurns > 0 {
            let budget = TurnBudget(configuration.warmupTurns)
            _ = try await phase(channels) { .run(budget, record: false, $0) }
        }
        let budget = TurnBudget(configuration.turns)
        let othersBefore = configuration.processTimes?() ?? [:]
        let cpuBefore = ProcessTimes.ownCPUSeconds()
        let (result, seconds) = try await phase(channels) { .run(budget, record: true, $0) }
        let cpu = ProcessTimes.ownCPUSeconds() - cpuBefore
        let othersAfter = configuration.processTimes?() ?? [:]
        var others: [String: Double] = [:]
        for (name, after) in othersAfter {
            if let before = othersBefore[name] { others[name] = after - before }
        }
        return TimedTurns(result: result, seconds: seconds, clientCPUSeconds: cpu, processCPUSeconds: others)
    }

    /// Sends `command` to every connection and waits for all to finish; returns their sum and the wall time.
    private static func phase(_ channels: [any Channel],
                              _ command: (EventLoopPromise<PhaseResult>) -> LoadCommand) async throws -> (PhaseResult, Double) {
        let started = ContinuousClock.now
        let futures = channels.map { channel in
            let promise = channel.eventLoop.makePromise(of: PhaseResult.self)
            channel.triggerUserOutboundEvent(command(promise)).whenFailure { promise.fail($0) }
            return promise.futureResult
        }
        var total = PhaseResult()
        for future in futures {
            total.add(try await future.get())
        }
        let elapsed = ContinuousClock.now - started
        let (seconds, attoseconds) = elapsed.components
        return (total, Double(seconds) + Double(attoseconds) / 1e18)
    }

    private static func close(_ channels: [any Channel]) async {
        for channel in channels {
            try? await channel.close()
        }
    }

    /// Closes the connections if the run goes on past `limit`, which ends it.
    private static func watchdog(_ channels: [any Channel], after limit: Duration) -> Task<Void, Never> {
        Task {
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            for channel in channels { channel.close(promise: nil) }
        }
    }
}

/// What the timed phase of a run measured.
private struct TimedTurns {
    var result: PhaseResult
    var seconds: Double
    var clientCPUSeconds: Double
    var processCPUSeconds: [String: Double] = [:]

    /// The report of a run in `configuration` (no sessions opened, none counted).
    func report(_ configuration: LoadConfiguration) -> LoadReport {
        let answered = result.requests
        var report = LoadReport(
            connections: configuration.connections, inFlight: configuration.inFlight, sessions: 0, turns: answered,
            errors: result.errors + result.lost, errorCodes: result.errorCodes, seconds: seconds,
            turnsPerSecond: seconds > 0 ? Double(answered) / seconds : 0, latency: LatencySummary(result.latency),
            openSeconds: 0,
            clientCPUPerTurn: answered > 0 ? (clientCPUSeconds / Double(answered) * 1e7).rounded() / 10 : nil
        )
        if answered > 0 {
            report.processCPUPerTurn = processCPUSeconds.mapValues { ($0 / Double(answered) * 1e7).rounded() / 10 }
        }
        return report
    }
}
