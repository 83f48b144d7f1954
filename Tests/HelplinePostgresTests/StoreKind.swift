import Foundation
import HelplinePostgres
@testable import HelplineServer
import HelplineTesting
import Testing

/// The stores the store tests run against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The stores to test here: PostgreSQL only where there is one (always in CI, where its
    /// absence fails the tests).
    static let testable: [StoreKind] = Fixtures.postgresRuns ? allCases : [.sqlite]
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
        case .sqlite:
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
