import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineServer
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// How a daemon uses its PostgreSQL database.
public struct PostgresStoreConfiguration: Sendable {
    public var location: PostgresLocation
    /// The most connections this daemon opens to the server at once.
    public var poolSize: Int
    /// A call the server has not answered within this long fails with ``StoreUnavailableError``
    /// (`unavailable` to the client); the server also cancels statements running that long.
    public var timeout: Duration
    /// With a desk: a daemon that has not renewed its lease for this long (seconds) counts as gone
    /// (``PostgresSessionStore`` desk methods).
    public var deskLease: Double

    public init(location: PostgresLocation, poolSize: Int = 10, timeout: Duration = .seconds(5), deskLease: Double = 15) {
        self.location = location
        self.poolSize = max(1, poolSize)
        self.timeout = timeout
        self.deskLease = max(0.05, deskLease)
    }
}

/// The PostgreSQL store: the same tables and promises as ``SessionDatabase`` (SQLite), for several
/// daemons on one database.
///
/// Every write is one statement, so one transaction: a turn (``PostgresSchema``'s `helpline_turn`)
/// moves the session from the version it was computed from to the next, adds its messages and
/// applies its appeal effects, or does nothing at all. Turns that arrive together are stored by
/// one statement of up to 64 of them (``PostgresTurnBatches``), each with its own outcome. A
/// completion is called once PostgreSQL has committed its write (with the server's
/// `synchronous_commit`, on disk). Writes run side by side on a pool of connections; the server
/// groups their commits.
///
/// A server that cannot be reached or does not answer within the configured timeout fails calls
/// with ``StoreUnavailableError``; the pool reconnects by itself, and the log says when the server
/// went away and when it is back.
///
/// Built so that more can be added beside it: the tables are plain, a connection can be leased
/// for a transaction of one's own (``withConnection(_:)``), and other features (taking an appeal
/// with `SELECT … FOR UPDATE SKIP LOCKED`, `LISTEN`/`NOTIFY`) can use the same pool.
public final class PostgresSessionStore: SessionStore, Sendable {
    public let configuration: PostgresStoreConfiguration
    let client: PostgresClient
    private let running: Task<Void, Never>
    private let health: PostgresHealth
    let transactions = Atomic<Int>(0)
    private let eventLoop: any EventLoop
    let logger: Logger
    /// This daemon at the shared desk (its lease and its specialists' connections): new at every start.
    let daemon = UUID().uuidString
    /// Whether the lease was taken (a desk is served).
    let leased = Atomic<Bool>(false)
    /// Turns waiting to be stored together (``PostgresTurnBatches``); set once the store exists.
    private let turnBatches = NIOLockedValueBox<PostgresTurnBatches?>(nil)

    private init(configuration: PostgresStoreConfiguration, logger: Logger, group: any EventLoopGroup) {
        self.configuration = configuration
        self.logger = logger
        var client = configuration.location.clientConfiguration()
        client.options.maximumConnections = configuration.poolSize
        client.options.minimumConnections = min(1, configuration.poolSize)
        client.options.connectTimeout = configuration.timeout
        let milliseconds = Self.milliseconds(configuration.timeout)
        client.options.additionalStartupParameters = [
            ("application_name", "helpline"),
            ("statement_timeout", "\(milliseconds)"),
            ("lock_timeout", "\(milliseconds)"),
        ]
        var quiet = logger
        quiet.logLevel = .critical
        let postgres = PostgresClient(configuration: client, eventLoopGroup: group, backgroundLogger: quiet)
        self.client = postgres
        let loop = group.next()
        eventLoop = loop
        running = Task { await postgres.run() }
        let probeTimeout = TimeAmount.milliseconds(Int64(milliseconds))
        health = PostgresHealth(logger: logger, location: configuration.location.description) { [quiet] in
            try await withDeadline(probeTimeout, on: loop) {
                _ = try await postgres.query("SELECT 1", logger: quiet)
            }
        }
    }

    /// Connects to the database and brings its schema up to date (see ``PostgresSchema``).
    public static func open(_ configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "helpline.postgres"),
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> PostgresSessionStore {
        let store = PostgresSessionStore(configuration: configuration, logger: logger, group: group)
        store.turnBatches.withLockedValue { $0 = store.makeTurnBatches() }
        do {
            // The server must answer within the configured timeout, as any request must; only
            // the migration below may then take longer.
            try await withDeadline(TimeAmount.milliseconds(Int64(milliseconds(configuration.timeout))), on: store.eventLoop) {
                [client = store.client, logger] in
                _ = try await client.query("SELECT 1", logger: logger)
            }
            // Migrating may take longer than a request may: a schema change, daemons waiting their turn.
            let applied = try await store.call(timeout: max(configuration.timeout, .seconds(120))) { [client = store.client, logger] in
                try await PostgresSchema.migrate(client, logger: logger)
            }
            if !applied.isEmpty {
                logger.notice("database schema brought up to date",
                              metadata: ["database": "\(configuration.location)", "migrations": "\(applied.joined(separator: ","))"])
            }
        } catch {
            await store.shutDown()
            throw PostgresStoreError("cannot open \(configuration.location): \(error)")
        }
        return store
    }

    /// Closes every connection; later calls fail.
    public func close() async throws {
        await shutDown()
    }

    /// Nothing to do: PostgreSQL's committed changes need no step of the daemon's.
    public func checkpoint() async throws {}

    private func shutDown() async {
        health.stop()
        running.cancel()
        await running.value
    }

    /// Runs `body` with a connection of the pool to itself (a transaction of its own, say), under
    /// the store's timeout and with its failures mapped as the store's are.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await call { [client] in
            try await client.withConnection { connection in try await body(connection) }
        }
    }

    /// Runs `operation` under the timeout; records whether the server answered and maps failures
    /// to ``StoreUnavailableError`` (retry) or ``PostgresStoreError``.
    func call<T: Sendable>(timeout: Duration? = nil, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            call(timeout: timeout, operation) { continuation.resume(with: $0) }
        }
    }

    /// ``call(timeout:_:)`` for a caller that does not wait: `completion` gets the outcome.
    func call<T: Sendable>(timeout: Duration? = nil, _ operation: @escaping @Sendable () async throws -> T,
                           completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        let limit = TimeAmount.milliseconds(Int64(Self.milliseconds(timeout ?? configuration.timeout)))
        runWithDeadline(limit, on: eventLoop, operation) { [health] result in
            switch result {
            case .success:
                health.succeeded()
                completion(result)
            case .failure(let error):
                let failure = PostgresFailure(error)
                health.failed(failure)
                completion(.failure(failure.error))
            }
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    // MARK: SessionStore

    public var transactionCount: Int { transactions.load(ordering: .relaxed) }

    /// Several daemons write here at once.
    public var isShared: Bool { true }

    public var isExclusive: Bool { false }

    package func commit(_ write: SessionWrite, schedule: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void,
                       completion: @escaping @Sendable (Result<WriteOutcome, any Error>) -> Void) {
        if write.changesDesk {
            // A desk change that depends on nothing read (notices delivered, say): stored as every
            // desk change is, with the desk's version bumped and the other daemons told.
            Task {
                do {
                    let changed = try await self.changeDesk(since: nil, reap: false, closedSince: .distantPast) { _ in write }
                    completion(.success(changed.outcome ?? .applied(version: 0)))
                } catch let error as PostgresStoreError {
                    completion(.success(.failed(error.description)))
                } catch {
                    completion(.failure(error))
                }
            }
            return
        }
        if case .turn(let turn) = write, let batches = turnBatches.withLockedValue({ $0 }) {
            batches.add(turn, completion: completion)
            return
        }
        commitAlone(write, completion: completion)
    }

    /// Stores `write` in a statement of its own.
    private func commitAlone(_ write: SessionWrite, completion: @escaping @Sendable (Result<WriteOutcome, any Error>) -> Void) {
        call({ [client, logger] in try await Self.apply(write, client: client, logger: logger) }) { result in
            switch result {
            case .success(let outcome):
                if case .applied = outcome { self.transactions.wrappingAdd(1, ordering: .relaxed) }
                completion(.success(outcome))
            case .failure(let error as PostgresStoreError):
                completion(.success(.failed(error.description)))
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }

    /// Turns stored a batch a statement, at most half the pool's connections (and four) at once,
    /// so that the rest of the pool stays free for loading sessions and the desk.
    private func makeTurnBatches() -> PostgresTurnBatches {
        PostgresTurnBatches(maximumRunning: min(4, max(1, configuration.poolSize / 2)), run: { [weak self] turns, done in
            guard let self else { return done(.failure(StoreUnavailableError("the store is closed"))) }
            self.call({ [client = self.client, logger = self.logger] in
                try await client.withConnection { connection in
                    try await Self.applyTurns(turns, on: connection, logger: logger)
                }
            }) { result in
                switch result {
                case .success(let outcomes):
                    if outcomes.contains(where: { if case .applied = $0 { true } else { false } }) {
                        self.transactions.wrappingAdd(1, ordering: .relaxed)
                    }
                    done(result)
                case .failure(let error as PostgresStoreError):
                    // The server refused the statement: for one turn that is its outcome, as when
                    // stored alone; a batch is split.
                    done(turns.count == 1 ? .success([.failed(error.description)]) : .failure(PostgresTurnBatches.Undone()))
                case .failure(let error):
                    done(.failure(error))
                }
            }
        }, runOne: { [weak self] turn, completion in
            guard let self else { return completion(.failure(StoreUnavailableError("the store is closed"))) }
            self.commitAlone(.turn(turn), completion: completion)
        })
    }

    package func loadSession(_ id: String, notBefore: Date) async throws -> LoadedSession? {
        let row = try await call { [client, logger] () -> (String, String, Int64, Date)? in
            let rows = try await client.query(
                "SELECT profile, conversation, version, updated_at FROM sessions WHERE id = \(id)", logger: logger)
            for try await row in rows.decode((String, String, Int64, Date).self) { return row }
            return nil
        }
        guard let (profile, stored, version, updatedAt) = row, updatedAt >= notBefore else { return nil }
        let conversation = try StoredConversation.decode(
            stored, profile: try JSONDecoder().decode(Profile.self, from: Data(profile.utf8)))
        return LoadedSession(conversation: conversation, version: Int(version), updatedAt: updatedAt)
    }

    public func storedVersion(_ id: String) async throws -> Int? {
        try await call { [client, logger] in
            let rows = try await client.query("SELECT version FROM sessions WHERE id = \(id)", logger: logger)
            for try await version in rows.decode(Int64.self) { return Int(version) }
            return nil
        }
    }

    package func counts() async throws -> StoreCounts {
        try await call { [client, logger] in
            let rows = try await client.query("""
                SELECT coalesce(sum(n) FILTER (WHERE name = 'sessions'), 0)::bigint,
                       coalesce(sum(n) FILTER (WHERE name = 'tickets'), 0)::bigint
                FROM store_counts
                """, logger: logger)
            for try await (sessions, tickets) in rows.decode((Int64, Int64).self) {
                return StoreCounts(sessions: Int(sessions), tickets: Int(tickets))
            }
            return StoreCounts(sessions: 0, tickets: 0)
        }
    }

    public func expireSessions(before cutoff: Date, finishedBefore: Date?, now: Date) async throws -> [String] {
        try await call { [client, logger] in
            try await client.withTransaction(logger: logger) { connection -> [String] in
                // One daemon expires at a time; the others find the lock taken and leave it to it.
                let lock = try await connection.query("SELECT pg_try_advisory_xact_lock(\(PostgresSchema.expiryLock))", logger: logger)
                var locked = false
                for try await taken in lock.decode(Bool.self) { locked = taken }
                guard locked else { return [] }
                let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                    WITH gone AS (
                        DELETE FROM sessions WHERE updated_at_floor < $1 AND updated_at < $1 RETURNING id, profile, created_at
                    ), kept AS (
                        INSERT INTO finished_conversations (profile, messages, created_at, finished_at)
                        SELECT gone.profile, \(Self.customerMessagesSQL("gone.id")), gone.created_at, $2 FROM gone
                    )
                    SELECT id FROM gone
                    """, binds: try Self.binds(cutoff, now)), logger: logger)
                var ids: [String] = []
                for try await id in rows.decode(String.self) { ids.append(id) }
                if let finishedBefore {
                    try await connection.query("DELETE FROM finished_conversations WHERE finished_at < \(finishedBefore)", logger: logger)
                }
                return ids
            }
        }
    }

    public func expireSessionsWithoutAppeals(before cutoff: Date, limit: Int, now: Date) async throws -> [String] {
        try await call { [client, logger] in
            // Version 1 is a session as `open` stored it: its greeting (deleted with it) and nothing
            // the customer wrote, so nothing to keep for review.
            let rows = try await client.query(PostgresQuery(unsafeSQL: """
                WITH gone AS (
                    DELETE FROM sessions WHERE id IN (
                        SELECT s.id FROM sessions AS s WHERE s.updated_at_floor < $1 AND s.updated_at < $1
                            AND NOT EXISTS (SELECT 1 FROM tickets AS t WHERE t.session = s.id) LIMIT $2)
                    RETURNING id, profile, created_at, version
                ), kept AS (
                    INSERT INTO finished_conversations (profile, messages, created_at, finished_at)
                    SELECT gone.profile, \(Self.customerMessagesSQL("gone.id")), gone.created_at, $3 FROM gone
                    WHERE gone.version > 1
                )
                SELECT id FROM gone
                """, binds: try Self.binds(cutoff, limit, now)), logger: logger)
            var ids: [String] = []
            for try await id in rows.decode(String.self) { ids.append(id) }
            return ids
        }
    }

    public func takeAppealNumbers(_ count: Int64) async throws -> Range<Int64> {
        // A new database starts the sequence at a random point (see AppealNumbers.randomStart).
        let first = AppealNumbers.randomStart() + count
        let reserved = try await call { [client, logger] in
            let rows = try await client.query("""
                INSERT INTO appeal_numbers (id, reserved) VALUES (1, \(first))
                ON CONFLICT (id) DO UPDATE SET reserved = appeal_numbers.reserved + \(count)
                RETURNING reserved
                """, logger: logger)
            for try await reserved in rows.decode(Int64.self) { return reserved }
            throw PostgresStoreError("no appeal numbers were reserved")
        }
        return (reserved - count)..<reserved
    }

    // MARK: Inspection

    public func ticket(id: String) async throws -> StoredTicket? {
        try await tickets(where: "id", id).first
    }

    public func tickets(session: String) async throws -> [Ticket] {
        try await tickets(where: "session", session).map(\.ticket)
    }

    private func tickets(where column: String, _ value: String) async throws -> [StoredTicket] {
        let rows = try await call { [client, logger] in
            let result = try await client.query(PostgresQuery(unsafeSQL: """
                SELECT id, session, topic, order_id, queue, eta_minutes::text, messages::text, created_at
                FROM tickets WHERE \(column) = $1 ORDER BY created_at, id
                """, binds: try Self.binds(value)), logger: logger)
            var rows: [(String, String, String, String?, String, String, String, Date)] = []
            for try await row in result.decode((String, String, String, String?, String, String, String, Date).self) {
                rows.append(row)
            }
            return rows
        }
        let decoder = JSONDecoder()
        return try rows.map { id, session, topic, order, queue, eta, messages, createdAt in
            StoredTicket(session: session, ticket: Ticket(
                id: id, topic: topic, order: order, queue: Queue(rawValue: queue) ?? .regular,
                etaMinutes: try decoder.decode([Int].self, from: Data(eta.utf8)),
                messages: try decoder.decode([String].self, from: Data(messages.utf8)), createdAt: createdAt))
        }
    }

    public func messages(session: String) async throws -> [StoredMessage] {
        try await call { [client, logger] in
            let rows = try await client.query(
                "SELECT direction, text, at FROM messages WHERE session = \(session) ORDER BY id", logger: logger)
            var messages: [StoredMessage] = []
            for try await (direction, text, at) in rows.decode((String, String, Date).self) {
                guard let direction = StoredMessage.Direction(rawValue: direction) else {
                    throw PostgresStoreError("a message with direction \(direction.debugDescription)")
                }
                messages.append(StoredMessage(direction: direction, text: text, at: at))
            }
            return messages
        }
    }

    public func hasSession(_ id: String) async throws -> Bool {
        try await call { [client, logger] in
            let rows = try await client.query("SELECT 1 FROM sessions WHERE id = \(id)", logger: logger)
            for try await _ in rows { return true }
            return false
        }
    }

    /// What customers wrote in sessions that ended, oldest first (for `helpline review`).
    public func finishedConversations() async throws -> [FinishedConversation] {
        let rows = try await call { [client, logger] in
            let result = try await client.query(
                "SELECT profile, messages::text, created_at, finished_at FROM finished_conversations ORDER BY created_at, id",
                logger: logger)
            var rows: [(String, String, Date, Date)] = []
            for try await row in result.decode((String, String, Date, Date).self) { rows.append(row) }
            return rows
        }
        let decoder = JSONDecoder()
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return try rows.map { profile, messages, createdAt, finishedAt in
            let pairs = try decoder.decode([[String]].self, from: Data(messages.utf8))
            return FinishedConversation(
                profile: profile,
                messages: pairs.compactMap { pair in
                    guard pair.count == 2 else { return nil }
                    return (pair[0], format.date(from: pair[1]) ?? createdAt)
                },
                createdAt: createdAt, finishedAt: finishedAt)
        }
    }

    /// What `helpline review` reads, as ``ConversationArchive`` reads it from a SQLite file: each open
    /// session's profile with what its customer wrote, in order, and the finished conversations,
    /// oldest first. A session whose profile cannot be decoded is left out and counted in `skipped`.
    public func reviewSessions() async throws -> (sessions: [ConversationArchive.Session], skipped: Int) {
        let (open, written) = try await call { [client, logger] in
            var open: [(String, String, Date)] = []
            let sessions = try await client.query("SELECT id, profile, created_at FROM sessions ORDER BY created_at, id",
                                                  logger: logger)
            for try await row in sessions.decode((String, String, Date).self) { open.append(row) }
            var written: [(String, String, Date)] = []
            let messages = try await client.query(
                "SELECT session, text, at FROM messages WHERE direction = 'in' ORDER BY id", logger: logger)
            for try await row in messages.decode((String, String, Date).self) { written.append(row) }
            return (open, written)
        }
        var messages: [String: [(text: String, at: Date)]] = [:]
        for (session, text, at) in written { messages[session, default: []].append((text, at)) }
        let decoder = JSONDecoder()
        var sessions: [ConversationArchive.Session] = []
        var skipped = 0
        for (id, profileJSON, createdAt) in open {
            guard let profile = try? decoder.decode(Profile.self, from: Data(profileJSON.utf8)) else {
                skipped += 1
                continue
            }
            sessions.append(ConversationArchive.Session(profile: profile, messages: messages[id] ?? [], createdAt: createdAt))
        }
        for finished in try await finishedConversations() {
            guard let profile = try? decoder.decode(Profile.self, from: Data(finished.profile.utf8)) else {
                skipped += 1
                continue
            }
            sessions.append(ConversationArchive.Session(profile: profile, messages: finished.messages, createdAt: finished.createdAt))
        }
        sessions.sort { $0.createdAt < $1.createdAt }
        return (sessions, skipped)
    }

    /// The whole shared desk, at its version.
    package func loadDesk(closedSince: Date) async throws -> StoredDesk {
        let desk = try await deskChanges(since: 0, closedSince: closedSince)
        return StoredDesk(state: DeskState(appeals: desk.appeals, specialists: desk.specialists ?? [],
                                           history: desk.history ?? DeskHistory()),
                          notices: desk.notices ?? [], version: desk.version)
    }

    // MARK: Writing

    /// Stores one write in one statement (so one transaction).
    static func apply(_ write: SessionWrite, client: PostgresClient, logger: Logger) async throws -> WriteOutcome {
        switch write {
        case .desk:
            // Stored by ``commit(_:schedule:completion:)`` in a desk transaction.
            return .failed("a desk change outside a desk transaction")
        case .turn(let turn) where turn.desk != nil:
            return .failed("a desk change outside a desk transaction")
        case .create(let conversation, let greeting, let at):
            let profile = try json(conversation.profile)
            let stored = try SessionDatabase.conversationColumn(conversation)
            try await client.query("""
                WITH session AS (
                    INSERT INTO sessions (id, profile, state, topic, order_id, conversation, version, created_at, updated_at)
                    VALUES (\(conversation.id), \(profile), \(conversation.state.rawValue), \(conversation.topic),
                            \(conversation.order), \(stored), 1, \(at), \(at))
                    RETURNING id
                )
                INSERT INTO messages (session, direction, text, at) SELECT id, 'out', \(greeting), \(at) FROM session
                """, logger: logger)
            return .applied(version: 1)

        case .turn(let turn):
            return try await client.withConnection { connection in
                try await Self.applyTurn(turn, on: connection, logger: logger)
            }

        case .touch(let session, let at):
            let rows = try await client.query(
                "UPDATE sessions SET updated_at = \(at) WHERE id = \(session) RETURNING version", logger: logger)
            for try await version in rows.decode(Int64.self) { return .applied(version: Int(version)) }
            return .missing

        case .delete(let session, let at):
            let rows = try await client.query(PostgresQuery(unsafeSQL: """
                WITH gone AS (
                    DELETE FROM sessions WHERE id = $1 RETURNING id, profile, created_at
                ), kept AS (
                    INSERT INTO finished_conversations (profile, messages, created_at, finished_at)
                    SELECT gone.profile, \(customerMessagesSQL("gone.id")), gone.created_at, $2 FROM gone
                )
                SELECT count(*) FROM gone
                """, binds: try binds(session, at)), logger: logger)
            var deleted: Int64 = 0
            for try await count in rows.decode(Int64.self) { deleted = count }
            return deleted > 0 ? .applied(version: 0) : .missing
        }
    }

    /// The customer's messages of session `id` as `[[text, at], …]` in order, `at` written as the
    /// SQLite store writes dates, for `finished_conversations`.
    static func customerMessagesSQL(_ id: String) -> String {
        """
        coalesce((SELECT jsonb_agg(jsonb_build_array(m.text, to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'))
                                   ORDER BY m.id)
                  FROM messages AS m WHERE m.session = \(id) AND m.direction = 'in'), '[]'::jsonb)
        """
    }

    static func binds(_ values: any PostgresEncodable...) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { try bindings.append(value) }
        return bindings
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A session that ended, as kept for review: no session id.
public struct FinishedConversation: Sendable {
    /// The customer's profile, JSON.
    public var profile: String
    /// What the customer wrote, oldest first.
    public var messages: [(text: String, at: Date)]
    public var createdAt: Date
    public var finishedAt: Date
}

extension PostgresSessionStore {
    /// What `helpline_turn` returned, as an outcome.
    static func turnOutcome(_ result: Int64) -> WriteOutcome {
        switch result {
        case 0: .missing
        case ..<0: .conflict
        default: .applied(version: Int(result))
        }
    }

    /// The appeal effects as `helpline_turn` reads them; nil when there are none.
    static func effectsJSON(_ effects: [Effect]) throws -> String? {
        effects.isEmpty ? nil : try json(effects.map(EffectRecord.init))
    }

    /// Stores turns in one statement on `connection`; their outcomes in order.
    static func applyTurns(_ turns: [TurnWrite], on connection: PostgresConnection, logger: Logger) async throws -> [WriteOutcome] {
        let rows = try await connection.execute(try TurnsStatement(turns), logger: logger)
        var outcomes = [WriteOutcome?](repeating: nil, count: turns.count)
        for try await (n, result) in rows where n >= 1 && n <= turns.count {
            outcomes[Int(n) - 1] = turnOutcome(result)
        }
        return outcomes.compactMap { $0 }
    }

    /// Stores a turn on `connection` (inside its transaction).
    static func applyTurn(_ turn: TurnWrite, on connection: PostgresConnection, logger: Logger) async throws -> WriteOutcome {
        let conversation = turn.conversation
        let profile = turn.profileChanged ? try json(conversation.profile) : nil
        let effects = try effectsJSON(turn.effects)
        let rows = try await connection.execute(TurnStatement(
            id: conversation.id, expected: Int64(turn.expectedVersion), state: conversation.state.rawValue,
            topic: conversation.topic, order: conversation.order, conversation: turn.stored, profile: profile, at: turn.at,
            incoming: turn.incoming, outgoing: turn.outgoing, effects: effects), logger: logger)
        var result: Int64 = 0
        for try await value in rows { result = value }
        return turnOutcome(result)
    }
}

extension SessionWrite {
    /// Whether the write changes the desk (and is stored in a desk transaction).
    var changesDesk: Bool {
        switch self {
        case .desk: true
        case .turn(let turn): turn.desk != nil
        default: false
        }
    }
}

/// A turn stored by `helpline_turn`, prepared once per connection (the server plans it once).
private struct TurnStatement: PostgresPreparedStatement {
    static let name = "helpline_turn_1"
    static let sql = "SELECT helpline_turn($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)"
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .int8, .text, .text, .text, .text, .text, .timestamptz, .text, .text, .text,
    ]
    typealias Row = Int64

    var id: String
    var expected: Int64
    var state: String
    var topic: String?
    var order: String?
    var conversation: String
    var profile: String?
    var at: Date
    var incoming: String
    var outgoing: String
    var effects: String?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(id)
        bindings.append(expected)
        bindings.append(state)
        bindings.append(topic)
        bindings.append(order)
        bindings.append(conversation)
        bindings.append(profile)
        bindings.append(at)
        bindings.append(incoming)
        bindings.append(outgoing)
        bindings.append(effects)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 {
        try row.decode(Int64.self)
    }
}

/// An appeal effect as `helpline_turn` reads it.
private struct EffectRecord: Encodable {
    struct Opened: Encodable {
        var id: String
        var topic: String
        var order: String?
        var queue: String
        var eta_minutes: [Int]
        var messages: [String]
        /// Seconds since 1970.
        var created_at: Double
    }

    struct Appended: Encodable {
        var id: String
        var message: String
    }

    var open: Opened?
    var append: Appended?

    init(_ effect: Effect) {
        switch effect {
        case .openTicket(let ticket):
            open = Opened(id: ticket.id, topic: ticket.topic, order: ticket.order, queue: ticket.queue.rawValue,
                          eta_minutes: ticket.etaMinutes, messages: ticket.messages,
                          created_at: ticket.createdAt.timeIntervalSince1970)
        case .appendToTicket(let id, let message):
            append = Appended(id: id, message: message)
        }
    }
}
