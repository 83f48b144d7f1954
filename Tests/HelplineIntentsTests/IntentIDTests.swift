import Foundation
import HelplineIntents
import Testing

struct IntentIDTests {
    /// An intent id is written as a plain string in JSON, and reads back the same.
    @Test func codesAsPlainString() throws {
        let ids: [IntentID] = ["returns", .operator]
        let json = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        #expect(json == #"["returns","operator"]"#)
        #expect(try JSONDecoder().decode([IntentID].self, from: Data(json.utf8)) == ids)
    }

    /// No intent is nil in code and `none` in files and JSON, both ways.
    @Test func noIntentIsWrittenNone() {
        let none: IntentID? = nil
        #expect(none.wireValue == "none")
        #expect(IntentID?("returns").wireValue == "returns")
        #expect(IntentID?(wireValue: "none") == nil)
        #expect(IntentID?(wireValue: "returns") == "returns")
    }

    /// A score keeps the protocol's shape, `{"id":…,"confidence":…}`, with `"id":"none"` for no intent.
    @Test func scoreKeepsTheProtocolShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let scores = [IntentScore(id: "returns", confidence: 0.93), IntentScore(id: nil, confidence: 0.8)]
        let json = String(decoding: try encoder.encode(scores), as: UTF8.self)
        #expect(json == #"[{"confidence":0.93,"id":"returns"},{"confidence":0.8,"id":"none"}]"#)
        #expect(try JSONDecoder().decode([IntentScore].self, from: Data(json.utf8)) == scores)
    }

    /// An intent file may not take the id reserved for no intent.
    @Test func noneIsReserved() {
        let bundle = DataBundle(files: ["none.yaml": "id: none\nkind: info\ntitle: Ничего\nexamples: [а]\n"])
        #expect(throws: DataError.self) { try IntentCatalog(bundle: bundle) }
    }
}
