import Foundation
import HelplineDialogue

/// What an operation asks the host to do besides storing the changed appeals.
public enum DeskEffect: Sendable, Hashable {
    /// Send an event line to every connection signed in as this specialist, now.
    case notify(specialist: String, DeskEvent)
    /// Deliver to the customer: store it in their session (shown on their next request) and push
    /// it at once to connections using that session.
    case deliver(session: String, CustomerNotice)
    /// Call ``Desk/tick(now:)`` at this time: a grace period ends.
    case wakeUp(at: Date)
}

/// Why an appeal is (again) waiting, in a ``DeskEvent/newAppeal(_:reason:)`` event.
public enum WaitingReason: String, Sendable, Hashable, Codable {
    /// Just filed.
    case filed
    /// A specialist put it back.
    case released
    /// Moved here from another topic or queue.
    case transferred
    /// Its specialist went away and the grace period ended.
    case returned
}

/// What a specialist is told as it happens.
public enum DeskEvent: Sendable, Hashable {
    /// An appeal they serve is waiting: new, released, transferred or returned.
    case newAppeal(AppealSummary, reason: WaitingReason)
    /// The customer wrote again in an appeal they hold.
    case followUp(appeal: String, DeskEntry)
    /// The customer closed an appeal they hold («спасибо, вопрос решён»).
    case closedByCustomer(appeal: String, at: Date)
}

/// What reaches the customer from the desk: a specialist's reply or question, or a change to
/// their appeal, with the text to show.
public struct CustomerNotice: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case taken, reply, question, transferred, released, closed
    }

    /// The appeal's number.
    public var appeal: String
    public var kind: Kind
    /// What to show, from `texts` in `config/desk.yaml`, the specialist's message included.
    public var text: String
    /// The specialist's message as written (`reply`, `question`).
    public var message: String?
    /// The specialist's name.
    public var specialist: String?
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case appeal, kind, text, message, specialist, at
    }

    public init(appeal: String, kind: Kind, text: String, message: String? = nil, specialist: String? = nil, at: Date) {
        self.appeal = appeal
        self.kind = kind
        self.text = text
        self.message = message
        self.specialist = specialist
        self.at = at
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        appeal = try c.decode(String.self, forKey: .appeal)
        kind = try c.decode(Kind.self, forKey: .kind)
        text = try c.decode(String.self, forKey: .text)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        specialist = try c.decodeIfPresent(String.self, forKey: .specialist)
        at = try WireDate.decode(c, forKey: .at)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(appeal, forKey: .appeal)
        try c.encode(kind, forKey: .kind)
        try c.encode(text, forKey: .text)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encodeIfPresent(specialist, forKey: .specialist)
        try c.encode(WireDate.format(at), forKey: .at)
    }
}

/// The result of a desk operation: the appeals it changed (for the host to store before it
/// answers), the effects to perform, and — for what the customer did — the text to answer them.
public struct DeskOutcome: Sendable, Hashable {
    /// Changed appeals, in their new state.
    public var changed: [DeskAppeal]
    public var effects: [DeskEffect]
    /// The answer to the customer's own message (``Desk/customerClosed(appeal:at:)``).
    public var customerText: String?

    public init(changed: [DeskAppeal] = [], effects: [DeskEffect] = [], customerText: String? = nil) {
        self.changed = changed
        self.effects = effects
        self.customerText = customerText
    }

    /// The appeal the operation was about (the first changed).
    public var appeal: DeskAppeal? { changed.first }
}
