import Foundation
import HelplineDesk
import HelplineDialogue
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The Helpline daemon: serves the JSON-lines protocol on a Unix socket, many connections and
/// sessions at once, storing every change in SQLite (or another ``SessionStore``) before answering.
///
/// ```swift
/// let daemon = try HelplineDaemon(configuration: configuration, engine: engine)
/// try await daemon.start()          // listening once this returns
/// try await daemon.run()            // until shutdown()
/// ```
public final class HelplineDaemon: Sendable {
    public let configuration: ServerConfiguration
    /// Answers requests; usable directly, without a socket.
    public let service: SessionService
    private let database: any SessionStore
    private let logger: Logger
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())

    private struct State {
        var server: NIOAsyncChannel<any Channel, Never>?
        var socketIdentity: SocketFile.Identity?
        /// The desk socket's listener, with a desk.
        var deskServer: NIOAsyncChannel<any Channel, Never>?
        var deskSocketIdentity: SocketFile.Identity?
        var started = false
        var draining = false
        var nextConnection = 0
        /// Open connections.
        var connections: [Int: any Channel] = [:]
        var forceClose: Task<Void, Never>?
    }

    /// `rules` with their topics checked against `engine`'s, unless that was done: a specialist
    /// then cannot sign in for a topic there is not.
    public static func checked(_ rules: DeskRules, for engine: DialogueEngine) throws -> DeskRules {
        guard rules.topics.isEmpty else { return rules }
        var rules = rules
        try rules.checkTopics(Set(engine.catalog.topics.map(\.id.rawValue)).union([engine.rules.generalTopic]))
        return rules
    }

    /// Opens the database; the socket is bound by ``start()``. With a desk socket configured,
    /// the desk is loaded from the database too, with `deskRules` (by default the built-in
    /// `config/desk.yaml`).
    public convenience init(configuration: ServerConfiguration, engine: DialogueEngine, deskRules: DeskRules? = nil,
                            logger: Logger = Logger(label: "helpline.server"),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            clock: @escaping @Sendable () -> Date = { Date() }) throws {
        let database: SessionDatabase
        do {
            database = try SessionDatabase(path: configuration.databasePath, journal: configuration.journal)
        } catch {
            throw DaemonError("cannot open the database \(configuration.databasePath): \(error)")
        }
        var desk: DeskService?
        if configuration.deskSocketPath != nil {
            do {
                desk = try DeskService(database: database, rules: try Self.checked(deskRules ?? DeskRules(bundle: .embedded), for: engine),
                                       logger: logger, clock: clock)
            } catch {
                try? database.close()
                throw DaemonError("cannot open the desk in \(configuration.databasePath): \(error)")
            }
        }
        let counts: StoreCounts
        do {
            counts = try database.counts()
        } catch {
            try? database.close()
            throw DaemonError("cannot read the database \(configuration.databasePath): \(error)")
        }
        self.init(configuration: configuration, store: database, counts: counts, engine: engine, desk: desk, logger: logger,
                  group: group, clock: clock)
    }

    /// A daemon on `store`, opened by the caller (PostgreSQL, say); it closes the store when it
    /// stops. `configuration.databasePath` only names the store in logs. With a desk socket, the
    /// desk is the store's, shared with the other daemons on it.
    package convenience init(configuration: ServerConfiguration, store: any SessionStore, engine: DialogueEngine,
                             deskRules: DeskRules? = nil, logger: Logger = Logger(label: "helpline.server"),
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             clock: @escaping @Sendable () -> Date = { Date() }) async throws {
        var desk: DeskService?
        if configuration.deskSocketPath != nil {
            do {
                desk = try await DeskService.open(store: store, rules: try Self.checked(deskRules ?? DeskRules(bundle: .embedded), for: engine),
                                                  logger: logger, clock: clock)
            } catch {
                throw DaemonError("cannot open the desk in \(configuration.databasePath): \(error)")
            }
        }
        let counts: StoreCounts
        do {
            counts = try await store.counts()
        } catch {
            throw DaemonError("cannot read the database \(configuration.databasePath): \(error)")
        }
        self.init(configuration: configuration, store: store, counts: counts, engine: engine, desk: desk, logger: logger,
                  group: group, clock: clock)
    }

    private init(configuration: ServerConfiguration, store: any SessionStore, counts: StoreCounts, engine: DialogueEngine,
                 desk: DeskService?, logger: Logger, group: any EventLoopGroup, clock: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.logger = logger
        self.group = group
        database = store
        service = SessionService(store: store, counts: counts, engine: engine, limits: configuration.sessions,
                                 logger: logger, clock: clock, desk: desk)
    }

    /// The SQLite database, for inspection (appeals, messages). Only for a daemon that opened
    /// one (``init(configuration:engine:logger:group:clock:)``); use ``sessionStore`` otherwise.
    public var store: SessionDatabase {
        guard let database = database as? SessionDatabase else {
            preconditionFailure("this daemon stores in \(type(of: database)), not in SQLite; use sessionStore")
        }
        return database
    }

    /// The store, for inspection (appeals, messages).
    package var sessionStore: any SessionStore { database }

    /// The specialists' desk, when a desk socket is configured; usable directly, without a socket.
    public var desk: DeskService? { service.desk }

    // MARK: Lifecycle

    /// Sweeps sessions that expired while no daemon ran, then binds the socket: replaces a stale
    /// socket file, refuses a live one, sets the file's mode. Connections are accepted once this
    /// returns; they are served by ``run()``.
    public func start() async throws {
        // Before any client can open a session, so the sweep's stored count cannot overwrite one.
        await service.sweep()
        let path = configuration.socketPath
        try await SocketFile.prepare(path, group: group)
        let configuration = self.configuration
        let hooks = connectionHooks()
        let server: NIOAsyncChannel<any Channel, Never>
        do {
            server = try await ServerBootstrap(group: group)
                // A burst of connects waits in the kernel's queue rather than being refused with
                // EAGAIN; Linux caps it at net.core.somaxconn (4096 by default).
                .serverChannelOption(.backlog, value: 4_096)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.addConnectionHandlers(to: channel.pipeline.syncOperations, configuration: configuration, hooks: hooks)
                        return channel
                    }
                }
        } catch {
            throw DaemonError("cannot listen on \(path): \(error)")
        }
        do {
            try SocketFile.setMode(path, configuration.socketMode)
        } catch {
            try? await server.channel.close()
            throw error
        }
        Self.warnIfWorldConnectable(path, mode: configuration.socketMode, logger: logger)
        let identity = SocketFile.identity(path)
        let deskServer: NIOAsyncChannel<any Channel, Never>?
        do {
            deskServer = try await startDesk()
        } catch {
            try? await server.channel.close()
            SocketFile.remove(path, ifStill: identity)
            throw error
        }
        let deskIdentity = configuration.deskSocketPath.flatMap(SocketFile.identity)
        let stopAtOnce = state.withLockedValue { state in
            state.server = server
            state.socketIdentity = identity
            state.deskServer = deskServer
            state.deskSocketIdentity = deskIdentity
            state.started = true
            return state.draining
        }
        if stopAtOnce {
            server.channel.close(promise: nil)
            deskServer?.channel.close(promise: nil)
        }
        logger.info("listening", metadata: ["socket": LogText.escaped(path), "database": LogText.escaped(configuration.databasePath)])
        if let deskPath = configuration.deskSocketPath {
            logger.info("desk listening", metadata: ["socket": LogText.escaped(deskPath)])
        }
    }

    /// Binds the desk socket, when there is a desk, with its own file mode.
    private func startDesk() async throws -> NIOAsyncChannel<any Channel, Never>? {
        guard let path = configuration.deskSocketPath, let desk = service.desk else { return nil }
        try await SocketFile.prepare(path, option: "--desk-socket", group: group)
        let configuration = self.configuration
        let logger = logger
        let register: @Sendable (any Channel) -> Int? = { [weak self] channel in self?.register(channel) }
        let unregister: @Sendable (Int) -> Void = { [weak self] key in self?.unregister(key) }
        let server: NIOAsyncChannel<any Channel, Never>
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.addDeskHandlers(to: channel.pipeline.syncOperations, configuration: configuration,
                                                 desk: desk, logger: logger)
                        // Registered like customer connections, so that shutdown drains them too.
                        if let key = register(channel) {
                            channel.closeFuture.whenComplete { _ in unregister(key) }
                        } else {
                            channel.close(promise: nil)
                        }
                        return channel
                    }
                }
        } catch {
            throw DaemonError("cannot listen on the desk socket \(path): \(error)")
        }
        do {
            try SocketFile.setMode(path, configuration.deskSocketMode)
            Self.warnIfWorldConnectable(path, mode: configuration.deskSocketMode, logger: logger)
        } catch {
            try? await server.channel.close()
            throw error
        }
        return server
    }

    /// Logs a warning when a socket's permissions let every local user connect (others may
    /// write): anyone on the machine could then open sessions, or answer as a specialist.
    static func warnIfWorldConnectable(_ path: String, mode: UInt16, logger: Logger) {
        guard mode & 0o002 != 0 else { return }
        logger.warning("the socket lets every local user connect; give its users a group and use 660",
                       metadata: ["socket": "\(path)", "mode": "\(String(mode, radix: 8))"])
    }

    /// The handlers serving one desk connection: timeouts, framing, then the desk's requests.
    static func addDeskHandlers(to pipeline: ChannelPipeline.SynchronousOperations, configuration: ServerConfiguration,
                                desk: DeskService, logger: Logger) throws {
        func amount(_ seconds: TimeInterval) -> TimeAmount { .nanoseconds(Int64(seconds * 1e9)) }
        try pipeline.addHandler(LineTimeoutHandler(lineTimeout: amount(configuration.lineTimeout), idleTimeout: nil))
        try pipeline.addHandler(WriteStallGuard(timeout: amount(configuration.writeStallTimeout)))
        try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: configuration.maximumLineLength)))
        try pipeline.addHandler(DeskConnectionHandler(desk: desk, logger: logger, maximumLineLength: configuration.maximumLineLength,
                                                      maximumConnections: configuration.maximumConnections,
                                                      signInTimeout: configuration.idleTimeout.map(amount)))
    }

    private func connectionHooks() -> ConnectionHooks {
        ConnectionHooks(
            service: service, logger: logger, maximumConnections: configuration.maximumConnections,
            register: { [weak self] channel in self?.register(channel) },
            unregister: { [weak self] key in self?.unregister(key) }
        )
    }

    /// The handlers serving one client connection, in order: timeouts, framing and decoding,
    /// then the requests themselves.
    static func addConnectionHandlers(to pipeline: ChannelPipeline.SynchronousOperations, configuration: ServerConfiguration,
                                      hooks: ConnectionHooks) throws {
        func amount(_ seconds: TimeInterval) -> TimeAmount { .nanoseconds(Int64(seconds * 1e9)) }
        try pipeline.addHandler(LineTimeoutHandler(lineTimeout: amount(configuration.lineTimeout),
                                                   idleTimeout: configuration.idleTimeout.map(amount)))
        try pipeline.addHandler(WriteStallGuard(timeout: amount(configuration.writeStallTimeout)))
        try pipeline.addProtocolServerHandlers(codec: ProtocolCodec(maxTextCharacters: configuration.maximumTextCharacters),
                                               maximumLineLength: configuration.maximumLineLength)
        try pipeline.addHandler(ConnectionHandler(hooks: hooks))
    }

    /// Serves connections until ``shutdown()``: then stops accepting, lets in-flight requests
    /// finish, closes the database and removes the socket file. Calls ``start()`` if needed.
    public func run() async throws {
        if !state.withLockedValue({ $0.started }) {
            try await start()
        }
        guard let server = state.withLockedValue({ $0.server }) else {
            throw DaemonError("the daemon was already run")
        }
        let sweeper = startSweeper()
        let deskServer = state.withLockedValue { $0.deskServer }
        do {
            try await withThrowingDiscardingTaskGroup { group in
                if let deskServer {
                    group.addTask {
                        try await withThrowingDiscardingTaskGroup { connections in
                            try await deskServer.executeThenClose { inbound in
                                for try await connection in inbound {
                                    connections.addTask { try? await connection.closeFuture.get() }
                                }
                            }
                        }
                    }
                }
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        // Each connection serves itself on its event loop; wait for it to end.
                        group.addTask { try? await connection.closeFuture.get() }
                    }
                }
                // The listening socket is closed: connections finish on their own.
            }
        } catch {
            logger.error("accepting connections failed", metadata: ["error": LogText.escaped(error)])
        }
        let (identity, deskIdentity, forceClose) = state.withLockedValue { state in
            defer {
                state.server = nil
                state.deskServer = nil
            }
            return (state.socketIdentity, state.deskSocketIdentity, state.forceClose)
        }
        SocketFile.remove(configuration.socketPath, ifStill: identity)
        if let deskPath = configuration.deskSocketPath {
            SocketFile.remove(deskPath, ifStill: deskIdentity)
        }
        await finish(sweeper: sweeper, forceClose: forceClose)
    }

    /// Serves one client on standard input and output (`input`, `output`) instead of a socket,
    /// until the input ends or ``shutdown()``; then closes the database like ``run()``. Answers
    /// go to `output` only; logs go to standard error.
    public func runStandardIO(input: CInt = 0, output: CInt = 1) async throws {
        let configuration = self.configuration
        let hooks = connectionHooks()
        // Sessions that expired while no daemon ran go first, before any request.
        await service.sweep()
        let channel: any Channel
        let descriptors: PollableDescriptors
        do {
            descriptors = try PollableDescriptors(input: input, output: output)
            channel = try await NIOPipeBootstrap(group: group)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.addConnectionHandlers(to: channel.pipeline.syncOperations, configuration: configuration, hooks: hooks)
                    }
                }
                .takingOwnershipOfDescriptors(input: descriptors.input, output: descriptors.output)
                .get()
        } catch {
            throw DaemonError("cannot serve standard input and output: \(error)")
        }
        state.withLockedValue { $0.started = true }
        logger.info("serving standard input and output", metadata: ["database": LogText.escaped(configuration.databasePath)])
        let sweeper = startSweeper()
        try? await channel.closeFuture.get()
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                descriptors.waitForOutput()
                continuation.resume()
            }
        }
        let forceClose = state.withLockedValue { $0.forceClose }
        await finish(sweeper: sweeper, forceClose: forceClose)
    }

    /// Expires and evicts sessions periodically; the first sweep was made before serving.
    private func startSweeper() -> Task<Void, Never> {
        Task { [service] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(service.sweepInterval))
                guard !Task.isCancelled else { break }
                await service.sweep()
            }
        }
    }

    /// Closes the database of a daemon whose ``start()`` failed (its socket could not be bound),
    /// leaving the database's files as a stopped daemon leaves them: the log moved into the file.
    public func closeUnstarted() async {
        service.desk?.stop()
        try? await database.checkpoint()
        do {
            try await database.close()
        } catch {
            logger.error("closing the database failed", metadata: ["error": LogText.escaped(error)])
        }
    }

    /// Once every connection has ended: stops the sweeper and closes the database.
    private func finish(sweeper: Task<Void, Never>, forceClose: Task<Void, Never>?) async {
        sweeper.cancel()
        await sweeper.value
        forceClose?.cancel()
        await service.desk?.settle()
        await service.desk?.leave()
        service.desk?.stop()
        do {
            // Into the database file, so that it alone holds everything once the daemon is gone.
            try await database.checkpoint()
        } catch {
            logger.warning("could not move the write-ahead log into the database file; it stays beside it",
                           metadata: ["error": LogText.escaped(error)])
        }
        do {
            try await database.close()
        } catch {
            logger.error("closing the database failed", metadata: ["error": LogText.escaped(error)])
        }
        logger.info("stopped")
    }

    /// Stops gracefully: no new connections, no new requests; idle connections close now, busy
    /// ones once their requests in progress are answered; whatever remains after the grace period
    /// is closed. Safe to call repeatedly; a second call closes every connection at once.
    public func shutdown() {
        let (servers, open, repeated) = state.withLockedValue { state -> ([any Channel], [any Channel], Bool) in
            if state.draining {
                return ([], Array(state.connections.values), true)
            }
            state.draining = true
            return ([state.server?.channel, state.deskServer?.channel].compactMap { $0 }, Array(state.connections.values), false)
        }
        logger.info(repeated ? "closing all connections" : "shutting down")
        for server in servers { server.close(promise: nil) }
        for channel in open {
            if repeated {
                channel.close(promise: nil)
            } else {
                channel.pipeline.fireUserInboundEventTriggered(DrainConnection())
            }
        }
        guard !repeated else { return }
        let grace = configuration.shutdownGracePeriod
        let task = Task { [weak self] in
            try? await Task.sleep(for: .seconds(grace))
            guard !Task.isCancelled, let self else { return }
            let remaining = self.state.withLockedValue { Array($0.connections.values) }
            if !remaining.isEmpty {
                self.logger.warning("closing connections still busy after the grace period", metadata: ["count": "\(remaining.count)"])
            }
            for channel in remaining { channel.close(promise: nil) }
        }
        state.withLockedValue { $0.forceClose = task }
    }

    /// Swaps in a new dialogue engine (new intents and prompts) built by `makeEngine`; sessions
    /// carry on. If building fails, the current engine stays and the reason is logged.
    @discardableResult
    public func reload(_ makeEngine: () throws -> DialogueEngine) -> Bool {
        let started = ContinuousClock.now
        do {
            let engine = try makeEngine()
            service.replaceEngine(engine)
            logger.notice("data reloaded", metadata: ["duration": "\(ContinuousClock.now - started)"])
            return true
        } catch {
            logger.error("reload failed; keeping the current data", metadata: ["error": LogText.escaped(error)])
            return false
        }
    }

    /// Swaps in new data: the engine `makeEngine` builds and, with a desk, the desk's rules
    /// `makeDeskRules` builds for that engine (`config/desk.yaml`). Both or neither: when either
    /// cannot be built, the current data stays and the log says which file and key is at fault.
    @discardableResult
    public func reload(_ makeEngine: () throws -> DialogueEngine,
                       deskRules makeDeskRules: (DialogueEngine) throws -> DeskRules) async -> Bool {
        guard let desk = service.desk else { return reload(makeEngine) }
        let started = ContinuousClock.now
        let engine: DialogueEngine, rules: DeskRules
        do {
            engine = try makeEngine()
            rules = try makeDeskRules(engine)
        } catch {
            logger.error("reload failed; keeping the current data", metadata: ["error": LogText.escaped(error)])
            return false
        }
        service.replaceEngine(engine)
        await desk.replaceRules(rules)
        logger.notice("data reloaded", metadata: ["duration": "\(ContinuousClock.now - started)", "desk": "reloaded"])
        return true
    }

    // MARK: Connections

    /// Records an open connection; `nil` once the daemon is shutting down.
    private func register(_ channel: any Channel) -> Int? {
        state.withLockedValue { state in
            guard !state.draining else { return nil }
            state.nextConnection += 1
            state.connections[state.nextConnection] = channel
            return state.nextConnection
        }
    }

    private func unregister(_ key: Int) {
        state.withLockedValue { _ = $0.connections.removeValue(forKey: key) }
    }
}
