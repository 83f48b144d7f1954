#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplinePostgres
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import PostgresNIO

// PostgreSQL for the tests: the server `.ci/run` started (`HELPLINE_TEST_POSTGRES`), or else a
// throwaway cluster of the tests' own when PostgreSQL's programs are installed; a fresh database
// for each test.

/// Whether the tests can have a PostgreSQL server, and how.
public enum PostgresTesting {
    /// The environment variable with the URL of a server the tests may create databases on (its
    /// user may create databases; the URL's database is only connected to for that). `off`
    /// skips the PostgreSQL tests.
    public static let urlVariable = "HELPLINE_TEST_POSTGRES"

    /// Where the tests' server comes from, or why there is none.
    public enum Availability: Sendable {
        /// The server at this URL (``urlVariable``).
        case server(String)
        /// A cluster of the tests' own, made with the programs in this folder.
        case cluster(binaries: String)
        /// No server and no programs to start one; the reason, for the skip message.
        case missing(String)
    }

    /// Where the tests' server comes from, read once.
    public static let availability: Availability = {
        let environment = ProcessInfo.processInfo.environment
        if environment[urlVariable] == "off" { return .missing("\(urlVariable)=off") }
        if let url = environment[urlVariable], !url.isEmpty { return .server(url) }
        guard let binaries = PostgresCluster.binaries() else {
            return .missing("PostgreSQL is not installed (no initdb and pg_ctl on the PATH or in /usr/lib/postgresql/*/bin), "
                + "and \(urlVariable) is not set")
        }
        if geteuid() == 0, getpwnam("postgres") == nil {
            return .missing("running as root, and there is no `postgres` user to run a throwaway cluster as; set \(urlVariable)")
        }
        return .cluster(binaries: binaries)
    }()

    /// Whether PostgreSQL tests can run here.
    public static var isAvailable: Bool {
        if case .missing = availability { false } else { true }
    }

    /// The server the tests share: the one at ``urlVariable``, or a cluster started on first use
    /// and stopped when the test process exits. Throws when neither can be had.
    public static func server() async throws -> PostgresTestServer {
        try await shared.get()
    }

    private static let shared = SharedServer()
}

/// The shared server, made once.
private final class SharedServer: Sendable {
    private let task = NIOLockedValueBox<Task<PostgresTestServer, any Error>?>(nil)

    func get() async throws -> PostgresTestServer {
        let task = task.withLockedValue { task in
            if let task { return task }
            let made = Task { try await Self.make() }
            task = made
            return made
        }
        return try await task.value
    }

    private static func make() async throws -> PostgresTestServer {
        switch PostgresTesting.availability {
        case .server(let url):
            return PostgresTestServer(location: try PostgresLocation(url: url), cluster: nil)
        case .cluster:
            let cluster = try await PostgresCluster.start()
            PostgresCluster.stopAtExit(cluster)
            return PostgresTestServer(location: cluster.location, cluster: cluster)
        case .missing(let reason):
            throw TestFailure(reason)
        }
    }
}

/// A PostgreSQL server the tests make databases on.
public final class PostgresTestServer: Sendable {
    /// The server, connected to its maintenance database.
    public let location: PostgresLocation
    /// The cluster, when the tests started it.
    public let cluster: PostgresCluster?

    init(location: PostgresLocation, cluster: PostgresCluster?) {
        self.location = location
        self.cluster = cluster
    }

    /// The server of a cluster the caller started.
    public convenience init(cluster: PostgresCluster) {
        self.init(location: cluster.location, cluster: cluster)
    }

    /// A new, empty database on this server.
    public func makeDatabase() async throws -> PostgresTestDatabase {
        var generator = SystemRandomNumberGenerator()
        let name = "helpline_test_" + String(generator.next() as UInt64, radix: 16)
        try await run(["CREATE DATABASE \(name)"])
        return PostgresTestDatabase(server: self, location: location.with(database: name))
    }

    /// Runs statements on the maintenance database, one connection, in order.
    public func run(_ statements: [String]) async throws {
        try await Self.run(statements, at: location)
    }

    static func run(_ statements: [String], at location: PostgresLocation) async throws {
        var configuration = PostgresConnection.Configuration(
            unixSocketPath: location.socketPath, username: location.user, password: location.password, database: location.database)
        if !location.isUnixSocket {
            configuration = PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.user, password: location.password,
                database: location.database, tls: .disable)
        }
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        } catch {
            try? await connection.close()
            throw TestFailure("PostgreSQL refused \(statements): \(String(reflecting: error))")
        }
        try await connection.close()
    }
}

/// A database of one test; ``drop()`` removes it.
public struct PostgresTestDatabase: Sendable {
    public let server: PostgresTestServer
    public let location: PostgresLocation

    /// The URL to hand to `helpline serve --db`.
    public var url: String { location.url }

    /// Drops the database, closing whatever connections are left on it.
    public func drop() async throws {
        try await server.run(["DROP DATABASE IF EXISTS \(location.database) WITH (FORCE)"])
    }
}

/// A throwaway PostgreSQL cluster in a temporary folder, reached through a Unix socket in that
/// folder (no TCP port, so clusters of other test runs cannot collide), with trust
/// authentication for the user `helpline`. Run as the `postgres` user when the tests run as root,
/// since the server refuses to run as root.
public final class PostgresCluster: Sendable {
    public let directory: String
    public let port = 5432
    private let binaries: String
    private let settings: [String]

    /// The cluster's maintenance database.
    public var location: PostgresLocation {
        PostgresLocation(host: directory, port: port, user: "helpline", database: "postgres")
    }

    private var dataDirectory: String { directory + "/data" }
    private var logFile: String { directory + "/log" }

    /// Whether a cluster can be started here: PostgreSQL's programs are installed, and when running
    /// as root there is a `postgres` user to run them as.
    public static var canStart: Bool {
        binaries() != nil && (geteuid() != 0 || getpwnam("postgres") != nil)
    }

    /// The folder holding `initdb` and `pg_ctl`: `HELPLINE_PG_BIN`, the PATH, or the newest
    /// `/usr/lib/postgresql/*/bin`.
    static func binaries() -> String? {
        let files = FileManager.default
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["HELPLINE_PG_BIN"] { candidates.append(explicit) }
        candidates += (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        let versions = ((try? files.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        return candidates.first { folder in
            ["initdb", "pg_ctl", "postgres"].allSatisfy { files.isExecutableFile(atPath: folder + "/" + $0) }
        }
    }

    /// Makes and starts a cluster. `settings` are extra server settings (`name=value`); by default
    /// the server does not wait for the disk (fsync off): the tests kill processes, not machines.
    public static func start(settings: [String] = ["fsync=off", "full_page_writes=off"]) async throws -> PostgresCluster {
        guard let binaries = binaries() else { throw TestFailure("PostgreSQL's initdb and pg_ctl were not found") }
        var template = Array("/tmp/hl-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        let directory = String(cString: made)
        if geteuid() == 0 {
            guard let user = getpwnam("postgres") else { throw TestFailure("no postgres user to run the cluster as") }
            guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                throw TestFailure("cannot give \(directory) to the postgres user")
            }
        }
        let cluster = PostgresCluster(directory: directory, binaries: binaries, settings: settings)
        try await cluster.runTool("initdb", ["-D", cluster.dataDirectory, "-A", "trust", "-U", "helpline", "-E", "UTF8",
                                             "--locale=C", "--no-sync"])
        try await cluster.start()
        return cluster
    }

    private init(directory: String, binaries: String, settings: [String]) {
        self.directory = directory
        self.binaries = binaries
        self.settings = settings
    }

    /// Starts the server (again) and waits until it accepts connections.
    public func start() async throws {
        var options = "-k \(directory) -p \(port) -c listen_addresses= -c max_connections=300"
        for setting in settings { options += " -c \(setting)" }
        try await runTool("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "120", "-o", options, "start"])
    }

    /// Stops the server: `fast` rolls back open transactions and closes connections; `immediate`
    /// kills it outright (crash recovery at the next start).
    public func stop(_ mode: String = "fast") async throws {
        try await runTool("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "-t", "120", "stop"])
    }

    /// Freezes (`SIGSTOP`) or thaws (`SIGCONT`) the server and all its processes: a server that
    /// accepts connections but answers nothing.
    public func signal(_ number: Int32) throws {
        for pid in try processes() { kill(pid, number) }
    }

    /// The server's processes: the postmaster and its children.
    public func processes() throws -> [pid_t] {
        let pidFile = try String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8)
        guard let first = pidFile.split(separator: "\n").first, let postmaster = pid_t(first) else {
            throw TestFailure("no postmaster.pid in \(dataDirectory)")
        }
        var found = [postmaster]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == postmaster { found.append(pid) }
        }
        return found
    }

    /// The server's log so far.
    public var log: String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    /// Stops the server at once and removes its folder.
    public func destroy() {
        _ = try? runToolSync("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static let atExit = NIOLockedValueBox<[PostgresCluster]>([])

    /// Destroys `cluster` when the process exits.
    static func stopAtExit(_ cluster: PostgresCluster) {
        let first = atExit.withLockedValue { clusters in
            clusters.append(cluster)
            return clusters.count == 1
        }
        if first {
            atexit {
                for cluster in PostgresCluster.atExit.withLockedValue({ $0 }) { cluster.destroy() }
            }
        }
    }

    /// The program and arguments that run `tool` (as the `postgres` user when root).
    private func command(_ tool: String, _ arguments: [String]) -> [String] {
        geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", binaries + "/" + tool] + arguments
            : [binaries + "/" + tool] + arguments
    }

    private func runTool(_ tool: String, _ arguments: [String]) async throws {
        let output = directory + "/\(tool).out"
        let pid = try Self.spawn(command(tool, arguments), output: output)
        let deadline = ContinuousClock.now + .seconds(180)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                throw TestFailure("\(tool) \(arguments) did not finish in time\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exited == 0 else {
            let said = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw TestFailure("\(tool) \(arguments.joined(separator: " ")) exited with \(exited):\n\(said)\n\(log)")
        }
    }

    private func runToolSync(_ tool: String, _ arguments: [String]) throws {
        let pid = try Self.spawn(command(tool, arguments), output: "/dev/null")
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// Starts `command` with only standard input (`/dev/null`), output and error (`output`) open.
    /// (Foundation's `Process` leaves a descriptor of its own to the child, which the server it
    /// starts would keep open, so that the `Process` never sees `pg_ctl` end.)
    private static func spawn(_ command: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(entry), fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        var arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, nil, &arguments, environ)
        guard result == 0 else { throw TestFailure("cannot start \(command[0]): \(String(cString: strerror(result)))") }
        return pid
    }
}
