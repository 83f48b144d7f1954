import Foundation
import PostgresNIO

/// Where a PostgreSQL database is and how to log in, read from a connection URL the way libpq
/// reads one, with libpq's environment variables filling in what the URL leaves out.
///
/// ```text
/// postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-full]
/// postgresql:///DATABASE?host=/var/run/postgresql     (a Unix socket: host is its directory)
/// ```
///
/// `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE` and `PGSSLMODE` stand in for parts
/// the URL does not give. A host starting with `/` is the directory of the server's Unix socket
/// (`.s.PGSQL.PORT` in it); no host at all means the usual socket directory.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is encrypted, as libpq's `sslmode`.
    public enum TLSMode: String, Sendable, Hashable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// A host name or address, or the directory of a Unix socket (starting with `/`).
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Whether `text` is a PostgreSQL URL rather than a file path.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a `postgres://` or `postgresql://` URL; `environment` fills in the parts it leaves out.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw PostgresLocationError("not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            query[item.name] = item.value ?? ""
        }
        func setting(_ key: String, url: String?, variable: String) -> String? {
            for value in [url, query[key], environment[variable]] {
                if let value, !value.isEmpty { return value }
            }
            return nil
        }
        let path = components.percentEncodedPath.removingPercentEncoding ?? components.path
        let databaseInPath = path.hasPrefix("/") ? String(path.dropFirst()) : path
        user = setting("user", url: components.user, variable: "PGUSER") ?? Self.systemUser()
        password = setting("password", url: components.password, variable: "PGPASSWORD")
        database = setting("dbname", url: databaseInPath, variable: "PGDATABASE") ?? user
        let portText = setting("port", url: components.port.map(String.init), variable: "PGPORT") ?? "5432"
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw PostgresLocationError("the port must be a number from 1 to 65535")
        }
        self.port = port
        host = setting("host", url: components.host, variable: "PGHOST") ?? Self.defaultSocketDirectory()
        let mode = setting("sslmode", url: nil, variable: "PGSSLMODE") ?? (host.hasPrefix("/") ? "disable" : "prefer")
        guard let tls = TLSMode(rawValue: mode) else {
            throw PostgresLocationError("sslmode must be disable, allow, prefer, require, verify-ca or verify-full")
        }
        self.tls = tls
    }

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String, tls: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Whether the server is reached through a Unix socket.
    public var isUnixSocket: Bool { host.hasPrefix("/") }

    /// The socket file, for a Unix socket.
    public var socketPath: String { host + "/.s.PGSQL.\(port)" }

    /// The URL without the password, for logs and messages.
    public var description: String {
        if isUnixSocket {
            return "postgresql://\(user)@/\(database)?host=\(host)&port=\(port)"
        }
        return "postgresql://\(user)@\(host):\(port)/\(database)"
    }

    /// The same server with another database.
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL, password included: for handing to another process (a test's child daemon).
    public var url: String {
        var text = "postgresql://" + Self.encode(user)
        if let password { text += ":" + Self.encode(password) }
        if isUnixSocket {
            return text + "@/" + Self.encode(database) + "?host=" + Self.encode(host) + "&port=\(port)&sslmode=\(tls.rawValue)"
        }
        return text + "@\(host):\(port)/" + Self.encode(database) + "?sslmode=\(tls.rawValue)"
    }

    /// The client configuration for this location.
    func clientConfiguration() -> PostgresClient.Configuration {
        if isUnixSocket {
            return PostgresClient.Configuration(unixSocketPath: socketPath, username: user, password: password, database: database)
        }
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .verifyFull: break
        case .verifyCA: tlsConfiguration.certificateVerification = .noHostnameVerification
        default: tlsConfiguration.certificateVerification = .none
        }
        let mode: PostgresClient.Configuration.TLS = switch tls {
        case .disable: .disable
        case .allow, .prefer: .prefer(tlsConfiguration)
        case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
        }
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: mode)
    }

    private static func systemUser() -> String {
        if let name = getpwuid(geteuid())?.pointee.pw_name { return String(cString: name) }
        return "postgres"
    }

    private static func defaultSocketDirectory() -> String {
        FileManager.default.fileExists(atPath: "/var/run/postgresql") ? "/var/run/postgresql" : "/tmp"
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A PostgreSQL URL that cannot be used; the message never repeats the password.
public struct PostgresLocationError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
