import HelplineIntents
import Yams

/// The keys of `Intents/config/prompts.yaml`: every text the dialogue shows, besides the intents' answers.
public enum Prompt: String, Sendable, Hashable, CaseIterable {
    case greeting, greetingAnonymous = "greeting_anonymous", menu
    case resumeTopic = "resume_topic", resumeAfterRefusal = "resume_after_refusal", miss, missSpecialist = "miss_specialist"
    case specialistOption = "specialist_option", ambiguous, offerAgain = "offer_again", noSuchOption = "no_such_option"
    case confirmGuess = "confirm_guess"
    case orderNoted = "order_noted", generalTopicTitle = "general_topic_title", topicChosen = "topic_chosen"
    case orderQuestion = "order_question", bookingQuestion = "booking_question", resumeOrder = "resume_order"
    case orderOption = "order_option", orderOptionWithStatus = "order_option_with_status"
    case noOrderOption = "no_order_option", orderUnrecognized = "order_unrecognized"
    case orderUnknown = "order_unknown", orderNotFound = "order_not_found", orderAmbiguous = "order_ambiguous"
    case resumeBooking = "resume_booking", bookingUnrecognized = "booking_unrecognized"
    case bookingUnknown = "booking_unknown", bookingAmbiguous = "booking_ambiguous", noBookingOption = "no_booking_option"
    case writeSummaryBooking = "write_summary_booking", ticketDetailsBooking = "ticket_details_booking"
    case writeSummary = "write_summary", writeSummaryOrder = "write_summary_order", write
    case resumeWrite = "resume_write", navigationHint = "navigation_hint"
    case draftShown = "draft_shown", writeWithDraft = "write_with_draft", sendOption = "send_option"
    case emptyText = "empty_text", orderRef = "order_ref", sympathy
    case ticketCreated = "ticket_created", ticketDetails = "ticket_details", ticketQueue = "ticket_queue"
    case ticketDetailsNoOrder = "ticket_details_no_order"
    case premiumBuyerNote = "premium_buyer_note", ticketFollowup = "ticket_followup"
    case resumeSubmitted = "resume_submitted", appended, newAppealOption = "new_appeal_option"
    case backAtStart = "back_at_start", backToTopics = "back_to_topics", backToOrders = "back_to_orders", otherOrder = "other_order", otherBooking = "other_booking", untitledOrder = "untitled_order", untitledBooking = "untitled_booking"
    case untitledOrderOption = "untitled_order_option", untitledOrderOptionWithStatus = "untitled_order_option_with_status"
    case untitledOrderRef = "untitled_order_ref", alreadyWriting = "already_writing"
    case backAfterSubmit = "back_after_submit", toMenu = "to_menu", cancelled
    case nothingToCancel = "nothing_to_cancel", cancelAfterSubmit = "cancel_after_submit", newAppeal = "new_appeal"
    case infoMissing = "info_missing", eta
    case otherTopic = "other_topic", describeQuestion = "describe_question", draftKept = "draft_kept"
    case storyKept = "story_kept", topicOffered = "topic_offered", newAppealHint = "new_appeal_hint"
    case draftUnsent = "draft_unsent", writeWithHeldDraft = "write_with_held_draft", draftAdded = "draft_added", questionAdded = "question_added", draftUnsentOrder = "draft_unsent_order"
    case acknowledged, listening, orderHint = "order_hint", bookingHint = "booking_hint"
    case repeatInDraft = "repeat_in_draft", repeatInAppeal = "repeat_in_appeal", draftFull = "draft_full"
    case draftNotSentYet = "draft_not_sent_yet"
    case orderAlreadyChosen = "order_already_chosen", bookingAlreadyChosen = "booking_already_chosen"
    case otherOrderNamed = "other_order_named", otherBookingNamed = "other_booking_named"
    case layoutConverted = "layout_converted"
    case numberNotNeeded = "number_not_needed", bookingNumberNotNeeded = "booking_number_not_needed"
    case notSent = "not_sent"
    case chooseOffered = "choose_offered"
}

/// The dialogue's texts, decoded from `Intents/config/prompts.yaml`.
///
/// Texts carry `{name}`-style placeholders that ``text(_:_:)`` fills in:
/// ```swift
/// prompts.text(.ticketCreated, ["ticket": "s1-1"])  // "Обращение № s1-1 передано специалисту."
/// ```
public struct Prompts: Sendable, Hashable {
    /// How one queue is named and its wait described.
    public struct QueueWording: Sendable, Hashable, Codable {
        /// E.g. «общая», shown after «Очередь:».
        public var name: String
        /// A sentence with an `{eta}` placeholder.
        public var wait: String

        public init(name: String, wait: String) {
            self.name = name
            self.wait = wait
        }
    }

    /// The path of the prompts inside a data bundle.
    public static let path = "config/prompts.yaml"

    /// Plain texts by key (``Prompt`` raw values).
    public var texts: [String: String] {
        didSet { templates = Self.templates(texts) }
    }
    /// The `texts` cut at their placeholders, by prompt.
    private var templates: [Prompt: Template]
    /// Short replies to small-talk intents, by intent id.
    public var smalltalk: [String: String]
    public var queues: [Queue: QueueWording] {
        didSet { waitTemplates = queues.mapValues { Template($0.wait) } }
    }
    /// The queues' wait sentences cut at their placeholders.
    private var waitTemplates: [Queue: Template]
    /// The forms of «минута» for one, few and many.
    public var minuteForms: [String]

    /// Prompts from already-decoded parts; ``init(yaml:)`` is the checked way in.
    public init(texts: [String: String], smalltalk: [String: String], queues: [Queue: QueueWording],
                minuteForms: [String]) {
        self.texts = texts
        templates = Self.templates(texts)
        self.smalltalk = smalltalk
        self.queues = queues
        waitTemplates = queues.mapValues { Template($0.wait) }
        self.minuteForms = minuteForms
    }

    /// Decodes and checks the prompts file: every ``Prompt`` key, every queue and three minute forms must be there.
    public init(yaml: String) throws {
        let file: PromptsFile
        do {
            file = try YAMLDecoder().decode(PromptsFile.self, from: yaml)
        } catch {
            throw DataError(file: Self.path, message: "\(error)")
        }
        texts = file.texts
        templates = Self.templates(file.texts)
        smalltalk = file.smalltalk
        minuteForms = file.minuteForms
        var queues: [Queue: QueueWording] = [:]
        for (key, wording) in file.queues {
            guard let queue = Queue(rawValue: key) else {
                throw DataError(file: Self.path, message: "unknown queue «\(key)» under `queues`")
            }
            queues[queue] = wording
        }
        self.queues = queues
        waitTemplates = queues.mapValues { Template($0.wait) }
        let missing = Prompt.allCases.map(\.rawValue).filter { texts[$0] == nil }
            + Queue.allCases.filter { queues[$0] == nil }.map { "queues.\($0.rawValue)" }
        guard missing.isEmpty else {
            throw DataError(file: Self.path, message: "missing texts: \(missing.joined(separator: ", "))")
        }
        guard minuteForms.count == 3 else {
            throw DataError(file: Self.path, message: "`minute_forms` needs three forms (one, few, many)")
        }
        let written = texts.map { ($0.key, $0.value) } + smalltalk.map { ("smalltalk.\($0.key)", $0.value) }
            + file.queues.flatMap { [("queues.\($0.key).name", $0.value.name), ("queues.\($0.key).wait", $0.value.wait)] }
        for (key, text) in written.sorted(by: { $0.0 < $1.0 }) {
            if let unknown = Self.placeholderNames(in: text).first(where: { !Self.placeholders.contains($0) }) {
                throw DataError(file: Self.path, message: "`\(key)` has the placeholder {\(unknown)}, which is never filled; "
                    + "known: \(Self.placeholders.sorted().map { "{\($0)}" }.joined(separator: ", "))")
            }
        }
    }

    /// The placeholders the engine fills; a text with any other would show it to the user as written.
    public static let placeholders: Set<String> = [
        "name", "topic", "order", "ticket", "queue", "wait", "eta", "number", "option", "no_order",
        "specialist", "title", "id", "status", "low", "high", "minutes", "draft", "send", "new",
    ]

    /// The names of the `{name}` placeholders in `text`, as ``fill(_:_:)`` reads them.
    static func placeholderNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            names.append(String(rest[afterOpen..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// Reads `config/prompts.yaml` from a data bundle.
    public init(bundle: DataBundle) throws {
        guard let yaml = bundle.files[Self.path] else {
            throw DataError(file: Self.path, message: "missing from the data folder")
        }
        try self.init(yaml: yaml)
    }

    /// The text for `key` with its placeholders filled from `values`. Unknown placeholders stay as written.
    public func text(_ key: Prompt, _ values: [String: String] = [:]) -> String {
        if let template = templates[key] { return template.fill(values) }
        return Self.fill(texts[key.rawValue] ?? "{\(key.rawValue)}", values)
    }

    private static func templates(_ texts: [String: String]) -> [Prompt: Template] {
        var templates: [Prompt: Template] = [:]
        for (key, text) in texts {
            if let prompt = Prompt(rawValue: key) { templates[prompt] = Template(text) }
        }
        return templates
    }

    /// The short reply to a small-talk intent, if the file has one.
    public func smalltalk(_ intent: IntentID) -> String? { smalltalk[intent.rawValue] }

    /// The queue's name, e.g. «общая».
    public func queueName(_ queue: Queue) -> String { queues[queue]?.name ?? queue.rawValue }

    /// The queue's wait sentence with the estimate filled in.
    public func queueWait(_ queue: Queue, etaMinutes: [Int]) -> String {
        let values = ["eta": eta(etaMinutes)]
        return waitTemplates[queue]?.fill(values) ?? Self.fill(queues[queue]?.wait ?? "{eta}", values)
    }

    /// «5–10 минут», «1–3 минуты»: the range with «минута» agreeing with its upper figure.
    public func eta(_ minutes: [Int]) -> String {
        guard let low = minutes.first, let high = minutes.last else { return "" }
        return text(.eta, ["low": String(low), "high": String(high), "minutes": minuteForm(high)])
    }

    /// The Russian plural form of «минута» for `count`.
    func minuteForm(_ count: Int) -> String {
        guard minuteForms.count == 3 else { return "" }
        let n = abs(count) % 100
        if (11...14).contains(n) { return minuteForms[2] }
        switch n % 10 {
        case 1: return minuteForms[0]
        case 2, 3, 4: return minuteForms[1]
        default: return minuteForms[2]
        }
    }

    /// Replaces each `{key}` in one pass, so values containing braces are never filled again.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            let name = String(rest[afterOpen..<close])
            if let value = values[name] { out += value } else { out += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }
}

/// A text cut once at its `{name}` placeholders, so that filling it is appending pieces:
/// ``fill(_:)`` gives exactly what ``Prompts/fill(_:_:)`` gives for the text.
struct Template: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case text(String)
        /// A placeholder's name and the placeholder as written (kept when there is no value).
        case placeholder(name: String, written: String)
    }

    /// The text when it has no `{` (then it is shown as it is).
    let whole: String?
    let pieces: [Piece]
    /// Bytes to reserve for a filled text: the fixed pieces and room for the values.
    let capacity: Int

    /// Cuts `template` the way ``Prompts/fill(_:_:)`` reads it.
    init(_ template: String) {
        guard template.utf8.contains(UInt8(ascii: "{")) else {
            whole = template
            pieces = []
            capacity = 0
            return
        }
        whole = nil
        var pieces: [Piece] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            pieces.append(.text(String(rest[..<open])))
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            pieces.append(.placeholder(name: String(rest[afterOpen..<close]), written: String(rest[open...close])))
            rest = rest[rest.index(after: close)...]
        }
        pieces.append(.text(String(rest)))
        self.pieces = pieces.filter { $0 != .text("") }
        capacity = self.pieces.reduce(0) { total, piece in
            switch piece {
            case .text(let text): total + text.utf8.count
            case .placeholder: total + 32
            }
        }
    }

    /// The text with its placeholders filled from `values`; unknown ones stay as written.
    func fill(_ values: [String: String]) -> String {
        if let whole { return whole }
        var out = ""
        out.reserveCapacity(capacity)
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .placeholder(let name, let written): out += values[name] ?? written
            }
        }
        return out
    }
}

/// The prompts file as written: plain texts at the top level, plus the `smalltalk`, `queues` and
/// `minute_forms` sections.
private struct PromptsFile: Decodable {
    var texts: [String: String] = [:]
    var smalltalk: [String: String] = [:]
    var queues: [String: Prompts.QueueWording] = [:]
    var minuteForms: [String] = []

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for key in c.allKeys {
            switch key.stringValue {
            case "smalltalk": smalltalk = try c.decode([String: String].self, forKey: key)
            case "queues": queues = try c.decode([String: Prompts.QueueWording].self, forKey: key)
            case "minute_forms": minuteForms = try c.decode([String].self, forKey: key)
            default: texts[key.stringValue] = try c.decode(String.self, forKey: key)
            }
        }
    }
}
