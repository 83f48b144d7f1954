import ArgumentParser
import Foundation
import HelplineBench
import HelplineDesk
import HelplineDialogue
import HelplineFiles
import HelplineIntents
import HelplineServer
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `helpline serve`: the daemon on a Unix socket.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the chat to other programs over a Unix socket (JSON lines; see docs/PROTOCOL.md).",
        discussion: """
        Prints a "ready" line to standard error once it accepts connections. SIGTERM or SIGINT stop \
        it gracefully; SIGHUP reloads the intent data and, with a desk, config/desk.yaml (a broken file keeps the current data).
        """
    )

    @Option(help: ArgumentHelp("The socket's path (default: $XDG_RUNTIME_DIR/helpline.sock, else /tmp/helpline-$UID.sock).", valueName: "path"))
    var socket: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("The database: a SQLite file's path (default: $XDG_STATE_HOME/helpline/helpline.sqlite), or postgres://USER@HOST:PORT/DATABASE for several daemons on one PostgreSQL database (PGHOST, PGUSER, PGPASSWORD… fill in what the URL leaves out).", valueName: "path-or-url"))
    var database: String?

    @OptionGroup var postgres: PostgresOptions

    @Option(name: .customLong("socket-mode"), help: ArgumentHelp("The socket file's permissions, octal; 660 lets the group connect.", valueName: "mode"))
    var socketMode: String = "600"

    @Option(name: .customLong("desk-socket"), help: ArgumentHelp("Serve the specialists' desk on this socket (see docs/DESK.md); without it there is no desk.", valueName: "path"))
    var deskSocket: String?

    @Option(name: .customLong("desk-socket-mode"), help: ArgumentHelp("The desk socket file's permissions, octal; keep it apart from the customers' socket.", valueName: "mode"))
    var deskSocketMode: String = "600"

    @Option(name: .customLong("session-ttl"), help: ArgumentHelp("How long an unused session lives (appeals stay): seconds, or 30m, 24h, 7d.", valueName: "time"))
    var sessionTTL = Seconds(24 * 3600)

    @Option(name: .customLong("review-days"), help: ArgumentHelp("Days to keep what customers wrote in ended sessions, for helpline review (0: not kept).", valueName: "days"))
    var reviewDays: Double = 30

    @Option(name: .customLong("max-sessions"), help: ArgumentHelp("The most open sessions.", valueName: "n"))
    var maximumSessions: Int = 100_000

    @Option(name: .customLong("max-connections"), help: ArgumentHelp("The most client connections at once; the desk socket takes as many again, counted apart. Fewer when the open-file limit (raised to its hard limit at start) cannot hold them.", valueName: "n"))
    var maximumConnections: Int = 1_024

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Close connections that complete no request for this long, and desk connections not signed in by then (0: never): seconds, or 5m, 1h.", valueName: "time"))
    var idleTimeout = Seconds(0)

    @Option(name: .customLong("line-timeout"), help: ArgumentHelp("Close connections that take longer than this to finish a request line: seconds, or 2m.", valueName: "time"))
    var lineTimeout = Seconds(60)

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    @Flag(help: "Serve one client on standard input and output instead of a socket (as language servers do); logs go to standard error.")
    var stdio = false

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard parsedSocketMode != nil else {
            throw ValidationError("--socket-mode must be octal permission bits such as 600 or 0660")
        }
        guard Self.mode(deskSocketMode) != nil else {
            throw ValidationError("--desk-socket-mode must be octal permission bits such as 600 or 0660")
        }
        if deskSocket != nil, stdio {
            throw ValidationError("--desk-socket needs the daemon on a socket; it cannot be used with --stdio")
        }
        if let deskSocket, deskSocket == socket ?? ServerConfiguration.defaultSocketPath() {
            throw ValidationError("--desk-socket must differ from --socket: customers and specialists never share a socket")
        }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard sessionTTL.value > 0 else { throw ValidationError("--session-ttl must be positive") }
        guard reviewDays >= 0, reviewDays <= 3650 else { throw ValidationError("--review-days must be between 0 and 3650") }
        guard maximumSessions > 0, maximumConnections > 0 else {
            throw ValidationError("--max-sessions and --max-connections must be positive")
        }
        guard idleTimeout.value >= 0 else { throw ValidationError("--idle-timeout must not be negative") }
        guard lineTimeout.value > 0 else { throw ValidationError("--line-timeout must be positive") }
    }

    private var parsedSocketMode: UInt16? {
        Self.mode(socketMode)
    }

    private static func mode(_ text: String) -> UInt16? {
        guard let mode = UInt16(text, radix: 8), mode <= 0o777 else { return nil }
        return mode
    }

    func run() async throws {
        let started = ContinuousClock.now
        // Files this process creates (database, socket) are private unless widened on purpose.
        umask(0o077)
        signal(SIGPIPE, SIG_IGN)
        // Started by `helpline bench`: stop when the bench is gone.
        ParentLifeline.watchIfStartedByBench()
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "helpline.server")

        let bundle = try data.bundle()
        let cache = MatcherCache.standard()
        let (engine, model) = try DialogueEngine.checking(bundle, cache: cache, source: data.sourceName)
        Self.log(model, of: cache, to: logger)
        var deskRules: DeskRules?
        if deskSocket != nil {
            do {
                deskRules = try Self.deskRules(bundle, for: engine)
            } catch {
                Self.printError(error)
                throw ExitCode.failure
            }
        }
        let engineReady = ContinuousClock.now

        // Connections past the open-file limit would be refused by the kernel, not answered.
        let openFiles = OpenFileLimit.raise()
        let connections = OpenFileLimit.connections(maximumConnections, sockets: deskSocket == nil ? 1 : 2, limit: openFiles)
        if connections < maximumConnections {
            logger.warning("the open-file limit allows fewer connections than --max-connections; fewer are served",
                           metadata: ["open_files": "\(openFiles)", "max_connections": "\(connections)"])
        }

        var configuration = ServerConfiguration(
            socketPath: socket ?? ServerConfiguration.defaultSocketPath(),
            databasePath: database ?? ServerConfiguration.defaultDatabasePath(),
            socketMode: parsedSocketMode ?? 0o600,
            sessions: SessionLimits(maximumSessions: maximumSessions, sessionTTL: sessionTTL.value, reviewRetention: reviewDays * 24 * 3600),
            maximumConnections: connections,
            idleTimeout: idleTimeout.value > 0 && !stdio ? idleTimeout.value : nil,
            lineTimeout: lineTimeout.value
        )
        configuration.deskSocketPath = deskSocket
        configuration.deskSocketMode = Self.mode(deskSocketMode) ?? 0o600
        // A product may run one `serve --stdio` per client on one database: those share the file,
        // each turn its own transaction, as a daemon on a socket does not.
        configuration.journal = !stdio
        let daemon: HelplineDaemon
        do {
            daemon = try await postgres.daemon(database: configuration.databasePath, configuration: configuration, engine: engine,
                                               deskRules: deskRules, logger: logger)
        } catch {
            Self.printError(error)
            throw ExitCode.failure
        }
        let intents = data.intentsDirectory
        let reloadDesk: (@Sendable (DialogueEngine) throws -> DeskRules)? = deskSocket == nil ? nil : { @Sendable engine in
            try Self.deskRules(DataBundle.resolve(explicit: intents), for: engine)
        }
        let signals = SignalWatcher(daemon: daemon, reload: {
            try DialogueEngine(checking: DataBundle.resolve(explicit: intents), cache: .standard(),
                               source: DataBundle.sourceName(explicit: intents))
        }, reloadDesk: reloadDesk)
        defer { signals.cancel() }
        if stdio {
            Self.printLine("helpline: serving standard input and output (pid \(getpid()); "
                + "started in \(Self.milliseconds(ContinuousClock.now - started)) ms)")
            do {
                try await daemon.runStandardIO()
            } catch {
                Self.printError(error)
                throw ExitCode.failure
            }
            return
        }
        do {
            try await daemon.start()
        } catch {
            Self.printError(error)
            await daemon.closeUnstarted()
            throw ExitCode.failure
        }
        let ready = ContinuousClock.now
        if let deskSocket {
            Self.printLine("helpline: desk on \(deskSocket)")
        }
        Self.printLine("helpline: ready on \(configuration.socketPath) (pid \(getpid()); "
            + "started in \(Self.milliseconds(ready - started)) ms, data \(Self.milliseconds(engineReady - started)) ms; "
            + "allocator \(ProcessMemory.allocator))")
        ProcessMemory.releaseFreedMemory()
        try await daemon.run()
    }

    /// Says where the matcher came from: its snapshot, or built (why, and whether it was saved).
    static func log(_ model: MatcherCache.Outcome, of cache: MatcherCache, to logger: Logger) {
        let folder = cache.folder?.path ?? "-"
        switch model {
        case .loaded:
            logger.info("model read from its snapshot", metadata: ["cache": "\(folder)"])
        case .built(let reason, let saved):
            logger.notice("model built from the data", metadata: [
                "reason": "\(reason)", "cache": "\(folder)", "snapshot": "\(saved ? "saved" : "not saved")",
            ])
        case .off:
            logger.info("model built from the data", metadata: ["cache": "off"])
        }
    }

    /// The desk's rules from `bundle`, their topics checked against `engine`'s.
    static func deskRules(_ bundle: DataBundle, for engine: DialogueEngine) throws -> DeskRules {
        try HelplineDaemon.checked(DeskRules(bundle: bundle), for: engine)
    }

    private static func printError(_ error: any Error) {
        printLine("helpline serve: \(error)")
    }

    private static func printLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
