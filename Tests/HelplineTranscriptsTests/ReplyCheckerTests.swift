import Foundation
import HelplineDialogue
import HelplineIntents
import Testing
@testable import HelplineTranscripts

struct ReplyCheckerTests {
    static let ticket = Ticket(id: "s-1", topic: "returns", order: "31415926-0001", queue: .regular,
                               etaMinutes: [5, 10], messages: ["Не работает"], createdAt: Date(timeIntervalSince1970: 0))

    static let submitted = Reply(
        state: .submitted,
        text: "Обращение № s-1 передано специалисту.\nТема: Возвраты и возврат денег.\nОчередь: общая очередь чата.",
        options: [ReplyOption(key: "1", label: "Новое обращение", value: "new")],
        intent: nil,
        ticket: ticket
    )

    static let orderStep = Reply(
        state: .chooseOrder,
        text: "Выберите заказ, о котором вопрос.",
        options: [ReplyOption(key: "1", label: "Наушники Sony WH-1000XM5 — № 31415926-0001", value: "31415926-0001"),
                  ReplyOption(key: "2", label: "Без заказа", value: "no_order")],
        intent: IntentScore(id: "returns", confidence: 0.72)
    )

    /// Parses the expectation of a transcript's first turn.
    func expectation(_ lines: String) throws -> ReplyExpectation {
        let transcript = try #require(try TranscriptParser.parse("title: T\n> x\n" + lines, file: "c.transcript").first)
        return transcript.turns[0].expectation
    }

    func mismatches(_ reply: Reply, _ lines: String, last: String? = nil) throws -> [Mismatch] {
        var checker = ReplyChecker(lastTicketID: last)
        return checker.check(reply, against: try expectation(lines))
    }

    /// A reply that meets every line passes.
    @Test func matchingReplyPasses() throws {
        let found = try mismatches(Self.submitted, """
            < Обращение № * передано специалисту.
            < Тема: Возвраты и возврат денег.
            < Очередь: общая очередь чата.
            [1] Новое обращение
            ? state: submitted
            ? intent: none
            ? options: Новое обращение
            ? options include: new
            ? ticket: id=same topic=returns order=31415926-0001 queue=regular eta=5-10
            ? queue: regular
            ? eta: 5-10
            """, last: "s-1")
        #expect(found.isEmpty, "\(found)")
    }

    /// Each kind of assertion fails on a reply that breaks it, at its own line.
    @Test(arguments: [
        ("? state: write", "state write"),
        ("? intent: delivery", "intent delivery"),
        ("? intent: returns >= 0.9", "intent returns (≥ 0.90)"),
        ("? options: 1 | 2 | 3", "options 1 | 2 | 3"),
        ("? options include: Новое обращение", "options including Новое обращение"),
        ("? ticket: topic=returns", "appeal topic=returns"),
        ("? queue: travel_priority", "appeal queue=travel_priority"),
    ])
    func failingAssertionsAreReported(line: String, expected: String) throws {
        let found = try mismatches(Self.orderStep, line)
        #expect(found.count == 1)
        let mismatch = try #require(found.first)
        #expect(mismatch.kind == .assertion)
        #expect(mismatch.location.line == 3)
        #expect(mismatch.summary == line)
        #expect(mismatch.detail.first == "- " + expected)
    }

    /// The order step passes on its own options (by label with a wildcard, by key, by value).
    @Test func optionsByKeyLabelOrValue() throws {
        let found = try mismatches(Self.orderStep, """
            [1] Наушники Sony * — № 31415926-0001
            [2] Без заказа
            ? options: Наушники* | no_order
            ? options include: 2 | 31415926-0001
            ? intent: returns >= 0.7
            ? ticket: none
            """)
        #expect(found.isEmpty, "\(found)")
    }

    /// `id=same` fails when the appeal changed, `id=new` when it did not.
    @Test func ticketIdentity() throws {
        #expect(try mismatches(Self.submitted, "? ticket: id=same", last: "s-0").count == 1)
        #expect(try mismatches(Self.submitted, "? ticket: id=new", last: "s-0").isEmpty)
        #expect(try mismatches(Self.submitted, "? ticket: id=new", last: "s-1").count == 1)
        #expect(try mismatches(Self.submitted, "? ticket: id={/s-\\d/}").isEmpty)
        #expect(try mismatches(Self.submitted, "? ticket: order=none").count == 1)
    }

    /// A wrong text yields a line diff: matching lines kept, the expected line `-`, the reply's `+`.
    @Test func textMismatchIsALineDiff() throws {
        let found = try mismatches(Self.submitted, """
            < Обращение № * передано специалисту.
            < Тема: Доставка.
            < Очередь: общая очередь чата.
            """)
        let mismatch = try #require(found.first)
        #expect(mismatch.kind == .text)
        #expect(mismatch.location.line == 3)
        #expect(Array(mismatch.detail.prefix(4)) == [
            "  < Обращение № * передано специалисту.",
            "- < Тема: Доставка.",
            "+ < Тема: Возвраты и возврат денег.",
            "  < Очередь: общая очередь чата.",
        ])
        #expect(mismatch.detail.last?.contains("expected «Доставка. Очередь: общая очередь чата.»") == true, "\(mismatch.detail)")
        #expect(mismatch.detail.last?.contains("the reply has «Возвраты и возврат денег.") == true)
    }

    /// Wrong options yield an option diff.
    @Test func optionsMismatchIsADiff() throws {
        let found = try mismatches(Self.orderStep, "[1] Наушники*\n[2] С заказом\n")
        let mismatch = try #require(found.first)
        #expect(mismatch.kind == .options)
        #expect(mismatch.detail == ["  [1] Наушники*", "- [2] С заказом", "+ [2] Без заказа"])
    }

    /// The report names the transcript, the user line, the failing line and shows the diff.
    @Test func reportIsReadable() throws {
        let transcript = try #require(try TranscriptParser.parse(
            "title: Проверка очереди\n> Не работает\n? queue: travel_priority\n", file: "q.transcript").first)
        var checker = ReplyChecker()
        let failure = ReplayFailure(userLine: transcript.turns[0].location, userText: "Не работает",
                                    mismatches: checker.check(Self.submitted, against: transcript.turns[0].expectation))
        let report = ReplayReport.render(TranscriptResult(title: transcript.title, location: transcript.location, failure: failure))
        #expect(report == """
            FAIL q.transcript:1 — Проверка очереди
              after q.transcript:2  > Не работает
              q.transcript:3: ? queue: travel_priority
                - appeal queue=travel_priority
                + appeal id=s-1 topic=returns order=31415926-0001 queue=regular eta=5-10

            """)
        #expect(ReplayReport.summary([TranscriptResult(title: "a", location: transcript.location),
                                      TranscriptResult(title: "b", location: transcript.location, failure: failure)])
                == "1 passed, 1 failed")
    }
}
