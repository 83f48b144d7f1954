import Foundation

/// Reads BotiumScript convos (`*.convo.txt`), so conversations written for Botium replay here too.
///
/// ```
/// Возврат товара
/// Покупатель хочет вернуть наушники
///
/// #me
/// хочу вернуть наушники
///
/// #bot
/// Выберите заказ*
/// INTENT returns
/// BUTTONS Без заказа
/// ```
/// The first line is the title, the lines up to the first section its description. `#me` sections
/// are the user's messages; `#bot` sections the expected replies, matched as Botium's default
/// `wildcardIgnoreCase` mode does: the section's text lines, joined, must occur in the reply, case
/// ignored, `*` matching any text. A `#bot` section before the first `#me` checks the greeting.
/// Asserter lines in a `#bot` section: `INTENT id`, `INTENT_CONFIDENCE percent`,
/// `BUTTONS label|label`. `!` before an asserter negates it; before the first text line, the whole
/// text. In a `#me` section `BUTTON label` chooses an option. Convos run with the demo profile at
/// ``Transcript/defaultNow``.
public enum BotiumParser {
    /// Asserters this replayer understands.
    static let supportedAsserters = ["INTENT", "INTENT_CONFIDENCE", "BUTTONS"]
    /// Botium asserters and logic hooks it does not, named so a convo using them fails clearly.
    static let unsupported: Set<String> = [
        "TEXT", "TEXT_CONTAINS_ANY", "TEXT_CONTAINS_ALL", "TEXT_WILDCARD_ANY", "TEXT_WILDCARD_ALL",
        "TEXT_REGEX_ANY", "TEXT_REGEX_ALL", "TEXT_EQUALS", "ENTITIES", "ENTITY_VALUES", "ENTITY_CONTENT",
        "INTENT_UNIQUE_CONFIDENCE", "JSON_PATH", "MEDIA", "CARDS", "FORMS", "RESPONSE_LENGTH",
        "PAUSE", "WAITFORBOT", "INCLUDE", "UPDATE_CUSTOM", "SET_SCRIPTING_MEMORY", "CLEAR_SCRIPTING_MEMORY",
        "CONDITIONAL_STEP_TIME_BASED", "CONDITIONAL_STEP_BUSINESS_HOURS", "FORM", "MEDIA_INPUT",
    ]

    /// Parses one convo file's text.
    public static func parse(_ text: String, file: String) throws -> Transcript {
        let lines = TranscriptParser.splitLines(text).map { $0.trimmingCharacters(in: .whitespaces) }
        func at(_ index: Int) -> SourceLocation { SourceLocation(file: file, line: index + 1) }

        // Title and description: everything before the first section line.
        var index = 0
        var title: String?
        while index < lines.count, !lines[index].hasPrefix("#") {
            if title == nil, !lines[index].isEmpty { title = lines[index] }
            index += 1
        }
        guard index < lines.count else {
            throw TranscriptSyntaxError(at(0), "no `#me` or `#bot` section in this convo")
        }

        var opening = ReplyExpectation()
        var turns: [Transcript.Turn] = []
        var lastSection = ""
        while index < lines.count {
            let header = lines[index]
            let section = header.dropFirst().trimmingCharacters(in: .whitespaces).lowercased()
            let sectionLine = index
            index += 1
            var body: [(Int, String)] = []
            while index < lines.count, !lines[index].hasPrefix("#") {
                body.append((index, lines[index]))
                index += 1
            }
            while body.last?.1.isEmpty == true { body.removeLast() }
            while body.first?.1.isEmpty == true { body.removeFirst() }

            switch section {
            case "me":
                turns.append(try userTurn(body, sectionLine: sectionLine, at: at))
            case "bot":
                if lastSection == "bot" {
                    throw TranscriptSyntaxError(at(sectionLine), "two `#bot` sections in a row: the assistant sends one reply per message")
                }
                let expectation = try botExpectation(body, at: at)
                if turns.isEmpty {
                    opening = expectation
                } else {
                    turns[turns.count - 1].expectation = expectation
                }
            case "begin", "end":
                if let (line, text) = body.first {
                    throw TranscriptSyntaxError(at(line), "`#\(section)` logic hooks are not supported: \(text)")
                }
            default:
                throw TranscriptSyntaxError(at(sectionLine), "unknown section `\(header)`; a convo has `#me` and `#bot` sections")
            }
            lastSection = section
        }

        let name = (file as NSString).lastPathComponent
        return Transcript(title: title ?? name, format: .botium, location: at(0), profile: .demo,
                          now: Transcript.defaultNow, opening: opening, turns: turns)
    }

    private static func userTurn(_ body: [(Int, String)], sectionLine: Int,
                                 at: (Int) -> SourceLocation) throws -> Transcript.Turn {
        var texts: [String] = []
        for (line, text) in body {
            let word = firstWord(text)
            if word == "BUTTON" {
                let argument = text.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
                guard !argument.isEmpty else { throw TranscriptSyntaxError(at(line), "`BUTTON` needs the option to choose") }
                texts.append(argument)
            } else if unsupported.contains(word) {
                throw TranscriptSyntaxError(at(line), "`\(word)` is not supported in a `#me` section; write the message text or `BUTTON label`")
            } else {
                texts.append(text)
            }
        }
        return Transcript.Turn(location: at(body.first?.0 ?? sectionLine), text: texts.joined(separator: "\n"))
    }

    private static func botExpectation(_ body: [(Int, String)], at: (Int) -> SourceLocation) throws -> ReplyExpectation {
        var expectation = ReplyExpectation()
        var textLines: [TextExpectation.PatternLine] = []
        var negatedText = false
        for (line, raw) in body {
            var text = raw
            var negated = false
            // `!` negates an asserter line; on the first text line it negates the whole text,
            // as in Botium (on later text lines it is just a character).
            if text.hasPrefix("!"), isAsserterLine(String(text.dropFirst())) || textLines.isEmpty {
                negated = true
                text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            let word = firstWord(text)
            let argument = text.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
            let arguments = argument.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let location = at(line)
            switch word {
            case "INTENT":
                guard arguments.count == 1 else { throw TranscriptSyntaxError(location, "`INTENT` takes one intent id, e.g. `INTENT returns`") }
                expectation.assertions.append(Assertion(location: location, source: raw,
                                                        check: .intent(id: arguments[0] == "none" ? nil : arguments[0], minConfidence: nil),
                                                        negated: negated))
            case "INTENT_CONFIDENCE":
                guard arguments.count == 1, let number = Double(arguments[0]), number >= 0, number <= 100 else {
                    throw TranscriptSyntaxError(location, "`INTENT_CONFIDENCE` takes a minimum confidence in percent, e.g. `INTENT_CONFIDENCE 70`")
                }
                expectation.assertions.append(Assertion(location: location, source: raw,
                                                        check: .intentConfidence(number > 1 ? number / 100 : number),
                                                        negated: negated))
            case "BUTTONS":
                guard !arguments.isEmpty else { throw TranscriptSyntaxError(location, "`BUTTONS` lists options separated by `|`") }
                let patterns = try arguments.map { argument in
                    do { return try TextPattern(lines: [wildcardLine(argument)], ignoreCase: true, anchored: false) } catch {
                        throw TranscriptSyntaxError(location, "cannot read `\(argument)`")
                    }
                }
                expectation.assertions.append(Assertion(location: location, source: raw, check: .optionsInclude(patterns), negated: negated))
            default:
                if unsupported.contains(word) {
                    throw TranscriptSyntaxError(location, "the Botium asserter `\(word)` is not supported; supported: \(supportedAsserters.joined(separator: ", "))")
                }
                if negated { negatedText = true }
                textLines.append(.init(location: location, source: raw, pattern: wildcardLine(text)))
            }
        }
        if !textLines.isEmpty {
            do {
                expectation.text = try TextExpectation(lines: textLines, mode: .containsIgnoringCase, negated: negatedText)
            } catch let error as PatternError {
                throw TranscriptSyntaxError(textLines[0].location, error.message)
            }
        }
        return expectation
    }

    /// A Botium text line: only `*` is special.
    static func wildcardLine(_ text: String) -> TextPattern.Line {
        let pieces = text.split(separator: "*", omittingEmptySubsequences: false)
        var escaped = ""
        for (index, piece) in pieces.enumerated() {
            if index > 0 { escaped += "*" }
            escaped += TextPattern.escape(String(piece))
        }
        // Escaped text with bare `*` parses without error.
        return (try? TextPattern.parseLine(escaped)) ?? TextPattern.Line(tokens: [])
    }

    /// Whether a line starts with an asserter name Botium knows.
    private static func isAsserterLine(_ text: String) -> Bool {
        let word = firstWord(text)
        return supportedAsserters.contains(word) || unsupported.contains(word)
    }

    private static func firstWord(_ text: String) -> String {
        String(text.prefix(while: { !$0.isWhitespace }))
    }
}
