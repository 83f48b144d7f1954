import NIOConcurrencyHelpers

/// The customers' notices not delivered yet, by session, as stored in `desk_notices`.
///
/// A notice is delivered once: whoever delivers it (a session's answer, or a push to a live
/// connection) first claims it, then has it deleted from the store and confirms, or gives it back
/// (unclaims) when that fails, for the next chance. A notice pushed to connections waits between
/// the two until one of them shows it is still there (``takePushed(connection:)``) or all of them
/// are lost with it unread (``givePushedBack(connection:)``).
final class PendingNotices: Sendable {
    private struct Entry: Sendable {
        var notice: PendingNotice
        var state = State.waiting
    }

    private enum State: Sendable, Equatable {
        /// Nobody delivers it yet.
        case waiting
        /// Being delivered (with an answer, a push, or its deletion from the store).
        case claimed
        /// Written to these connections, not known to be read yet.
        case pushed(Set<ObjectIdentifier>)
    }

    private let box = NIOLockedValueBox<[String: [Entry]]>([:])

    init(_ notices: [PendingNotice] = []) {
        add(notices)
    }

    /// Keeps new notices (after their change is committed), in order.
    func add(_ notices: [PendingNotice]) {
        guard !notices.isEmpty else { return }
        box.withLockedValue { sessions in
            for notice in notices { sessions[notice.session, default: []].append(Entry(notice: notice)) }
        }
    }

    /// The session's notices nobody has claimed, oldest first, now claimed by the caller; none
    /// while some of them are claimed (being delivered), so that a later notice never overtakes
    /// an earlier one whose delivery fails and is retried. Notices pushed and not yet known read
    /// do not hold later ones back: those follow them on the same connections.
    func claim(session: String) -> [PendingNotice] {
        box.withLockedValue { sessions in
            guard var entries = sessions[session], !entries.contains(where: { $0.state == .claimed }) else { return [] }
            var claimed: [PendingNotice] = []
            for index in entries.indices where entries[index].state == .waiting {
                entries[index].state = .claimed
                claimed.append(entries[index].notice)
            }
            sessions[session] = entries
            return claimed
        }
    }

    /// The session's notices nobody has claimed, without claiming them.
    func peek(session: String) -> [PendingNotice] {
        box.withLockedValue { $0[session]?.filter { $0.state == .waiting }.map(\.notice) ?? [] }
    }

    /// Whether the session has notices nobody has claimed.
    func hasUnclaimed(session: String) -> Bool {
        box.withLockedValue { $0[session]?.contains { $0.state == .waiting } ?? false }
    }

    /// The claimed notices were written to `connections`: they wait there until one of them
    /// shows it is still there, or all of them are lost.
    func markPushed(_ notices: [PendingNotice], to connections: Set<ObjectIdentifier>) {
        change(notices) { entries, ids in
            for index in entries.indices where ids.contains(entries[index].notice.id) {
                entries[index].state = .pushed(connections)
            }
        }
    }

    /// `connection` showed it is still there (it sent a request, or closed with everything
    /// read): the notices pushed to it count as read, and are now claimed by the caller to be
    /// deleted from the store.
    func takePushed(connection: ObjectIdentifier) -> [PendingNotice] {
        var taken: [PendingNotice] = []
        changePushed(to: connection) { entry, _ in
            entry.state = .claimed
            taken.append(entry.notice)
        }
        return taken
    }

    /// `connection` was lost with data unread: notices pushed only to connections lost so wait
    /// again. Returns their sessions.
    func givePushedBack(connection: ObjectIdentifier) -> Set<String> {
        var back: Set<String> = []
        changePushed(to: connection) { entry, connections in
            let left = connections.subtracting([connection])
            entry.state = left.isEmpty ? .waiting : .pushed(left)
            if left.isEmpty { back.insert(entry.notice.session) }
        }
        return back
    }

    /// Changes, by `body`, every entry pushed to `connection` (given the connections it went to).
    private func changePushed(to connection: ObjectIdentifier, _ body: (inout Entry, Set<ObjectIdentifier>) -> Void) {
        box.withLockedValue { sessions in
            for (session, var entries) in sessions {
                var changed = false
                for index in entries.indices {
                    guard case .pushed(let connections) = entries[index].state, connections.contains(connection) else { continue }
                    body(&entries[index], connections)
                    changed = true
                }
                if changed { sessions[session] = entries }
            }
        }
    }

    /// The claimed notices were delivered and deleted from the store: forgets them.
    func confirm(_ notices: [PendingNotice]) {
        change(notices) { entries, ids in entries.removeAll { ids.contains($0.notice.id) } }
    }

    /// Delivering the claimed notices failed: they wait for the next chance.
    func unclaim(_ notices: [PendingNotice]) {
        change(notices) { entries, ids in
            for index in entries.indices where ids.contains(entries[index].notice.id) { entries[index].state = .waiting }
        }
    }

    /// Makes the notices those of `stored` (a desk shared by several daemons, as its store holds
    /// it now): notices delivered elsewhere are forgotten, claims and pushes of those still stored
    /// kept, notices made elsewhere added. Returns the sessions that got new notices.
    func replace(with stored: [PendingNotice]) -> Set<String> {
        box.withLockedValue { sessions in
            var states: [Int64: State] = [:]
            for entries in sessions.values {
                for entry in entries where entry.state != .waiting { states[entry.notice.id] = entry.state }
            }
            let known = Set(sessions.values.flatMap { $0.map(\.notice.id) })
            var fresh: Set<String> = []
            var replaced: [String: [Entry]] = [:]
            for notice in stored {
                replaced[notice.session, default: []].append(Entry(notice: notice, state: states[notice.id] ?? .waiting))
                if !known.contains(notice.id) { fresh.insert(notice.session) }
            }
            sessions = replaced
            return fresh
        }
    }

    /// Forgets the notices of sessions that ended (closed or expired).
    func drop(sessions ended: [String]) {
        box.withLockedValue { sessions in
            for session in ended { sessions[session] = nil }
        }
    }

    /// Sessions with notices waiting.
    var sessions: [String] {
        box.withLockedValue { Array($0.keys) }
    }

    /// How many notices wait, claimed or not.
    var count: Int {
        box.withLockedValue { $0.values.reduce(0) { $0 + $1.count } }
    }

    private func change(_ notices: [PendingNotice], _ body: (inout [Entry], Set<Int64>) -> Void) {
        guard !notices.isEmpty else { return }
        box.withLockedValue { sessions in
            for (session, group) in Dictionary(grouping: notices, by: \.session) {
                guard var entries = sessions[session] else { continue }
                body(&entries, Set(group.map(\.id)))
                sessions[session] = entries.isEmpty ? nil : entries
            }
        }
    }
}
