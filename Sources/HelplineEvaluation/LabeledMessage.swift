import HelplineIntents

/// One labelled message of an evaluation set: the intent it should get (nil for off-topic, written
/// `none` in files and JSON).
public struct LabeledMessage: Sendable, Hashable, Codable {
    public var intent: IntentID?
    public var text: String
    /// The line of the file it came from (1-based), when read from one.
    public var line: Int?

    enum CodingKeys: String, CodingKey {
        case intent, text, line
    }

    public init(intent: IntentID?, text: String, line: Int? = nil) {
        self.intent = intent
        self.text = text
        self.line = line
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intent = try c.decodeIntent(forKey: .intent)
        text = try c.decode(String.self, forKey: .text)
        line = try c.decodeIfPresent(Int.self, forKey: .line)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(intent: intent, forKey: .intent)
        try c.encode(text, forKey: .text)
        try c.encodeIfPresent(line, forKey: .line)
    }

    /// Reads `intent<TAB>text` lines. Blank lines and lines starting with `#` are skipped.
    ///
    /// Throws a `TestSetError` with the line number for a line without a tab, with an empty intent
    /// or text, or (when `knownIntents` is given) with an intent that is neither known nor `none`.
    public static func parseTSV(_ content: String, knownIntents: Set<IntentID>? = nil) throws -> [LabeledMessage] {
        var messages: [LabeledMessage] = []
        var number = 0
        // "\r\n" is a single Character in Swift, so it is named as a separator of its own.
        for rawLine in content.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if number == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            if line.allSatisfy(\.isWhitespace) || line.hasPrefix("#") { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw TestSetError(line: number, message: "expected 'intent<TAB>text', found no tab")
            }
            let intent = line[..<tab].trimmed()
            let text = line[line.index(after: tab)...].trimmed()
            guard !intent.isEmpty else { throw TestSetError(line: number, message: "the intent is empty") }
            guard !intent.contains(where: \.isWhitespace) else {
                throw TestSetError(line: number, message: "the intent '\(intent)' contains spaces")
            }
            guard !text.isEmpty else { throw TestSetError(line: number, message: "the text is empty") }
            let id = IntentID?(wireValue: intent)
            if let knownIntents, let id, !knownIntents.contains(id) {
                throw TestSetError(line: number, message: "unknown intent '\(intent)'")
            }
            messages.append(LabeledMessage(intent: id, text: text, line: number))
        }
        return messages
    }
}

/// A line of an evaluation file that cannot be used.
public struct TestSetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

extension Substring {
    /// The text without leading and trailing whitespace.
    fileprivate func trimmed() -> String {
        var s = self[...]
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
