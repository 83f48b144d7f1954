import Foundation
import HelplineDialogue
import Testing
@testable import HelplineTranscripts

struct TranscriptParserTests {
    static let sample = """
        # Возврат по номеру из списка
        title: Возврат наушников
        profile: profiles/buyer.yaml
        now: 2026-06-01T10:00:00+03:00
        session: t-1

        < Здравствуйте, Анна! Чем можем помочь?
        < Выберите тему обращения *
        ? state: choose_topic

        > хочу вернуть наушники
        < Выберите заказ, о котором вопрос: *
        [1] Наушники Sony WH-1000XM5 — № 31415926-0001, *
        [2] Без заказа
        ? state: choose_order
        ? intent: returns >= 0.5
        ? options include: Без заказа | no_order

        > 1
        ~ /Тема: .+\\./
        ? ticket: none

        > Не работает левый наушник
        ? state: submitted
        ? ticket: id={/t-1-\\d+/} topic=returns order=31415926-0001 queue=regular eta=5-10
        ? queue: regular
        ? eta: 5–10 минут
        """

    /// The header, the greeting's expectations and each turn with its lines come out in order.
    @Test func readsHeaderTurnsAndExpectations() throws {
        let transcripts = try TranscriptParser.parse(Self.sample, file: "t/return.transcript")
        #expect(transcripts.count == 1)
        let transcript = try #require(transcripts.first)
        #expect(transcript.title == "Возврат наушников")
        #expect(transcript.profile == .file(path: "profiles/buyer.yaml"))
        #expect(transcript.now == ISO8601.parse("2026-06-01T07:00:00Z"))
        #expect(transcript.session == "t-1")
        #expect(transcript.location == SourceLocation(file: "t/return.transcript", line: 2))
        #expect(transcript.opening.text?.lines.count == 2)
        #expect(transcript.opening.assertions.count == 1)

        #expect(transcript.turns.map(\.text) == ["хочу вернуть наушники", "1", "Не работает левый наушник"])
        #expect(transcript.turns.map(\.location.line) == [11, 19, 23])
        let order = transcript.turns[0].expectation
        #expect(order.options?.map(\.key) == ["1", "2"])
        #expect(order.options?.first?.location.line == 13)
        #expect(order.assertions.count == 3)
        guard case .intent(let id, let minimum) = order.assertions[1].check else {
            Issue.record("expected an intent assertion"); return
        }
        #expect(id == "returns")
        #expect(minimum == 0.5)
        #expect(transcript.turns[1].expectation.text?.lines.first?.location.line == 20)

        let last = transcript.turns[2].expectation.assertions
        #expect(last.count == 4)
        guard case .ticket(let ticket) = last[1].check else { Issue.record("expected a ticket assertion"); return }
        #expect(ticket.topic == "returns")
        #expect(ticket.order == .some("31415926-0001"))
        #expect(ticket.queue == .regular)
        #expect(ticket.eta == [5, 10])
        guard case .ticket(let eta) = last[3].check else { Issue.record("expected an eta assertion"); return }
        #expect(eta.eta == [5, 10])
    }

    /// Bot lines match the reply after whitespace normalization, with their wildcards.
    @Test func botLinesCompileToOnePattern() throws {
        let transcript = try #require(try TranscriptParser.parse(Self.sample, file: "x.transcript").first)
        let greeting = try #require(transcript.opening.text)
        #expect(greeting.pattern.matches("Здравствуйте, Анна! Чем можем помочь?\nВыберите тему обращения — номер или название."))
        #expect(!greeting.pattern.matches("Здравствуйте, Борис! Чем можем помочь?\nВыберите тему обращения."))
    }

    /// `---` separates transcripts; a later one keeps the profile and clock unless it sets its own.
    @Test func severalTranscriptsPerFile() throws {
        let text = """
            title: Первый
            profile: demo
            now: 2026-06-01T10:00:00+03:00
            > меню
            ---
            title: Второй
            > назад
            ---
            profile:
              id: u2
              name: Борис
              orders: []
            > отмена
            """
        let transcripts = try TranscriptParser.parse(text, file: "many.transcript")
        #expect(transcripts.map(\.title) == ["Первый", "Второй", "many.transcript #3"])
        #expect(transcripts[1].profile == .demo)
        #expect(transcripts[1].now == transcripts[0].now)
        #expect(transcripts[2].profile == .inline("id: u2\nname: Борис\norders: []"))
        #expect(transcripts[2].location.line == 9)
    }

    /// A user line with nothing after `>` is an empty message; comments and blank lines are skipped.
    @Test func emptyUserLineAndComments() throws {
        let text = "title: Пусто\n\n# комментарий\n>\n   # ещё\n< Сообщение пустое. *\n"
        let transcript = try #require(try TranscriptParser.parse(text, file: "e.transcript").first)
        #expect(transcript.turns.map(\.text) == [""])
        #expect(transcript.turns[0].expectation.text != nil)
    }

    /// Syntax errors name the file and the line, and say what is wrong.
    @Test(arguments: [
        ("title: Т\n> привет\nпривет бот\n", 3, "cannot read this line"),
        ("title: Т\nnow: вчера\n> привет\n", 2, "ISO 8601"),
        ("title: Т\n> привет\n? state: writing\n", 3, "unknown state `writing`"),
        ("title: Т\n> привет\n? mood: good\n", 3, "unknown assertion `mood`"),
        ("title: Т\n> привет\n? intent: returns >= 2\n", 3, "from 0 to 1"),
        ("title: Т\n> привет\n~ Обращение \\d+\n", 3, "`~ /regex/`"),
        ("title: Т\n> привет\n< номер {/[0-9/}\n", 3, "invalid regular expression"),
        ("title: Т\n> привет\n? ticket: topic=returns color=red\n", 3, "unknown ticket field `color`"),
        ("title: Т\n> привет\n? eta: скоро\n", 3, "low-high"),
        ("title: Т\n> привет\ntitle: Другой\n", 3, "belongs in the header"),
        ("title: Т\nprofile: demo\n", 1, "no conversation"),
        ("# только комментарий\n", 1, "no conversation in this file"),
        ("title: Т\n> привет\n[] пусто\n", 3, "key is empty"),
    ])
    func errorsCarryLineNumbers(text: String, line: Int, message: String) {
        do {
            _ = try TranscriptParser.parse(text, file: "bad.transcript")
            Issue.record("expected a syntax error")
        } catch let error as TranscriptSyntaxError {
            #expect(error.location == SourceLocation(file: "bad.transcript", line: line))
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.description.hasPrefix("bad.transcript:\(line): "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// Windows line endings and a byte-order mark read like plain lines.
    @Test func crlfAndBOM() throws {
        let text = "\u{FEFF}title: CRLF\r\n> меню\r\n? state: choose_topic\r\n"
        let transcript = try #require(try TranscriptParser.parse(text, file: "w.transcript").first)
        #expect(transcript.title == "CRLF")
        #expect(transcript.turns.map(\.text) == ["меню"])
        #expect(transcript.turns[0].location.line == 2)
    }
}
