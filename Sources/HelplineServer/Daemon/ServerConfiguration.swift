import Foundation

/// Where a daemon listens and stores, and its limits.
public struct ServerConfiguration: Sendable, Hashable {
    /// The Unix socket's path.
    public var socketPath: String
    /// The SQLite database's path.
    public var databasePath: String
    /// The socket file's permission bits; `0o600` lets only the owner connect.
    public var socketMode: UInt16
    /// Session count, expiry and memory limits.
    public var sessions: SessionLimits
    /// The most client connections at once; more are answered `overloaded` and closed.
    public var maximumConnections: Int
    /// The longest request line in bytes.
    public var maximumLineLength: Int
    /// The longest `say` text in Unicode scalars (code points).
    public var maximumTextCharacters: Int
    /// A connection that completes no request line for this long is closed (bytes of an
    /// unfinished line do not count); `nil` keeps idle connections open.
    public var idleTimeout: TimeInterval?
    /// A request line must end within this long of its first byte, or the connection is closed:
    /// a client trickling bytes holds the daemon's buffers without ever finishing a request.
    public var lineTimeout: TimeInterval
    /// A connection whose replies go unread for this long is closed.
    public var writeStallTimeout: TimeInterval
    /// How long shutdown waits for in-flight requests before closing their connections anyway.
    public var shutdownGracePeriod: TimeInterval
    /// The specialists' desk socket (docs/DESK.md); `nil`: the daemon has no desk. With one,
    /// appeals are filed at the desk and specialists' answers come back to the sessions.
    public var deskSocketPath: String?
    /// The desk socket file's permission bits; `0o600` by default, so that a program that may use
    /// the customers' socket cannot act as a specialist.
    public var deskSocketMode: UInt16 = 0o600
    /// Whether the daemon stores turns in a turn journal and holds its SQLite file alone
    /// (``SessionDatabase/init(path:journal:)``); without, every turn is a SQLite transaction and
    /// the file may be shared with other processes that do the same (`serve --stdio`, one per client).
    public var journal = true

    public init(socketPath: String, databasePath: String, socketMode: UInt16 = 0o600,
                sessions: SessionLimits = SessionLimits(), maximumConnections: Int = 1_024,
                maximumLineLength: Int = LineFrameDecoder.defaultMaximumLineLength,
                maximumTextCharacters: Int = ProtocolCodec.defaultMaxTextCharacters,
                idleTimeout: TimeInterval? = nil, lineTimeout: TimeInterval = 60, writeStallTimeout: TimeInterval = 60,
                shutdownGracePeriod: TimeInterval = 10) {
        self.socketPath = socketPath
        self.databasePath = databasePath
        self.socketMode = socketMode
        self.sessions = sessions
        self.maximumConnections = maximumConnections
        self.maximumLineLength = maximumLineLength
        self.maximumTextCharacters = maximumTextCharacters
        self.idleTimeout = idleTimeout
        self.lineTimeout = lineTimeout
        self.writeStallTimeout = writeStallTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
    }

    /// `$XDG_RUNTIME_DIR/helpline.sock`, else `/tmp/helpline-$UID.sock`.
    public static func defaultSocketPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return URL(fileURLWithPath: runtime).appendingPathComponent("helpline.sock").path
        }
        return "/tmp/helpline-\(getuid()).sock"
    }

    /// `$XDG_STATE_HOME/helpline/helpline.sqlite`, `XDG_STATE_HOME` defaulting to `~/.local/state`.
    public static func defaultDatabasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state: URL
        if let home = environment["XDG_STATE_HOME"], !home.isEmpty {
            state = URL(fileURLWithPath: home)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            state = URL(fileURLWithPath: home).appendingPathComponent(".local/state")
        }
        return state.appendingPathComponent("helpline/helpline.sqlite").path
    }
}
