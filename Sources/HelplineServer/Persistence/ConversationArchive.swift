import Foundation
import GRDB
import HelplineDialogue

/// A read-only view of a daemon's database for offline review: each session's profile and the
/// messages its customer wrote, in order — the open sessions, and those that ended within the
/// daemon's review retention (`finished_conversations`).
///
/// Opens the file read-only, so it is safe while the daemon runs (SQLite's WAL lets readers and the
/// one writer work side by side) and cannot change what the daemon stored; what the daemon's turn
/// journal holds and the tables do not yet is read from the journal.
public struct ConversationArchive: Sendable {
    /// One stored session: the profile it was opened with and what the customer wrote.
    public struct Session: Sendable {
        public var profile: Profile
        /// The customer's messages, oldest first, with the time each arrived.
        public var messages: [(text: String, at: Date)]
        /// When the session was opened.
        public var createdAt: Date

        public init(profile: Profile, messages: [(text: String, at: Date)], createdAt: Date) {
            self.profile = profile
            self.messages = messages
            self.createdAt = createdAt
        }
    }

    private let queue: DatabaseQueue
    private let path: String

    /// Opens the database at `path` read-only. Throws when the file is missing or is not a Helpline database.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ArchiveError("no database at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "helpline-review"
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        self.path = path
        let tables = try queue.read { db in
            (try db.tableExists("sessions"), try db.tableExists("messages"))
        }
        guard tables.0, tables.1 else {
            throw ArchiveError("\(path) is not a Helpline database (no sessions or messages table)")
        }
    }

    /// Every stored and finished session with its customer's messages, oldest first. A session
    /// whose profile cannot be decoded is skipped and counted in `skipped`.
    public func sessions() throws -> (sessions: [Session], skipped: Int) {
        try queue.read { db in
            var messages: [String: [(text: String, at: Date)]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT session, text, at FROM messages WHERE direction = 'in' ORDER BY id")
            while let row = try rows.next() {
                let session: String = row["session"]
                messages[session, default: []].append((row["text"], row["at"]))
            }
            let decoder = JSONDecoder()
            var sessions: [Session] = []
            var ids: [String] = []
            var known: Set<String> = []
            var extra: [String: [(text: String, at: Date)]] = [:]
            var skipped = 0
            let stored = try Row.fetchCursor(db, sql: "SELECT id, profile, created_at FROM sessions ORDER BY created_at, id")
            while let row = try stored.next() {
                let id: String = row["id"]
                let profileJSON: String = row["profile"]
                guard let profile = try? decoder.decode(Profile.self, from: Data(profileJSON.utf8)) else {
                    skipped += 1
                    continue
                }
                sessions.append(Session(profile: profile, messages: messages[id] ?? [], createdAt: row["created_at"]))
                ids.append(id)
                known.insert(id)
            }
            // The turn journal's sessions and messages that the tables do not hold yet.
            let applied = try db.tableExists("turn_journal") ? try TurnJournal.appliedThrough(in: db) : 0
            let unapplied = TurnJournal.segments(of: path).filter { $0.number > applied }
            var journaled: [(id: String, session: Session)] = []
            // Each segment alone: one that cannot be read (the daemon's start names it) does not
            // hide the others.
            for entry in unapplied.flatMap({ (try? TurnJournal.recover([$0])) ?? [] }) {
                switch entry {
                case .create(let row):
                    guard !known.contains(row.session) else { continue }
                    guard let profile = try? decoder.decode(Profile.self, from: Data(row.profile.utf8)) else {
                        skipped += 1
                        continue
                    }
                    known.insert(row.session)
                    journaled.append((row.session, Session(profile: profile, messages: [], createdAt: Self.date(row.at))))
                case .turn(let row):
                    let message = (text: row.incoming, at: Self.date(row.at))
                    if let index = journaled.firstIndex(where: { $0.id == row.session }) {
                        journaled[index].session.messages.append(message)
                    } else {
                        extra[row.session, default: []].append(message)
                    }
                }
            }
            for (index, id) in ids.enumerated() {
                if let more = extra[id] { sessions[index].messages += more }
            }
            sessions += journaled.map(\.session)
            // Sessions that ended: their customer's messages were kept as `[[text, at], …]`.
            if try db.tableExists("finished_conversations") {
                let finished = try Row.fetchCursor(db, sql: "SELECT profile, messages, created_at FROM finished_conversations ORDER BY created_at, id")
                while let row = try finished.next() {
                    let profileJSON: String = row["profile"]
                    let messagesJSON: String = row["messages"]
                    guard let profile = try? decoder.decode(Profile.self, from: Data(profileJSON.utf8)),
                          let pairs = try? decoder.decode([[String]].self, from: Data(messagesJSON.utf8)) else {
                        skipped += 1
                        continue
                    }
                    let created: Date = row["created_at"]
                    let messages = pairs.compactMap { pair -> (text: String, at: Date)? in
                        guard pair.count == 2 else { return nil }
                        return (pair[0], Date.fromDatabaseValue(pair[1].databaseValue) ?? created)
                    }
                    sessions.append(Session(profile: profile, messages: messages, createdAt: created))
                }
            }
            sessions.sort { $0.createdAt < $1.createdAt }
            return (sessions, skipped)
        }
    }

    /// A date as the store writes it.
    private static func date(_ stored: String) -> Date {
        Date.fromDatabaseValue(stored.databaseValue) ?? Date(timeIntervalSince1970: 0)
    }
}

/// The review database cannot be read.
public struct ArchiveError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
