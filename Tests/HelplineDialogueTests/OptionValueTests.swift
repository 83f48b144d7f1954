import HelplineIntents
import Testing
@testable import HelplineDialogue

struct OptionValueTests {
    /// An option's value reads back as what the step that offered it meant, and writes the same string.
    @Test func readsValuesByStep() {
        let cases: [(String, DialogueState, OptionValue?)] = [
            ("returns", .chooseTopic, .topic("returns")),
            ("operator", .chooseTopic, .command(.specialist)),
            ("11111111-0001", .chooseOrder, .order("11111111-0001")),
            ("no_order", .chooseOrder, .command(.noOrder)),
            ("send", .write, .command(.send)),
            ("returns", .write, nil),
            ("new", .submitted, .command(.newAppeal)),
            ("send", .submitted, nil),
        ]
        for (value, state, expected) in cases {
            let read = OptionValue(value, offeredAt: state)
            #expect(read == expected, "\(value) at \(state)")
            if let read { #expect(read.wireValue == value) }
        }
    }

    /// The commands keep the strings the protocol documents.
    @Test func commandsKeepTheirStrings() {
        #expect(OptionCommand.allCases.map(\.rawValue) == ["operator", "no_order", "new", "send"])
        #expect([DialogueEngine.specialistValue, DialogueEngine.noOrderValue, DialogueEngine.newAppealValue,
                 DialogueEngine.sendValue] == ["operator", "no_order", "new", "send"])
    }
}
