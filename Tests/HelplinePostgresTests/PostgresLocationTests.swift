import HelplinePostgres
import Testing

/// `--db` URLs read as libpq reads them, the environment filling the gaps, the password never shown.
struct PostgresLocationTests {
    /// Every part of a full URL is read; the description leaves the password out.
    @Test func readsAFullURL() throws {
        let location = try PostgresLocation(url: "postgres://helpline:s%40cret@db.internal:6543/chat?sslmode=require",
                                            environment: [:])
        #expect(location.host == "db.internal" && location.port == 6543)
        #expect(location.user == "helpline" && location.password == "s@cret" && location.database == "chat")
        #expect(location.tls == .require)
        #expect(location.description == "postgresql://helpline@db.internal:6543/chat")
        #expect(!location.description.contains("cret"))
    }

    /// What the URL leaves out comes from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and
    /// PGSSLMODE; what it gives wins over them.
    @Test func fillsGapsFromTheEnvironment() throws {
        let environment = ["PGHOST": "pg.local", "PGPORT": "5433", "PGUSER": "ops", "PGPASSWORD": "pw",
                           "PGDATABASE": "support", "PGSSLMODE": "disable"]
        let bare = try PostgresLocation(url: "postgres://", environment: environment)
        #expect(bare.host == "pg.local" && bare.port == 5433 && bare.user == "ops" && bare.password == "pw")
        #expect(bare.database == "support" && bare.tls == .disable)
        let given = try PostgresLocation(url: "postgresql://me@other/db", environment: environment)
        #expect(given.host == "other" && given.user == "me" && given.database == "db" && given.port == 5433)
    }

    /// A host that is a folder is a Unix socket (`.s.PGSQL.PORT` in it), without TLS by default;
    /// the URL handed to another process reads back the same.
    @Test func readsUnixSockets() throws {
        let location = try PostgresLocation(url: "postgresql://helpline@/bench?host=/tmp/pg%20dir&port=5544", environment: [:])
        #expect(location.isUnixSocket)
        #expect(location.socketPath == "/tmp/pg dir/.s.PGSQL.5544")
        #expect(location.tls == .disable)
        #expect(try PostgresLocation(url: location.url, environment: [:]) == location)
    }

    /// Broken URLs are refused with a message naming the part at fault.
    @Test func refusesBrokenURLs() {
        #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: "mysql://x@y/z", environment: [:]) }
        #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: "postgres://x@y/z?port=99999", environment: [:]) }
        #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: "postgres://x@y/z?sslmode=sometimes", environment: [:]) }
        #expect(PostgresLocation.isURL("postgres://a@b/c") && PostgresLocation.isURL("postgresql:///c"))
        #expect(!PostgresLocation.isURL("/var/lib/helpline.sqlite"))
    }
}
