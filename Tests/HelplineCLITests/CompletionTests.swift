import Testing
@testable import HelplineCLI

struct CompletionTests {
    let labels = ["Доставка", "Отслеживание заказа", "Оплата", "Оформление заказа", "Наушники Sony WH-1000XM5", "Ёлочные игрушки"]

    /// A unique prefix completes to the whole label, ignoring case, with nothing appended.
    @Test func uniqueCyrillicPrefix() {
        #expect(Completion.complete("дост", commands: SlashCommand.names, labels: labels)
                == Completion(replacement: "Доставка", candidates: ["Доставка"], appendSpace: false))
    }

    /// Several matches complete to their common start and are all offered.
    @Test func commonPrefixOfSeveral() throws {
        let completion = try #require(Completion.complete("оф", commands: SlashCommand.names, labels: labels))
        #expect(completion.replacement == "Оформление заказа")
        let several = try #require(Completion.complete("о", commands: SlashCommand.names, labels: labels))
        #expect(several.replacement == "О")
        #expect(several.candidates == ["Отслеживание заказа", "Оплата", "Оформление заказа"])
    }

    /// «е» finds «ё» and a word inside a label is found when no label starts with the text.
    @Test func yoAndWordStarts() {
        #expect(Completion.complete("елоч", commands: [], labels: labels)?.replacement == "Ёлочные игрушки")
        #expect(Completion.complete("sony", commands: [], labels: labels)?.replacement == "Наушники Sony WH-1000XM5")
    }

    /// A line starting with `/` completes commands only; `/record` gets a space for its file.
    @Test func slashCommands() {
        #expect(Completion.complete("/pro", commands: SlashCommand.names, labels: labels)?.replacement == "/profile")
        #expect(Completion.complete("/rec", commands: SlashCommand.names, labels: labels)?.appendSpace == true)
        #expect(Completion.complete("/record fi", commands: SlashCommand.names, labels: labels) == nil)
        #expect(Completion.complete("/zz", commands: SlashCommand.names, labels: labels) == nil)
    }

    /// Nothing typed offers every label; text that matches nothing offers nothing.
    @Test func emptyAndNoMatch() {
        #expect(Completion.complete("", commands: SlashCommand.names, labels: labels)?.candidates == labels)
        #expect(Completion.complete("щщщ", commands: SlashCommand.names, labels: labels) == nil)
    }
}

struct SlashCommandTests {
    /// Each command parses from its name, with surrounding spaces and any case; `/record` takes a file.
    @Test func parsesCommands() {
        #expect(SlashCommand(line: "/help") == .help)
        #expect(SlashCommand(line: "  /MENU ") == .menu)
        #expect(SlashCommand(line: "/back") == .back)
        #expect(SlashCommand(line: "/state") == .state)
        #expect(SlashCommand(line: "/profile") == .profile)
        #expect(SlashCommand(line: "/record /tmp/a b.txt") == .record("/tmp/a b.txt"))
        #expect(SlashCommand(line: "/record") == .record(nil))
        #expect(SlashCommand(line: "/quit") == .quit)
        #expect(SlashCommand(line: "/foo bar") == .unknown("/foo"))
    }

    /// A line not starting with `/` is a message, not a command.
    @Test func messagesAreNotCommands() {
        #expect(SlashCommand(line: "где мой заказ") == nil)
        #expect(SlashCommand(line: "1") == nil)
    }

    /// Every listed command name parses to a known command.
    @Test func everyNameIsKnown() {
        for name in SlashCommand.names {
            if case .unknown = SlashCommand(line: name) { Issue.record("\(name) is not parsed") }
        }
    }

    /// The desk's commands: `/transfer ` is followed by a space, then its word completes from the
    /// topics and queues; a command without argument words completes nothing after the space.
    @Test func deskCommandArguments() {
        let arguments = ["/transfer": DeskSession.transferTargets(topics: ["delivery", "travel", "general"])]
        #expect(Completion.complete("/tr", commands: DeskStrings.commands, arguments: arguments, labels: [])
                == Completion(replacement: "/transfer", candidates: ["/transfer"], appendSpace: true))
        #expect(Completion.complete("/transfer tra", commands: DeskStrings.commands, arguments: arguments, labels: [])?
                .candidates == ["/transfer travel", "/transfer travel_priority"])
        #expect(Completion.complete("/transfer travel_", commands: DeskStrings.commands, arguments: arguments, labels: [])?
                .replacement == "/transfer travel_priority")
        #expect(Completion.complete("/transfer prem", commands: DeskStrings.commands, arguments: arguments, labels: [])?
                .replacement == "/transfer premium_seller")
        #expect(Completion.complete("/ask Ку", commands: DeskStrings.commands, arguments: arguments, labels: []) == nil)
    }
}
