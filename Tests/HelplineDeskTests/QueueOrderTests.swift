import Foundation
import HelplineDesk
import HelplineDialogue
import Testing

/// The order specialists take appeals in: the seed's priorities, oldest first, only what they serve.
struct QueueOrderTests {
    /// A Premium seller's appeal is taken before a regular one that came earlier.
    @Test func premiumSellerBeforeRegular() throws {
        var desk = try Fixture.desk([
            Fixture.appeal("r-1", minutes: 0),
            Fixture.appeal("p-1", queue: .premiumSeller, minutes: 1),
            Fixture.appeal("r-2", minutes: 2),
        ], specialists: [("sp-1", "general")])
        #expect(try desk.takeAll("sp-1", now: Fixture.at(3)) == ["p-1", "r-1", "r-2"])
    }

    /// Ozon Travel's priority queue (hotel, corporate, packages, trips within a day) goes before
    /// its general queue.
    @Test func travelPriorityBeforeTravelRegular() throws {
        var desk = try Fixture.desk([
            Fixture.appeal("t-1", topic: "travel", minutes: 0),
            Fixture.appeal("t-2", topic: "travel", minutes: 1),
            Fixture.appeal("tp-1", topic: "travel", queue: .travelPriority, minutes: 2),
            Fixture.appeal("tp-2", topic: "travel", queue: .travelPriority, minutes: 3),
        ], specialists: [("sp-1", "travel")])
        #expect(try desk.takeAll("sp-1", now: Fixture.at(4)) == ["tp-1", "tp-2", "t-1", "t-2"])
    }

    /// The general queue is served in order of arrival, and a tie in time by order of filing.
    @Test func generalQueueInOrderOfArrival() throws {
        var desk = try Fixture.desk([
            Fixture.appeal("a", minutes: 0), Fixture.appeal("b", minutes: 0),
            Fixture.appeal("c", minutes: 0.5), Fixture.appeal("d", minutes: 1),
        ], specialists: [("sp-1", "general")])
        #expect(try desk.takeAll("sp-1", now: Fixture.at(2)) == ["a", "b", "c", "d"])
    }

    /// The two priority queues share a rank: a specialist serving both takes them by arrival.
    @Test func priorityQueuesShareARank() throws {
        let scope = ServiceScope.everything
        var desk = try Fixture.desk([
            Fixture.appeal("tp", topic: "travel", queue: .travelPriority, minutes: 0),
            Fixture.appeal("r", minutes: 0.5),
            Fixture.appeal("p", queue: .premiumSeller, minutes: 1),
        ])
        try desk.signIn(id: "sp-9", name: "Ирина", serves: .scope(scope), at: Fixture.start)
        #expect(try desk.takeAll("sp-9", now: Fixture.at(2)) == ["tp", "p", "r"])
    }

    /// Each role takes only what it serves: travel stays with Travel, seller questions and every
    /// Premium seller's appeal with seller support.
    @Test func specialistsTakeOnlyWhatTheyServe() throws {
        let appeals = [
            Fixture.appeal("delivery", minutes: 0),
            Fixture.appeal("travel", topic: "travel", minutes: 1),
            Fixture.appeal("seller", topic: "seller", minutes: 2),
            Fixture.appeal("premium-delivery", queue: .premiumSeller, minutes: 3),
        ]
        var desk = try Fixture.desk(appeals, specialists: [("sp-1", "seller")])
        #expect(try desk.takeAll("sp-1", now: Fixture.at(4)) == ["premium-delivery", "seller"])
        try desk.signIn(id: "sp-2", name: "Олег", serves: .role("travel"), at: Fixture.at(4))
        #expect(try desk.takeAll("sp-2", now: Fixture.at(4)) == ["travel"])
        try desk.signIn(id: "sp-3", name: "Ирина", serves: .role("general"), at: Fixture.at(4))
        #expect(try desk.takeAll("sp-3", now: Fixture.at(4)) == ["delivery"])
    }

    /// Nothing to take is no error: the outcome has no appeal and changes nothing.
    @Test func nothingToTake() throws {
        var desk = try Fixture.desk([Fixture.appeal("t", topic: "travel")], specialists: [("sp-1", "general")])
        let outcome = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        #expect(outcome.appeal == nil && outcome.effects.isEmpty)
        #expect(desk.appeals["t"]?.state == .waiting)
    }

    /// Only a signed-in specialist takes appeals; an unknown role is refused at sign-in.
    @Test func signInIsRequired() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")])
        #expect(throws: DeskError.self) { try desk.takeNext(specialist: "sp-1", now: Fixture.at(1)) }
        #expect { try desk.signIn(id: "sp-1", name: "Мария", serves: .role("boss"), at: Fixture.start) } throws: {
            ($0 as? DeskError)?.code == .unknownRole && "\($0)".contains("general, seller, travel")
        }
    }

    /// Taking tells the customer who has the appeal, and marks it in the conversation.
    @Test func takingTellsTheCustomer() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        let outcome = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        let appeal = try #require(outcome.appeal)
        #expect(appeal.state == .taken && appeal.specialist == "sp-1" && appeal.takenAt == Fixture.at(1))
        #expect(appeal.conversation.last?.kind == .taken)
        #expect(outcome.effects == [.deliver(session: "session-a", CustomerNotice(
            appeal: "a", kind: .taken, text: "Обращением № a занимается специалист Мария.", specialist: "Мария",
            at: Fixture.at(1)))])
    }
}
