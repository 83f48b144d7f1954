import Foundation
import HelplineDialogue

// Just over 400 lines: one reader of one line-oriented format, its line kinds read in one place so
// that each error names its line the same way (desk transcripts have their own reader).

/// Reads the native transcript format (`*.transcript`; `docs/TRANSCRIPTS.md` describes it).
///
/// ```
/// title: Возврат наушников, заказ по номеру из списка
/// profile: profiles/buyer.yaml
/// now: 2026-06-01T10:00:00+03:00
///
/// > хочу вернуть наушники
/// < Выберите заказ, о котором вопрос: …
/// [1] Наушники Sony WH-1000XM5 — № 31415926-0001, доставлен
/// ? state: choose_order
/// ? intent: returns
/// ```
public enum TranscriptParser {
    /// The header fields a transcript may set.
    static let headerKeys: Set<String> = ["title", "profile", "now", "time", "session"]

    /// Parses every transcript in a file's text. `file` names the file in errors and reports.
    public static func parse(_ text: String, file: String) throws -> [Transcript] {
        var parser = Parser(file: file)
        let lines = splitLines(text)
        var index = 0
        while index < lines.count {
            index = try parser.consume(lines, at: index)
        }
        return try parser.finish(lineCount: lines.count)
    }

    /// Reads and parses a file.
    public static func parse(contentsOf url: URL, displayPath: String? = nil) throws -> [Transcript] {
        let name = displayPath ?? url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TranscriptSyntaxError(SourceLocation(file: name, line: 0), "cannot read the file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TranscriptSyntaxError(SourceLocation(file: name, line: 0), "the file is not UTF-8 text")
        }
        return try parse(text, file: name)
    }

    /// Lines without their terminators; a byte-order mark is dropped.
    static func splitLines(_ text: String) -> [String] {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // "\r\n" is one Character in Swift, so splitting on "\n" alone would miss it.
        return body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(String.init)
    }

    // MARK: - The line reader

    private struct Parser {
        let file: String
        var transcripts: [Transcript] = []

        // The transcript being read.
        var headerLine: Int?
        var title: String?
        var profile: ProfileSource?
        var now: Date?
        var session: String?
        var inBody = false
        var opening = ReplyExpectation()
        var turns: [Transcript.Turn] = []
        var textLines: [TextExpectation.PatternLine] = []

        // Carried from one transcript to the next in the same file.
        var lastProfile: ProfileSource?
        var lastNow: Date?

        init(file: String) {
            self.file = file
        }

        func at(_ line: Int) -> SourceLocation { SourceLocation(file: file, line: line) }

        /// Reads the line at `index` (and the block it opens); returns the index of the next line.
        mutating func consume(_ lines: [String], at index: Int) throws -> Int {
            let raw = lines[index]
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { return index + 1 }
            if line == "---" {
                try close(endLine: number)
                return index + 1
            }
            guard let marker = line.first else { return index + 1 }
            switch marker {
            case ">":
                try finishText()
                inBody = true
                turns.append(Transcript.Turn(location: at(number), text: Self.content(of: line)))
            case "<":
                inBody = true
                let source = Self.content(of: line)
                do {
                    textLines.append(.init(location: at(number), source: line, pattern: try TextPattern.parseLine(source)))
                } catch let error as PatternError {
                    throw TranscriptSyntaxError(at(number), error.message)
                }
            case "~":
                inBody = true
                let source = Self.content(of: line).trimmingCharacters(in: .whitespaces)
                guard source.count >= 2, source.hasPrefix("/"), source.hasSuffix("/") else {
                    throw TranscriptSyntaxError(at(number), "a regex line is written `~ /regex/`")
                }
                let regex = String(source.dropFirst().dropLast())
                do { try TextPattern.validateRegex(regex) } catch let error as PatternError {
                    throw TranscriptSyntaxError(at(number), error.message)
                }
                textLines.append(.init(location: at(number), source: line, pattern: .regex(regex)))
            case "[":
                inBody = true
                let option = try parseOption(line, number)
                update { expectation in expectation.options = (expectation.options ?? []) + [option] }
            case "?":
                inBody = true
                let assertion = try AssertionParser.parse(Self.content(of: line), source: line, location: at(number))
                update { $0.assertions.append(assertion) }
            default:
                if let (key, value) = Self.headerField(line) {
                    guard !inBody else {
                        throw TranscriptSyntaxError(at(number), "`\(key):` belongs in the header, before the conversation; start another transcript with a `---` line")
                    }
                    return try header(key, value, lines, index)
                }
                throw TranscriptSyntaxError(at(number), "cannot read this line; start it with `>` (user), `<` (bot), `~ /regex/` (bot), `[key]` (option), `?` (assertion) or `#` (comment)")
            }
            return index + 1
        }

        /// Applies a change to the expectation being written: the last turn's, or the opening's.
        mutating func update(_ change: (inout ReplyExpectation) -> Void) {
            if turns.isEmpty {
                change(&opening)
            } else {
                change(&turns[turns.count - 1].expectation)
            }
        }

        /// Turns the collected `<`/`~` lines into the current expectation's text.
        mutating func finishText() throws {
            guard !textLines.isEmpty else { return }
            let lines = textLines
            textLines = []
            let text: TextExpectation
            do { text = try TextExpectation(lines: lines) } catch let error as PatternError {
                throw TranscriptSyntaxError(lines[0].location, error.message)
            }
            update { $0.text = text }
        }

        mutating func header(_ key: String, _ value: String, _ lines: [String], _ index: Int) throws -> Int {
            let number = index + 1
            if headerLine == nil { headerLine = number }
            switch key {
            case "title":
                guard !value.isEmpty else { throw TranscriptSyntaxError(at(number), "the title is empty") }
                title = value
            case "now", "time":
                guard let date = ISO8601.parse(value) else {
                    throw TranscriptSyntaxError(at(number), "`\(key):` needs an ISO 8601 date-time with a zone, e.g. 2026-06-01T10:00:00+03:00")
                }
                now = date
            case "session":
                guard !value.isEmpty else { throw TranscriptSyntaxError(at(number), "the session id is empty") }
                session = value
            case "profile":
                if value.isEmpty {
                    // An inline YAML block: the indented lines that follow.
                    var block: [String] = []
                    var next = index + 1
                    while next < lines.count {
                        let candidate = lines[next]
                        if candidate.trimmingCharacters(in: .whitespaces).isEmpty {
                            block.append("")
                        } else if candidate.first == " " || candidate.first == "\t" {
                            block.append(candidate)
                        } else {
                            break
                        }
                        next += 1
                    }
                    while block.last == "" { block.removeLast() }
                    guard !block.isEmpty else {
                        throw TranscriptSyntaxError(at(number), "`profile:` needs `demo`, a file name, inline JSON, or an indented YAML block below it")
                    }
                    profile = .inline(Self.dedent(block).joined(separator: "\n"))
                    return index + 1 + block.count
                } else if value == "demo" {
                    profile = .demo
                } else if value.hasPrefix("{") {
                    profile = .inline(value)
                } else {
                    profile = .file(path: value)
                }
            default:
                break
            }
            return index + 1
        }

        func parseOption(_ line: String, _ number: Int) throws -> OptionLine {
            guard let close = line.firstIndex(of: "]") else {
                throw TranscriptSyntaxError(at(number), "an option line is written `[key] label`")
            }
            let key = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
            let label = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw TranscriptSyntaxError(at(number), "the option's key is empty") }
            do {
                return OptionLine(location: at(number), key: key, label: try TextPattern(label))
            } catch let error as PatternError {
                throw TranscriptSyntaxError(at(number), error.message)
            }
        }

        /// Ends the current transcript (at `---` or the end of the file).
        mutating func close(endLine: Int) throws {
            try finishText()
            let started = headerLine != nil || inBody
            defer { reset() }
            guard started else { return }
            guard inBody else {
                throw TranscriptSyntaxError(at(headerLine ?? endLine), "the transcript has a header but no conversation")
            }
            let firstLine = headerLine ?? (turns.first?.location.line ?? endLine)
            let resolvedProfile = profile ?? lastProfile ?? .demo
            let resolvedNow = now ?? lastNow ?? Transcript.defaultNow
            let fileName = (file as NSString).lastPathComponent
            let resolvedTitle = title ?? (transcripts.isEmpty ? fileName : "\(fileName) #\(transcripts.count + 1)")
            transcripts.append(Transcript(title: resolvedTitle, format: .native, location: at(firstLine),
                                          profile: resolvedProfile, now: resolvedNow, session: session,
                                          opening: opening, turns: turns))
            lastProfile = resolvedProfile
            lastNow = resolvedNow
        }

        mutating func reset() {
            headerLine = nil
            title = nil
            profile = nil
            now = nil
            session = nil
            inBody = false
            opening = ReplyExpectation()
            turns = []
            textLines = []
        }

        mutating func finish(lineCount: Int) throws -> [Transcript] {
            try close(endLine: lineCount)
            guard !transcripts.isEmpty else {
                throw TranscriptSyntaxError(at(1), "no conversation in this file")
            }
            return transcripts
        }

        /// The text after a line's marker, without the one space that usually follows it.
        static func content(of line: String) -> String {
            var rest = line.dropFirst()
            if rest.first == " " { rest = rest.dropFirst() }
            return String(rest)
        }

        /// `key: value` for a known header key.
        static func headerField(_ line: String) -> (String, String)? {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard TranscriptParser.headerKeys.contains(key) else { return nil }
            return (key, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }

        /// Removes the indentation common to all non-blank lines.
        static func dedent(_ lines: [String]) -> [String] {
            let indent = lines.filter { !$0.isEmpty }.map { $0.prefix(while: { $0 == " " || $0 == "\t" }).count }.min() ?? 0
            return lines.map { $0.isEmpty ? $0 : String($0.dropFirst(indent)) }
        }
    }
}

/// Reads the text of a `?` line.
enum AssertionParser {
    static let keys = ["state", "intent", "options", "options include", "ticket", "queue", "eta"]

    static func parse(_ text: String, source: String, location: SourceLocation) throws -> Assertion {
        guard let colon = text.firstIndex(of: ":") else {
            throw TranscriptSyntaxError(location, "an assertion is written `? key: value` with key one of \(keys.joined(separator: ", "))")
        }
        let key = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        func fail(_ message: String) -> TranscriptSyntaxError { TranscriptSyntaxError(location, message) }
        let check: Assertion.Check
        switch key {
        case "state":
            guard let state = DialogueState(rawValue: value) else {
                throw fail("unknown state `\(value)`; one of choose_topic, choose_order, write, submitted")
            }
            check = .state(state)
        case "intent":
            check = try parseIntent(value, fail)
        case "options", "options include":
            let items = value.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if key == "options" && value == "none" {
                check = .options([])
                break
            }
            guard !value.isEmpty, !items.contains(where: \.isEmpty) else {
                throw fail("`\(key):` lists options separated by `|` (a key, a label or a value each)\(key == "options" ? ", or `none`" : "")")
            }
            let patterns: [TextPattern]
            do { patterns = try items.map { try TextPattern($0) } } catch let error as PatternError {
                throw fail(error.message)
            }
            check = key == "options" ? .options(patterns) : .optionsInclude(patterns)
        case "ticket":
            if value == "none" {
                check = .noTicket
            } else {
                check = .ticket(try parseTicket(value, fail))
            }
        case "queue":
            guard let queue = Queue(rawValue: value) else {
                throw fail("unknown queue `\(value)`; one of regular, premium_seller, travel_priority")
            }
            check = .ticket(TicketCheck(queue: queue))
        case "eta":
            guard let eta = parseEta(value) else { throw fail("`eta:` is written as minutes `low-high`, e.g. `5-10`") }
            check = .ticket(TicketCheck(eta: eta))
        default:
            throw fail("unknown assertion `\(key)`; one of \(keys.joined(separator: ", "))")
        }
        return Assertion(location: location, source: source, check: check)
    }

    static func parseIntent(_ value: String, _ fail: (String) -> TranscriptSyntaxError) throws -> Assertion.Check {
        let normalized = value.replacingOccurrences(of: "≥", with: ">=")
        let parts = normalized.components(separatedBy: ">=")
        let id = parts[0].trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, !id.contains(" "), parts.count <= 2 else {
            throw fail("`intent:` is written `intent: ID` or `intent: ID >= 0.7`")
        }
        var minimum: Double?
        if parts.count == 2 {
            guard let number = Double(parts[1].trimmingCharacters(in: .whitespaces)), (0...1).contains(number) else {
                throw fail("the minimum confidence is a number from 0 to 1, e.g. `>= 0.7`")
            }
            minimum = number
        }
        return .intent(id: id == "none" ? nil : id, minConfidence: minimum)
    }

    static func parseTicket(_ value: String, _ fail: (String) -> TranscriptSyntaxError) throws -> TicketCheck {
        var check = TicketCheck()
        for pair in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw fail("`ticket:` takes `none` or fields like `topic=returns order=none queue=regular eta=5-10 id=same`")
            }
            let field = String(pair[..<equals])
            let fieldValue = String(pair[pair.index(after: equals)...])
            guard !fieldValue.isEmpty else { throw fail("`\(field)=` has no value") }
            switch field {
            case "topic":
                check.topic = fieldValue
            case "order":
                check.order = .some(fieldValue == "none" ? nil : fieldValue)
            case "queue":
                guard let queue = Queue(rawValue: fieldValue) else {
                    throw fail("unknown queue `\(fieldValue)`; one of regular, premium_seller, travel_priority")
                }
                check.queue = queue
            case "eta":
                guard let eta = parseEta(fieldValue) else { throw fail("`eta=` is written as minutes `low-high`, e.g. `eta=5-10`") }
                check.eta = eta
            case "id":
                switch fieldValue {
                case "same": check.id = .same
                case "new": check.id = .new
                default:
                    do { check.id = .pattern(try TextPattern(fieldValue)) } catch let error as PatternError {
                        throw fail(error.message)
                    }
                }
            default:
                throw fail("unknown ticket field `\(field)`; one of id, topic, order, queue, eta")
            }
        }
        return check
    }

    /// `5-10`, `5–10` or `5–10 минут` → `[5, 10]`.
    static func parseEta(_ value: String) -> [Int]? {
        let numbers = value.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count == 2, numbers[0] <= numbers[1] else { return nil }
        let rest = value.filter { !$0.isNumber && !$0.isWhitespace && $0 != "-" && $0 != "–" && $0 != "—" }
        guard rest.isEmpty || rest.hasPrefix("мин") || rest.hasPrefix("min") else { return nil }
        return numbers
    }
}
