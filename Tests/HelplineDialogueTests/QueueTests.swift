import Foundation
import HelplineDialogue
import Testing

struct QueueTests {
    private let hour: TimeInterval = 3600

    /// Makes an appeal on `topic` (a menu number) about the first offered order, or without one.
    private func appeal(profile: Profile, topic: String, order: String = "1", now: Date = Fixture.now) throws -> Turn {
        let engine = try Fixture.engine()
        var c = engine.start(id: "q", profile: profile, now: now).0
        _ = engine.handle(topic, in: &c, now: now)
        if c.state == .chooseOrder { _ = engine.handle(order, in: &c, now: now) }
        return engine.handle("Подскажите по заказу, пожалуйста", in: &c, now: now)
    }

    /// An ordinary customer waits in the regular queue, 5–10 minutes, as the seed says.
    @Test func regularQueue() throws {
        let ticket = try #require(try appeal(profile: Fixture.customer(), topic: "1").reply.ticket)
        #expect(ticket.queue == .regular && ticket.etaMinutes == [5, 10])
    }

    /// Premium sellers get their priority queue, 1–3 minutes, stated in the reply.
    @Test func premiumSellerQueue() throws {
        let turn = try appeal(profile: Fixture.customer(premiumSeller: true), topic: "14")
        let ticket = try #require(turn.reply.ticket)
        #expect(ticket.queue == .premiumSeller && ticket.etaMinutes == [1, 3])
        #expect(turn.reply.text.contains("1–3 минуты"))
    }

    /// Premium buyers have no priority since 1 March 2023: regular queue, and the reply says so.
    @Test func premiumBuyerIsRegular() throws {
        let engine = try Fixture.engine()
        let turn = try appeal(profile: Fixture.customer(premium: true), topic: "1")
        #expect(turn.reply.ticket?.queue == .regular)
        #expect(turn.reply.text.contains(engine.prompts.text(.premiumBuyerNote)))
    }

    /// Travel bookings that qualify go to the Ozon Travel priority queue: a hotel, the «Приоритет» or
    /// «Всё включено» package in any spelling, a trip starting in less than a day.
    @Test(arguments: [
        Order(id: "50000000-0001", title: "Отель", kind: .hotel, startsAt: Fixture.now.addingTimeInterval(30 * 24 * 3600)),
        Order(id: "50000000-0002", title: "Тур", kind: .tour, package: "Приоритет"),
        Order(id: "50000000-0003", title: "Тур", kind: .tour, package: "Всё включено"),
        Order(id: "50000000-0004", title: "Тур", kind: .tour, package: "все ВКЛЮЧЕНО"),
        Order(id: "50000000-0005", title: "Поезд", kind: .train, startsAt: Fixture.now.addingTimeInterval(23 * 3600)),
        Order(id: "50000000-0006", title: "Рейс", kind: .flight, startsAt: Fixture.now.addingTimeInterval(60)),
    ])
    func travelPriority(order: Order) throws {
        let turn = try appeal(profile: Fixture.customer(orders: [order]), topic: "13")
        let ticket = try #require(turn.reply.ticket)
        #expect(ticket.queue == .travelPriority && ticket.order == order.id)
        #expect(ticket.etaMinutes == (try Fixture.rules()).eta(.travelPriority))
        #expect(turn.reply.text.contains(try Fixture.prompts().queueName(.travelPriority)))
    }

    /// Other travel bookings wait in the regular queue: a trip 25 hours away, one already under way,
    /// one with another package, and an appeal without a booking.
    @Test(arguments: [
        Order(id: "60000000-0001", title: "Поезд", kind: .train, startsAt: Fixture.now.addingTimeInterval(25 * 3600)),
        Order(id: "60000000-0002", title: "Рейс", kind: .flight, startsAt: Fixture.now.addingTimeInterval(-3600)),
        Order(id: "60000000-0003", title: "Тур", kind: .tour, package: "Базовый"),
        Order(id: "60000000-0004", title: "Рейс", kind: .flight),
    ])
    func travelRegular(order: Order) throws {
        let ticket = try #require(try appeal(profile: Fixture.customer(orders: [order]), topic: "13").reply.ticket)
        #expect(ticket.queue == .regular && ticket.etaMinutes == [5, 10])
        let none = try #require(try appeal(profile: Fixture.customer(orders: [order]), topic: "13", order: "2").reply.ticket)
        #expect(none.order == nil && none.queue == .regular)
    }

    /// The same trip is priority 23 hours before it starts and regular 25 hours before: the clock is the caller's.
    @Test func injectedClockDecides() throws {
        let start = Fixture.now.addingTimeInterval(100 * hour)
        let trip = Order(id: "70000000-0001", title: "Поезд", kind: .train, startsAt: start)
        let profile = Fixture.customer(orders: [trip])
        let early = try appeal(profile: profile, topic: "13", now: start.addingTimeInterval(-25 * hour)).reply.ticket
        let late = try appeal(profile: profile, topic: "13", now: start.addingTimeInterval(-23 * hour)).reply.ticket
        #expect(early?.queue == .regular)
        #expect(late?.queue == .travelPriority)
    }

    /// Corporate clients are priority in travel even without a booking.
    @Test func corporateTravel() throws {
        let turn = try appeal(profile: Fixture.customer(corporate: true, orders: []), topic: "13")
        #expect(turn.reply.ticket?.queue == .travelPriority && turn.reply.ticket?.order == nil)
    }

    /// Travel rules apply to travel appeals even for Premium sellers; their priority is for the rest.
    @Test func premiumSellerInTravelFollowsTravelRules() throws {
        let order = Order(id: "80000000-0001", title: "Рейс", kind: .flight, startsAt: Fixture.now.addingTimeInterval(72 * hour))
        let turn = try appeal(profile: Fixture.customer(premiumSeller: true, orders: [order]), topic: "13")
        #expect(turn.reply.ticket?.queue == .regular)
    }

    /// A direct request for a specialist follows the non-travel rules.
    @Test func generalTopicQueue() throws {
        let rules = try Fixture.rules()
        #expect(rules.queue(topic: "general", order: nil, profile: Fixture.customer(premiumSeller: true), now: Fixture.now)
                == .premiumSeller)
        #expect(rules.queue(topic: "general", order: nil, profile: Fixture.customer(), now: Fixture.now) == .regular)
    }
}
