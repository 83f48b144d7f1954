import Foundation
import HelplineDialogue

/// The topic and order of a conversation held by a daemon, followed from the outside: the
/// protocol's reply carries the state and the options, not the topic and order chosen.
///
/// The topic is the option or intent that took the conversation off the topic menu; the order is
/// the order option (or typed order number) that took it off the order step; an appeal's own topic
/// and order win once it exists. Back at the topic menu both are cleared.
struct ConversationPlace: Sendable, Hashable {
    var topic: String?
    var order: String?

    /// Follows one step: `turn` is the user's text with the reply it answered (nil at the start).
    mutating func update(after turn: (text: String, before: Reply?)?, reply: Reply, profile: Profile?) {
        if let ticket = reply.ticket, reply.state == .submitted {
            topic = ticket.topic
            order = ticket.order
            return
        }
        switch reply.state {
        case .chooseTopic:
            topic = nil
            order = nil
            return
        case .chooseOrder, .write, .submitted:
            break
        }
        guard let (text, before) = turn, let before else { return }
        let chosen = Self.option(matching: text, in: before.options)
        if before.state == .chooseTopic && reply.state != .chooseTopic {
            topic = chosen?.value ?? reply.intent?.id.wireValue ?? topic
            order = nil
        }
        let orderIDs = Set(profile?.orders.map(\.id) ?? [])
        if reply.state == .write {
            if let value = chosen?.value, orderIDs.contains(value) {
                order = value
            } else if let typed = orderIDs.first(where: { text.contains($0) }) {
                order = typed
            } else if before.state == .chooseOrder {
                order = nil
            }
        }
    }

    /// The option a text chooses by key, label or value, ignoring case and surrounding spaces.
    static func option(matching text: String, in options: [ReplyOption]) -> ReplyOption? {
        let typed = text.trimmingCharacters(in: .whitespaces).lowercased()
        return options.first { option in
            [option.key, option.label, option.value].contains { $0.lowercased() == typed }
        }
    }
}
