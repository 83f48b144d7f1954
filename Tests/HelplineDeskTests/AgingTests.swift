import Foundation
import HelplineDesk
import HelplineDialogue
import Testing

/// Nobody starves: a general-queue appeal that has waited `max_wait_minutes` (20) is served
/// before the priority queues. The clock is the `now` passed in.
struct AgingTests {
    private let limit = 20.0

    /// The shipped figure: 20 minutes for the general queue; the priority queues need none.
    @Test func shippedLimit() {
        #expect(Fixture.rules.maxWait(.regular) == limit * 60)
        #expect(Fixture.rules.maxWait(.premiumSeller) == nil && Fixture.rules.maxWait(.travelPriority) == nil)
    }

    /// A second before its limit the regular appeal still waits behind a Premium seller; at the
    /// limit it goes first.
    @Test func overdueGoesFirst() throws {
        let appeals = [Fixture.appeal("r", minutes: 0), Fixture.appeal("p", queue: .premiumSeller, minutes: 5)]
        var before = try Fixture.desk(appeals, specialists: [("sp-1", "general")])
        #expect(try before.takeNext(specialist: "sp-1", now: Fixture.at(limit - 1.0 / 60)).appeal?.id == "p")
        var at = try Fixture.desk(appeals, specialists: [("sp-1", "general")])
        #expect(try at.takeNext(specialist: "sp-1", now: Fixture.at(limit)).appeal?.id == "r")
    }

    /// A steady stream of Premium sellers cannot hold a regular appeal past the limit: every
    /// minute a new one comes and one is taken; the regular one is taken at minute 20.
    @Test func steadyPriorityStreamDoesNotStarveTheGeneralQueue() throws {
        var desk = try Fixture.desk([Fixture.appeal("regular", minutes: 0)], specialists: [("sp-1", "general")])
        var takenAt: Double?
        for minute in 0..<30 {
            _ = try desk.file(Fixture.appeal("p\(minute)", queue: .premiumSeller, minutes: Double(minute)),
                              at: Fixture.at(Double(minute)))
            let taken = try desk.takeNext(specialist: "sp-1", now: Fixture.at(Double(minute) + 0.5)).appeal
            if taken?.id == "regular" {
                takenAt = Double(minute) + 0.5
                break
            }
            #expect(taken?.queue == .premiumSeller)
        }
        #expect(takenAt == limit + 0.5)
    }

    /// Overdue appeals among themselves go by arrival; the rest follow in the usual order.
    @Test func overdueAmongThemselvesByArrival() throws {
        var desk = try Fixture.desk([
            Fixture.appeal("r1", minutes: 0), Fixture.appeal("r2", minutes: 3),
            Fixture.appeal("p1", queue: .premiumSeller, minutes: 10), Fixture.appeal("r3", minutes: 15),
        ], specialists: [("sp-1", "general")])
        // At minute 24 r1 and r2 are overdue, r3 is not.
        #expect(try desk.takeAll("sp-1", now: Fixture.at(24)) == ["r1", "r2", "p1", "r3"])
    }

    /// The overview counts overdue appeals and the oldest wait, as the clock moves.
    @Test func overviewShowsOverdue() throws {
        let desk = try Fixture.desk([Fixture.appeal("r1", minutes: 0), Fixture.appeal("r2", minutes: 10)])
        let early = try #require(desk.overview(for: nil, now: Fixture.at(15)).queues.first { $0.queue == .regular })
        #expect(early.overdue == 0 && early.waiting == 2 && early.oldestWaitSeconds == 15 * 60)
        let late = try #require(desk.overview(for: nil, now: Fixture.at(25)).queues.first { $0.queue == .regular })
        #expect(late.overdue == 1 && late.oldestWaitSeconds == 25 * 60)
    }

    /// The serving order at a moment, as `waitingInOrder` reports it, changes as time passes.
    @Test func orderChangesWithTheClock() throws {
        let desk = try Fixture.desk([Fixture.appeal("r", minutes: 0), Fixture.appeal("p", queue: .premiumSeller, minutes: 1)])
        #expect(desk.waitingInOrder(now: Fixture.at(2)).map(\.id) == ["p", "r"])
        #expect(desk.waitingInOrder(now: Fixture.at(21)).map(\.id) == ["r", "p"])
    }
}
