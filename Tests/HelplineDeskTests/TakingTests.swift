import Foundation
import HelplineDesk
import HelplineDialogue
import Testing

/// No appeal goes to two specialists: taking removes it from the waiting set and assigns it in
/// one step, whether specialists take in turn or all at once through the actor.
struct TakingTests {
    private static func appeals(_ count: Int) -> [DeskAppeal] {
        (0..<count).map { index in
            let queue: Queue = index % 3 == 0 ? .premiumSeller : .regular
            return Fixture.appeal("a\(index)", queue: queue, minutes: Double(index) / 10)
        }
    }

    /// Five specialists taking in turn share 40 appeals: each appeal once, none left over.
    @Test func inTurn() throws {
        let ids = (1...5).map { "sp-\($0)" }
        var desk = try Fixture.desk(Self.appeals(40), specialists: ids.map { ($0, "general") })
        var taken: [String] = []
        var round = 0
        while true {
            let id = ids[round % ids.count]
            round += 1
            guard let appeal = try desk.takeNext(specialist: id, now: Fixture.at(5)).appeal else { break }
            #expect(appeal.specialist == id)
            taken.append(appeal.id)
        }
        #expect(taken.count == 40 && Set(taken).count == 40)
        #expect(desk.appeals.values.allSatisfy { $0.state == .taken })
    }

    /// Twelve specialists taking concurrently through ``SharedDesk`` until nothing is left:
    /// every appeal is taken exactly once, and held by whoever got it.
    @Test func concurrently() async throws {
        let ids = (1...12).map { "sp-\($0)" }
        let shared = SharedDesk(try Fixture.desk(Self.appeals(200), specialists: ids.map { ($0, "general") }))
        let results = try await withThrowingTaskGroup(of: [(String, String)].self) { group in
            for id in ids {
                group.addTask {
                    var mine: [(String, String)] = []
                    while let appeal = try await shared.takeNext(specialist: id, now: Fixture.at(30)).appeal {
                        mine.append((appeal.id, id))
                        await Task.yield()
                    }
                    return mine
                }
            }
            var all: [(String, String)] = []
            for try await mine in group { all += mine }
            return all
        }
        #expect(results.count == 200)
        #expect(Set(results.map(\.0)).count == 200)
        let desk = await shared.desk
        for (appeal, specialist) in results {
            #expect(desk.appeals[appeal]?.specialist == specialist)
        }
    }

    /// The concurrent takes still follow the serving order: the Premium sellers' appeals are all
    /// taken before the first regular one.
    @Test func concurrentTakesKeepTheOrder() async throws {
        let ids = (1...4).map { "sp-\($0)" }
        let shared = SharedDesk(try Fixture.desk(Self.appeals(60), specialists: ids.map { ($0, "general") }))
        let order = try await withThrowingTaskGroup(of: [(Int, Queue)].self) { group in
            for id in ids {
                group.addTask {
                    var mine: [(Int, Queue)] = []
                    while true {
                        // The take and its place in the sequence, in one step on the actor.
                        let step = try await shared.perform { desk -> (Int, Queue)? in
                            let before = desk.appeals.values.count(where: { $0.state != .waiting })
                            guard let appeal = try desk.takeNext(specialist: id, now: Fixture.at(10)).appeal else {
                                return nil
                            }
                            return (before, appeal.queue)
                        }
                        guard let step else { return mine }
                        mine.append(step)
                    }
                }
            }
            var all: [(Int, Queue)] = []
            for try await mine in group { all += mine }
            return all.sorted { $0.0 < $1.0 }
        }
        let queues = order.map(\.1)
        let premium = queues.count(where: { $0 == .premiumSeller })
        #expect(queues.prefix(premium).allSatisfy { $0 == .premiumSeller })
        #expect(queues.count == 60)
    }

    /// A taken appeal is no longer offered, even to a specialist with a wider scope.
    @Test func takenIsNotOfferedAgain() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        try desk.signIn(id: "sp-2", name: "Олег", serves: .scope(.everything), at: Fixture.start)
        #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(1)).appeal?.id == "a")
        #expect(try desk.takeNext(specialist: "sp-2", now: Fixture.at(1)).appeal == nil)
    }
}
