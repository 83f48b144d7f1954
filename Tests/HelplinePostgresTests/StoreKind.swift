import Foundation
import HelplinePostgres
@testable import HelplineServer
import HelplineTesting
import Testing

/// The stores the store tests run against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    /// SQLite as a daemon opens it: turns go through the turn journal, the file is the store's alone.
    case journal = "sqlite-journal"
    case postgres

    var testDescription: String { rawValue }

    /// The stores to test here: PostgreSQL only where there is one (always in CI, where its
    /// absence fails the tests).
    static let testable: [StoreKind] = Fixtures.postgresRuns ? allCases : [.sqlite, .journal]

    /// The stores several of which may be open on one database at once, as several daemons: a
    /// journaling store holds its file alone.
    static let shareable: [StoreKind] = testable.filter { $0 != .journal }

    /// The stores that check each write against the stored session when it is written. A
    /// journaling store checks when it applies the turn: its file is its daemon's alone, whose
    /// sessions' locks order every session's writes, so a turn it is given is over the version
    /// stored; one that is not (a bug) is left out when applied.
    static let checking: [StoreKind] = shareable
}

/// One database for a test, on either store: open as many stores on it as the test needs (as
/// several daemons would), then ``finish()``.
final class StoreTestDatabase: Sendable {
    let kind: StoreKind
    private let directory: TemporaryDirectory
    private let postgres: PostgresTestDatabase?

    private init(kind: StoreKind, directory: TemporaryDirectory, postgres: PostgresTestDatabase?) {
        self.kind = kind
        self.directory = directory
        self.postgres = postgres
    }

    /// A new, empty database; skips the test when the store is PostgreSQL and there is none.
    static func make(_ kind: StoreKind) async throws -> StoreTestDatabase {
        let directory = try TemporaryDirectory()
        switch kind {
        case .sqlite, .journal:
            return StoreTestDatabase(kind: kind, directory: directory, postgres: nil)
        case .postgres:
            let server = try await Fixtures.postgres()
            return StoreTestDatabase(kind: kind, directory: directory, postgres: try await server.makeDatabase())
        }
    }

    /// What `helpline serve --db` takes for this database.
    var argument: String {
        postgres?.url ?? directory.databasePath
    }

    /// The PostgreSQL database, for PostgreSQL.
    var location: PostgresLocation? { postgres?.location }

    /// Opens a store on the database.
    func open(poolSize: Int = 4, timeout: Duration = .seconds(30)) async throws -> any SessionStore {
        switch kind {
        case .sqlite:
            return try SessionDatabase(path: directory.databasePath)
        case .journal:
            return try SessionDatabase(path: directory.databasePath, journal: true)
        case .postgres:
            guard let postgres else { throw TestFailure("no PostgreSQL database") }
            return try await PostgresSessionStore.open(
                PostgresStoreConfiguration(location: postgres.location, poolSize: poolSize, timeout: timeout),
                logger: Fixtures.logger())
        }
    }

    /// Drops the PostgreSQL database (the SQLite file goes with its folder).
    func finish() async throws {
        try await postgres?.drop()
    }
}
