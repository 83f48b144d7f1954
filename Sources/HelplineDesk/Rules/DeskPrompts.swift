/// The keys of the `texts` section of `Intents/config/desk.yaml`: what the customer is told about
/// their wait and what reaches them from the desk.
public enum DeskPrompt: String, Sendable, Hashable, CaseIterable {
    case positionFirst = "position_first", position
    case estimateLive = "estimate_live", estimateAverage = "estimate_average"
    case statusTaken = "status_taken", statusAnswered = "status_answered", statusClosed = "status_closed"
    case noticeTaken = "notice_taken", noticeReply = "notice_reply", noticeQuestion = "notice_question"
    case noticeTransferred = "notice_transferred", noticeReleased = "notice_released", noticeClosed = "notice_closed"
    case closedByCustomer = "closed_by_customer"
    case historyCut = "history_cut"
    case etaRange = "eta_range", etaExact = "eta_exact"
}

/// The desk's customer-facing texts, with the Russian forms of «минута» and «обращение».
public struct DeskPrompts: Sendable, Hashable {
    /// Texts by ``DeskPrompt`` raw value.
    public var texts: [String: String]
    /// «минута», «минуты», «минут».
    public var minuteForms: [String]
    /// «обращение», «обращения», «обращений».
    public var appealForms: [String]

    /// The placeholders the desk fills; a text with any other is refused by the loader.
    public static let placeholders: Set<String> = [
        "ticket", "ahead", "eta", "specialist", "message", "low", "high", "minutes", "count",
    ]

    public init(texts: [String: String], minuteForms: [String], appealForms: [String]) {
        self.texts = texts
        self.minuteForms = minuteForms
        self.appealForms = appealForms
    }

    /// The text for `key` with its placeholders filled from `values`; unknown ones stay as written.
    public func text(_ key: DeskPrompt, _ values: [String: String] = [:]) -> String {
        Self.fill(texts[key.rawValue] ?? "{\(key.rawValue)}", values)
    }

    /// «3–6 минут», or «4 минуты» when both ends are the same; the form agrees with the upper figure.
    public func eta(_ minutes: [Int]) -> String {
        guard let low = minutes.first, let high = minutes.last else { return "" }
        if low == high {
            return text(.etaExact, ["count": String(high), "minutes": Self.form(high, minuteForms)])
        }
        return text(.etaRange, ["low": String(low), "high": String(high), "minutes": Self.form(high, minuteForms)])
    }

    /// «1 обращение», «2 обращения», «5 обращений».
    public func appeals(_ count: Int) -> String {
        "\(count) \(Self.form(count, appealForms))"
    }

    /// The Russian plural form for `count` out of (one, few, many).
    static func form(_ count: Int, _ forms: [String]) -> String {
        guard forms.count == 3 else { return "" }
        let n = abs(count) % 100
        if (11...14).contains(n) { return forms[2] }
        switch n % 10 {
        case 1: return forms[0]
        case 2, 3, 4: return forms[1]
        default: return forms[2]
        }
    }

    /// The `{name}` placeholders in `text`, in order.
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

    /// Replaces each `{key}` in one pass, so a value containing braces (a specialist's message)
    /// is never filled again.
    static func fill(_ template: String, _ values: [String: String]) -> String {
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
