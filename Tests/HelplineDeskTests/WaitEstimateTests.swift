import Foundation
import HelplineDesk
import HelplineDialogue
import Testing

/// Honest waits: the place in the queue, the specialists serving it and recent handling times,
/// with the seed's averages while there is no history.
struct WaitEstimateTests {
    /// A desk whose regular queue has handled appeals in 1, 2 and 3 minutes (median 2, 90th
    /// percentile 3), with `specialists` general specialists on duty and `waiting` regular appeals.
    private func desk(specialists: Int, waiting: Int) throws -> Desk {
        let history = DeskHistory(handling: ["regular": [60, 120, 180]])
        var desk = Desk(rules: Fixture.rules, state: DeskState(history: history))
        for index in 0..<specialists {
            try desk.signIn(id: "sp-\(index + 1)", name: "Специалист", serves: .role("general"), at: Fixture.start)
        }
        for index in 0..<waiting {
            _ = try desk.file(Fixture.appeal("a\(index + 1)", minutes: Double(index)), at: Fixture.at(Double(index)))
        }
        return desk
    }

    /// With no history the estimate is the seed's average of the queue: 5–10 minutes in the chat,
    /// 1–3 for Premium sellers; Travel's priority queue quotes the chat's average.
    @Test func seedAveragesWithoutHistory() throws {
        let desk = try Fixture.desk([
            Fixture.appeal("r"), Fixture.appeal("p", queue: .premiumSeller),
            Fixture.appeal("t", topic: "travel", queue: .travelPriority),
        ], specialists: [("sp-1", "general"), ("sp-2", "travel")])
        let regular = try desk.waitStatus(appeal: "r", now: Fixture.at(1))
        #expect(regular.estimate == WaitEstimate(minutes: [5, 10], basis: .average))
        #expect(regular.position == 2)  // the Premium seller's appeal goes first
        #expect(regular.text == "Перед вашим обращением № r в очереди 1 обращение. Среднее время ответа специалиста — 5–10 минут.")
        let premium = try desk.waitStatus(appeal: "p", now: Fixture.at(1))
        #expect(premium.estimate?.minutes == [1, 3] && premium.position == 1)
        #expect(premium.text == "Ваше обращение № p — первое в очереди. Среднее время ответа специалиста — 1–3 минуты.")
        #expect(try desk.waitStatus(appeal: "t", now: Fixture.at(1)).estimate?.minutes == [5, 10])
    }

    /// With history: ceil(position / specialists) handling times, low at the median, high at the
    /// 90th percentile.
    @Test func liveEstimateFromPositionAndSpecialists() throws {
        let one = try desk(specialists: 1, waiting: 3)
        #expect(try one.waitStatus(appeal: "a1", now: Fixture.at(3)).estimate == WaitEstimate(minutes: [2, 3], basis: .live))
        let third = try one.waitStatus(appeal: "a3", now: Fixture.at(3))
        #expect(third.position == 3 && third.estimate?.minutes == [6, 9])
        #expect(third.text == "Перед вашим обращением № a3 в очереди 2 обращения. Ожидаемое время ответа — 6–9 минут.")
        let two = try desk(specialists: 2, waiting: 3)
        #expect(try two.waitStatus(appeal: "a3", now: Fixture.at(3)).estimate?.minutes == [4, 6])
    }

    /// The estimate moves as the queue moves: each appeal taken ahead brings the place and the
    /// wait down.
    @Test func estimateMovesWithTheQueue() throws {
        var desk = try desk(specialists: 1, waiting: 4)
        var seen: [[Int]] = []
        var places: [Int] = []
        for _ in 0..<3 {
            let status = try desk.waitStatus(appeal: "a4", now: Fixture.at(5))
            places.append(status.position ?? 0)
            seen.append(status.estimate?.minutes ?? [])
            _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(5))
        }
        #expect(places == [4, 3, 2])
        #expect(seen == [[8, 12], [6, 9], [4, 6]])
        #expect(try desk.waitStatus(appeal: "a4", now: Fixture.at(5)).text
            == "Ваше обращение № a4 — первое в очереди. Ожидаемое время ответа — 2–3 минуты.")
    }

    /// Handling times come from real answers: taking to the first reply or question.
    @Test func historyFromAnswers() throws {
        var desk = try Fixture.desk((1...4).map { Fixture.appeal("a\($0)") }, specialists: [("sp-1", "general")])
        for (index, minutes) in [1.0, 2, 3].enumerated() {
            let start = Fixture.at(Double(index) * 10)
            let id = try #require(desk.takeNext(specialist: "sp-1", now: start).appeal?.id)
            _ = try desk.reply(appeal: id, specialist: "sp-1", text: "Ответ", now: start.addingTimeInterval(minutes * 60))
            // A second reply is not a first answer: it does not count again.
            _ = try desk.ask(appeal: id, specialist: "sp-1", text: "Уточните", now: start.addingTimeInterval(minutes * 120))
        }
        #expect(desk.history.handling(.regular) == [60, 120, 180])
        #expect(try desk.waitStatus(appeal: "a4", now: Fixture.at(30)).estimate == WaitEstimate(minutes: [2, 3], basis: .live))
    }

    /// With nobody on duty who serves it, the estimate is the queue's average, history or not; the
    /// place counts what the roles that serve it would take first.
    @Test func nobodyOnDuty() throws {
        let history = DeskHistory(handling: ["regular": [60, 120, 180]])
        var desk = Desk(rules: Fixture.rules, state: DeskState(history: history))
        for appeal in [Fixture.appeal("t", topic: "travel", minutes: 0), Fixture.appeal("p", queue: .premiumSeller, minutes: 1),
                       Fixture.appeal("r", minutes: 2)] {
            _ = try desk.file(appeal, at: appeal.createdAt)
        }
        let status = try desk.waitStatus(appeal: "r", now: Fixture.at(3))
        #expect(status.specialists == 0 && status.estimate == WaitEstimate(minutes: [5, 10], basis: .average))
        #expect(status.position == 2)  // the Premium seller's appeal, not the Travel one
    }

    /// The place counts only appeals that the specialists who serve this one would take first.
    @Test func positionCountsOnlyCompetingAppeals() throws {
        let desk = try Fixture.desk([
            Fixture.appeal("t1", topic: "travel", queue: .travelPriority, minutes: 0),
            Fixture.appeal("t2", topic: "travel", minutes: 1),
            Fixture.appeal("d1", minutes: 2),
            Fixture.appeal("d2", minutes: 3),
        ], specialists: [("sp-1", "general"), ("sp-2", "travel")])
        #expect(try desk.waitStatus(appeal: "d2", now: Fixture.at(4)).position == 2)
        #expect(try desk.waitStatus(appeal: "t2", now: Fixture.at(4)).position == 2)
    }

    /// «сколько ждать?» and its variants are recognised as a whole message; a longer question is not.
    @Test func waitQuestions() {
        for text in ["Сколько ждать?", "сколько ещё ждать", "Долго ещё ждать?!", "когда ответят", "/queue"] {
            #expect(Fixture.rules.isWaitQuestion(text), "\(text)")
        }
        for text in ["сколько ждать возврат денег", "ждать", "спасибо"] {
            #expect(!Fixture.rules.isWaitQuestion(text), "\(text)")
        }
    }

    /// Asked once a specialist has it, has answered, or it is closed, the customer hears that.
    @Test func statusAfterWaiting() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        let taken = try desk.waitStatus(appeal: "a", now: Fixture.at(1))
        #expect(taken.state == .taken && taken.position == nil && taken.estimate == nil)
        #expect(taken.text == "Обращение № a уже у специалиста — ответ придёт сюда, в чат.")
        _ = try desk.reply(appeal: "a", specialist: "sp-1", text: "Готово", now: Fixture.at(2))
        #expect(try desk.waitStatus(appeal: "a", now: Fixture.at(2)).text
            == "Специалист ответил на обращение № a. Если остались вопросы, просто напишите.")
        _ = try desk.close(appeal: "a", specialist: "sp-1", now: Fixture.at(3))
        #expect(try desk.waitStatus(appeal: "a", now: Fixture.at(3)).text
            == "Обращение № a закрыто. Если вопрос остался, напишите «новое обращение».")
    }

    /// Russian forms agree with the number.
    @Test func forms() {
        let prompts = Fixture.rules.prompts
        #expect([1, 2, 5, 11, 21, 22, 112].map(prompts.appeals) == [
            "1 обращение", "2 обращения", "5 обращений", "11 обращений", "21 обращение", "22 обращения", "112 обращений",
        ])
        #expect(prompts.eta([1, 3]) == "1–3 минуты")
        #expect(prompts.eta([5, 10]) == "5–10 минут")
        #expect(prompts.eta([4, 4]) == "4 минуты")
        #expect(prompts.eta([21, 21]) == "21 минута")
    }
}
