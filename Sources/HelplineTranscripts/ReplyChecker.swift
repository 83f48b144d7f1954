import Foundation
import HelplineDialogue

/// One way a reply differs from what the transcript expects.
public struct Mismatch: Sendable, Hashable {
    /// What part of the reply is wrong.
    public enum Kind: String, Sendable, Hashable {
        case text, options, assertion, error
    }

    public var kind: Kind
    /// The transcript line that expected otherwise.
    public var location: SourceLocation
    /// One line saying what differs.
    public var summary: String
    /// The lines of a readable diff (already prefixed with `-`, `+` or two spaces), or other detail.
    public var detail: [String]

    public init(kind: Kind, location: SourceLocation, summary: String, detail: [String] = []) {
        self.kind = kind
        self.location = location
        self.summary = summary
        self.detail = detail
    }
}

/// Compares one reply with its expectation.
public struct ReplyChecker: Sendable {
    /// The appeal id of the last reply that carried one, for `id=same` and `id=new`.
    public var lastTicketID: String?

    public init(lastTicketID: String? = nil) {
        self.lastTicketID = lastTicketID
    }

    /// Every mismatch between `reply` and `expectation` (empty when it passes). Remembers the
    /// reply's appeal for the next call.
    public mutating func check(_ reply: Reply, against expectation: ReplyExpectation) -> [Mismatch] {
        var mismatches: [Mismatch] = []
        if let text = expectation.text, text.pattern.matches(reply.text) == text.negated {
            mismatches.append(Self.textMismatch(text, reply.text))
        }
        if let options = expectation.options, !Self.optionsMatch(options, reply.options) {
            mismatches.append(Self.optionsMismatch(options, reply.options))
        }
        for assertion in expectation.assertions {
            if let message = failure(of: assertion, reply) {
                mismatches.append(Mismatch(kind: .assertion, location: assertion.location,
                                           summary: "\(assertion.source.trimmingCharacters(in: .whitespaces))", detail: message))
            }
        }
        if let ticket = reply.ticket { lastTicketID = ticket.id }
        return mismatches
    }

    // MARK: - Text

    static func textMismatch(_ text: TextExpectation, _ actual: String) -> Mismatch {
        let location = text.lines.first?.location ?? SourceLocation(file: "", line: 0)
        let actualLines = Self.replyLines(actual)
        if text.negated {
            return Mismatch(kind: .text, location: location, summary: "the bot's text matches what it must not",
                            detail: text.lines.map { "  must not: " + $0.source } + actualLines.map { "  actual:   < " + $0 })
        }
        var detail: [String]
        if text.mode == .whole {
            detail = lineDiff(expected: text.lines, actual: actualLines)
        } else {
            detail = text.lines.map { "- " + $0.source } + actualLines.map { "+ < " + $0 }
        }
        let difference = text.pattern.firstDifference(in: actual)
        if text.mode == .whole {
            let context = difference.text.dropFirst(difference.offset)
            let found = context.isEmpty ? "the end of the text" : "«\(clip(String(context)))»"
            let wanted = difference.expected.map { "«\(clip($0))»" } ?? "the end of the text"
            detail.append("first difference at character \(difference.offset + 1): expected \(wanted), the reply has \(found)")
        }
        let summary = text.mode == .whole ? "the bot's text differs" : "the bot's text does not contain the expected text"
        return Mismatch(kind: .text, location: location, summary: summary, detail: detail)
    }

    /// The reply's non-blank lines, each with its whitespace normalized.
    static func replyLines(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { TextPattern.normalize(String($0)) }
            .filter { !$0.isEmpty }
    }

    /// A line diff: the transcript's lines against the reply's, a pair equal when the line's
    /// pattern matches the reply line on its own.
    static func lineDiff(expected: [TextExpectation.PatternLine], actual: [String]) -> [String] {
        let patterns = expected.map { line in try? TextPattern(lines: [line.pattern]) }
        let n = expected.count, m = actual.count
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        func same(_ i: Int, _ j: Int) -> Bool { patterns[i]?.matches(actual[j]) ?? false }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = same(i, j) ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, same(i, j) {
                out.append("  " + expected[i].source)
                i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append("- " + expected[i].source)
                i += 1
            } else {
                out.append("+ < " + actual[j])
                j += 1
            }
        }
        return out
    }

    static func clip(_ text: String, to length: Int = 60) -> String {
        text.count <= length ? text : String(text.prefix(length)) + "…"
    }

    // MARK: - Options

    static func optionsMatch(_ expected: [OptionLine], _ actual: [ReplyOption]) -> Bool {
        expected.count == actual.count && zip(expected, actual).allSatisfy { line, option in
            line.key == option.key && line.label.matches(option.label)
        }
    }

    static func optionsMismatch(_ expected: [OptionLine], _ actual: [ReplyOption]) -> Mismatch {
        // The same longest-common-subsequence diff as for text, over option lines.
        let n = expected.count, m = actual.count
        func same(_ i: Int, _ j: Int) -> Bool { expected[i].key == actual[j].key && expected[i].label.matches(actual[j].label) }
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = same(i, j) ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var detail: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, same(i, j) {
                detail.append("  [\(expected[i].key)] \(expected[i].label)")
                i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                detail.append("- [\(expected[i].key)] \(expected[i].label)")
                i += 1
            } else {
                detail.append("+ [\(actual[j].key)] \(actual[j].label)")
                j += 1
            }
        }
        let location = expected.first?.location ?? SourceLocation(file: "", line: 0)
        return Mismatch(kind: .options, location: location,
                        summary: "the options differ (expected \(n), got \(m))", detail: detail)
    }

    static func optionMatches(_ pattern: TextPattern, _ option: ReplyOption) -> Bool {
        pattern.matches(option.key) || pattern.matches(option.label) || pattern.matches(option.value)
    }

    // MARK: - Assertions

    /// Why the assertion fails, as detail lines, or `nil` when it holds.
    func failure(of assertion: Assertion, _ reply: Reply) -> [String]? {
        let (holds, expected, actual) = evaluate(assertion.check, reply)
        if holds != assertion.negated { return nil }
        if assertion.negated {
            return ["  must not be: \(expected)", "  actual:      \(actual)"]
        }
        return ["- \(expected)", "+ \(actual)"]
    }

    /// Whether the check holds, what it wanted and what the reply has, both as short text.
    func evaluate(_ check: Assertion.Check, _ reply: Reply) -> (Bool, String, String) {
        let intent = reply.intent.map { "\($0.id.wireValue) (\(Self.format($0.confidence)))" } ?? "no intent"
        switch check {
        case .state(let state):
            return (reply.state == state, "state \(state.rawValue)", "state \(reply.state.rawValue)")
        case .intent(let id, let minimum):
            guard let id else {
                return (reply.intent?.id == nil, "no intent", intent)
            }
            var holds = reply.intent?.id.wireValue == id
            if let minimum, let confidence = reply.intent?.confidence { holds = holds && confidence >= minimum }
            let wanted = minimum.map { "\(id) (≥ \(Self.format($0)))" } ?? id
            return (holds, "intent \(wanted)", "intent \(intent)")
        case .intentConfidence(let minimum):
            let holds = (reply.intent?.confidence ?? 0) >= minimum && reply.intent?.id != nil
            return (holds, "an intent with confidence ≥ \(Self.format(minimum))", intent)
        case .options(let patterns):
            let holds = patterns.count == reply.options.count
                && zip(patterns, reply.options).allSatisfy { Self.optionMatches($0, $1) }
            return (holds, "options " + Self.list(patterns.map(\.description)), "options " + Self.describe(reply.options))
        case .optionsInclude(let patterns):
            let missing = patterns.filter { pattern in !reply.options.contains { Self.optionMatches(pattern, $0) } }
            let wanted = "options including " + Self.list(patterns.map(\.description))
            let actual = "options " + Self.describe(reply.options)
                + (missing.isEmpty ? "" : " (missing: \(missing.map(\.description).joined(separator: " | ")))")
            return (missing.isEmpty, wanted, actual)
        case .noTicket:
            return (reply.ticket == nil, "no appeal", reply.ticket.map(Self.describe) ?? "no appeal")
        case .ticket(let expected):
            return evaluate(expected, reply.ticket)
        }
    }

    func evaluate(_ expected: TicketCheck, _ ticket: Ticket?) -> (Bool, String, String) {
        var wanted: [String] = []
        var holds = ticket != nil
        if let id = expected.id {
            switch id {
            case .same:
                wanted.append("id=\(lastTicketID ?? "(none before)")")
                holds = holds && lastTicketID != nil && ticket?.id == lastTicketID
            case .new:
                wanted.append("id≠\(lastTicketID ?? "(none before)")")
                holds = holds && ticket?.id != lastTicketID
            case .pattern(let pattern):
                wanted.append("id=\(pattern)")
                holds = holds && pattern.matches(ticket?.id ?? "")
            }
        }
        if let topic = expected.topic {
            wanted.append("topic=\(topic)")
            holds = holds && ticket?.topic == topic
        }
        if let order = expected.order {
            wanted.append("order=\(order ?? "none")")
            holds = holds && ticket?.order == order
        }
        if let queue = expected.queue {
            wanted.append("queue=\(queue.rawValue)")
            holds = holds && ticket?.queue == queue
        }
        if let eta = expected.eta {
            wanted.append("eta=\(eta.map(String.init).joined(separator: "-"))")
            holds = holds && ticket?.etaMinutes == eta
        }
        return (holds, "appeal " + wanted.joined(separator: " "), ticket.map(Self.describe) ?? "no appeal")
    }

    static func describe(_ ticket: Ticket) -> String {
        "appeal id=\(ticket.id) topic=\(ticket.topic) order=\(ticket.order ?? "none") queue=\(ticket.queue.rawValue) eta=\(ticket.etaMinutes.map(String.init).joined(separator: "-"))"
    }

    static func describe(_ options: [ReplyOption]) -> String {
        options.isEmpty ? "none" : options.map { "[\($0.key)] \($0.label)" }.joined(separator: " | ")
    }

    static func list(_ items: [String]) -> String {
        items.isEmpty ? "none" : items.joined(separator: " | ")
    }

    static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
