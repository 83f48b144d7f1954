/// How the engine numbers a new appeal: the number the customer is told («Обращение № …») and
/// the appeal's id in ``Ticket``.
///
/// The default, ``perSession``, derives the number from the session id; a host that treats
/// session ids as secrets (the socket daemon) injects its own, independent numbers.
public struct AppealNumbering: Sendable {
    private let next: @Sendable (Conversation) -> String

    /// Numbers appeals with `next`, called once per new appeal with the conversation (its
    /// ``Conversation/ticketCount`` already counts the new appeal). The host keeps them unique.
    public init(_ next: @escaping @Sendable (Conversation) -> String) {
        self.next = next
    }

    /// `<conversation id>-<n>` for the n-th appeal of the conversation.
    public static let perSession = AppealNumbering { "\($0.id)-\($0.ticketCount)" }

    /// The number for a new appeal in `conversation`.
    public func number(for conversation: Conversation) -> String {
        next(conversation)
    }
}
