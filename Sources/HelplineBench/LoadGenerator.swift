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
    /// Reads the server's processor time in seconds, when it can be known (a child process).
    public var serverCPU: (@Sendable () -> Double?)?
    /// More daemons' sockets: the connections are spread over `socketPath` and these in turn.
    public var otherSocketPaths: [String] = []
    /// Reads the database server's processor time in seconds, when it is a separate server.
    public var databaseCPU: (@Sendable () -> Double?)?

    public init(socketPath: String, connections: Int = 16, inFlight: Int = 1, turns: Int = 100_000,
                warmupTurns: Int? = nil, sessions: Int? = nil, seed: UInt64 = 1, timeLimit: Duration = .seconds(600),
                serverCPU: (@Sendable () -> Double?)? = nil) {
        self.socketPath = socketPath
        self.connections = max(1, connections)
        self.inFlight = max(1, inFlight)
        self.turns = max(0, turns)
        self.warmupTurns = warmupTurns ?? min(max(self.turns / 10, 100), 10_000)
        self.sessions = max(sessions ?? 0, self.connections * self.inFlight)
        self.seed = seed
        self.timeLimit = timeLimit
        self.serverCPU = serverCPU
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
    /// The server's processor time per timed turn, in microseconds, when known.
    public var serverCPUPerTurn: Double?
    /// The load generator's own processor time per timed turn, in microseconds, when known.
    public var clientCPUPerTurn: Double?
    /// The database server's processor time per timed turn, in microseconds, when known.
    public var databaseCPUPerTurn: Double?

    enum CodingKeys: String, CodingKey {
        case connections, sessions, turns, errors, seconds, latency
        case inFlight = "in_flight"
        case errorCodes = "error_codes"
        case turnsPerSecond = "turns_per_second"
        case openSeconds = "open_seconds"
        case serverCPUPerTurn = "server_cpu_us_per_turn"
        case clientCPUPerTurn = "client_cpu_us_per_turn"
        case databaseCPUPerTurn = "database_cpu_us_per_turn"
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
            if configuration.warmupTurns > 0 {
                let budget = TurnBudget(configuration.warmupTurns)
                _ = try await Self.phase(channels) { .run(budget, record: false, $0) }
            }
            let budget = TurnBudget(configuration.turns)
            let cpuBefore = (configuration.serverCPU?(), ProcessTimes.ownCPUSeconds(), configuration.databaseCPU?())
            let (timed, seconds) = try await Self.phase(channels) { .run(budget, record: true, $0) }
            let cpuAfter = (configuration.serverCPU?(), ProcessTimes.ownCPUSeconds(), configuration.databaseCPU?())
            await Self.close(channels)
            func perTurn(_ before: Double?, _ after: Double?) -> Double? {
                guard let before, let after, timed.requests > 0 else { return nil }
                return ((after - before) / Double(timed.requests) * 1e7).rounded() / 10
            }
            var codes = opened.errorCodes
            codes.merge(timed.errorCodes, uniquingKeysWith: +)
            return LoadReport(
                connections: configuration.connections, inFlight: configuration.inFlight,
                sessions: configuration.sessions, turns: timed.requests, errors: opened.errors + opened.lost + timed.errors + timed.lost,
                errorCodes: codes, seconds: seconds, turnsPerSecond: seconds > 0 ? Double(timed.requests) / seconds : 0,
                latency: LatencySummary(timed.latency), openSeconds: openSeconds,
                serverCPUPerTurn: perTurn(cpuBefore.0, cpuAfter.0), clientCPUPerTurn: perTurn(cpuBefore.1, cpuAfter.1),
                databaseCPUPerTurn: perTurn(cpuBefore.2, cpuAfter.2)
            )
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

    /// Times round trips of one fixed line through an echo server (see ``EchoServer``), one at a time.
    public static func echo(socketPath: String, line: [UInt8], turns: Int, warmupTurns: Int,
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> LoadReport {
        let channel = try await connect(socketPath, group: group) { EchoDriver(line: line) }
        let watchdog = watchdog([channel], after: .seconds(600))
        defer { watchdog.cancel() }
        if warmupTurns > 0 {
            let budget = TurnBudget(warmupTurns)
            _ = try await phase([channel]) { .run(budget, record: false, $0) }
        }
        let budget = TurnBudget(turns)
        let (timed, seconds) = try await phase([channel]) { .run(budget, record: true, $0) }
        await close([channel])
        return LoadReport(
            connections: 1, inFlight: 1, sessions: 0, turns: timed.requests, errors: timed.errors + timed.lost,
            errorCodes: timed.errorCodes, seconds: seconds, turnsPerSecond: seconds > 0 ? Double(timed.requests) / seconds : 0,
            latency: LatencySummary(timed.latency), openSeconds: 0, serverCPUPerTurn: nil, clientCPUPerTurn: nil
        )
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
        var channels: [any Channel] = []
        let perConnection = configuration.sessions / configuration.connections
        let extra = configuration.sessions % configuration.connections
        do {
            for index in 0..<configuration.connections {
                let customers = perConnection + (index < extra ? 1 : 0)
                let seed = configuration.seed &+ UInt64(index) &* 0x1_0000_0001
                let (script, texts, openLine, inFlight) = (script, texts, openLine, configuration.inFlight)
                let sockets = [configuration.socketPath] + configuration.otherSocketPaths
                channels.append(try await Self.connect(sockets[index % sockets.count], group: group) {
                    LoadDriver(script: script, texts: texts, openLine: openLine, customers: customers,
                               inFlight: inFlight, seed: seed)
                })
            }
        } catch {
            await Self.close(channels)
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
