import Foundation
import HelplineIntents
import HelplineText

// The reply of each step, and the wording that depends on the chosen topic and order.
extension DialogueEngine {
    /// The topic step's reply: `lead`, then `prompt`, with the menu (and the specialist after misses).
    func topicStep(_ c: inout Conversation, lead: [String], options: [ReplyOption]? = nil,
                           intent: IntentScore? = nil, prompt: Prompt? = .menu) -> Turn {
        c.state = .chooseTopic
        let shown = options.flatMap { $0.isEmpty ? nil : $0 } ?? menuOptions(specialist: c.misses >= rules.missesBeforeSpecialist)
        return say(&c, lead + [prompt.map { prompts.text($0) }].compactMap { $0 }, options: shown, intent: intent)
    }

    /// The order step's reply with the eligible orders and «Без заказа» as options.
    func orderStep(_ c: inout Conversation, topic: Intent, lead: [String] = [], intent: IntentScore? = nil,
                           prompt: Prompt? = nil, only: [Order]? = nil) -> Turn {
        c.state = .chooseOrder
        c.topic = topic.id.rawValue
        let orders = only ?? eligibleOrders(for: topic, in: c.profile)
        let noOrder = prompts.text(wording(.noOrderOption, orders))
        var options = orders.enumerated().map { index, order in
            let untitled = order.title.trimmingWhitespace().isEmpty
            var values = ["title": order.title, "id": order.id, "status": order.status]
            if untitled { values["title"] = prompts.text(order.kind.isTravel ? .untitledBooking : .untitledOrder) }
            let label = switch (untitled, order.status.isEmpty) {
            case (false, true): prompts.text(.orderOption, values)
            case (false, false): prompts.text(.orderOptionWithStatus, values)
            case (true, true): prompts.text(.untitledOrderOption, values)
            case (true, false): prompts.text(.untitledOrderOptionWithStatus, values)
            }
            return ReplyOption(key: String(index + 1), label: label, value: .order(order.id))
        }
        options.append(ReplyOption(key: String(orders.count + 1), label: noOrder, value: .command(.noOrder)))
        let question: Prompt = prompt ?? wording(.orderQuestion, orders)
        return say(&c, lead + [prompts.text(question, ["no_order": noOrder])], options: options, intent: intent)
    }

    /// The message step's reply: what was chosen, then the request to write.
    func writeStep(_ c: inout Conversation, lead: [String] = [], intent: IntentScore? = nil,
                           summary: Bool = true, prompt: Prompt = .write, held: Bool = false) -> Turn {
        c.state = .write
        c.misses = 0
        var lines = lead
        if summary {
            let topic = topicTitle(c.topic ?? rules.generalTopic)
            lines.append(c.order == nil
                ? prompts.text(.writeSummary, ["topic": topic])
                : prompts.text(wording(.writeSummaryOrder, chosenOrders(c)), ["topic": topic, "order": orderDescription(c)]))
        }
        let draft = c.draftMessages
        if draft.isEmpty {
            lines.append(prompts.text(prompt))
            lines.append(prompts.text(.navigationHint))
            return say(&c, lines, options: [], intent: intent)
        }
        lines.append(prompts.text(.draftShown, ["draft": draft.joined(separator: "\n")]))
        // A held draft stays held, whatever the reply is about, until it is sent.
        let holding = held || isHeld(c)
        lines.append(holding ? heldDraftLine : prompts.text(.writeWithDraft, ["send": prompts.text(.sendOption)]))
        lines.append(prompts.text(.navigationHint))
        return say(&c, lines, options: [ReplyOption(key: "1", label: prompts.text(.sendOption), value: .command(.send))],
                   intent: intent)
    }

    /// A reply in the submitted state that leaves the appeal as it is.
    func submittedStep(_ c: inout Conversation, lead: [String], intent: IntentScore? = nil) -> Turn {
        let id = c.ticket?.id ?? ""
        return say(&c, lead + [prompts.text(.resumeSubmitted, ["ticket": id])], options: submittedOptions(),
                   intent: intent)
    }

    /// Records and returns the reply.
    func say(_ c: inout Conversation, _ lines: [String], options: [ReplyOption], intent: IntentScore?,
                     effects: [Effect] = []) -> Turn {
        let reply = Reply(state: c.state, text: lines.filter { !$0.isEmpty }.joined(separator: "\n"),
                          options: options, intent: intent, ticket: c.ticket)
        c.options = options
        c.lastReply = reply
        return Turn(reply: reply, effects: effects)
    }

    /// A topic's menu label, or «Общий вопрос» for the general topic.
    func topicTitle(_ id: String) -> String {
        if let intent = catalog.intent(IntentID(id)) { return intent.title }
        return id == rules.generalTopic ? prompts.text(.generalTopicTitle) : id
    }

    /// The intent of the conversation's chosen topic (none for the general topic).
    func chosenTopic(_ c: Conversation) -> Intent? {
        c.topic.flatMap { catalog.intent(IntentID($0)) }
    }

    /// The booking form of an order prompt when every order in question is a travel booking:
    /// bookings are called bookings throughout the Travel flow.
    func wording(_ prompt: Prompt, _ orders: [Order]) -> Prompt {
        guard !orders.isEmpty, orders.allSatisfy(\.kind.isTravel) else { return prompt }
        switch prompt {
        case .orderQuestion: return .bookingQuestion
        case .resumeOrder: return .resumeBooking
        case .orderUnrecognized: return .bookingUnrecognized
        case .orderUnknown: return .bookingUnknown
        case .orderAmbiguous: return .bookingAmbiguous
        case .noOrderOption: return .noBookingOption
        case .writeSummaryOrder: return .writeSummaryBooking
        case .ticketDetails: return .ticketDetailsBooking
        case .otherOrder: return .otherBooking
        case .orderAlreadyChosen: return .bookingAlreadyChosen
        case .otherOrderNamed: return .otherBookingNamed
        case .numberNotNeeded: return .bookingNumberNotNeeded
        case .orderHint: return .bookingHint
        default: return prompt
        }
    }

    /// «№ 12345678-0001 (Наушники …)» for the chosen order.
    func orderDescription(_ c: Conversation) -> String {
        guard let id = c.order else { return "" }
        guard let order = c.profile.orders.first(where: { $0.id == id }) else { return id }
        return orderReference(order)
    }

    /// The chosen order as a list of one (none when there is none).
    func chosenOrders(_ c: Conversation) -> [Order] {
        c.order.flatMap { id in c.profile.orders.first { $0.id == id } }.map { [$0] } ?? []
    }

    func orderReference(_ order: Order) -> String {
        order.title.trimmingWhitespace().isEmpty ? prompts.text(.untitledOrderRef, ["id": order.id])
            : prompts.text(.orderRef, ["id": order.id, "title": order.title])
    }
}
