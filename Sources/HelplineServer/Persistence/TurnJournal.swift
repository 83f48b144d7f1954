import Foundation
import GRDB
import HelplineDialogue
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns stored by appending them to a file (the turn journal), applied to the SQLite tables
/// later in large transactions.
///
/// A turn's record is written with one `write` call — the turns waiting at once in one call — and
/// its completion is called once `write` has returned: from then on the turn survives the process
/// being killed, as a commit in SQLite's write-ahead log with `synchronous = NORMAL` does. The
/// records written are applied to the tables, in order, by ``takeForApply()`` and
/// ``finish(_:committed:)`` on the database's writer: when many are waiting, a second after the
/// oldest, before any other write, and before any read (``SessionDatabase``). The file is a series
/// of segments (`PATH-turns.N`); each application starts a new segment, notes the newest segment it
/// applied in the tables (`turn_journal`) and deletes the applied ones once they are committed. At
/// start-up, segments left by a daemon that was killed are applied before anything else
/// (``recover(_:)``), those at or below the note skipped; a turn over a version the session no
/// longer has changes nothing.
///
/// Of the records waiting in memory to be applied, only each session's newest turn keeps the
/// session's conversation, the one its row gets when they are applied together; applying them one
/// at a time (when applying them together failed) reads them back whole from the segments.
final class TurnJournal: Sendable {
    typealias Completion = GroupCommitter.Completion
    typealias Scheduler = GroupCommitter.Scheduler

    /// Records written and not applied, each holding its session's conversation, that start an
    /// application: only the newest record of a session holds it (``keep(_:in:)``).
    static let applyThreshold = 2048
    /// Records written and not applied that start an application, whatever they hold. The more
    /// turns of the same sessions one application holds, the fewer times each session's row is
    /// written.
    static let applyThresholdRecords = 8192
    /// Bytes held in memory for the records written and not applied that start an application:
    /// records carry their session's conversation, which a long appeal makes large. Only the newest
    /// record of a session keeps its conversation (``keep(_:in:)``), so many turns of few
    /// sessions hold little, and many sessions reach this first.
    static let applyThresholdBytes = 8 << 20
    /// Bytes of records not yet in the tables past which turns are refused (answered as failed
    /// stores) rather than kept in memory: the tables cannot be written (locked by another
    /// program, a full disk) and the journal would grow without end.
    static let outstandingLimitBytes = 96 << 20
    /// How long a record written waits at most before it is applied, when fewer than the
    /// threshold come: readers of the file outside the daemon (`helpline review`) see the turns
    /// about as soon as before.
    static let applyDelay: DispatchTimeInterval = .seconds(1)

    /// Rows to apply and the segments that hold them, deleted once they are applied.
    struct Handoff: Sendable {
        /// The records, each turn's conversation left out (empty) where a later turn of the same
        /// session among them carries it.
        var entries: [JournalEntry]
        /// The entries' record bytes.
        var bytes: Int
        /// The bytes `entries` hold (the record bytes less the conversations left out).
        var heldBytes: Int
        /// Whether some entry's conversation was left out: applying the entries one at a time
        /// reads them back from the segments.
        var superseded: Bool
        var segments: [String]
        /// The newest segment whose entries are all among `entries`, if any.
        var completeThrough: Int?
    }

    private struct Pending: Sendable {
        var entry: JournalEntry
        var completion: Completion
    }

    private struct State: Sendable {
        var queue: [Pending] = []
        var queuedBytes: [UInt8] = []
        var draining = false
        /// Written to the segments, not handed over for applying.
        var unapplied: [JournalEntry] = []
        /// The bytes `unapplied` holds in memory.
        var unappliedBytes = 0
        /// The index in `unapplied` of each session's newest turn.
        var newestTurn: [String: Int] = [:]
        /// The record bytes of `unapplied`.
        var unappliedRecordBytes = 0
        /// The entries of `unapplied` that hold their conversation: fewer than all when a turn's
        /// conversation was left out.
        var heldConversations = 0
        /// Segments whose records were handed over but could not be applied: deleted with the next.
        var keptSegments: [String] = []
        /// Written and not yet in the tables (unapplied or handed over), and their record bytes.
        var outstanding = 0
        var outstandingBytes = 0
        var applyRequested = false
        /// An application is due within ``applyDelay`` of the oldest record not applied.
        var applyTimed = false
        /// Sessions deleted from the tables (expired), with when: a turn for one of them is refused.
        var ended: [String: Date] = [:]
    }

    /// Keeps `entry` among the records to apply. A turn leaves out the conversation of its
    /// session's turn kept before, if any: applied together, a session's row gets its newest
    /// turn's columns only, so only the newest conversation is held in memory.
    private static func keep(_ entry: JournalEntry, in state: inout State) {
        if case .turn(let row) = entry {
            if let older = state.newestTurn[row.session], case .turn(var earlier) = state.unapplied[older],
               !earlier.conversation.isEmpty {
                state.unappliedBytes -= earlier.conversation.utf8.count
                earlier.conversation = ""
                state.unapplied[older] = .turn(earlier)
                state.heldConversations -= 1
            }
            state.newestTurn[row.session] = state.unapplied.count
            if !row.conversation.isEmpty { state.heldConversations += 1 }
        } else {
            state.heldConversations += 1
        }
        state.unapplied.append(entry)
    }

    private struct Segment: Sendable {
        var descriptor: Int32
        var number: Int
        var size: Int
    }

    let basePath: String
    private let state = NIOLockedValueBox(State())
    /// Held while a segment is written or replaced.
    private let segment: NIOLockedValueBox<Segment>
    private let drainQueue = DispatchQueue(label: "helpline.turn-journal")
    /// Asked to apply what is written when many records are waiting.
    private let onFull = NIOLockedValueBox<(@Sendable (TurnJournal) -> Void)?>(nil)

    /// Bytes of records not in the tables past which turns are refused (``outstandingLimitBytes``).
    private let outstandingLimit: Int

    /// Opens a new segment after `lastNumber` for `path`'s journal.
    init(databasePath path: String, after lastNumber: Int, outstandingLimit: Int = outstandingLimitBytes) throws {
        basePath = path + "-turns."
        self.outstandingLimit = outstandingLimit
        let number = lastNumber + 1
        segment = NIOLockedValueBox(Segment(descriptor: try Self.create(basePath + Self.suffix(number)), number: number, size: 0))
    }

    deinit {
        segment.withLockedValue { if $0.descriptor >= 0 { _ = Glibc.close($0.descriptor) } }
    }

    /// Sets what asks for the records written to be applied when many are waiting.
    func whenFull(_ action: @escaping @Sendable (TurnJournal) -> Void) {
        onFull.withLockedValue { $0 = action }
    }

    // MARK: Writing

    /// Writes `entry`'s record with whatever else is waiting, then calls `completion` with the
    /// session's new version (or the failure to write it).
    func append(_ entry: JournalEntry, schedule: Scheduler, completion: @escaping Completion) {
        var record: [UInt8] = []
        record.reserveCapacity(4096)
        TurnRecord.append(entry, to: &record)
        let (start, ended, full): (Bool, Bool, Bool) = state.withLockedValue { state in
            // A turn computed before its session was expired: the session is gone, as a
            // transaction of the tables would find it.
            if case .turn = entry, state.ended[entry.session] != nil { return (false, true, false) }
            if state.outstandingBytes + state.queuedBytes.count + record.count > outstandingLimit {
                return (false, false, true)
            }
            state.queuedBytes.append(contentsOf: record)
            state.queue.append(Pending(entry: entry, completion: completion))
            guard !state.draining else { return (false, false, false) }
            state.draining = true
            return (true, false, false)
        }
        if ended {
            schedule { completion(.success(.missing)) }
        } else if full {
            schedule { completion(.success(.failed("the database is not taking turns at the moment; nothing was stored"))) }
        } else if start {
            schedule { self.writeWaiting() }
        }
    }

    /// How long an expired session's turns are refused: far longer than any turn takes between
    /// loading its session and being written.
    static let endedMemory: TimeInterval = 3_600

    /// Of the sessions `ids` about to be deleted from the tables, those without a record waiting
    /// (written or being written, not applied yet), each marked ended so that a turn for it is
    /// refused from now on; a session with a record waiting was used after all and is kept. Call
    /// on the database's writer after applying what was written, in the transaction that deletes
    /// them (``reopen(_:)`` if it fails).
    func end(_ ids: [String], now: Date) -> [String] {
        guard !ids.isEmpty else { return [] }
        // Under the segment's lock, as a batch is written (see ``writeBatch()``).
        return segment.withLockedValue { _ in
            state.withLockedValue { state in
                var waiting = Set(state.unapplied.lazy.map(\.session))
                waiting.formUnion(state.queue.lazy.map(\.entry.session))
                state.ended = state.ended.filter { now.timeIntervalSince($0.value) < Self.endedMemory }
                let ending = ids.filter { !waiting.contains($0) }
                for id in ending { state.ended[id] = now }
                return ending
            }
        }
    }

    /// Takes back ``end(_:now:)`` for sessions that were not deleted after all.
    func reopen(_ ids: [String]) {
        state.withLockedValue { state in
            for id in ids { state.ended[id] = nil }
        }
    }

    /// The records written and not handed over for applying that hold their session's
    /// conversation.
    var waitingConversations: Int { state.withLockedValue { $0.heldConversations } }

    /// Whether some records written are not in the tables yet.
    var hasOutstanding: Bool { state.withLockedValue { $0.outstanding > 0 } }

    /// Writes what is waiting on the calling thread, then leaves the rest to the journal's queue.
    private func writeWaiting() {
        writeBatch()
        let more = state.withLockedValue { state in
            if state.queue.isEmpty { state.draining = false }
            return state.draining
        }
        if more {
            drainQueue.async { self.drain() }
        }
    }

    private func drain() {
        while true {
            let empty = state.withLockedValue { state in
                if state.queue.isEmpty { state.draining = false }
                return state.queue.isEmpty
            }
            if empty { return }
            writeBatch()
        }
    }

    private func writeBatch() {
        // The batch is taken under the segment's lock: until its records are among `unapplied`,
        // ``end(_:now:)``, which takes the same lock, waits, so it never misses one being written.
        let written: (batch: [Pending], result: Result<Void, any Error>)? = segment.withLockedValue { segment in
            let (batch, bytes) = state.withLockedValue { state in
                defer {
                    state.queue.removeAll(keepingCapacity: true)
                    state.queuedBytes.removeAll(keepingCapacity: true)
                }
                return (state.queue, state.queuedBytes)
            }
            guard !batch.isEmpty else { return nil }
            let result = self.write(bytes, to: &segment)
            if case .success = result {
                state.withLockedValue { state in
                    state.unappliedBytes += bytes.count
                    state.unappliedRecordBytes += bytes.count
                    for pending in batch { Self.keep(pending.entry, in: &state) }
                    state.outstanding += batch.count
                    state.outstandingBytes += bytes.count
                }
            }
            return (batch, result)
        }
        guard let (batch, result) = written else { return }
        let (apply, time) = state.withLockedValue { state -> (Bool, Bool) in
            guard !state.applyRequested, !state.unapplied.isEmpty else { return (false, false) }
            if state.heldConversations >= Self.applyThreshold || state.unapplied.count >= Self.applyThresholdRecords
                || state.unappliedBytes >= Self.applyThresholdBytes {
                state.applyRequested = true
                return (true, false)
            }
            guard !state.applyTimed else { return (false, false) }
            state.applyTimed = true
            return (false, true)
        }
        if time {
            drainQueue.asyncAfter(deadline: .now() + Self.applyDelay) { self.applyWhenDue() }
        }
        for pending in batch {
            pending.completion(result.map { .applied(version: pending.entry.version) })
        }
        if apply, let action = onFull.withLockedValue({ $0 }) { action(self) }
    }

    /// Asks for an application of what waits, unless one was asked for meanwhile.
    private func applyWhenDue() {
        let apply = state.withLockedValue { state in
            state.applyTimed = false
            guard !state.applyRequested, !state.unapplied.isEmpty else { return false }
            state.applyRequested = true
            return true
        }
        if apply, let action = onFull.withLockedValue({ $0 }) { action(self) }
    }

    /// Writes all of `bytes` at the segment's end; on failure the segment is cut back to where it
    /// ended, so no part of a record stays in it.
    private func write(_ bytes: [UInt8], to segment: inout Segment) -> Result<Void, any Error> {
        var done = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            while done < buffer.count {
                let count = Glibc.write(segment.descriptor, buffer.baseAddress! + done, buffer.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += count
            }
            return nil
        }
        guard let failure else {
            segment.size += bytes.count
            return .success(())
        }
        if ftruncate(segment.descriptor, off_t(segment.size)) != 0 || lseek(segment.descriptor, 0, SEEK_END) < 0 {
            // The segment's end cannot be trusted: later records go to a new segment.
            if let next = try? Self.create(basePath + Self.suffix(segment.number + 1)) {
                _ = Glibc.close(segment.descriptor)
                let old = basePath + Self.suffix(segment.number)
                state.withLockedValue { $0.keptSegments.append(old) }
                segment = Segment(descriptor: next, number: segment.number + 1, size: 0)
            }
        }
        return .failure(DatabaseError(message: "the turn journal could not be written: \(String(cString: strerror(failure)))"))
    }

    // MARK: Applying

    /// Takes the records written so far for applying, and starts a new segment for the next. Call
    /// on the database's writer, then ``finish(_:committed:)``.
    func takeForApply() -> Handoff? {
        segment.withLockedValue { segment in
            let taken: (entries: [JournalEntry], bytes: Int, held: Int, superseded: Bool, kept: [String])? = state.withLockedValue { state in
                state.applyRequested = false
                guard !state.unapplied.isEmpty || !state.keptSegments.isEmpty else { return nil }
                defer {
                    state.unapplied.removeAll()
                    state.unappliedBytes = 0
                    state.unappliedRecordBytes = 0
                    state.newestTurn.removeAll(keepingCapacity: true)
                    state.heldConversations = 0
                    state.keptSegments.removeAll()
                }
                return (state.unapplied, state.unappliedRecordBytes, state.unappliedBytes,
                        state.heldConversations < state.unapplied.count, state.keptSegments)
            }
            guard let taken else { return nil }
            var segments = taken.kept
            var complete = segment.number - 1
            if segment.size > 0, let next = try? Self.create(basePath + Self.suffix(segment.number + 1)) {
                segments.append(basePath + Self.suffix(segment.number))
                complete = segment.number
                _ = Glibc.close(segment.descriptor)
                segment = Segment(descriptor: next, number: segment.number + 1, size: 0)
            }
            return Handoff(entries: taken.entries, bytes: taken.bytes, heldBytes: taken.held, superseded: taken.superseded,
                           segments: segments, completeThrough: complete > 0 ? complete : nil)
        }
    }

    /// Ends an application: deletes the applied segments, or takes the entries back and tries
    /// again after ``applyDelay`` (sooner if many more come).
    func finish(_ handoff: Handoff, committed: Bool) {
        if committed {
            for path in handoff.segments { Self.remove(path) }
            state.withLockedValue { state in
                state.outstanding -= handoff.entries.count
                state.outstandingBytes -= handoff.bytes
            }
        } else {
            let retry = state.withLockedValue { state in
                let newer = state.unapplied
                state.unapplied = []
                state.newestTurn.removeAll(keepingCapacity: true)
                state.heldConversations = 0
                state.unappliedBytes += handoff.heldBytes
                state.unappliedRecordBytes += handoff.bytes
                for entry in handoff.entries { Self.keep(entry, in: &state) }
                for entry in newer { Self.keep(entry, in: &state) }
                state.keptSegments.insert(contentsOf: handoff.segments, at: 0)
                guard !state.applyTimed else { return false }
                state.applyTimed = true
                return true
            }
            if retry {
                drainQueue.asyncAfter(deadline: .now() + Self.applyDelay) { self.applyWhenDue() }
            }
        }
    }

    /// Applies a handoff inside the current transaction and notes its segments as applied.
    /// Applied one at a time (`isolating`), each turn needs its own conversation: the entries are
    /// then read back from the segments if some conversations were left out; a segment that cannot
    /// be read back leaves each session's turns applied together, in a savepoint of their own.
    static func apply(_ handoff: Handoff, isolating: Bool, in db: Database) throws {
        if isolating && handoff.superseded {
            let whole = try? recover(handoff.segments.map { (number: 0, path: $0) })
            if let whole, whole.count == handoff.entries.count {
                try apply(whole, isolating: true, in: db)
            } else {
                try applyBySession(handoff.entries, in: db)
            }
        } else {
            try apply(handoff.entries, isolating: isolating, in: db)
        }
        if let complete = handoff.completeThrough {
            try markApplied(through: complete, in: db)
        }
    }

    /// Applies entries inside the current transaction, in order. A turn whose session has moved on
    /// or is gone (closed since) changes nothing; a session already stored is not opened again.
    /// `isolating` puts each entry in a savepoint of its own, and an entry that fails (a message for
    /// an appeal that is not stored) is left out instead of failing the others; without, the first
    /// failure throws.
    static func apply(_ entries: [JournalEntry], isolating: Bool, in db: Database) throws {
        guard !entries.isEmpty else { return }
        guard isolating else {
            try applyCoalescing(entries, in: db)
            return
        }
        for entry in entries {
            try? db.inSavepoint {
                var messageIDs = try MessageChain.ids(in: db)
                _ = try SessionDatabase.apply(entry, messageIDs: &messageIDs, in: db)
                return .commit
            }
        }
    }

    /// Applies each session's entries together (``applyCoalescing(_:in:)``) in a savepoint of
    /// their own, leaving out the sessions whose entries fail.
    private static func applyBySession(_ entries: [JournalEntry], in db: Database) throws {
        var sessions: [String: [JournalEntry]] = [:]
        var order: [String] = []
        for entry in entries {
            if sessions[entry.session] == nil { order.append(entry.session) }
            sessions[entry.session, default: []].append(entry)
        }
        for session in order {
            try? db.inSavepoint {
                try applyCoalescing(sessions[session] ?? [], in: db)
                return .commit
            }
        }
    }

    /// A session's row as the entries applied so far in one transaction left it.
    private struct Chain {
        var version: Int
        var lastMessage: Int64?
        /// The index among the entries of the newest turn applied, whose columns the session's row
        /// is to get.
        var newest: Int?
        /// The newest profile a turn changed.
        var profile: String?
        /// The version the stored row has.
        var storedVersion: Int
    }

    /// Applies entries as ``apply(_:isolating:in:)`` does, but updates each session's row once,
    /// to its newest turn: the messages of each turn are chained in memory. A transaction of many
    /// turns of the same sessions writes each session's page once.
    private static func applyCoalescing(_ entries: [JournalEntry], in db: Database) throws {
        var messageIDs = try MessageChain.ids(in: db)
        var chains: [String: Chain] = [:]
        for (index, entry) in entries.enumerated() {
            switch entry {
            case .create(let row):
                guard chains[row.session] == nil else { continue }
                _ = try SessionDatabase.apply(entry, messageIDs: &messageIDs, in: db)
            case .turn(let row):
                var chain: Chain
                if let known = chains[row.session] {
                    chain = known
                } else {
                    guard let stored = try Row.fetchOne(
                        db.cachedStatement(sql: "SELECT version, last_message FROM sessions WHERE id = ?"), arguments: [row.session])
                    else { continue }
                    let version: Int = stored[0]
                    chain = Chain(version: version, lastMessage: stored[1], newest: nil, profile: nil, storedVersion: version)
                }
                // A turn over another version than the session's (already applied, or a session
                // changed since) changes nothing.
                guard chain.version == row.expectedVersion else {
                    chains[row.session] = chain
                    continue
                }
                let messages = try MessageChain.appendTurn(
                    session: row.session, incoming: row.incoming, outgoing: row.outgoing, at: row.at.databaseValue,
                    after: chain.lastMessage, ids: &messageIDs, in: db)
                chain.lastMessage = messages.upperBound - 1
                chain.version = row.expectedVersion + 1
                chain.newest = index
                if let profile = row.profile { chain.profile = profile }
                chains[row.session] = chain
                for effect in row.effects {
                    try SessionDatabase.apply(effect, session: row.session, in: db)
                }
            }
        }
        for (session, chain) in chains {
            guard let index = chain.newest, case .turn(let newest) = entries[index], let lastMessage = chain.lastMessage else {
                continue
            }
            // A conversation left out belongs to a turn with a later one of its session among the
            // entries; that turn not applying (over another version) is an inconsistency the
            // entries applied one at a time, read back whole, resolve.
            guard !newest.conversation.isEmpty else {
                throw DatabaseError(message: "the newest turn applied for a session has no conversation")
            }
            _ = try SessionDatabase.updateSession(
                session, from: chain.storedVersion, to: chain.version, as: newest, profile: chain.profile, lastMessage: lastMessage,
                in: db)
        }
    }
    /// The newest segment whose entries the tables hold (0 if none).
    static func appliedThrough(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT applied_through FROM turn_journal WHERE id = 1") ?? 0
    }

    static func markApplied(through number: Int, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO turn_journal (id, applied_through) VALUES (1, ?1)
            ON CONFLICT (id) DO UPDATE SET applied_through = max(applied_through, ?1)
            """).execute(arguments: [number])
    }

    static func migrate(_ db: Database) throws {
        try db.create(table: "turn_journal") { t in
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("applied_through", .integer).notNull()
        }
    }

    /// Closes the current segment and deletes it if nothing is left to apply from it; no
    /// application is asked for after.
    func close() {
        onFull.withLockedValue { $0 = nil }
        segment.withLockedValue { segment in
            _ = Glibc.close(segment.descriptor)
            segment.descriptor = -1
            let empty = state.withLockedValue { $0.outstanding == 0 && $0.keptSegments.isEmpty }
            if empty { Self.remove(basePath + Self.suffix(segment.number)) }
        }
    }

    // MARK: Files

    /// The segments left in `databasePath`'s journal, oldest first, with their numbers.
    static func segments(of databasePath: String) -> [(number: Int, path: String)] {
        let url = URL(fileURLWithPath: DatabasePath.resolved(databasePath))
        let prefix = url.lastPathComponent + "-turns."
        let directory = url.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix(prefix), let number = Int(name.dropFirst(prefix.count)), number > 0 else { return nil }
            return (number, directory.appendingPathComponent(name).path)
        }.sorted { $0.0 < $1.0 }
    }

    /// The entries of the valid records of each segment, oldest first. What follows a record cut
    /// short or damaged in a segment (a write a crash interrupted; it was never answered) is not
    /// read, and is logged; with `keepDamaged` (before the segments are applied and deleted) such a
    /// segment is also copied aside as found (``keepAside(_:_:)``).
    static func recover(_ segments: [(number: Int, path: String)], keepDamaged: Bool = false) throws -> [JournalEntry] {
        var entries: [JournalEntry] = []
        for segment in segments {
            let attributes = try? FileManager.default.attributesOfItem(atPath: segment.path)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else {
                throw DatabaseFileError("the turn journal \(segment.path) is not a file; move it away")
            }
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
            guard size <= maximumSegmentBytes else {
                throw DatabaseFileError("the turn journal \(segment.path) holds \(size) bytes, more than any segment the "
                                        + "daemon writes (\(maximumSegmentBytes)); move it away")
            }
            guard let data = FileManager.default.contents(atPath: segment.path) else {
                throw DatabaseFileError("cannot read the turn journal \(segment.path); check its owner and permissions")
            }
            let read = TurnRecord.entries(in: [UInt8](data))
            if read.validLength < data.count {
                // The segment is deleted once applied; a copy of it as found stays for whoever
                // wants to look at what was not read.
                let copy = keepDamaged ? keepAside(segment.path, data) : segment.path
                logger.warning("the end of a turn journal segment was cut short or damaged and is not read",
                               metadata: ["segment": "\(segment.path)", "bytes": "\(data.count - read.validLength)",
                                          "kept_as": "\(copy ?? "(could not be copied)")"])
            }
            entries += read.entries
        }
        return entries
    }

    /// Writes `data` (a damaged segment as found) beside `path` as `PATH.damaged`, or
    /// `PATH.damaged.N` when that exists; the copy's path, nil if it could not be written.
    static func keepAside(_ path: String, _ data: Data) -> String? {
        for attempt in 0..<100 {
            let copy = path + ".damaged" + (attempt == 0 ? "" : ".\(attempt)")
            guard !FileManager.default.fileExists(atPath: copy) else { continue }
            return FileManager.default.createFile(atPath: copy, contents: data) ? copy : nil
        }
        return nil
    }

    /// Far above any segment the daemon writes: an application starts at ``applyThresholdBytes``
    /// and turns are refused past ``outstandingLimitBytes``.
    static let maximumSegmentBytes = 1 << 30
    /// Far above any segment number the daemon reaches (one a second for thirty thousand years).
    static let maximumSegmentNumber = 1_000_000_000_000

    /// Throws for a file named as a segment whose number the daemon never writes (too large to be
    /// one of its own): applying it, or skipping it, could lose or misplace turns.
    static func checkSegmentNames(of databasePath: String) throws {
        let url = URL(fileURLWithPath: DatabasePath.resolved(databasePath))
        let prefix = url.lastPathComponent + "-turns."
        let directory = url.deletingLastPathComponent()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasPrefix(prefix) {
            let suffix = name.dropFirst(prefix.count)
            guard !suffix.isEmpty, suffix.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { continue }
            if Int(suffix).map({ $0 > maximumSegmentNumber }) ?? true {
                throw DatabaseFileError("\(directory.appendingPathComponent(name).path) is named as a turn journal segment "
                                        + "with a number the daemon never writes; move it away")
            }
        }
    }

    private static let logger = Logger(label: "helpline.store")

    /// Deletes a segment whose turns are all in the tables. One that cannot be deleted (a folder
    /// made read-only) is said so: the next start reads it again, which changes nothing.
    private static func remove(_ path: String) {
        guard unlink(path) != 0, errno != ENOENT else { return }
        let reason = String(cString: strerror(errno))
        logger.warning("an applied turn journal segment could not be deleted; the next start reads it again, changing nothing",
                       metadata: ["file": "\(path)", "error": "\(reason)"])
    }

    private static func suffix(_ number: Int) -> String { String(number) }

    private static func create(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseFileError("cannot create the turn journal \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }
}
