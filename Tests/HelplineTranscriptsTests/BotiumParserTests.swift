import Testing
@testable import HelplineTranscripts

struct BotiumParserTests {
    static let convo = """
        Возврат товара
        Покупатель хочет вернуть наушники и выбирает заказ кнопкой

        #bot
        здравствуйте*

        #me
        хочу вернуть наушники

        #bot
        Выберите заказ*
        INTENT returns
        INTENT_CONFIDENCE 50
        BUTTONS Без заказа|Наушники*

        #me
        BUTTON Без заказа

        #bot
        !Выберите заказ
        !INTENT returns
        """

    /// Title, greeting check, turns and asserters map onto a transcript with the demo profile.
    @Test func readsSectionsAndAsserters() throws {
        let transcript = try BotiumParser.parse(Self.convo, file: "returns.convo.txt")
        #expect(transcript.title == "Возврат товара")
        #expect(transcript.format == .botium)
        #expect(transcript.profile == .demo)
        #expect(transcript.now == Transcript.defaultNow)
        #expect(transcript.opening.text?.mode == .containsIgnoringCase)
        #expect(transcript.turns.map(\.text) == ["хочу вернуть наушники", "Без заказа"])
        #expect(transcript.turns.map(\.location.line) == [8, 17])

        let first = transcript.turns[0].expectation
        #expect(first.text?.lines.map(\.location.line) == [11])
        #expect(first.assertions.count == 3)
        if case .intent(let id, nil) = first.assertions[0].check { #expect(id == "returns") } else { Issue.record("INTENT") }
        if case .intentConfidence(let minimum) = first.assertions[1].check { #expect(minimum == 0.5) } else { Issue.record("INTENT_CONFIDENCE") }
        if case .optionsInclude(let buttons) = first.assertions[2].check { #expect(buttons.count == 2) } else { Issue.record("BUTTONS") }

        let second = transcript.turns[1].expectation
        #expect(second.text?.negated == true)
        #expect(second.assertions.first?.negated == true)
    }

    /// Botium text matching: contained anywhere, case ignored, `*` for any text; other characters literal.
    @Test func wildcardIgnoreCaseMatching() throws {
        let transcript = try BotiumParser.parse(Self.convo, file: "returns.convo.txt")
        let text = try #require(transcript.turns[0].expectation.text)
        #expect(text.pattern.matches("Хорошо. ВЫБЕРИТЕ ЗАКАЗ, о котором вопрос."))
        #expect(!text.pattern.matches("Выберите тему."))
        let braces = try BotiumParser.parse("T\n#me\nпривет\n#bot\n{/x/} * \\\n", file: "b.convo.txt")
        let literal = try #require(braces.turns[0].expectation.text)
        #expect(literal.pattern.matches("знаки {/x/} и \\"))
    }

    /// `!` negates the whole text only on the first text line; later it is an ordinary character.
    @Test func negationOnlyOnTheFirstTextLine() throws {
        let negated = try BotiumParser.parse("T\n#me\nа\n#bot\n!первая\nвторая\n", file: "n.convo.txt")
        #expect(negated.turns[0].expectation.text?.negated == true)
        #expect(negated.turns[0].expectation.text?.pattern.matches("первая вторая") == true)
        let literal = try BotiumParser.parse("T\n#me\nа\n#bot\nпервая\n!вторая\n", file: "l.convo.txt")
        let text = try #require(literal.turns[0].expectation.text)
        #expect(!text.negated)
        #expect(text.pattern.matches("Первая !Вторая"))
        #expect(!text.pattern.matches("Первая вторая"))
    }

    /// Unknown sections, unsupported asserters and two replies in a row are errors with a line number.
    @Test(arguments: [
        ("T\n#me\nпривет\n#bot\nJSON_PATH $.x\n", 5, "not supported"),
        ("T\n#me\nпривет\n#user\nпривет\n", 4, "unknown section"),
        ("T\n#me\nпривет\n#bot\nа\n#bot\nб\n", 6, "two `#bot` sections"),
        ("T\n#me\nпривет\n#bot\nINTENT\n", 5, "one intent id"),
        ("T\nтолько описание\n", 1, "no `#me` or `#bot`"),
    ])
    func errorsCarryLineNumbers(text: String, line: Int, message: String) {
        do {
            _ = try BotiumParser.parse(text, file: "bad.convo.txt")
            Issue.record("expected a syntax error")
        } catch let error as TranscriptSyntaxError {
            #expect(error.location.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
