import Foundation

/// One answer of the desk protocol. Every answer has `ok`; events never do (see ``DeskEventLine``).
/// The server writes the request's `id` into the same object first, as in the customers' protocol:
///
/// ```swift
/// var c = encoder.container(keyedBy: EnvelopeKeys.self)
/// try c.encodeIfPresent(id, forKey: .id)
/// try answer.encode(to: encoder)
/// ```
///
/// ```json
/// {"id":1,"ok":true,"specialist":{…},"appeals":[…]}      sign_in: who, and the appeals they still hold
/// {"id":2,"ok":true,"overview":{…}}                       overview
/// {"id":3,"ok":true,"appeal":{…}}                         next (null when nothing waits), show, reply, ask,
///                                                         transfer, release, close: the appeal as it now is
/// {"id":4,"ok":true,"signed_out":true}                    sign_out
/// {"id":5,"ok":true,"pong":true}                          ping
/// {"id":6,"ok":false,"error":{"code":"not_yours","message":"…"}}
/// ```
public enum DeskAnswer: Sendable, Hashable {
    case signedIn(Specialist, holding: [AppealSummary])
    case overview(DeskOverview)
    case appeal(AppealView?)
    case signedOut
    case pong
    case failure(DeskError)

    enum CodingKeys: String, CodingKey {
        case ok, specialist, appeals, overview, appeal, pong, error
        case signedOut = "signed_out"
    }

    enum ErrorKeys: String, CodingKey {
        case code, message
    }
}

extension DeskAnswer: Codable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if case .failure(let error) = self {
            try c.encode(false, forKey: .ok)
            var e = c.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error)
            try e.encode(error.code, forKey: .code)
            try e.encode(error.message, forKey: .message)
            return
        }
        try c.encode(true, forKey: .ok)
        switch self {
        case .signedIn(let specialist, let holding):
            try c.encode(specialist, forKey: .specialist)
            try c.encode(holding, forKey: .appeals)
        case .overview(let overview):
            try c.encode(overview, forKey: .overview)
        case .appeal(let view):
            try c.encode(view, forKey: .appeal)
        case .signedOut:
            try c.encode(true, forKey: .signedOut)
        case .pong:
            try c.encode(true, forKey: .pong)
        case .failure:
            break
        }
    }

    /// Reads an answer line (the desk terminal's side); `id` and unknown keys are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard try c.decode(Bool.self, forKey: .ok) else {
            let e = try c.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error)
            self = .failure(DeskError(try e.decode(DeskErrorCode.self, forKey: .code),
                                      try e.decode(String.self, forKey: .message)))
            return
        }
        if c.contains(.specialist) {
            self = .signedIn(try c.decode(Specialist.self, forKey: .specialist),
                             holding: try c.decodeIfPresent([AppealSummary].self, forKey: .appeals) ?? [])
        } else if c.contains(.overview) {
            self = .overview(try c.decode(DeskOverview.self, forKey: .overview))
        } else if c.contains(.appeal) {
            self = .appeal(try c.decodeIfPresent(AppealView.self, forKey: .appeal))
        } else if c.contains(.signedOut) {
            self = .signedOut
        } else if c.contains(.pong) {
            self = .pong
        } else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "an answer with none of the known fields"))
        }
    }
}

/// An event line on the desk socket: `event` names it, and there is no `ok` and no `id`, so it
/// cannot be mistaken for an answer.
///
/// ```json
/// {"event":"new_appeal","reason":"filed","appeal":{…summary…}}
/// {"event":"follow_up","appeal":"3141-5926","entry":{"kind":"customer","text":"…","at":"…"}}
/// {"event":"closed_by_customer","appeal":"3141-5926","at":"…"}
/// ```
public struct DeskEventLine: Sendable, Hashable, Codable {
    public var event: DeskEvent

    public init(_ event: DeskEvent) {
        self.event = event
    }

    enum CodingKeys: String, CodingKey {
        case event, reason, appeal, entry, at
    }

    /// The `event` names.
    public static let names = ["new_appeal", "follow_up", "closed_by_customer"]

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch event {
        case .newAppeal(let summary, let reason):
            try c.encode("new_appeal", forKey: .event)
            try c.encode(reason, forKey: .reason)
            try c.encode(summary, forKey: .appeal)
        case .followUp(let appeal, let entry):
            try c.encode("follow_up", forKey: .event)
            try c.encode(appeal, forKey: .appeal)
            try c.encode(entry, forKey: .entry)
        case .closedByCustomer(let appeal, let at):
            try c.encode("closed_by_customer", forKey: .event)
            try c.encode(appeal, forKey: .appeal)
            try c.encode(WireDate.format(at), forKey: .at)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .event) {
        case "new_appeal":
            event = .newAppeal(try c.decode(AppealSummary.self, forKey: .appeal),
                               reason: try c.decode(WaitingReason.self, forKey: .reason))
        case "follow_up":
            event = .followUp(appeal: try c.decode(String.self, forKey: .appeal),
                              try c.decode(DeskEntry.self, forKey: .entry))
        case "closed_by_customer":
            event = .closedByCustomer(appeal: try c.decode(String.self, forKey: .appeal),
                                      at: try WireDate.decode(c, forKey: .at))
        default:
            throw DecodingError.dataCorruptedError(forKey: .event, in: c,
                debugDescription: "unknown event; known: \(Self.names.joined(separator: ", "))")
        }
    }
}

/// The event line pushed to a customer's connection when the desk has something for their
/// session (``DeskEffect/deliver(session:_:)``). Like the desk's events it has `event` and no `ok`
/// or `id`; a client that does not expect events turns them off and finds the same notices in
/// its session's next answer.
///
/// ```json
/// {"event":"notice","session":"2fb0306c139c6f4f4da2aae4","appeal":"3141-5926","kind":"reply",
///  "text":"Ответ специалиста (Мария) по обращению № 3141-5926:\nКурьер приедет завтра.",
///  "message":"Курьер приедет завтра.","specialist":"Мария","at":"2026-11-25T13:09:12.000Z"}
/// ```
public struct CustomerEventLine: Sendable, Hashable, Codable {
    public var session: String
    public var notice: CustomerNotice

    public static let name = "notice"

    public init(session: String, notice: CustomerNotice) {
        self.session = session
        self.notice = notice
    }

    enum CodingKeys: String, CodingKey {
        case event, session
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.name, forKey: .event)
        try c.encode(session, forKey: .session)
        try notice.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let event = try c.decode(String.self, forKey: .event)
        guard event == Self.name else {
            throw DecodingError.dataCorruptedError(forKey: .event, in: c, debugDescription: "not a notice")
        }
        session = try c.decode(String.self, forKey: .session)
        notice = try CustomerNotice(from: decoder)
    }
}
