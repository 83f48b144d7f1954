import Testing
@testable import HelplineTranscripts

struct TextPatternTests {
    /// Runs of spaces, line breaks and no-break spaces count as one space; the ends are ignored.
    @Test func whitespaceIsNormalized() throws {
        let pattern = try TextPattern("Позвоните  по номеру +7 495 232−10−00.")
        #expect(pattern.matches("  Позвоните по\nномеру +7\u{00A0}495\u{00A0}232−10−00.\n"))
        #expect(!pattern.matches("Позвоните по номеру +7 495 232−10−01."))
    }

    /// A native pattern must match the whole text, not a part of it.
    @Test func wholeTextIsRequired() throws {
        let pattern = try TextPattern("Обращение передано специалисту.")
        #expect(!pattern.matches("Обращение передано специалисту. Ждите."))
        #expect(!pattern.matches("Ваше обращение передано специалисту."))
    }

    /// `*` matches any text, including none, and the spaces around it may vanish with it.
    @Test func wildcardMatchesAnyTextIncludingNone() throws {
        let pattern = try TextPattern("Обращение № * передано специалисту.")
        #expect(pattern.matches("Обращение № 7F3A-0001 передано специалисту."))
        #expect(pattern.matches("Обращение № передано специалисту."))
        #expect(pattern.matches("Обращение № 12 и 13 передано специалисту."))
        #expect(!pattern.matches("Обращение № 12 передан специалисту."))
        let tail = try TextPattern("Тема: Доставка. *")
        #expect(tail.matches("Тема: Доставка."))
        #expect(tail.matches("Тема: Доставка. Заказ: без заказа."))
    }

    /// `\*` is a literal star, not a wildcard.
    @Test func escapedStarIsLiteral() throws {
        let pattern = try TextPattern("Оценка \\* из 5")
        #expect(pattern.matches("Оценка * из 5"))
        #expect(!pattern.matches("Оценка 4 из 5"))
    }

    /// `{/regex/}` matches a variable part by a regular expression, and only what it allows.
    @Test func inlineRegexMatchesVariableParts() throws {
        let pattern = try TextPattern("Обращение № {/[a-z]+-\\d+/} передано специалисту.")
        #expect(pattern.matches("Обращение № transcript-1 передано специалисту."))
        #expect(!pattern.matches("Обращение № transcript передано специалисту."))
    }

    /// Regex characters in literal text are taken literally.
    @Test func literalTextIsEscapedForTheRegexEngine() throws {
        let pattern = try TextPattern("Заказ (№ 1) стоит $5.00?")
        #expect(pattern.matches("Заказ (№ 1) стоит $5.00?"))
        #expect(!pattern.matches("Заказ № 1 стоит $5x00?"))
    }

    /// Lines of a pattern join with a space, so a reply's line breaks fall between them.
    @Test func linesJoinLikeTheReplysLines() throws {
        let pattern = try TextPattern(lines: [try TextPattern.parseLine("Первая строка."),
                                              .regex("Вторая \\w+\\."),
                                              try TextPattern.parseLine("")])
        #expect(pattern.matches("Первая строка.\nВторая строка."))
        #expect(!pattern.matches("Первая строка."))
    }

    /// Botium mode finds the pattern anywhere in the text, ignoring case.
    @Test func containsModeIgnoresCase() throws {
        let pattern = try TextPattern("выберите ЗАКАЗ*", ignoreCase: true, anchored: false)
        #expect(pattern.matches("Хорошо. Выберите заказ, о котором вопрос."))
        #expect(!pattern.matches("Выберите тему."))
    }

    /// Malformed patterns are refused with a reason, not crashed on.
    @Test func malformedPatternsAreErrors() {
        #expect(throws: PatternError.self) { try TextPattern.parseLine("номер {/[0-9+/}") }
        #expect(throws: PatternError.self) { try TextPattern.parseLine("номер {/\\d+") }
        #expect(throws: PatternError.self) { try TextPattern.parseLine("в конце \\") }
    }

    /// `escape` round-trips: escaped text parses back to a pattern matching exactly that text.
    @Test func escapeRoundTrips() throws {
        let text = "Звёздочка * и {/скобка/} и \\ обратная черта"
        let pattern = try TextPattern(TextPattern.escape(text))
        #expect(pattern.isLiteral)
        #expect(pattern.matches(text))
        #expect(!pattern.matches("Звёздочка x и {/скобка/} и \\ обратная черта"))
    }

    /// The first difference points at the first word that does not match, past a wildcard.
    @Test func firstDifferenceFindsWhereTextsPart() throws {
        let pattern = try TextPattern("Обращение № * передано специалисту. Очередь: общая.")
        let difference = pattern.firstDifference(in: "Обращение № 7 передано специалисту. Очередь: приоритетная.")
        #expect(difference.expected?.hasPrefix("общая.") == true)
        #expect(difference.text.dropFirst(difference.offset).hasPrefix("приоритетная"))
    }
}
