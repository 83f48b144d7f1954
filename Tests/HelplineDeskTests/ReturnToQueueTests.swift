import Foundation
import HelplineDesk
import HelplineDialogue
import Testing

/// Appeals going back to the queue — released, transferred, or left by a specialist who went
/// away — keep their arrival time and so their place.
struct ReturnToQueueTests {
    /// A released appeal is taken again before appeals that came after it, by anyone who serves it;
    /// the customer is told their place is kept; the releaser is not announced their own appeal.
    @Test func releaseKeepsThePlace() throws {
        var desk = try Fixture.desk([Fixture.appeal("a", minutes: 0), Fixture.appeal("b", minutes: 1)],
                                    specialists: [("sp-1", "general"), ("sp-2", "general")])
        #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(2)).appeal?.id == "a")
        let released = try desk.release(appeal: "a", specialist: "sp-1", now: Fixture.at(3))
        #expect(released.appeal?.state == .waiting && released.appeal?.specialist == nil)
        #expect(released.appeal?.arrivedAt == Fixture.at(0))
        #expect(released.notices.map(\.text) == ["Обращение № a снова в очереди — место сохранено, ответит первый освободившийся специалист."])
        #expect(released.events.map(\.specialist) == ["sp-2"])
        #expect(try desk.takeNext(specialist: "sp-2", now: Fixture.at(4)).appeal?.id == "a")
    }

    /// An appeal passed back to the queue `maximumReturns` times is not passed back again: the
    /// specialist holding it answers or closes it; its conversation and the customer's notices stop
    /// growing.
    @Test func passingBackIsBounded() throws {
        var desk = try Fixture.desk([Fixture.appeal("a", minutes: 0)], specialists: [("sp-1", "general")])
        var minute = 1.0
        for round in 0..<Desk.maximumReturns {
            #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(minute)).appeal?.id == "a")
            if round.isMultiple(of: 2) {
                _ = try desk.release(appeal: "a", specialist: "sp-1", now: Fixture.at(minute + 0.5))
            } else {
                _ = try desk.transfer(appeal: "a", specialist: "sp-1", topic: nil,
                                      queue: round % 4 == 1 ? .premiumSeller : .regular, now: Fixture.at(minute + 0.5))
            }
            minute += 1
        }
        #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(minute)).appeal?.id == "a")
        let entries = try desk.show(appeal: "a").conversation.count
        #expect(throws: DeskError.self) { try desk.release(appeal: "a", specialist: "sp-1", now: Fixture.at(minute)) }
        do {
            _ = try desk.transfer(appeal: "a", specialist: "sp-1", topic: "returns", queue: nil, now: Fixture.at(minute))
            Issue.record("a transfer past the limit was made")
        } catch {
            #expect(error.code == .appealFull)
        }
        #expect(try desk.show(appeal: "a").conversation.count == entries)
        #expect(try desk.show(appeal: "a").state == .taken)
        let answered = try desk.reply(appeal: "a", specialist: "sp-1", text: "Ответили по сути.", now: Fixture.at(minute + 1))
        #expect(answered.appeal?.state == .answered)
    }

    /// A transfer to Ozon Travel's priority queue: the general specialist lets it go, the Travel
    /// specialist takes it before Travel's general queue, at its old arrival time.
    @Test func transferToAnotherTopicAndQueue() throws {
        var desk = try Fixture.desk([
            Fixture.appeal("hotel", topic: "delivery", minutes: 0),
            Fixture.appeal("trip", topic: "travel", minutes: 1),
        ], specialists: [("sp-1", "general"), ("sp-2", "travel")])
        #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(2)).appeal?.id == "hotel")
        let moved = try desk.transfer(appeal: "hotel", specialist: "sp-1", topic: "travel", queue: .travelPriority,
                                      now: Fixture.at(3))
        let appeal = try #require(moved.appeal)
        #expect(appeal.topic == "travel" && appeal.queue == .travelPriority && appeal.state == .waiting)
        #expect(appeal.arrivedAt == Fixture.at(0))
        #expect(appeal.conversation.last == DeskEntry(.transferred, at: Fixture.at(3), specialist: "sp-1",
                                                      topic: "travel", queue: .travelPriority))
        #expect(moved.notices.map(\.kind) == [.transferred])
        #expect(moved.events.map(\.specialist) == ["sp-2"])
        guard case .newAppeal(_, let reason) = moved.events.first?.event else { return }
        #expect(reason == .transferred)
        #expect(try desk.takeAll("sp-2", now: Fixture.at(4)) == ["hotel", "trip"])
    }

    /// Only the queue may change, or only the topic; a transfer that changes neither is refused.
    @Test func transferMustChangeSomething() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        #expect { try desk.transfer(appeal: "a", specialist: "sp-1", topic: "delivery", queue: .regular, now: Fixture.at(2)) }
            throws: { ($0 as? DeskError)?.code == .badTransfer }
        #expect { try desk.transfer(appeal: "a", specialist: "sp-1", topic: nil, queue: nil, now: Fixture.at(2)) }
            throws: { ($0 as? DeskError)?.code == .badTransfer }
        let moved = try desk.transfer(appeal: "a", specialist: "sp-1", topic: "returns", queue: nil, now: Fixture.at(2))
        #expect(moved.appeal?.topic == "returns" && moved.appeal?.queue == .regular)
    }

    /// A transfer nobody could take is refused: a topic there is none of (once the rules know the
    /// topics), or a topic and queue no role serves (a payment question in Travel's priority queue).
    /// The appeal stays with its specialist.
    @Test func transferWhereNobodyServesIsRefused() throws {
        var rules = Fixture.rules
        try rules.checkTopics(["delivery", "returns", "payment", "travel", "seller", "general"])
        var desk = Desk(rules: rules)
        try desk.signIn(id: "sp-1", name: "Мария", serves: .role("general"), at: Fixture.start)
        _ = try desk.file(Fixture.appeal("a", topic: "payment"), at: Fixture.start)
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        #expect { try desk.transfer(appeal: "a", specialist: "sp-1", topic: "no_such_topic", queue: nil, now: Fixture.at(2)) }
            throws: { ($0 as? DeskError)?.code == .badTransfer }
        #expect { try desk.transfer(appeal: "a", specialist: "sp-1", topic: nil, queue: .travelPriority, now: Fixture.at(2)) }
            throws: { ($0 as? DeskError)?.code == .badTransfer }
        #expect(desk.appeals["a"]?.specialist == "sp-1" && desk.appeals["a"]?.queue == .regular)
        let moved = try desk.transfer(appeal: "a", specialist: "sp-1", topic: "travel", queue: .travelPriority, now: Fixture.at(2))
        #expect(moved.appeal?.topic == "travel" && moved.appeal?.queue == .travelPriority)
    }

    /// A second terminal signs in as the first did; another name or role under the same id, while
    /// the first is connected, is refused and changes nothing. After the first has gone, it may.
    @Test func aSecondSignInMustMatchTheFirst() throws {
        var desk = try Fixture.desk([], specialists: [("sp-1", "general")])
        try desk.signIn(id: "sp-1", name: "Мария", serves: .role("general"), at: Fixture.at(1))
        #expect(desk.specialists["sp-1"]?.connections == 2)
        #expect { try desk.signIn(id: "sp-1", name: "Другое имя", serves: .role("travel"), at: Fixture.at(2)) }
            throws: { ($0 as? DeskError)?.code == .signedInElsewhere }
        #expect(desk.specialists["sp-1"]?.role == "general" && desk.specialists["sp-1"]?.name == "Мария")
        _ = desk.specialistLeft("sp-1", at: Fixture.at(3))
        _ = desk.specialistLeft("sp-1", at: Fixture.at(3))
        try desk.signIn(id: "sp-1", name: "Мария", serves: .role("travel"), at: Fixture.at(4))
        #expect(desk.specialists["sp-1"]?.role == "travel")
    }

    /// A specialist who disconnects keeps their appeals for the grace period: the effect asks for
    /// a tick when it ends; a tick before that changes nothing; a tick at its end returns them.
    @Test func disconnectGrace() throws {
        let grace = Fixture.rules.graceSeconds
        #expect(grace == 120)
        var desk = try Fixture.desk([Fixture.appeal("a", minutes: 0), Fixture.appeal("b", minutes: 1),
                                     Fixture.appeal("c", minutes: 2)],
                                    specialists: [("sp-1", "general"), ("sp-2", "general")])
        #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(3)).appeal?.id == "a")
        #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(3)).appeal?.id == "b")
        let left = Fixture.at(4)
        #expect(desk.specialistLeft("sp-1", at: left) == [.wakeUp(at: left.addingTimeInterval(grace))])
        #expect(desk.nextWakeUp == left.addingTimeInterval(grace))
        #expect(desk.tick(now: left.addingTimeInterval(grace - 1)).changed.isEmpty)
        #expect(desk.appeals(heldBy: "sp-1").map(\.id) == ["a", "b"])

        let returned = desk.tick(now: left.addingTimeInterval(grace))
        #expect(returned.changed.map(\.id) == ["a", "b"])
        #expect(returned.changed.allSatisfy { $0.state == .waiting && $0.conversation.last?.kind == .returned })
        #expect(returned.notices.map(\.kind) == [.released, .released])
        #expect(returned.events.allSatisfy { $0.specialist == "sp-2" })
        #expect(desk.specialists["sp-1"] == nil && desk.nextWakeUp == nil)
        // Back at their places: before «c», which came later.
        #expect(try desk.takeAll("sp-2", now: Fixture.at(10)) == ["a", "b", "c"])
    }

    /// Coming back within the grace period keeps the appeals; the later tick returns nothing.
    @Test func reconnectWithinGrace() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        _ = desk.specialistLeft("sp-1", at: Fixture.at(2))
        #expect(throws: DeskError.self) { try desk.reply(appeal: "a", specialist: "sp-1", text: "Да", now: Fixture.at(2)) }
        try desk.signIn(id: "sp-1", name: "Мария", serves: .role("general"), at: Fixture.at(3))
        #expect(desk.nextWakeUp == nil)
        #expect(desk.tick(now: Fixture.at(10)).changed.isEmpty)
        #expect(desk.appeals["a"]?.specialist == "sp-1")
    }

    /// With two connections, losing one starts no grace period.
    @Test func secondConnectionKeepsTheSpecialistOnDuty() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        try desk.signIn(id: "sp-1", name: "Мария", serves: .role("general"), at: Fixture.start)
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        #expect(desk.specialistLeft("sp-1", at: Fixture.at(2)).isEmpty)
        #expect(desk.tick(now: Fixture.at(60)).changed.isEmpty)
        #expect(desk.specialists["sp-1"]?.isOnDuty == true)
    }

    /// Signing out returns the appeals at once.
    @Test func signOutReturnsAtOnce() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        let out = desk.signOut("sp-1", at: Fixture.at(2))
        #expect(out.changed.map(\.id) == ["a"] && out.changed.first?.state == .waiting)
        #expect(desk.specialists["sp-1"] == nil)
    }

    /// After a restart nobody is connected: every specialist gets the grace period from then.
    @Test func restartStartsTheGrace() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        var reloaded = Desk(rules: Fixture.rules, state: desk.state)
        let effects = reloaded.restarted(at: Fixture.at(5))
        #expect(effects == [.wakeUp(at: Fixture.at(5).addingTimeInterval(Fixture.rules.graceSeconds))])
        #expect(reloaded.tick(now: Fixture.at(7)).changed.map(\.id) == ["a"])
    }
}
