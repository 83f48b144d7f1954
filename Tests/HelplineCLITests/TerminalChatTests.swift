import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineTesting
import Testing
@testable import HelplineCLI

/// `helpline chat` in a real terminal (tmux), with no locale in the environment: what a person
/// typing sees. Runs wherever tmux is installed; CI installs it, and with `CI` set a missing tmux fails.
@Suite(.enabled(if: TmuxSession.available || ProcessInfo.processInfo.environment["CI"] != nil,
                "tmux is not installed; the terminal tests need it"))
struct TerminalChatTests {
    let goods: [Order]

    init() throws {
        goods = try Profile.demo(in: .embedded).orders.filter { !$0.kind.isTravel }
    }

    /// The shell command that runs the chat with no locale variables and its own history folder,
    /// and prints the exit status when it ends (the pane stays on screen).
    private func command(stateHome: String, extra: String = "") throws -> String {
        let binary = try HelplineExecutable.url().path
        return "env -u LANG -u LC_ALL -u LC_CTYPE -u LANGUAGE -u NO_COLOR XDG_STATE_HOME='\(stateHome)' \(extra) "
            + "'\(binary)' chat; echo \"[exit $?]\""
    }

    /// Cyrillic typed with no locale is shown and answered; Up recalls it and Ctrl-R finds it; Tab completes
    /// a command and an option label; Ctrl-C clears the line and the conversation goes on; Ctrl-D exits cleanly; history is saved.
    @Test func conversationAtTheKeyboard() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terminal = try TmuxSession(command: try command(stateHome: folder.path))

        try await terminal.waitFor(text: "Вы:")
        try await terminal.waitFor(text: " 1. Доставка")

        // Cyrillic typed, shown as typed, and answered with the order step.
        try terminal.type("доставка")
        try await terminal.waitForLastLine("Вы: доставка")
        try terminal.press("Enter")
        try await terminal.waitFor(text: goods[0].title)
        try await terminal.waitForLastLine("Вы:")

        // Ctrl-R searches the history; Ctrl-G leaves the search.
        try terminal.press("C-r")
        try terminal.type("дост")
        try await terminal.waitForLastLine("(reverse-i-search)`дост': доставка")
        try terminal.press("C-g")
        try await terminal.waitForLastLine("Вы:")

        // Up recalls the line from history.
        try terminal.press("Up")
        try await terminal.waitForLastLine("Вы: доставка")
        try terminal.press("C-u")
        try await terminal.waitForLastLine("Вы:")

        // Tab completes a slash command.
        try terminal.type("/sta")
        try terminal.press("Tab")
        try await terminal.waitForLastLine("Вы: /state")
        try terminal.press("Enter")
        try await terminal.waitFor(text: "Шаг: выбор заказа")
        try await terminal.waitForLastLine("Вы:")

        // Tab completes the label of an option on screen, typed in Cyrillic lower case.
        let title = goods[1].title
        let start = String(title.prefix(4)).lowercased()
        try terminal.type(start)
        try terminal.press("Tab")
        try await terminal.waitFor("the completed label") { screen in
            let last = screen.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } ?? ""
            return last.hasPrefix("Вы: \(title)")
        }
        try terminal.press("Enter")
        try await terminal.waitFor(text: goods[1].id)
        try await terminal.waitForLastLine("Вы:")

        // Ctrl-C clears the line being typed and keeps the conversation where it was.
        try terminal.type("черновик")
        try await terminal.waitForLastLine("Вы: черновик")
        try terminal.press("C-c")
        try await terminal.waitFor(text: "Вы: черновик^C")
        try await terminal.waitForLastLine("Вы:")
        try terminal.type("/state")
        try terminal.press("Enter")
        try await terminal.waitFor(text: "Шаг: сообщение специалисту")
        try await terminal.waitFor(text: "Заказ: № \(goods[1].id)")

        // Ctrl-D on an empty line says goodbye and exits with status 0.
        try await terminal.waitForLastLine("Вы:")
        try terminal.press("C-d")
        try await terminal.waitFor(text: "[exit 0]")
        #expect(try terminal.screen().contains(ChatStrings.goodbye))

        let history = try String(contentsOfFile: folder.path + "/helpline/history", encoding: .utf8)
        #expect(history.split(separator: "\n").contains("доставка"))
        #expect(!history.contains("черновик"))
    }

    /// On a terminal the chat is coloured; with NO_COLOR set it is not.
    @Test func colourFollowsNoColor() async throws {
        let folder = try HelplineProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        let coloured = try TmuxSession(command: try command(stateHome: folder.path))
        try await coloured.waitFor(text: "Вы:")
        #expect(try coloured.screen(escapes: true).contains("\u{1B}["))

        let plain = try TmuxSession(command: try command(stateHome: folder.path, extra: "NO_COLOR=1"))
        try await plain.waitFor(text: "Вы:")
        #expect(!(try plain.screen(escapes: true).contains("\u{1B}[")))
    }
}
