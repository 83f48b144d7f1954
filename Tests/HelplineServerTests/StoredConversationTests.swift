import Foundation
import HelplineDialogue
import HelplineTesting
import Testing
@testable import HelplineServer

/// The `conversation` column: what a turn stores must load back as the same conversation.
struct StoredConversationTests {
    private static func conversations() throws -> [Conversation] {
        let engine = try Fixtures.engine()
        let now = Date(timeIntervalSince1970: 1_900_000_000.123)
        let texts = ["1", "1", "Чайник \"Xiaomi\" не включается,\nчто делать?", "ещё сообщение", "новое обращение",
                     "хочу вернуть чайник", "какой у вас телефон?", "оператор", "спасибо", "меню", "абвгд", "доставка",
                     "без заказа", "назад", "меню",
                     "сдал электрический чайник по заказу 12345678-0001 две недели назад, деньги так и не вернули"]
        var (conversation, _) = engine.start(id: "0123456789abcdef01234567", profile: Fixtures.profile, now: now)
        var all = [conversation]
        for text in texts {
            _ = engine.handle(text, in: &conversation, now: now)
            all.append(conversation)
        }
        return all
    }

    /// Every conversation of a walk through all the states loads back equal (last reply, appeal and
    /// intent included), its options stored as arrays and its profile left to its own column.
    @Test func loadsBackEqual() throws {
        let all = try Self.conversations()
        #expect(Set(all.map(\.state)) == [.chooseTopic, .chooseOrder, .write, .submitted])
        #expect(all.contains { $0.draft != nil }, "a story kept as the appeal's draft is stored too")
        for conversation in all {
            let json = String(decoding: try JSONEncoder().encode(StoredConversation(conversation)), as: UTF8.self)
            #expect(!json.contains(#""profile""#))
            #expect(!json.contains(#""label""#), "options are [key, label, value] arrays")
            #expect(try StoredConversation.decode(json, profile: Fixtures.profile) == conversation)
        }
    }

    /// Rows written whole by earlier versions (a `Conversation` as JSON, profile and option objects
    /// included) still load, with their own profile.
    @Test func olderRowsLoad() throws {
        let conversation = try #require(try Self.conversations().first { !$0.options.isEmpty && $0.lastReply != nil })
        var other = Fixtures.profile
        other.name = "Не та"
        let old = String(decoding: try JSONEncoder().encode(conversation), as: UTF8.self)
        #expect(try StoredConversation.decode(old, profile: other) == conversation)
    }
}
