import Foundation
import HelplineIntents

/// The chat's flow as a pure state machine: pick topic → pick order → write → submitted.
/// No I/O; the caller passes the time and performs the returned effects.
public struct DialogueEngine: Sendable {
    public let matcher: IntentMatcher

    public init(matcher: IntentMatcher) {
        self.matcher = matcher
    }

    /// Builds the matcher and loads prompts from the data bundle.
    public init(bundle: DataBundle) throws {
        self.init(matcher: IntentMatcher(catalog: try IntentCatalog(bundle: bundle)))
    }

    /// A new conversation and its greeting.
    public func start(id: String, profile: Profile, now: Date) -> (Conversation, Reply) {
        var conversation = Conversation(id: id, profile: profile)
        let options = matcher.catalog.topics.enumerated().map { index, topic in
            ReplyOption(key: String(index + 1), label: topic.title, value: topic.id)
        }
        let reply = Reply(state: .chooseTopic, text: "Здравствуйте! Выберите тему обращения.", options: options)
        conversation.options = options
        conversation.lastReply = reply
        return (conversation, reply)
    }

    /// One user turn.
    public func handle(_ text: String, in conversation: inout Conversation, now: Date) -> Turn {
        let reply = conversation.lastReply ?? Reply(state: conversation.state, text: "")
        return Turn(reply: reply)
    }

    /// The current reply again, changing nothing.
    public func currentReply(of conversation: Conversation) -> Reply {
        conversation.lastReply ?? Reply(state: conversation.state, text: "", options: conversation.options)
    }
}
