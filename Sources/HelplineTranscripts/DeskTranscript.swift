import Foundation
import HelplineDesk
import HelplineDialogue

/// A conversation with both sides of the desk (`*.desk`; `docs/TRANSCRIPTS.md`, «Both sides»):
/// named customers talking to the assistant, specialists working the desk, and the clock moving.
///
/// ```
/// title: Продавец Premium обслуживается раньше общей очереди
/// customer анна: ../profiles/buyer.yaml
/// customer игорь: ../profiles/premium-seller.yaml
///
/// анна> 3
/// …
/// @ мария: /signin general
/// @ мария: /next
/// ? took: игорь
/// ~ 5m
/// ```
public struct DeskTranscript: Sendable {
    public var title: String
    /// Where the transcript starts.
    public var location: SourceLocation
    /// The clock time of the first step; `~` steps move it.
    public var now: Date
    /// The customers by name, in the order declared.
    public var customers: [(name: String, profile: ProfileSource)]
    public var steps: [Step]

    public init(title: String, location: SourceLocation, now: Date,
                customers: [(name: String, profile: ProfileSource)], steps: [Step]) {
        self.title = title
        self.location = location
        self.now = now
        self.customers = customers
        self.steps = steps
    }

    /// One line that does something, with the expectations written below it.
    public struct Step: Sendable {
        public enum Action: Sendable, Hashable {
            /// `анна> text`: the customer says `text`.
            case customer(name: String, text: String)
            /// `@ мария: text`: the specialist sends a command (`/next`, `/ask …`) or a reply.
            case specialist(name: String, text: String)
            /// `~ 21m`: the clock moves on, and the desk ends the grace periods that are over.
            case wait(TimeInterval)
        }

        public var location: SourceLocation
        public var action: Action
        /// About a customer's reply: its text, options and `?` lines of the customer format.
        public var reply = ReplyExpectation()
        /// About the desk.
        public var checks: [DeskCheck] = []

        public init(location: SourceLocation, action: Action) {
            self.location = location
            self.action = action
        }
    }
}

/// A `?` line about the desk.
public struct DeskCheck: Sendable {
    public enum Kind: Sendable {
        /// `? took: анна` — the specialist's answer is the appeal of this customer (`none`: no appeal).
        case took(String?)
        /// `? error: not_holder` — the specialist's request was refused with this code.
        case error(String)
        /// `? appeal: queue=premium_seller state=taken specialist=мария topic=travel` — the
        /// appeal in the specialist's answer.
        case appeal([String: String])
        /// `? shows regular: waiting=2 overdue=1 oldest=21m` — the specialist's `/overview` has this
        /// line for the queue (`oldest` in whole minutes); `? shows: taken=1 answered=0` — its totals.
        case shows(queue: Queue?, fields: [String: String])
        /// `? wait анна: position=2 queue=regular state=waiting specialist=мария topic=returns` — the customer's
        /// latest appeal as the desk has it now.
        case wait(customer: String, fields: [String: String])
        /// `? notice: pattern` — one of the desk's notices that came with the customer's reply
        /// matches; `? notices: none` — none came.
        case notice(TextPattern?)
        /// `? event мария: follow_up` — the specialist was sent an event of this kind (`new_appeal`,
        /// `follow_up`, `closed_by_customer`) since the last such check; `none`: no event.
        case event(specialist: String, kind: String?)
    }

    public var location: SourceLocation
    public var source: String
    public var kind: Kind
}

/// Reads desk transcripts.
public enum DeskTranscriptParser {
    static let appealFields: Set<String> = ["queue", "state", "specialist", "topic"]
    static let waitFields: Set<String> = ["position", "queue", "state", "specialist", "topic"]
    static let queueLineFields: Set<String> = ["waiting", "overdue", "oldest"]
    static let overviewFields: Set<String> = ["taken", "answered"]
    static let eventKinds: Set<String> = ["new_appeal", "follow_up", "closed_by_customer", "none"]

    public static func parse(_ text: String, file: String) throws -> [DeskTranscript] {
        var transcripts: [DeskTranscript] = []
        var title: String?
        var headerLine: Int?
        var now: Date?
        var customers: [(name: String, profile: ProfileSource)] = []
        var steps: [DeskTranscript.Step] = []
        var textLines: [TextExpectation.PatternLine] = []
        func at(_ line: Int) -> SourceLocation { SourceLocation(file: file, line: line) }

        func finishText() throws {
            guard !textLines.isEmpty else { return }
            let lines = textLines
            textLines = []
            do {
                steps[steps.count - 1].reply.text = try TextExpectation(lines: lines)
            } catch let error as PatternError {
                throw TranscriptSyntaxError(lines[0].location, error.message)
            }
        }
        func close(_ line: Int) throws {
            try finishText()
            defer { title = nil; headerLine = nil; customers = []; steps = [] }
            guard headerLine != nil || !steps.isEmpty else { return }
            guard !steps.isEmpty else { throw TranscriptSyntaxError(at(headerLine ?? line), "the transcript has a header but no steps") }
            let name = (file as NSString).lastPathComponent
            transcripts.append(DeskTranscript(
                title: title ?? (transcripts.isEmpty ? name : "\(name) #\(transcripts.count + 1)"),
                location: at(headerLine ?? steps[0].location.line), now: now ?? Transcript.defaultNow,
                customers: customers, steps: steps))
        }

        let lines = TranscriptParser.splitLines(text)
        var index = 0
        while index < lines.count {
            let number = index + 1
            index += 1
            let line = lines[number - 1].trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line == "---" { try close(number); continue }
            let names = Set(customers.map(\.name))
            if let step = try action(line, number, file: file, customers: names) {
                try finishText()
                if case .customer(let name, _) = step.action, !names.contains(name) {
                    throw TranscriptSyntaxError(at(number), "no customer `\(name)`; declare one in the header: `customer \(name): demo`")
                }
                steps.append(step)
                continue
            }
            if let colon = line.firstIndex(of: ":"), line.first != "?", line.first != "<", line.first != "[" {
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                let words = key.split(separator: " ")
                if ["title", "now", "time"].contains(key) || (words.count == 2 && words[0] == "customer") {
                    guard steps.isEmpty else {
                        throw TranscriptSyntaxError(at(number), "`\(key):` belongs in the header; start another transcript with a `---` line")
                    }
                    if headerLine == nil { headerLine = number }
                    if key == "title" {
                        title = value
                    } else if key == "now" || key == "time" {
                        guard let date = ISO8601.parse(value) else {
                            throw TranscriptSyntaxError(at(number), "`\(key):` needs an ISO 8601 date-time with a zone")
                        }
                        now = date
                    } else {
                        let profile: ProfileSource = value == "demo" ? .demo : value.hasPrefix("{") ? .inline(value) : .file(path: value)
                        customers.append((String(words[1]), profile))
                    }
                    continue
                }
            }
            guard !steps.isEmpty else {
                throw TranscriptSyntaxError(at(number), "expectations follow a step: `имя> text`, `@ имя: text` or `~ 5m`")
            }
            switch line.first {
            case "<":
                var source = line.dropFirst()
                if source.first == " " { source = source.dropFirst() }
                do {
                    textLines.append(.init(location: at(number), source: line, pattern: try TextPattern.parseLine(String(source))))
                } catch let error as PatternError {
                    throw TranscriptSyntaxError(at(number), error.message)
                }
            case "?":
                let body = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
                if let check = try deskCheck(body, source: line, location: at(number)) {
                    steps[steps.count - 1].checks.append(check)
                } else {
                    let assertion = try AssertionParser.parse(body, source: line, location: at(number))
                    steps[steps.count - 1].reply.assertions.append(assertion)
                }
            default:
                throw TranscriptSyntaxError(at(number), "cannot read this line; a desk transcript has `имя> text`, `@ имя: text`, `~ 5m`, `<` bot lines and `?` assertions")
            }
        }
        try close(lines.count)
        guard !transcripts.isEmpty else { throw TranscriptSyntaxError(at(1), "no conversation in this file") }
        return transcripts
    }

    /// The step a line starts, if it is one.
    static func action(_ line: String, _ number: Int, file: String, customers: Set<String>) throws -> DeskTranscript.Step? {
        let location = SourceLocation(file: file, line: number)
        if line.hasPrefix("@") {
            let rest = line.dropFirst().trimmingCharacters(in: .whitespaces)
            guard let colon = rest.firstIndex(of: ":") else {
                throw TranscriptSyntaxError(location, "a specialist's line is written `@ имя: text`")
            }
            let name = rest[..<colon].trimmingCharacters(in: .whitespaces)
            let text = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !text.isEmpty else { throw TranscriptSyntaxError(location, "a specialist's line is written `@ имя: text`") }
            return DeskTranscript.Step(location: location, action: .specialist(name: name, text: text))
        }
        if line.hasPrefix("~") {
            let value = line.dropFirst().trimmingCharacters(in: .whitespaces)
            guard let interval = parseInterval(value) else {
                throw TranscriptSyntaxError(location, "the clock moves by `~ 90s`, `~ 21m` or `~ 2h`")
            }
            return DeskTranscript.Step(location: location, action: .wait(interval))
        }
        if let marker = line.firstIndex(of: ">") {
            let name = String(line[..<marker])
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                var text = line[line.index(after: marker)...]
                if text.first == " " { text = text.dropFirst() }
                return DeskTranscript.Step(location: location, action: .customer(name: name, text: String(text)))
            }
        }
        return nil
    }

    /// `90s`, `21m`, `2h` → seconds.
    static func parseInterval(_ value: String) -> TimeInterval? {
        guard let unit = value.last, let number = Double(value.dropLast()), number >= 0 else { return nil }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        default: return nil
        }
    }

    /// A `?` line about the desk; `nil` for the customer format's assertions.
    static func deskCheck(_ body: String, source: String, location: SourceLocation) throws -> DeskCheck? {
        guard let colon = body.firstIndex(of: ":") else { return nil }
        let words = body[..<colon].split(separator: " ").map(String.init)
        let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        func fail(_ message: String) -> TranscriptSyntaxError { TranscriptSyntaxError(location, message) }
        func fields(_ allowed: Set<String>) throws -> [String: String] {
            var result: [String: String] = [:]
            for item in value.split(separator: " ") {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, allowed.contains(parts[0]) else {
                    throw fail("`\(item)`: fields are written `key=value` with key one of \(allowed.sorted().joined(separator: ", "))")
                }
                result[parts[0]] = parts[1]
            }
            guard !result.isEmpty else { throw fail("name at least one field") }
            return result
        }
        let kind: DeskCheck.Kind
        switch (words.first, words.count) {
        case ("took", 1):
            kind = .took(value == "none" ? nil : value)
        case ("error", 1):
            kind = .error(value)
        case ("appeal", 1):
            kind = .appeal(try fields(appealFields))
        case ("shows", 1):
            kind = .shows(queue: nil, fields: try fields(overviewFields))
        case ("shows", 2):
            guard let queue = Queue(rawValue: words[1]) else {
                throw fail("no queue `\(words[1])`; one of \(Queue.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = .shows(queue: queue, fields: try fields(queueLineFields))
        case ("wait", 2):
            kind = .wait(customer: words[1], fields: try fields(waitFields))
        case ("notice", 1):
            do { kind = .notice(try TextPattern(value)) } catch let error as PatternError { throw fail(error.message) }
        case ("notices", 1):
            guard value == "none" else { throw fail("`? notices:` takes `none`; a notice's text is `? notice: text`") }
            kind = .notice(nil)
        case ("event", 2):
            guard eventKinds.contains(value) else { throw fail("an event is one of \(eventKinds.sorted().joined(separator: ", "))") }
            kind = .event(specialist: words[1], kind: value == "none" ? nil : value)
        default:
            return nil
        }
        return DeskCheck(location: location, source: source, kind: kind)
    }
}
