import HelplinePostgres
import HelplineTesting
import Testing

/// Whether this run has PostgreSQL: says so (as a skipped test, with the reason) when it does
/// not, and fails in CI, which installs it.
struct PostgresAvailabilityTests {
    /// The tests' server answers. Skipped, saying why, where there is no PostgreSQL; the store
    /// tests then run on SQLite alone and the PostgreSQL-only tests are skipped the same way.
    @Test(.enabled(if: Fixtures.postgresRuns, Fixtures.skipped))
    func postgresqlIsThere() async throws {
        let server = try await Fixtures.postgres()
        let database = try await server.makeDatabase()
        try await database.drop()
    }
}
