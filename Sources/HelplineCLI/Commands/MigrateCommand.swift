import ArgumentParser
import Foundation
import HelplinePostgres
import Logging

/// `helpline migrate`: a daemon's SQLite database copied into PostgreSQL.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite database into an empty PostgreSQL database (see docs/DEPLOYMENT.md).",
        discussion: """
        Copies sessions, their messages, appeals, finished conversations, the specialists' desk \
        (its appeals, specialists — away from the copy on, so their grace periods run — and \
        notices not delivered) and how far appeal numbers were handed out, in one transaction: if anything fails, the target is left as it was. Stop \
        the daemon using the SQLite file first. The target must hold no sessions, appeals, \
        finished conversations or desk appeals; its schema is created if needed.
        """
    )

    @Option(help: ArgumentHelp("The SQLite database file.", valueName: "file"))
    var from: String

    @Option(help: ArgumentHelp("The PostgreSQL database: postgres://USER@HOST:PORT/DATABASE (PGHOST, PGUSER, PGPASSWORD… fill in the rest).", valueName: "url"))
    var to: String

    @Option(name: .customLong("db-timeout"), help: ArgumentHelp("Give up on a call PostgreSQL has not answered in this long: seconds, or 2m.", valueName: "time"))
    var timeout = Seconds(600)

    func validate() throws {
        guard PostgresLocation.isURL(to) else { throw ValidationError("--to must be a postgres:// or postgresql:// URL") }
        guard timeout.value > 0 else { throw ValidationError("--db-timeout must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "helpline.migrate")
        logger.logLevel = .warning
        do {
            let location = try PostgresLocation(url: to)
            let configuration = PostgresStoreConfiguration(location: location, poolSize: 1,
                                                           timeout: .milliseconds(Int64(timeout.value * 1_000)))
            let report = try await SQLiteToPostgres.migrate(from: from, to: configuration, logger: logger)
            print("helpline migrate: copied \(report) from \(from) to \(location)")
        } catch {
            FileHandle.standardError.write(Data("helpline migrate: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
