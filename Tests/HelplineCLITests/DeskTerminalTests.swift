import Foundation
import HelplineDialogue
import HelplineTesting
import Testing
@testable import HelplineCLI

/// `helpline desk` and `helpline chat --socket` side by side in real terminals (tmux), against a
/// real `helpline serve --desk-socket`: what a specialist and a customer typing at the same time see.
@Suite(.enabled(if: TmuxSession.available || ProcessInfo.processInfo.environment["CI"] != nil,
                "tmux is not installed; the terminal tests need it"))
struct DeskTerminalTests {
    /// The shell command that runs `helpline ARGUMENTS` with no locale set and its own history
    /// folder, and prints the exit status when it ends.
    private func command(_ arguments: String, stateHome: String) throws -> String {
        let binary = try HelplineExecutable.url().path
        return "env -u LANG -u LC_ALL -u LC_CTYPE -u LANGUAGE -u HELPLINE_INTENTS NO_COLOR=1 XDG_STATE_HOME='\(stateHome)' "
            + "'\(binary)' \(arguments); echo \"[exit $?]\""
    }

    /// The customer files an appeal; the desk announces it while a command is half typed, Tab
    /// completes commands and topics, /next shows the conversation; the specialist's reply and
    /// question reach the customer's screen while the customer is typing, without breaking the
    /// line; the customer's follow-up reaches the desk; /close ends it for both (its notice held
    /// back while the customer searches the history).
    @Test func specialistAndCustomerTogether() async throws {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.path("desk.sock")
        let daemon = try await DaemonProcess.start(in: directory, arguments: ["--desk-socket", deskSocket])
        let goods = try Profile.demo(in: .embedded).orders.filter { !$0.kind.isTravel }

        let desk = try TmuxSession(command: try command(
            "desk --socket '\(deskSocket)' --id sp-7 --name Мария --role general", stateHome: directory.path("desk-state")))
        try await desk.waitFor(text: "Вы вошли как Мария")
        try await desk.waitFor(text: "Очереди:")
        try await desk.waitForLastLine("Специалист>")

        let chat = try TmuxSession(command: try command(
            "chat --socket '\(daemon.socketPath)'", stateHome: directory.path("chat-state")))
        try await chat.waitForLastLine("Вы:")
        try chat.type("доставка")
        try chat.press("Enter")
        try await chat.waitFor(text: goods[0].title)
        try await chat.waitForLastLine("Вы:")
        try chat.type("1")
        try chat.press("Enter")
        try await chat.waitFor(text: "Опишите вопрос")
        try await chat.waitForLastLine("Вы:")

        // The specialist is half-way through a command when the appeal arrives.
        try desk.type("/ne")
        try await desk.waitForLastLine("Специалист> /ne")
        try chat.type("Курьер не приехал в назначенный день.")
        try chat.press("Enter")
        try await chat.waitFor(text: "передано специалисту")
        try await desk.waitFor(text: "Новое обращение №")
        try await desk.waitFor(text: "Курьер не приехал в назначенный день.")
        try await desk.waitForLastLine("Специалист> /ne")

        // Tab completes the command; /next shows the whole conversation.
        try desk.press("Tab")
        try await desk.waitForLastLine("Специалист> /next")
        try desk.press("Enter")
        try await desk.waitFor(text: "Клиент: доставка")
        try await desk.waitFor(text: "Заказ: № \(goods[0].id)")
        try await desk.waitFor(text: "Клиент: Анна")
        try await desk.waitForLastLine("Специалист>")
        try await chat.waitFor(text: "занимается специалист Мария")

        // Tab completes a topic after /transfer.
        try desk.type("/tr")
        try desk.press("Tab")
        try await desk.waitForLastLine("Специалист> /transfer")
        try desk.type("trav")
        try desk.press("Tab")
        try await desk.waitForLastLine("Специалист> /transfer travel")
        try desk.press("C-u")
        try await desk.waitForLastLine("Специалист>")

        // The customer is typing when the specialist's reply arrives: it shows, and the line stays.
        try chat.type("черновик")
        try await chat.waitForLastLine("Вы: черновик")
        try desk.type("Курьер приедет завтра с 10 до 14.")
        try desk.press("Enter")
        try await desk.waitFor(text: "отправлен клиенту")
        try await chat.waitFor(text: "Курьер приедет завтра с 10 до 14.")
        try await chat.waitForLastLine("Вы: черновик")

        // The customer finishes the line: a follow-up, announced at the desk.
        try chat.press("C-u")
        try chat.type("Курьер так и не позвонил.")
        try chat.press("Enter")
        try await desk.waitFor(text: "Клиент написал по обращению")
        try await desk.waitFor(text: "«Курьер так и не позвонил.»")

        // A question, then closing: both reach the customer.
        try desk.type("/ask Подскажите, пожалуйста, номер подъезда.")
        try desk.press("Enter")
        try await chat.waitFor(text: "номер подъезда")
        // A notice that comes during a history search (Ctrl-R) waits until the search ends.
        try await chat.waitForLastLine("Вы:")
        try chat.press("C-r")
        try chat.type("дост")
        try await chat.waitForLastLine("(reverse-i-search)`дост': доставка")
        try desk.type("/close")
        try desk.press("Enter")
        try await desk.waitFor(text: "закрыто.")
        try await chat.waitForLastLine("(reverse-i-search)`дост': доставка")
        #expect(!(try chat.screen().contains("Специалист закрыл обращение")))
        try chat.press("C-g")
        try await chat.waitFor(text: "Специалист закрыл обращение")
        try await chat.waitForLastLine("Вы:")

        // Up recalls the last line from the history, which is kept in its own file.
        try await desk.waitForLastLine("Специалист>")
        try desk.press("Up")
        try await desk.waitForLastLine("Специалист> /close")
        try desk.press("C-u")
        try desk.press("C-d")
        try await desk.waitFor(text: "[exit 0]")
        let history = try String(contentsOfFile: directory.path("desk-state") + "/helpline/history-desk", encoding: .utf8)
        #expect(history.split(separator: "\n").contains("/next"))
        #expect(history.contains("Курьер приедет завтра с 10 до 14."))
        try await chat.waitForLastLine("Вы:")
        try chat.press("C-d")
        try await chat.waitFor(text: "[exit 0]")
        #expect(try await daemon.stop() == 0)
    }

    /// `helpline chat --desk-socket` (the engine in the chat's own process) and `helpline desk` on
    /// that socket, in two terminals: the specialist takes the appeal, and the reply shows in the
    /// chat while the customer is typing, without breaking the line.
    @Test func inProcessChatWithTheDesk() async throws {
        let directory = try TemporaryDirectory()
        let deskSocket = directory.path("desk.sock")
        let chat = try TmuxSession(command: try command(
            "chat --desk-socket '\(deskSocket)'", stateHome: directory.path("chat-state")))
        try await chat.waitFor(text: "helpline desk --socket \(deskSocket)")
        try await chat.waitForLastLine("Вы:")
        try chat.type("доставка")
        try chat.press("Enter")
        try await chat.waitFor(text: "Выберите заказ")
        try await chat.waitForLastLine("Вы:")
        try chat.type("1")
        try chat.press("Enter")
        try await chat.waitFor(text: "Опишите вопрос")
        try await chat.waitForLastLine("Вы:")
        try chat.type("Курьер не приехал в назначенный день.")
        try chat.press("Enter")
        try await chat.waitFor(text: "передано специалисту")
        try await chat.waitForLastLine("Вы:")

        let desk = try TmuxSession(command: try command(
            "desk --socket '\(deskSocket)' --id sp-7 --name Мария --role general", stateHome: directory.path("desk-state")))
        try await desk.waitFor(text: "Вы вошли как Мария")
        try await desk.waitForLastLine("Специалист>")
        try desk.type("/next")
        try desk.press("Enter")
        try await desk.waitFor(text: "Курьер не приехал в назначенный день.")
        try await desk.waitForLastLine("Специалист>")
        try await chat.waitFor(text: "занимается специалист Мария")

        try chat.type("черновик")
        try await chat.waitForLastLine("Вы: черновик")
        try desk.type("Курьер приедет завтра с 10 до 14.")
        try desk.press("Enter")
        try await desk.waitFor(text: "отправлен клиенту")
        try await chat.waitFor(text: "Курьер приедет завтра с 10 до 14.")
        try await chat.waitForLastLine("Вы: черновик")

        try desk.press("C-d")
        try await desk.waitFor(text: "[exit 0]")
        try chat.press("C-u")
        try chat.press("C-d")
        try await chat.waitFor(text: "[exit 0]")
    }
}
