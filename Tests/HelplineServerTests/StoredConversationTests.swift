import Foundation
import HelplineDialogue
import Testing
@testable import HelplineServer

/// The `conversation` column: what a turn stores must load back as the same conversation.
struct StoredConversationTests {
    private static func conversations() throws -> [Conversation] {
        let engine = try Fixtures.engine()
        let now = Date(timeIntervalSince1970: 1_900_000_000.123)
        let texts = ["1", "1", "Чайник \"Xiaomi\" не включается,\nчто делать? c:\\дом/кухня", "ещё сообщение\tс табуляцией 🙂",
                     "новое обращение", "хочу вернуть чайник", "какой у вас телефон?", "оператор", "спасибо",
                     "меню", "абвгд", "ёжик", "доставка", "без заказа", "назад", "отмена"]
        var (conversation, _) = engine.start(id: "0123456789abcdef01234567", profile: Fixtures.profile, now: now)
        var all = [conversation]
        for text in texts {
            _ = engine.handle(text, in: &conversation, now: now)
            all.append(conversation)
        }
        return all
    }

    /// Every conversation of a walk through all the states is stored without `JSONEncoder` and loads
    /// back equal, last reply, appeal and intent included, as the `JSONEncoder` form does.
    @Test func fastFormLoadsBackEqual() throws {
        let all = try Self.conversations()
        #expect(Set(all.map(\.state)) == [.chooseTopic, .chooseOrder, .write, .submitted])
        #expect(all.contains { $0.ticket != nil && $0.ticket!.messages.count > 1 })
        #expect(all.contains { $0.lastReply?.intent != nil })
        let encoder = JSONEncoder()
        for conversation in all {
            let fast = try #require(StoredConversation.fastJSON(conversation))
            #expect(!fast.contains(#""profile""#), "the profile has its own column")
            #expect(try StoredConversation.decode(fast, profile: Fixtures.profile) == conversation)
            let reference = String(decoding: try encoder.encode(StoredConversation(conversation)), as: UTF8.self)
            #expect(try StoredConversation.decode(reference, profile: Fixtures.profile) == conversation)
        }
    }

    /// A last reply that cannot be rebuilt from the state, options and appeal is stored whole (by
    /// `JSONEncoder`), and rows written whole by earlier versions (profile included) still load.
    @Test func unusualAndOlderRowsLoad() throws {
        var conversation = try #require(try Self.conversations().last)
        conversation.lastReply = Reply(state: .write, text: "не то, что на экране", options: [])
        #expect(StoredConversation.fastJSON(conversation) == nil)
        let whole = String(decoding: try JSONEncoder().encode(StoredConversation(conversation)), as: UTF8.self)
        #expect(try StoredConversation.decode(whole, profile: Fixtures.profile) == conversation)

        var other = Fixtures.profile
        other.name = "Из строки"
        let old = String(decoding: try JSONEncoder().encode(conversation), as: UTF8.self)
        let loaded = try StoredConversation.decode(old, profile: other)
        #expect(loaded == conversation, "an old row carries its own profile")
    }
}
