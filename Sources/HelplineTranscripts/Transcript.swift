import Foundation
import HelplineDialogue

/// A place in a transcript file: the file and the 1-based line number.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as it was given (relative paths stay relative, so reports stay short).
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// One scripted conversation: who the customer is, when it happens, and what is said.
///
/// Both the native format (`*.transcript`, see `docs/TRANSCRIPTS.md`) and BotiumScript
/// (`*.convo.txt`) parse into this.
public struct Transcript: Sendable {
    /// Which syntax the transcript was written in.
    public enum Format: String, Sendable, Hashable {
        case native
        case botium
    }

    public var title: String
    public var format: Format
    /// Where the transcript starts (its header, or the Botium title line).
    public var location: SourceLocation
    public var profile: ProfileSource
    /// The fixed clock time the conversation runs at.
    public var now: Date
    /// The session id for an in-process replay (appeal ids are derived from it).
    public var session: String?
    /// What the bot says when the conversation opens, before the first user line.
    public var opening: ReplyExpectation
    /// The user's lines in order, each with what the reply must be.
    public var turns: [Turn]

    public init(title: String, format: Format, location: SourceLocation, profile: ProfileSource, now: Date,
                session: String? = nil, opening: ReplyExpectation = ReplyExpectation(), turns: [Turn] = []) {
        self.title = title
        self.format = format
        self.location = location
        self.profile = profile
        self.now = now
        self.session = session
        self.opening = opening
        self.turns = turns
    }

    /// The clock of a transcript that names none (and of every Botium convo): a fixed morning,
    /// so replays never depend on the day they run.
    public static let defaultNow: Date = ISO8601.parse("2026-06-01T10:00:00+03:00") ?? Date(timeIntervalSince1970: 1_780_297_200)

    /// One user line and the expectations on the reply to it.
    public struct Turn: Sendable {
        /// Where the user line is.
        public var location: SourceLocation
        public var text: String
        public var expectation: ReplyExpectation

        public init(location: SourceLocation, text: String, expectation: ReplyExpectation = ReplyExpectation()) {
            self.location = location
            self.text = text
            self.expectation = expectation
        }
    }
}

/// Where a transcript's customer profile comes from.
public enum ProfileSource: Sendable, Hashable {
    /// The demo profile of the data bundle (`Intents/config/demo-profile.yaml`).
    case demo
    /// A YAML or JSON file; a relative path is resolved against the transcript's folder.
    case file(path: String)
    /// YAML or JSON written in the transcript itself.
    case inline(String)
}

/// What one reply must look like. Empty parts are not checked.
public struct ReplyExpectation: Sendable {
    /// The bot's text, from the `<` and `~` lines.
    public var text: TextExpectation?
    /// The options, from the `[key] label` lines: when present, exactly these, in order.
    public var options: [OptionLine]?
    /// The `?` lines.
    public var assertions: [Assertion]

    public init(text: TextExpectation? = nil, options: [OptionLine]? = nil, assertions: [Assertion] = []) {
        self.text = text
        self.options = options
        self.assertions = assertions
    }

    public var isEmpty: Bool { text == nil && options == nil && assertions.isEmpty }
}

/// The expected bot text: a pattern over the reply's text after whitespace normalization.
public struct TextExpectation: Sendable {
    /// How the pattern is applied.
    public enum Mode: Sendable, Hashable {
        /// The whole text must match (native transcripts).
        case whole
        /// The pattern must occur somewhere in the text, ignoring case (Botium's default
        /// `wildcardIgnoreCase` matching).
        case containsIgnoringCase
    }

    /// The pattern's lines as written, each with its location, for reports.
    public var lines: [PatternLine]
    public var mode: Mode
    /// The text must NOT match (Botium's `!text`).
    public var negated: Bool
    /// The compiled form of all lines together.
    public var pattern: TextPattern

    public init(lines: [PatternLine], mode: Mode = .whole, negated: Bool = false) throws {
        self.lines = lines
        self.mode = mode
        self.negated = negated
        self.pattern = try TextPattern(lines: lines.map(\.pattern), ignoreCase: mode == .containsIgnoringCase,
                                       anchored: mode == .whole)
    }

    /// One expected line: its pattern source and where it was written.
    public struct PatternLine: Sendable {
        public var location: SourceLocation
        /// The line as written in the transcript (`< …` or `~ /…/`), for reports.
        public var source: String
        public var pattern: TextPattern.Line

        public init(location: SourceLocation, source: String, pattern: TextPattern.Line) {
            self.location = location
            self.source = source
            self.pattern = pattern
        }
    }
}

/// An expected option: `[1] Доставка`.
public struct OptionLine: Sendable {
    public var location: SourceLocation
    public var key: String
    /// The label, with `*` wildcards.
    public var label: TextPattern

    public init(location: SourceLocation, key: String, label: TextPattern) {
        self.location = location
        self.key = key
        self.label = label
    }
}

/// A check on a reply beyond its wording: one `?` line (or a Botium asserter).
public struct Assertion: Sendable {
    public var location: SourceLocation
    /// The line as written, for reports.
    public var source: String
    public var check: Check
    /// The check must fail (Botium's `!INTENT`).
    public var negated: Bool

    public init(location: SourceLocation, source: String, check: Check, negated: Bool = false) {
        self.location = location
        self.source = source
        self.check = check
        self.negated = negated
    }

    /// What is checked.
    public enum Check: Sendable {
        /// `? state: write`
        case state(DialogueState)
        /// `? intent: returns >= 0.6`; `nil` id means no intent (or `none`).
        case intent(id: String?, minConfidence: Double?)
        /// Some intent was recognised with at least this confidence (Botium's `INTENT_CONFIDENCE`).
        case intentConfidence(Double)
        /// `? options: Доставка | Возвраты | *` — exactly these, each matching a key, label or value.
        case options([TextPattern])
        /// `? options include: Без заказа` — each is among the options.
        case optionsInclude([TextPattern])
        /// `? ticket: none`
        case noTicket
        /// `? ticket: topic=returns order=… queue=regular eta=5-10 id=same`
        case ticket(TicketCheck)
    }
}

/// The fields of a `? ticket:` line; `nil` fields are not checked.
public struct TicketCheck: Sendable {
    /// How the appeal's id is checked.
    public enum ID: Sendable {
        /// The same appeal as the last reply that carried one.
        case same
        /// A different appeal from the last reply that carried one (or the first one).
        case new
        /// A pattern (wildcards, `{/regex/}`).
        case pattern(TextPattern)
    }

    public var id: ID?
    public var topic: String?
    /// `.some(nil)` checks that the appeal has no order.
    public var order: String??
    public var queue: Queue?
    public var eta: [Int]?

    public init(id: ID? = nil, topic: String? = nil, order: String?? = nil, queue: Queue? = nil, eta: [Int]? = nil) {
        self.id = id
        self.topic = topic
        self.order = order
        self.queue = queue
        self.eta = eta
    }
}

/// A transcript that cannot be read: the file, the line, and what is wrong.
public struct TranscriptSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
