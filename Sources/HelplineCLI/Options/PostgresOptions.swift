import ArgumentParser
import Foundation
import HelplineDesk
import HelplineDialogue
import HelplinePostgres
import HelplineServer
import Logging

/// `serve`'s options for a PostgreSQL database (`--db postgres://…`), and opening the daemon on
/// whichever store `--db` names.
struct PostgresOptions: ParsableArguments {
    @Option(name: .customLong("db-pool"), help: ArgumentHelp("With a PostgreSQL --db: the most connections to the server at once.", valueName: "n"))
    var poolSize: Int = 10

    @Option(name: .customLong("db-timeout"), help: ArgumentHelp("With a PostgreSQL --db: a call the server has not answered in this long is answered `unavailable`: seconds, or 500ms as 0.5.", valueName: "time"))
    var timeout = Seconds(5)

    @Option(name: .customLong("desk-lease"), help: ArgumentHelp("With a PostgreSQL --db and a desk: a daemon not heard from for this long counts as gone, and its specialists' grace periods start: seconds, or 1m.", valueName: "time"))
    var deskLease = Seconds(15)

    func validate() throws {
        guard poolSize > 0 else { throw ValidationError("--db-pool must be positive") }
        guard timeout.value > 0 else { throw ValidationError("--db-timeout must be positive") }
        guard deskLease.value > 0 else { throw ValidationError("--desk-lease must be positive") }
    }

    /// The daemon on `database`: a PostgreSQL URL (`postgres://` or `postgresql://`) or a SQLite
    /// file's path. For PostgreSQL, `configuration.databasePath` becomes the URL without its password.
    func daemon(database: String, configuration: ServerConfiguration, engine: DialogueEngine, deskRules: DeskRules?,
                logger: Logger) async throws -> HelplineDaemon {
        guard PostgresLocation.isURL(database) else {
            return try HelplineDaemon(configuration: configuration, engine: engine, deskRules: deskRules, logger: logger)
        }
        let location: PostgresLocation
        do {
            location = try PostgresLocation(url: database)
        } catch {
            throw DaemonError("--db: \(error)")
        }
        var configuration = configuration
        configuration.databasePath = location.description
        let store = try await PostgresSessionStore.open(
            PostgresStoreConfiguration(location: location, poolSize: poolSize, timeout: .milliseconds(Int64(timeout.value * 1_000)),
                                       deskLease: deskLease.value),
            logger: logger)
        do {
            return try await HelplineDaemon(configuration: configuration, store: store, engine: engine, deskRules: deskRules,
                                            logger: logger)
        } catch {
            try? await store.close()
            throw error
        }
    }
}
