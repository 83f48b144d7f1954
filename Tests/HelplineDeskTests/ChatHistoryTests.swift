import Foundation
import HelplineDesk
import Testing

@Suite("The chat an appeal carries")
struct ChatHistoryTests {
    static func chat(_ count: Int, text: (Int) -> String = { "сообщение \($0)" }) -> [DeskEntry] {
        (0..<count).map { DeskEntry($0.isMultiple(of: 2) ? .customer : .bot, text: text($0), at: Fixture.at(Double($0))) }
    }

    static func cut(_ count: Int) -> String { Fixture.rules.prompts.text(.historyCut, ["count": String(count)]) }

    @Test("a chat within the limit is kept whole, without a note", arguments: [0, 1, 5, 200])
    func shortChatsAreKept(count: Int) {
        let chat = Self.chat(count)
        #expect(ChatHistoryLimit(messages: 200).apply(chat, omitted: Self.cut) == chat)
    }

    @Test("a long chat keeps its latest messages after a note of how many are not shown")
    func longChatsKeepTheirEnd() throws {
        let chat = Self.chat(250)
        let kept = ChatHistoryLimit(messages: 200).apply(chat, omitted: Self.cut)
        #expect(kept.count == 201)
        #expect(kept.first?.kind == .bot)
        #expect(kept.first?.text == "Начало переписки не показано: более ранних сообщений — 50.")
        #expect(kept.first?.at == chat[50].at)
        #expect(Array(kept.dropFirst()) == Array(chat.suffix(200)))
    }

    @Test("the text's size limits it too, whole messages only")
    func bytesLimitTheChat() {
        // 10 messages of 1,000 bytes (500 two-byte letters) each; 3,500 bytes hold the last three.
        let chat = Self.chat(10) { _ in String(repeating: "ж", count: 500) }
        let kept = ChatHistoryLimit(messages: 200, bytes: 3_500).apply(chat, omitted: Self.cut)
        #expect(kept.count == 4)
        #expect(kept.first?.text == Self.cut(7))
        #expect(Array(kept.dropFirst()) == Array(chat.suffix(3)))
    }

    @Test("a last message larger than the limit leaves only the note")
    func oversizedMessagesAreLeftOut() {
        let chat = Self.chat(3) { _ in String(repeating: "a", count: 100) }
        let kept = ChatHistoryLimit(messages: 200, bytes: 50).apply(chat, omitted: Self.cut)
        #expect(kept.map(\.text) == [Self.cut(3)])
    }
}
