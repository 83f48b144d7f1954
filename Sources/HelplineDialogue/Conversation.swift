import Foundation

/// One session's state: a plain value the host stores and hands back on the next turn.
public struct Conversation: Sendable, Hashable, Codable {
    /// The session id; appeal ids are derived from it.
    public var id: String
    public var profile: Profile
    public var state: DialogueState
    /// The chosen topic id (`general` when the customer asked for a specialist directly).
    public var topic: String?
    /// The chosen order id; at the topic step, an order the customer named before choosing a topic.
    public var order: String?
    /// The current appeal, from its submission until the customer starts over.
    public var ticket: Ticket?
    /// Off-topic messages in a row at the topic step.
    public var misses: Int
    /// The options currently on screen.
    public var options: [ReplyOption]
    /// The last reply, repeated by `state` and on resume.
    public var lastReply: Reply?
    /// How many appeals this session has made (for their ids).
    public var ticketCount: Int
    /// What the customer already told before the message step (a story typed instead of a topic),
    /// in order: the appeal's first messages. Nil when there is none.
    public var draft: [String]?

    public init(id: String, profile: Profile) {
        self.id = id
        self.profile = profile
        self.state = .chooseTopic
        self.topic = nil
        self.order = nil
        self.ticket = nil
        self.misses = 0
        self.options = []
        self.lastReply = nil
        self.ticketCount = 0
        self.draft = nil
    }

    /// The draft's messages, or none.
    var draftMessages: [String] { draft ?? [] }
}
