import Foundation
import HelplineDesk
@testable import HelplineServer
import Testing

/// The customers' notices waiting for delivery keep their order: a later notice never overtakes an
/// earlier one whose delivery is still on its way or failed.
struct PendingNoticesTests {
    static func notice(_ id: Int64, session: String = "s") -> PendingNotice {
        PendingNotice(id: id, session: session, notice: CustomerNotice(
            appeal: "3141-5926", kind: .reply, text: "Ответ № \(id)", message: "R\(id)", specialist: "Мария",
            at: Date(timeIntervalSince1970: 1_800_000_000 + Double(id))))
    }

    @Test func aLaterNoticeWaitsForAnEarlierOneOnItsWay() {
        let pending = PendingNotices([Self.notice(1)])
        let first = pending.claim(session: "s")
        #expect(first.map(\.id) == [1])
        pending.add([Self.notice(2)])
        // R1 is being delivered: R2 is not handed to another delivery that could arrive first.
        #expect(pending.claim(session: "s").isEmpty)
        #expect(pending.hasUnclaimed(session: "s"))
        // R1's delivery failed: both go together, oldest first.
        pending.unclaim(first)
        #expect(pending.claim(session: "s").map(\.id) == [1, 2])
    }

    @Test func deliveredNoticesLetTheNextOnesGo() {
        let pending = PendingNotices([Self.notice(1), Self.notice(5, session: "other")])
        let first = pending.claim(session: "s")
        pending.add([Self.notice(2)])
        // Another session's notices do not wait for these.
        #expect(pending.claim(session: "other").map(\.id) == [5])
        pending.confirm(first)
        #expect(pending.claim(session: "s").map(\.id) == [2])
        #expect(pending.count == 2)
    }
    /// Pushed notices wait until a connection they went to shows it read them, or every one of
    /// them is lost with them unread; later notices are not held back meanwhile.
    @Test func pushedNoticesWaitForTheirConnections() {
        let pending = PendingNotices([Self.notice(1)])
        // Two live objects: identifiers of freed ones may be the same.
        let connections = [NSObject(), NSObject()]
        let a = ObjectIdentifier(connections[0]), b = ObjectIdentifier(connections[1])
        defer { withExtendedLifetime(connections) {} }
        pending.markPushed(pending.claim(session: "s"), to: [a, b])
        #expect(!pending.hasUnclaimed(session: "s") && pending.peek(session: "s").isEmpty)
        pending.add([Self.notice(2)])
        #expect(pending.claim(session: "s").map(\.id) == [2], "a push on its way holds nothing back")
        pending.unclaim([Self.notice(2)])
        // One of the two lost: the other may still read it.
        #expect(pending.givePushedBack(connection: a).isEmpty)
        #expect(pending.peek(session: "s").map(\.id) == [2])
        // Both lost: it waits again, before the later one.
        #expect(pending.givePushedBack(connection: b) == ["s"])
        #expect(pending.claim(session: "s").map(\.id) == [1, 2])
    }

    @Test func aConnectionThatReadItsPushTakesTheNotices() {
        let pending = PendingNotices([Self.notice(1), Self.notice(3, session: "t")])
        let a = ObjectIdentifier(NSObject())
        pending.markPushed(pending.claim(session: "s"), to: [a])
        pending.markPushed(pending.claim(session: "t"), to: [a])
        #expect(Set(pending.takePushed(connection: a).map(\.id)) == [1, 3])
        #expect(pending.takePushed(connection: a).isEmpty && pending.givePushedBack(connection: a).isEmpty)
        #expect(pending.count == 2, "claimed until the store deletes them")
    }
}
