import Logging
import PostgresNIO

/// The PostgreSQL schema: the SQLite store's tables (sessions with their version, messages,
/// tickets, appeal_numbers, finished_conversations) in PostgreSQL's types, counts kept as rows,
/// and the function that stores a turn. Applied by numbered migrations recorded in
/// `helpline_migrations`; daemons starting together take turns (an advisory lock), so each
/// migration runs once.
enum PostgresSchema {
    /// A migration: its id, as recorded, and its statements, applied in one transaction.
    struct Migration {
        var id: String
        var statements: [String]
    }

    /// Taken by the transaction that migrates, so that daemons starting together do not race.
    static let migrationLock: Int64 = 0x4865_6C70_6C69_6E01
    /// Taken (if free) by the daemon that expires sessions; the others skip that sweep.
    static let expiryLock: Int64 = 0x4865_6C70_6C69_6E02
    /// The channel on which desk changes are announced (the payload: the desk's new version).
    static let deskChannel = "helpline_desk"

    /// Counts kept in `store_counts`, spread over this many rows per count so that sessions opened
    /// at the same time rarely wait for one another's row.
    static let countShards = 16

    static let migrations: [Migration] = [
        Migration(id: "v1", statements: [
            """
            CREATE TABLE sessions (
                id text PRIMARY KEY,
                profile text NOT NULL,
                state text NOT NULL,
                topic text,
                order_id text,
                conversation text NOT NULL,
                version bigint NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX sessions_updated_at ON sessions (updated_at)",
            """
            CREATE TABLE messages (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                session text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                direction text NOT NULL CHECK (direction IN ('in', 'out')),
                text text NOT NULL,
                at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX messages_session ON messages (session)",
            """
            CREATE TABLE tickets (
                id text PRIMARY KEY,
                session text NOT NULL,
                topic text NOT NULL,
                order_id text,
                queue text NOT NULL,
                eta_minutes jsonb NOT NULL,
                messages jsonb NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX tickets_session ON tickets (session)",
            // How far appeal numbers have been handed out (see AppealNumbers): one row.
            "CREATE TABLE appeal_numbers (id integer PRIMARY KEY CHECK (id = 1), reserved bigint NOT NULL)",
            // What customers wrote in sessions that ended, kept for `helpline review`; no session id.
            """
            CREATE TABLE finished_conversations (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                profile text NOT NULL,
                messages jsonb NOT NULL,
                created_at timestamptz NOT NULL,
                finished_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX finished_conversations_finished_at ON finished_conversations (finished_at)",
            // Open sessions and stored appeals, kept by triggers in the transactions that change
            // them: counting rows would take longer the more there are, and every `open` asks.
            """
            CREATE TABLE store_counts (
                name text NOT NULL,
                shard integer NOT NULL,
                n bigint NOT NULL,
                PRIMARY KEY (name, shard)
            )
            """,
            """
            INSERT INTO store_counts (name, shard, n)
            SELECT name, shard, 0 FROM (VALUES ('sessions'), ('tickets')) AS t (name), generate_series(0, \(countShards - 1)) AS shard
            """,
            """
            CREATE FUNCTION helpline_count_rows() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    UPDATE store_counts AS c SET n = c.n + d.k
                    FROM (SELECT hashtext(id) & \(countShards - 1) AS shard, count(*) AS k FROM new_rows GROUP BY 1) AS d
                    WHERE c.name = TG_TABLE_NAME AND c.shard = d.shard;
                ELSE
                    UPDATE store_counts AS c SET n = c.n - d.k
                    FROM (SELECT hashtext(id) & \(countShards - 1) AS shard, count(*) AS k FROM old_rows GROUP BY 1) AS d
                    WHERE c.name = TG_TABLE_NAME AND c.shard = d.shard;
                END IF;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER sessions_counted_in AFTER INSERT ON sessions
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION helpline_count_rows()
            """,
            """
            CREATE TRIGGER sessions_counted_out AFTER DELETE ON sessions
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION helpline_count_rows()
            """,
            """
            CREATE TRIGGER tickets_counted_in AFTER INSERT ON tickets
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION helpline_count_rows()
            """,
            """
            CREATE TRIGGER tickets_counted_out AFTER DELETE ON tickets
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION helpline_count_rows()
            """,
            // One turn, all or nothing: the session moves from `p_expected` to the next version,
            // the message in and the reply out are added, the appeal effects applied in order
            // (`[{"open": {…ticket}}, {"append": {"id": …, "message": …}}]`). Returns the new
            // version, -1 when the session is at another version, 0 when it is not stored.
            """
            CREATE FUNCTION helpline_turn(
                p_id text, p_expected bigint, p_state text, p_topic text, p_order text, p_conversation text,
                p_profile text, p_at timestamptz, p_in text, p_out text, p_effects jsonb
            ) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE
                effect jsonb;
            BEGIN
                UPDATE sessions SET state = p_state, topic = p_topic, order_id = p_order, conversation = p_conversation,
                    profile = coalesce(p_profile, profile), version = p_expected + 1, updated_at = p_at
                WHERE id = p_id AND version = p_expected;
                IF NOT FOUND THEN
                    RETURN CASE WHEN EXISTS (SELECT 1 FROM sessions WHERE id = p_id) THEN -1 ELSE 0 END;
                END IF;
                INSERT INTO messages (session, direction, text, at) VALUES (p_id, 'in', p_in, p_at), (p_id, 'out', p_out, p_at);
                IF p_effects IS NOT NULL THEN
                    FOR effect IN SELECT value FROM jsonb_array_elements(p_effects) LOOP
                        IF effect ? 'open' THEN
                            INSERT INTO tickets (id, session, topic, order_id, queue, eta_minutes, messages, created_at)
                            VALUES (effect->'open'->>'id', p_id, effect->'open'->>'topic', effect->'open'->>'order',
                                    effect->'open'->>'queue', effect->'open'->'eta_minutes', effect->'open'->'messages',
                                    to_timestamp((effect->'open'->>'created_at')::double precision));
                        ELSE
                            UPDATE tickets SET messages = messages || jsonb_build_array(effect->'append'->>'message')
                            WHERE id = effect->'append'->>'id';
                            IF NOT FOUND THEN
                                RAISE EXCEPTION 'no appeal to add a message to' USING ERRCODE = 'P0002';
                            END IF;
                        END IF;
                    END LOOP;
                END IF;
                RETURN p_expected + 1;
            END
            $$
            """,
        ]),
        // The specialists' desk, shared by the daemons: appeals and specialists stored whole as
        // JSON (columns a query needs copied beside), each row stamped with the desk version that
        // last wrote it, so that a daemon reads only what changed since its copy.
        Migration(id: "v2-desk", statements: [
            // One row: every desk change locks it first (so changes happen one at a time across
            // daemons) and bumps `version`; `next_notice` numbers customers' notices.
            "CREATE TABLE desk_state (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL, next_notice bigint NOT NULL)",
            "INSERT INTO desk_state (id, version, next_notice) VALUES (1, 0, 1)",
            """
            CREATE TABLE desk_appeals (
                id text PRIMARY KEY,
                session text NOT NULL,
                state text NOT NULL,
                queue text NOT NULL,
                topic text NOT NULL,
                specialist text,
                sequence bigint NOT NULL,
                arrived_at timestamptz NOT NULL,
                closed_at timestamptz,
                appeal text NOT NULL,
                version bigint NOT NULL
            )
            """,
            "CREATE INDEX desk_appeals_version ON desk_appeals (version)",
            "CREATE INDEX desk_appeals_open ON desk_appeals (state, closed_at)",
            "CREATE TABLE desk_specialists (id text PRIMARY KEY, specialist text NOT NULL)",
            "CREATE TABLE desk_history (id integer PRIMARY KEY CHECK (id = 1), history text NOT NULL, version bigint NOT NULL)",
            // Notices for customers until delivered (then deleted).
            """
            CREATE TABLE desk_notices (
                id bigint PRIMARY KEY,
                session text NOT NULL,
                notice text NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX desk_notices_session ON desk_notices (session)",
            // The events each change made for specialists, for the daemons where they are connected.
            """
            CREATE TABLE desk_events (
                version bigint PRIMARY KEY,
                daemon text NOT NULL,
                events text NOT NULL,
                at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX desk_events_at ON desk_events (at)",
            // The daemons serving the desk, each alive until its lease runs out.
            "CREATE TABLE desk_daemons (id text PRIMARY KEY, lease_until timestamptz NOT NULL)",
            // Each daemon's connections signed in as each specialist.
            """
            CREATE TABLE desk_presence (
                daemon text NOT NULL,
                specialist text NOT NULL,
                connections integer NOT NULL,
                PRIMARY KEY (daemon, specialist)
            )
            """,
        ]),
        // Expiry finds idle sessions through `updated_at` rounded down to ten minutes, computed by
        // the server, instead of through `updated_at` itself. A turn that stays within the ten
        // minutes then changes no indexed column, so PostgreSQL writes the row's new version on
        // the same page with no new entries in the primary key's and the expiry index (a heap-only
        // tuple), and prunes the old version without a vacuum. Pages keep 30 % free for those new
        // versions: with a tenth, about half the updates found no room and went through the
        // indexes, leaving dead rows for the vacuum (the table 6–9 times larger after a benchmark
        // run); with 30 %, 94 % are heap-only.
        Migration(id: "v3-expiry-floor", statements: [
            """
            ALTER TABLE sessions ADD COLUMN updated_at_floor timestamptz NOT NULL
                GENERATED ALWAYS AS (date_bin('10 minutes', updated_at, timestamptz '2000-01-01 00:00:00+00')) STORED
            """,
            "CREATE INDEX sessions_updated_at_floor ON sessions (updated_at_floor)",
            "DROP INDEX sessions_updated_at",
            "ALTER TABLE sessions SET (fillfactor = 70)",
        ]),
        // Several turns in one statement (PostgresTurnBatches): `helpline_turn` for each, in order,
        // returning each one's result. The rows of the appeal counts that the batch's new appeals
        // will update are locked first, in one order, so that batches committing at the same time
        // (from this daemon or others) never wait for each other in a circle. A turn's topic,
        // order, profile and effects are null where its `has_…` flag is false.
        Migration(id: "v4-turn-batches", statements: [
            """
            CREATE FUNCTION helpline_turns(
                p_id text[], p_expected bigint[], p_state text[], p_topic text[], p_has_topic boolean[],
                p_order text[], p_has_order boolean[], p_conversation text[], p_profile text[], p_has_profile boolean[],
                p_at timestamptz[], p_in text[], p_out text[], p_effects text[], p_has_effects boolean[]
            ) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
            DECLARE
                i integer;
            BEGIN
                PERFORM 1 FROM store_counts
                WHERE name = 'tickets' AND shard IN (
                    SELECT hashtext(e->'open'->>'id') & \(countShards - 1)
                    FROM unnest(p_effects, p_has_effects) AS x (effects, given), jsonb_array_elements(x.effects::jsonb) AS e
                    WHERE x.given AND e ? 'open')
                ORDER BY shard FOR UPDATE;
                FOR i IN 1 .. coalesce(array_length(p_id, 1), 0) LOOP
                    RETURN NEXT helpline_turn(
                        p_id[i], p_expected[i], p_state[i], CASE WHEN p_has_topic[i] THEN p_topic[i] END,
                        CASE WHEN p_has_order[i] THEN p_order[i] END, p_conversation[i],
                        CASE WHEN p_has_profile[i] THEN p_profile[i] END, p_at[i], p_in[i], p_out[i],
                        CASE WHEN p_has_effects[i] THEN p_effects[i]::jsonb END);
                END LOOP;
            END
            $$
            """,
        ]),
    ]

    /// Brings the database's schema up to date, each missing migration in its own transaction.
    /// Returns the ids of the migrations applied now.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        var applied: [String] = []
        for migration in migrations {
            let done = try await client.withTransaction(logger: logger) { connection -> Bool in
                // The connection's limits are a request's; a migration may wait and work longer.
                try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
                try await connection.query("SET LOCAL lock_timeout = 0", logger: logger)
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS helpline_migrations (
                        id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                let rows = try await connection.query("SELECT 1 FROM helpline_migrations WHERE id = \(migration.id)", logger: logger)
                for try await _ in rows { return true }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO helpline_migrations (id) VALUES (\(migration.id))", logger: logger)
                return false
            }
            if !done { applied.append(migration.id) }
        }
        return applied
    }
}
