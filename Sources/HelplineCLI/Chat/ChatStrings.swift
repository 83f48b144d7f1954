import Foundation
import HelplineDialogue
import HelplineChat
import HelplineIntents

/// The chat front end's own words: its prompt, command help and notices. The assistant's replies
/// come from the dialogue data, not from here.
enum ChatStrings {
    static let botLabel = "Поддержка:"
    static let userPrompt = "Вы: "

    static let welcome = "Helpline — чат поддержки. /help — команды, Ctrl-D — выход."

    /// The in-process chat serves the specialists' desk (`--desk-socket`).
    static func servingDesk(_ path: String) -> String {
        "Стол специалистов открыт: helpline desk --socket \(path)"
    }
    static let goodbye = "До свидания!"

    static let help = """
        Пишите вопрос своими словами или выбирайте вариант по номеру.
        Команды:
          /menu           вернуться к выбору темы
          /back           на шаг назад
          /cancel         отменить черновик обращения
          /state          где мы сейчас: шаг, тема, заказ, обращение
          /profile        профиль покупателя в этом разговоре
          /record ФАЙЛ    записывать разговор в файл
          /help           эта справка
          /quit           выйти (или Ctrl-D)
        Клавиши: Tab дополняет команды и варианты ответа, ↑ и ↓ листают историю,
        Ctrl-R ищет в истории, Ctrl-C очищает строку.
        """

    static func unknownCommand(_ name: String) -> String {
        "Нет такой команды: \(name). Список команд — /help."
    }

    static let noValue = "—"

    static func stateLines(_ snapshot: StateSummary) -> [String] {
        var lines = [
            "Шаг: \(stateName(snapshot.state))",
            "Тема: \(snapshot.topic ?? noValue)",
            "Заказ: \(snapshot.order ?? noValue)",
        ]
        if let ticket = snapshot.ticket {
            let eta = ticket.etaMinutes.map(String.init).joined(separator: "–")
            lines.append("Обращение: \(ticket.id), \(queueName(ticket.queue)), ожидание \(eta) мин")
        } else {
            lines.append("Обращение: \(noValue)")
        }
        if let intent = snapshot.intent {
            lines.append("Намерение: \(intent.id.wireValue) (\(String(format: "%.2f", intent.confidence)))")
        }
        lines.append("Сессия: \(snapshot.session)")
        return lines
    }

    /// An order as `/state` shows it: «№ 12345678-0001 (Наушники …)».
    static func orderLabel(id: String, title: String) -> String { "№ \(id) (\(title))" }

    static func stateName(_ state: DialogueState) -> String {
        switch state {
        case .chooseTopic: "выбор темы"
        case .chooseOrder: "выбор заказа"
        case .write: "сообщение специалисту"
        case .submitted: "обращение отправлено"
        }
    }

    static func queueName(_ queue: Queue) -> String {
        switch queue {
        case .regular: "общая очередь"
        case .premiumSeller: "приоритетная очередь Premium-продавцов"
        case .travelPriority: "приоритетная очередь Ozon Travel"
        }
    }

    static func profileLines(_ profile: Profile, source: String?) -> [String] {
        var lines = ["Профиль: \(profile.name.isEmpty ? profile.id : "\(profile.name) (\(profile.id))")"]
        var traits: [String] = []
        if profile.premium { traits.append("Premium") }
        if profile.seller { traits.append("продавец") }
        if profile.premiumSeller { traits.append("Premium-продавец") }
        if profile.corporate { traits.append("корпоративный клиент") }
        lines.append("Статус: \(traits.isEmpty ? "обычный покупатель" : traits.joined(separator: ", "))")
        if profile.orders.isEmpty {
            lines.append("Заказов нет.")
        } else {
            lines.append("Заказы:")
            for order in profile.orders {
                var details = [kindName(order.kind)]
                if !order.status.isEmpty { details.append(order.status) }
                if let package = order.package { details.append("пакет «\(package)»") }
                if let start = order.startsAt { details.append("начало \(ISO8601.format(start))") }
                lines.append("  \(order.id) — \(order.title) (\(details.joined(separator: ", ")))")
            }
        }
        if let source { lines.append("Файл: \(source)") }
        return lines
    }

    static func kindName(_ kind: Order.Kind) -> String {
        switch kind {
        case .goods: "товар"
        case .hotel: "отель"
        case .flight: "авиабилет"
        case .train: "ж/д билет"
        case .tour: "тур"
        }
    }

    static func transcriptTitle(_ date: Date) -> String {
        "Разговор в чате, \(ISO8601.format(date))"
    }

    static func recordingTo(_ path: String) -> String { "Разговор записывается в \(path)." }
    static let notRecording = "Разговор не записывается. Начать запись: /record ФАЙЛ."
    static func recordFailed(_ reason: String) -> String { "Не удалось записать разговор: \(reason)" }

    static func connectionLost(_ path: String, reason: SocketChatBackend.Outage, canInterrupt: Bool) -> String {
        "Нет связи с сервером (\(path)): \(reason). Подключаюсь снова…"
            + (canInterrupt ? " Ctrl-C — перестать ждать." : "")
    }
    static let connectionBack = "Связь восстановлена, разговор продолжается."
    static let connected = "Связь с сервером установлена."
    static let sessionLost = "Сервер больше не знает этот разговор; начат новый."
}

/// What `/state` shows.
struct StateSummary: Sendable, Hashable {
    var session: String
    var state: DialogueState
    var topic: String?
    var order: String?
    var ticket: Ticket?
    var intent: IntentScore?
}
