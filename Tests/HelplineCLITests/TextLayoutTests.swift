import HelplineDialogue
import Testing
@testable import HelplineCLI

struct DisplayWidthTests {
    /// Cyrillic letters take one column each although they are two bytes in UTF-8.
    @Test func cyrillicIsOneColumnPerLetter() {
        #expect(DisplayWidth.of("Доставка") == 8)
        #expect("Доставка".utf8.count == 16)
    }

    /// Wide East Asian characters and emoji take two columns; combining marks take none.
    @Test func wideAndCombiningCharacters() {
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.of("👍") == 2)
        #expect(DisplayWidth.of("е\u{301}") == 1)
        #expect(DisplayWidth.of("\u{1B}") == 0)
    }
}

struct TextWrapperTests {
    /// Lines break at spaces and never exceed the width in columns, counted by letters, not bytes.
    @Test func wrapsCyrillicByColumns() {
        let text = "Среднее время ответа специалиста в онлайн-чате составляет пять–десять минут"
        let lines = TextWrapper.wrap(text, width: 20)
        #expect(lines.count > 1)
        for line in lines { #expect(DisplayWidth.of(line) <= 20) }
        #expect(lines.joined(separator: " ") == text)
        #expect(lines[0] == "Среднее время ответа")
    }

    /// Line breaks in the text are kept, and an indented paragraph keeps its indent when wrapped.
    @Test func keepsLineBreaksAndIndent() {
        let lines = TextWrapper.wrap("Первая строка\n  вторая строка длиннее ширины", width: 15)
        #expect(lines == ["Первая строка", "  вторая строка", "  длиннее", "  ширины"])
    }

    /// A word wider than the line is cut into pieces that fit; nothing is lost.
    @Test func cutsOverlongWords() {
        let lines = TextWrapper.wrap("marketplace.crossborder@ozon.ru", width: 10)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 10 })
        #expect(lines.joined() == "marketplace.crossborder@ozon.ru")
    }

    /// Windows line ends split paragraphs like plain newlines.
    @Test func carriageReturnLineFeed() {
        #expect(TextWrapper.wrap("а\r\nб", width: 10) == ["а", "б"])
    }
}

struct ReplyFormatterTests {
    let reply = Reply(state: .chooseTopic, text: "Здравствуйте! Выберите тему обращения.", options: [
        ReplyOption(key: "1", label: "Доставка", value: "delivery"),
        ReplyOption(key: "10", label: "Бонусы и баллы", value: "bonuses"),
    ])

    /// Piped layout: the text, then the options numbered with their keys right-aligned, no label, no escapes.
    @Test func plainLayout() {
        let formatter = ReplyFormatter(style: .plain, width: 80, label: nil)
        #expect(formatter.lines(for: reply) == [
            "Здравствуйте! Выберите тему обращения.",
            " 1. Доставка",
            "10. Бонусы и баллы",
        ])
    }

    /// Interactive layout: the label starts the first line and the rest hangs under the text.
    @Test func labelledLayoutHangsUnderTheText() {
        let formatter = ReplyFormatter(style: .plain, width: 40, label: "Поддержка:")
        let lines = formatter.lines(for: reply)
        #expect(lines[0] == "Поддержка: Здравствуйте! Выберите тему")
        #expect(lines[1] == "           обращения.")
        #expect(lines[2] == "            1. Доставка")
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 40 })
    }

    /// On a very narrow terminal the label gets a line of its own and nothing is wider than the screen.
    @Test func narrowTerminal() {
        let text = ReplyFormatter(style: .plain, width: 20, label: "Поддержка:").format(reply)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.first == "Поддержка:")
        #expect(lines.dropFirst().first == "Здравствуйте!")
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 20 })
    }

    /// With colour on, the label and option keys carry ANSI escapes; with it off, none appear.
    @Test func colourOnlyWhenEnabled() {
        let coloured = ReplyFormatter(style: TerminalStyle(enabled: true), width: 80, label: "Поддержка:").format(reply)
        let plain = ReplyFormatter(style: .plain, width: 80, label: "Поддержка:").format(reply)
        #expect(coloured.contains("\u{1B}["))
        #expect(!plain.contains("\u{1B}"))
    }

    /// A long option label wraps, and its continuation lines up after the number.
    @Test func longOptionWraps() {
        let long = Reply(state: .chooseOrder, text: "Выберите заказ.", options: [
            ReplyOption(key: "1", label: "Электрический чайник Xiaomi Mi Kettle, белый", value: "31415926-0002"),
        ])
        let lines = ReplyFormatter(style: .plain, width: 24, label: nil).lines(for: long)
        #expect(lines[1] == "1. Электрический чайник")
        #expect(lines[2].hasPrefix("   "))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 24 })
    }
}

struct TerminalTests {
    /// Colour needs a terminal and is off with NO_COLOR set to anything non-empty or TERM=dumb.
    @Test func colourDecision() {
        #expect(Terminal.wantsColour(outputIsTerminal: true, environment: [:]))
        #expect(!Terminal.wantsColour(outputIsTerminal: false, environment: [:]))
        #expect(!Terminal.wantsColour(outputIsTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(Terminal.wantsColour(outputIsTerminal: true, environment: ["NO_COLOR": ""]))
        #expect(!Terminal.wantsColour(outputIsTerminal: true, environment: ["TERM": "dumb"]))
    }

    /// The history file follows XDG_STATE_HOME, else HOME, and is absent with neither.
    @Test func historyPath() {
        #expect(LineEditor.defaultHistoryPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/helpline/history")
        #expect(LineEditor.defaultHistoryPath(environment: ["HOME": "/h"]) == "/h/.local/state/helpline/history")
        #expect(LineEditor.defaultHistoryPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/helpline/history")
        #expect(LineEditor.defaultHistoryPath(environment: [:]) == nil)
    }

    /// Phone numbers and order numbers are never split by wrapping.
    @Test func numbersStayWhole() {
        let text = "Звоните: +7 495 232−10−00 или 7 (812) 494−06−06, по заказу № 31415926-0001 и 8 (800)234−70−70."
        for width in 20...60 {
            let joined = TextWrapper.wrap(text, width: width).map { $0.trimmingCharacters(in: .whitespaces) }
            for number in ["+7 495 232−10−00", "7 (812) 494−06−06", "№ 31415926-0001", "8 (800)234−70−70"] {
                #expect(joined.contains { $0.contains(number) }, "«\(number)» split at width \(width): \(joined)")
            }
        }
    }

    /// A bullet's or a numbered item's continuation lines are indented under its text.
    @Test func listItemsHang() {
        let lines = TextWrapper.wrap("• онлайн-чат — в среднем до 10 минут, иногда немного больше\n1. Авторизуйтесь в своём профиле на сайте", width: 24)
        let bullet = lines.prefix { !$0.hasPrefix("1.") }
        #expect(bullet.first?.hasPrefix("• ") == true)
        #expect(bullet.dropFirst().allSatisfy { $0.hasPrefix("  ") && !$0.hasPrefix("   ") })
        let item = lines.drop { !$0.hasPrefix("1.") }
        #expect(item.count > 1 && item.dropFirst().allSatisfy { $0.hasPrefix("   ") })
    }
}

struct TerminalTextTests {
    /// Escape sequences, carriage returns, backspaces, bells, C1 controls and direction overrides
    /// from a customer or a specialist are shown as visible marks; the terminal never gets them.
    @Test func controlCharactersAreShownNotObeyed() {
        let sent = "Привет\u{1B}[2J\u{1B}]0;pwned\u{07}\r\u{08}\u{7F}\u{9B}31m\u{202E}txt"
        let shown = TerminalText.visible(sent)
        #expect(shown == "Привет␛[2J␛]0;pwned␇␍␈␡�31m�txt")
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    /// A line or paragraph separator is laid out as a line break, so the desk indents the line
    /// after it as the message's own, not as a line of the transcript.
    @Test func lineSeparatorsBreakLinesAsLineBreaksDo() {
        #expect(TerminalText.visible("Вопрос по оплате.\u{2028}13:29 Бот: готово\u{2029}x") == "Вопрос по оплате.\n13:29 Бот: готово\nx")
    }

    /// Line breaks and tabs lay text out as meant and stay; plain text is returned as it is.
    @Test func keepsLineBreaksTabsAndPlainText() {
        #expect(TerminalText.visible("Первая строка\n\tвторая") == "Первая строка\n\tвторая")
        #expect(TerminalText.visible("Заказ № 31415926-0001 👍") == "Заказ № 31415926-0001 👍")
    }

    /// A reply laid out for the chat carries no control character of the text or its options.
    @Test func chatRepliesShowControlCharacters() {
        let reply = Reply(state: .submitted, text: "Ответ\u{1B}[31mкрасным",
                          options: [ReplyOption(key: "1", label: "Заказ\u{1B}[2J", value: "x")])
        let text = ReplyFormatter(style: .plain, width: 80, label: nil).format(reply)
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        #expect(text.contains("Ответ␛[31mкрасным"))
        #expect(text.contains("Заказ␛[2J"))
    }
}
