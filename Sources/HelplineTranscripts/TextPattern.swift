import Foundation

/// An expected bot text: literal words, `*` wildcards and `{/regex/}` parts, matched after
/// whitespace normalization.
///
/// Every run of whitespace (spaces, no-break spaces, line breaks) counts as one space, and leading
/// and trailing whitespace is ignored, in the pattern and in the text alike. `*` matches any text,
/// including none; the spaces next to it may then be absent too, so `Тема: * Заказ` matches
/// `Тема: Заказ`. `\*`, `\{` and `\\` are a literal star, brace and backslash. A regular
/// expression part (ICU syntax) sees the normalized text, so it never meets a line break.
///
/// ```swift
/// let pattern = try TextPattern("Обращение № * передано специалисту.")
/// pattern.matches("Обращение № 7F3A-1\nпередано  специалисту.")  // true
/// ```
public struct TextPattern: Sendable, CustomStringConvertible {
    /// One line of a pattern, parsed.
    public struct Line: Sendable, Hashable {
        public var tokens: [Token]

        public init(tokens: [Token]) {
            self.tokens = tokens
        }

        /// A line that is one regular expression (`~ /regex/`).
        public static func regex(_ source: String) -> Line { Line(tokens: [.regex(source)]) }

        /// Whether the line says nothing (blank).
        public var isEmpty: Bool { tokens.allSatisfy { $0 == .space } }
    }

    /// A piece of a pattern.
    public enum Token: Sendable, Hashable {
        case literal(String)
        /// One normalized space.
        case space
        case wildcard
        case regex(String)
    }

    public let lines: [Line]
    public let ignoreCase: Bool
    public let anchored: Bool
    private let compiled: CompiledRegex

    /// A pattern from its lines; they are joined by a space, as the reply's lines are.
    public init(lines: [Line], ignoreCase: Bool = false, anchored: Bool = true) throws {
        self.lines = lines
        self.ignoreCase = ignoreCase
        self.anchored = anchored
        self.compiled = try CompiledRegex(Self.regexSource(Self.join(lines), anchored: anchored), ignoreCase: ignoreCase)
    }

    /// A one-line pattern from its text (`*`, `{/regex/}` and `\` escapes as described above).
    public init(_ text: String, ignoreCase: Bool = false, anchored: Bool = true) throws {
        try self.init(lines: [try Self.parseLine(text)], ignoreCase: ignoreCase, anchored: anchored)
    }

    /// Whether `text` matches (whole text when anchored, somewhere in it otherwise).
    public func matches(_ text: String) -> Bool {
        compiled.matches(Self.normalize(text))
    }

    /// Whether the pattern is plain text, with no wildcard or regex.
    public var isLiteral: Bool {
        lines.allSatisfy { $0.tokens.allSatisfy { if case .literal = $0 { true } else { $0 == .space } } }
    }

    /// The pattern as it would be written on one line.
    public var description: String {
        Self.join(lines).map { token -> String in
            switch token {
            case .literal(let text): Self.escape(text)
            case .space: " "
            case .wildcard: "*"
            case .regex(let source): "{/\(source)/}"
            }
        }.joined()
    }

    // MARK: - Diagnostics

    /// How far `text` agrees with the pattern: the normalized text, the length (in characters) of
    /// its longest prefix that a prefix of the pattern matches, and the first pattern piece that
    /// could not be matched there (`nil` when all of it matched but text was left over).
    public func firstDifference(in text: String) -> (text: String, offset: Int, expected: String?) {
        let normalized = Self.normalize(text)
        let tokens = Self.join(lines)
        var best = (offset: 0, matchedTokens: 0)
        // Try ever longer prefixes of the pattern; the longest one that still matches a prefix of
        // the text shows where they part.
        var count = 0
        while count <= tokens.count {
            let prefix = Array(tokens.prefix(count))
            if let regex = try? CompiledRegex("^(?:" + Self.body(prefix) + ")", ignoreCase: ignoreCase),
               let length = regex.prefixMatchLength(normalized) {
                best = (length, count)
            } else if count > 0 {
                break
            }
            count += 1
        }
        guard best.matchedTokens < tokens.count else {
            return (normalized, best.offset, nil)
        }
        var rest = Array(tokens[best.matchedTokens...])
        while rest.first == .space { rest.removeFirst() }
        let expected = Self.escapeTokens(rest)
        return (normalized, best.offset, expected.isEmpty ? nil : expected)
    }

    // MARK: - Parsing

    /// Parses one pattern line. Errors carry no location; the caller adds it.
    public static func parseLine(_ text: String) throws -> Line {
        var tokens: [Token] = []
        var literal = ""
        func flush() {
            if !literal.isEmpty { tokens.append(contentsOf: tokenizeLiteral(literal)); literal = "" }
        }
        var index = text.startIndex
        while index < text.endIndex {
            let char = text[index]
            if char == "\\" {
                let next = text.index(after: index)
                guard next < text.endIndex else {
                    throw PatternError("a `\\` at the end of the line escapes nothing (write `\\\\` for a backslash)")
                }
                literal.append(text[next])
                index = text.index(after: next)
            } else if char == "*" {
                flush()
                if tokens.last != .wildcard { tokens.append(.wildcard) }
                index = text.index(after: index)
            } else if text[index...].hasPrefix("{/") {
                let start = text.index(index, offsetBy: 2)
                guard let end = text.range(of: "/}", range: start..<text.endIndex) else {
                    throw PatternError("`{/` opens a regular expression that is never closed with `/}`")
                }
                let source = String(text[start..<end.lowerBound])
                try validateRegex(source)
                flush()
                tokens.append(.regex(source))
                index = end.upperBound
            } else {
                literal.append(char)
                index = text.index(after: index)
            }
        }
        flush()
        return Line(tokens: tokens)
    }

    /// Checks that a regular expression compiles.
    public static func validateRegex(_ source: String) throws {
        guard !source.isEmpty else { throw PatternError("the regular expression is empty") }
        do {
            _ = try NSRegularExpression(pattern: source)
        } catch {
            throw PatternError("invalid regular expression /\(source)/")
        }
    }

    /// Escapes text so that it reads back as a literal pattern.
    public static func escape(_ text: String) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let char = text[index]
            if char == "\\" || char == "*" || (char == "{" && text[text.index(after: index)...].hasPrefix("/")) {
                out.append("\\")
            }
            out.append(char)
            index = text.index(after: index)
        }
        return out
    }

    // MARK: - Normalization

    /// Whitespace runs become one space; the ends are trimmed.
    public static func normalize(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for char in text {
            if char.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(char)
            }
        }
        return out
    }

    private static func tokenizeLiteral(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var word = ""
        for char in text {
            if char.isWhitespace {
                if !word.isEmpty { tokens.append(.literal(word)); word = "" }
                if tokens.last != .space { tokens.append(.space) }
            } else {
                word.append(char)
            }
        }
        if !word.isEmpty { tokens.append(.literal(word)) }
        return tokens
    }

    /// The lines as one token list: blank lines dropped, one space between lines, no space at the ends.
    private static func join(_ lines: [Line]) -> [Token] {
        var tokens: [Token] = []
        for line in lines where !line.isEmpty {
            if !tokens.isEmpty { tokens.append(.space) }
            tokens.append(contentsOf: line.tokens)
        }
        // Collapse doubled spaces and trim.
        var out: [Token] = []
        for token in tokens {
            if token == .space && (out.isEmpty || out.last == .space) { continue }
            out.append(token)
        }
        while out.last == .space { out.removeLast() }
        return out
    }

    private static func escapeTokens(_ tokens: [Token]) -> String {
        tokens.map { token -> String in
            switch token {
            case .literal(let text): escape(text)
            case .space: " "
            case .wildcard: "*"
            case .regex(let source): "{/\(source)/}"
            }
        }.joined()
    }

    private static func regexSource(_ tokens: [Token], anchored: Bool) -> String {
        anchored ? "^(?:" + body(tokens) + ")$" : body(tokens)
    }

    /// The regular expression for a token list. A space next to a wildcard is optional.
    private static func body(_ tokens: [Token]) -> String {
        var out = ""
        for (index, token) in tokens.enumerated() {
            switch token {
            case .literal(let text):
                out += NSRegularExpression.escapedPattern(for: text)
            case .space:
                let nearWildcard = (index > 0 && tokens[index - 1] == .wildcard)
                    || (index + 1 < tokens.count && tokens[index + 1] == .wildcard)
                out += nearWildcard ? " ?" : " "
            case .wildcard:
                out += ".*?"
            case .regex(let source):
                out += "(?:" + source + ")"
            }
        }
        return out
    }
}

/// A pattern that cannot be compiled.
public struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// An immutable compiled regular expression, safe to share between tasks.
final class CompiledRegex: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented as thread-safe.
    private let regex: NSRegularExpression

    init(_ source: String, ignoreCase: Bool) throws {
        do {
            regex = try NSRegularExpression(pattern: source, options: ignoreCase ? [.caseInsensitive] : [])
        } catch {
            throw PatternError("invalid regular expression /\(source)/")
        }
    }

    func matches(_ text: String) -> Bool {
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }

    /// The length in characters of the match at the start of `text`, if any.
    func prefixMatchLength(_ text: String) -> Int? {
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        guard let match = regex.firstMatch(in: text, options: [.anchored], range: range),
              let swiftRange = Range(match.range, in: text) else { return nil }
        return text.distance(from: text.startIndex, to: swiftRange.upperBound)
    }
}
