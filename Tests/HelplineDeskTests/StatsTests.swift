import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineIntents
import Testing

/// The figures for `stats`: per-queue waits at p50 and p90, answers per hour, bounded history.
struct StatsTests {
    /// Three regular appeals filed at 0 and first answered at minutes 2, 5 and 10: waits of 120,
    /// 300 and 600 seconds; p50 300, p90 600; three answers in the hour, one fewer an hour on.
    @Test func waitsAndAnswersPerHour() throws {
        var desk = try Fixture.desk([Fixture.appeal("a"), Fixture.appeal("b"), Fixture.appeal("c")],
                                    specialists: [("sp-1", "general")])
        for (id, minute) in [("a", 2.0), ("b", 5), ("c", 10)] {
            #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(minute - 1)).appeal?.id == id)
            _ = try desk.reply(appeal: id, specialist: "sp-1", text: "Ответ", now: Fixture.at(minute))
        }
        let stats = desk.stats(now: Fixture.at(10))
        let regular = try #require(stats.queues.first { $0.queue == .regular })
        #expect(regular.waitP50Seconds == 300 && regular.waitP90Seconds == 600 && regular.samples == 3)
        #expect(regular.answeredPerHour == 3 && stats.answeredPerHour == 3)
        let premium = try #require(stats.queues.first { $0.queue == .premiumSeller })
        #expect(premium.waitP50Seconds == nil && premium.answeredPerHour == 0)
        #expect(desk.stats(now: Fixture.at(62)).answeredPerHour == 2)
        #expect(desk.stats(now: Fixture.at(71)).answeredPerHour == 0)
        #expect(stats.specialistsOnDuty == 1)
    }

    /// The queues are listed highest rank first.
    @Test func queueOrder() throws {
        let desk = try Fixture.desk()
        #expect(desk.stats(now: Fixture.start).queues.map(\.queue) == [.premiumSeller, .travelPriority, .regular])
        #expect(desk.overview(for: nil, now: Fixture.start).queues.map(\.queue) == [.premiumSeller, .travelPriority, .regular])
    }

    /// The history keeps the last `window` handling times and waits per queue.
    @Test func historyIsBounded() throws {
        let yaml = Fixture.yaml.replacingOccurrences(of: "window: 50", with: "window: 3")
        let rules = try DeskRules(yaml: yaml, averages: Fixture.averages)
        var desk = Desk(rules: rules)
        try desk.signIn(id: "sp-1", name: "Мария", serves: .role("general"), at: Fixture.start)
        for index in 1...5 {
            _ = try desk.file(Fixture.appeal("a\(index)"), at: Fixture.start)
            let now = Fixture.at(Double(index))
            _ = try desk.takeNext(specialist: "sp-1", now: now)
            _ = try desk.reply(appeal: "a\(index)", specialist: "sp-1", text: "Ответ", now: now.addingTimeInterval(Double(index)))
        }
        #expect(desk.history.handling(.regular) == [3, 4, 5])
        #expect(desk.history.waits(.regular).count == 3)
    }

    /// The overview: per queue and topic, the oldest wait, the appeals being worked on, and the
    /// asking specialist's own appeals.
    @Test func overview() throws {
        var desk = try Fixture.desk([
            Fixture.appeal("d1", minutes: 0), Fixture.appeal("d2", minutes: 1),
            Fixture.appeal("r1", topic: "returns", minutes: 2),
            Fixture.appeal("p1", queue: .premiumSeller, minutes: 3),
        ], specialists: [("sp-1", "general")])
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(4))
        let overview = desk.overview(for: "sp-1", now: Fixture.at(5))
        let regular = try #require(overview.queues.first { $0.queue == .regular })
        #expect(regular.waiting == 3 && regular.topics == ["delivery": 2, "returns": 1])
        #expect(regular.oldestWaitSeconds == 300)
        #expect(overview.queues.first { $0.queue == .premiumSeller }?.waiting == 0)
        #expect(overview.taken == 1 && overview.answered == 0 && overview.onDuty == 1)
        #expect(overview.mine.map(\.id) == ["p1"])
    }
}
