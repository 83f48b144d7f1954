import NIOConcurrencyHelpers
import NIOCore

/// The live customer connections by session: those that had a successful answer about the
/// session and have events on. The desk pushes a session's notices to them. Kept by
/// ``ConnectionHandler``: added on answers, removed on `close`, `events` off and disconnect.
final class CustomerChannels: Sendable {
    private let box = NIOLockedValueBox<[String: [ObjectIdentifier: any Channel]]>([:])

    /// Records that `channel` uses `session`.
    func add(_ session: String, _ channel: any Channel) {
        box.withLockedValue { $0[session, default: [:]][ObjectIdentifier(channel)] = channel }
    }

    /// Forgets `channel` for the given sessions.
    func remove(_ sessions: some Sequence<String>, _ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        box.withLockedValue { registry in
            for session in sessions {
                registry[session]?[key] = nil
                if registry[session]?.isEmpty == true { registry[session] = nil }
            }
        }
    }

    /// Forgets every connection of the given sessions (they ended).
    func removeSessions(_ sessions: some Sequence<String>) {
        box.withLockedValue { registry in
            for session in sessions { registry[session] = nil }
        }
    }

    /// The connections using `session`.
    func channels(for session: String) -> [any Channel] {
        box.withLockedValue { $0[session].map { Array($0.values) } ?? [] }
    }
}
