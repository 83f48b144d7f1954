import NIOConcurrencyHelpers

/// The customers' notices not delivered yet, by session, as stored in `desk_notices`.
///
/// A notice is delivered once: whoever delivers it (a session's answer, or a push to a live
/// connection) first claims it, then has it deleted from the store and confirms, or gives it back
/// (unclaims) when that fails, for the next chance.
final class PendingNotices: Sendable {
    private struct Entry: Sendable {
        var notice: PendingNotice
        var claimed = false
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
    /// an earlier one whose delivery fails and is retried.
    func claim(session: String) -> [PendingNotice] {
        box.withLockedValue { sessions in
            guard var entries = sessions[session], !entries.contains(where: \.claimed) else { return [] }
            var claimed: [PendingNotice] = []
            for index in entries.indices where !entries[index].claimed {
                entries[index].claimed = true
                claimed.append(entries[index].notice)
            }
            sessions[session] = entries
            return claimed
        }
    }

    /// The session's notices nobody has claimed, without claiming them.
    func peek(session: String) -> [PendingNotice] {
        box.withLockedValue { $0[session]?.filter { !$0.claimed }.map(\.notice) ?? [] }
    }

    /// Whether the session has notices nobody has claimed.
    func hasUnclaimed(session: String) -> Bool {
        box.withLockedValue { $0[session]?.contains { !$0.claimed } ?? false }
    }

    /// The claimed notices were delivered and deleted from the store: forgets them.
    func confirm(_ notices: [PendingNotice]) {
        change(notices) { entries, ids in entries.removeAll { ids.contains($0.notice.id) } }
    }

    /// Delivering the claimed notices failed: they wait for the next chance.
    func unclaim(_ notices: [PendingNotice]) {
        change(notices) { entries, ids in
            for index in entries.indices where ids.contains(entries[index].notice.id) { entries[index].claimed = false }
        }
    }

    /// Makes the notices those of `stored` (a desk shared by several daemons, as its store holds
    /// it now): notices delivered elsewhere are forgotten, claims of those still stored kept,
    /// notices made elsewhere added. Returns the sessions that got new notices.
    func replace(with stored: [PendingNotice]) -> Set<String> {
        box.withLockedValue { sessions in
            var claimed: Set<Int64> = []
            for entries in sessions.values {
                for entry in entries where entry.claimed { claimed.insert(entry.notice.id) }
            }
            let known = Set(sessions.values.flatMap { $0.map(\.notice.id) })
            var fresh: Set<String> = []
            var replaced: [String: [Entry]] = [:]
            for notice in stored {
                replaced[notice.session, default: []].append(Entry(notice: notice, claimed: claimed.contains(notice.id)))
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
