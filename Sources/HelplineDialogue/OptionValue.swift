import HelplineIntents

/// What an option on screen stands for, as the engine reads it.
///
/// ``ReplyOption/value`` carries it as a plain string — the form the protocol sends and the stored
/// conversation keeps: a topic's or answer's intent id, an order id, or one of the commands
/// (`operator`, `no_order`, `new`, `send`). Which it is depends on the step that offered it.
enum OptionValue: Sendable, Hashable {
    /// A topic or an answer, at the topic step.
    case topic(IntentID)
    /// One of the customer's orders, at the order step.
    case order(String)
    /// A step of the flow that is not a topic or an order.
    case command(OptionCommand)

    /// The value as ``ReplyOption/value`` writes it.
    var wireValue: String {
        switch self {
        case .topic(let id): id.rawValue
        case .order(let id): id
        case .command(let command): command.rawValue
        }
    }

    /// Reads an option's value the way the step in `state` offered it: a topic or the specialist
    /// at the topic step, an order or «Без заказа» at the order step, «Отправить» at the message
    /// step, «Новое обращение» after the appeal. Nil for a value that step does not offer.
    init?(_ value: String, offeredAt state: DialogueState) {
        switch state {
        case .chooseTopic:
            self = value == OptionCommand.specialist.rawValue ? .command(.specialist) : .topic(IntentID(rawValue: value))
        case .chooseOrder:
            self = value == OptionCommand.noOrder.rawValue ? .command(.noOrder) : .order(value)
        case .write:
            guard value == OptionCommand.send.rawValue else { return nil }
            self = .command(.send)
        case .submitted:
            guard value == OptionCommand.newAppeal.rawValue else { return nil }
            self = .command(.newAppeal)
        }
    }
}

/// The options that are neither a topic nor an order.
enum OptionCommand: String, Sendable, Hashable, CaseIterable {
    /// «Написать специалисту»: straight to the message step (the `operator` intent's id).
    case specialist = "operator"
    /// «Без заказа» («Без бронирования» in Travel).
    case noOrder = "no_order"
    /// «Новое обращение», after an appeal.
    case newAppeal = "new"
    /// «Отправить»: files the draft as it is, at the message step.
    case send
}

extension ReplyOption {
    /// An option whose value is `value` in its wire form.
    init(key: String, label: String, value: OptionValue) {
        self.init(key: key, label: label, value: value.wireValue)
    }
}
