import Foundation
import HelplineDesk
import HelplineDialogue

/// What the specialists' terminal says, in Russian.
enum DeskStrings {
    static let welcome = "Helpline — рабочее место специалиста. /help — команды, Ctrl-D — выход."
    static let prompt = "Специалист> "
    static let goodbye = "Смена завершена. До свидания!"

    static let help = """
        Команды:
          /next              взять следующее обращение из очереди
          ТЕКСТ              (строка без косой черты) ответ клиенту по текущему обращению
          /ask ТЕКСТ         попросить клиента уточнить детали
          /close             закрыть текущее обращение
          /transfer ТЕМА|ОЧЕРЕДЬ  передать обращение в другую тему или очередь
          /release           вернуть обращение в очередь на прежнее место
          /show [НОМЕР]      показать обращение (без номера — текущее) и сделать его текущим
          /queue             очереди и ваши обращения
          /help              эта справка
          /quit              выйти; ваши обращения ждут вас ещё пару минут, потом вернутся в очередь
        Tab дополняет команды, темы и очереди; ↑ ↓ — история, Ctrl-R — поиск по ней.
        """

    /// The slash commands, for Tab.
    static let commands = ["/next", "/ask", "/close", "/transfer", "/release", "/show", "/queue", "/help", "/quit"]

    static func signedIn(_ specialist: Specialist) -> String {
        "Вы вошли как \(specialist.name) (\(specialist.id)"
            + (specialist.role.map { ", роль «\($0)»" } ?? "") + ")."
    }

    static func holding(_ appeals: [AppealSummary]) -> String {
        "За вами остались обращения: " + appeals.map { "№ \($0.id)" }.joined(separator: ", ")
            + ". /show НОМЕР — открыть."
    }

    static func queueName(_ queue: Queue) -> String {
        switch queue {
        case .premiumSeller: "Premium-продавцы"
        case .travelPriority: "Ozon Travel, приоритет"
        case .regular: "общая"
        }
    }

    static func stateName(_ state: AppealState) -> String {
        switch state {
        case .waiting: "ждёт в очереди"
        case .taken: "ждёт вашего ответа"
        case .answered: "ждёт ответа клиента"
        case .closed: "закрыто"
        }
    }

    static func minutes(_ seconds: Double) -> String {
        let minutes = Int(seconds / 60)
        return minutes < 1 ? "меньше минуты" : "\(minutes) мин"
    }

    static func overview(_ overview: DeskOverview, topicTitle: (String) -> String) -> String {
        var lines = ["Очереди:"]
        for line in overview.queues {
            var text = "  \(queueName(line.queue)): "
            if line.waiting == 0 {
                text += "пусто"
            } else {
                let topics = line.topics.sorted { $0.key < $1.key }.map { "\(topicTitle($0.key)) — \($0.value)" }
                text += "ждут \(line.waiting) (\(topics.joined(separator: ", ")))"
                if let oldest = line.oldestWaitSeconds { text += ", дольше всех — \(minutes(oldest))" }
                if line.overdue > 0 { text += ", просрочено: \(line.overdue)" }
            }
            lines.append(text)
        }
        lines.append("В работе: \(overview.taken), ждут ответа клиента: \(overview.answered). Специалистов на смене: \(overview.onDuty).")
        if overview.mine.isEmpty {
            lines.append("У вас нет обращений в работе.")
        } else {
            lines.append("Ваши обращения:")
            for appeal in overview.mine {
                lines.append("  № \(appeal.id) — \(topicTitle(appeal.topic)), \(appeal.customer.name), \(stateName(appeal.state))")
            }
        }
        return lines.joined(separator: "\n")
    }

    static let nothingWaiting = "Подходящих вам обращений в очереди нет. Новые появятся здесь сами."
    static let noCurrent = "Сейчас нет открытого обращения: возьмите следующее — /next, или откройте своё — /show НОМЕР."
    static let askNeedsText = "Напишите вопрос после команды: /ask ТЕКСТ."
    static let transferNeedsTarget = "Укажите тему или очередь: /transfer ТЕМА или /transfer ОЧЕРЕДЬ (Tab подскажет)."
    static func unknownCommand(_ name: String) -> String { "Неизвестная команда \(name). /help — список команд." }

    static func replied(_ appeal: String) -> String { "Ответ по обращению № \(appeal) отправлен клиенту." }
    static func asked(_ appeal: String) -> String { "Вопрос по обращению № \(appeal) отправлен; ждём ответа клиента." }
    static func closed(_ appeal: String) -> String { "Обращение № \(appeal) закрыто." }
    static func released(_ appeal: String) -> String { "Обращение № \(appeal) возвращено в очередь на прежнее место." }
    static func transferred(_ appeal: String, topic: String, queue: Queue) -> String {
        "Обращение № \(appeal) передано: тема «\(topic)», очередь «\(queueName(queue))»."
    }

    /// A customer summary: name, id, and what puts them in a queue.
    static func customer(_ customer: CustomerSummary) -> String {
        var marks: [String] = []
        if customer.premiumSeller { marks.append("Premium-продавец") } else if customer.seller { marks.append("продавец") }
        if customer.premium { marks.append("Premium") }
        if customer.corporate { marks.append("корпоративный клиент") }
        marks.append("заказов: \(customer.orders)")
        return "Клиент: \(customer.name) (\(customer.id)) · " + marks.joined(separator: " · ")
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }

    /// An appeal with its whole conversation, readable.
    static func appeal(_ view: AppealView, me: String?, topicTitle: (String) -> String, now: Date) -> String {
        let appeal = view.appeal
        var lines = ["Обращение № \(appeal.id) · \(topicTitle(appeal.topic)) · очередь: \(queueName(appeal.queue)) · \(stateName(appeal.state))"]
        lines.append(customer(appeal.customer))
        if let order = appeal.order {
            lines.append("Заказ: № \(order.id) — \(order.title)" + (order.status.isEmpty ? "" : " (\(order.status))"))
        }
        lines.append("В очереди с \(time(appeal.arrivedAt)) (\(minutes(now.timeIntervalSince(appeal.arrivedAt))) назад).")
        lines.append("— Переписка —")
        for entry in appeal.conversation {
            // A message of several lines keeps them under its first, past the time.
            let text = self.entry(entry, me: me, topicTitle: topicTitle)
                .replacingOccurrences(of: "\n", with: "\n      ")
            lines.append("\(time(entry.at)) " + text)
        }
        return lines.joined(separator: "\n")
    }

    static func entry(_ entry: DeskEntry, me: String?, topicTitle: (String) -> String) -> String {
        let who = entry.specialist.map { $0 == me ? "вы" : "специалист \($0)" } ?? "специалист"
        let text = entry.text ?? ""
        switch entry.kind {
        case .customer: return "Клиент: \(text)"
        case .bot: return "Бот: \(text)"
        case .reply: return "Ответ (\(who)): \(text)"
        case .question: return "Вопрос (\(who)): \(text)"
        case .taken: return "Взято в работу (\(who))."
        case .released: return "Возвращено в очередь (\(who))."
        case .transferred:
            let to = [entry.topic.map(topicTitle), entry.queue.map(queueName)].compactMap { $0 }.joined(separator: ", ")
            return "Передано (\(who)): \(to)."
        case .returned: return "Вернулось в очередь: специалист не вернулся вовремя."
        case .closed: return entry.specialist == nil ? "Закрыто клиентом." : "Закрыто (\(who))."
        }
    }

    static let afterTaking = "Пишите ответ клиенту строкой; /ask — уточнить детали, /close — закрыть, /transfer, /release."

    static func event(_ event: DeskEvent, topicTitle: (String) -> String) -> String {
        switch event {
        case .newAppeal(let appeal, let reason):
            let what = switch reason {
            case .filed: "Новое обращение"
            case .released: "Возвращено в очередь обращение"
            case .transferred: "Передано в вашу очередь обращение"
            case .returned: "Вернулось в очередь обращение"
            }
            let preview = appeal.preview.isEmpty ? "" : "\n«\(appeal.preview)»"
            return "\(what) № \(appeal.id) (очередь: \(queueName(appeal.queue)), тема: \(topicTitle(appeal.topic))), "
                + "клиент \(appeal.customer.name):\(preview)\n/next — взять."
        case .followUp(let appeal, let entry):
            return "Клиент написал по обращению № \(appeal): «\(entry.text ?? "")»"
        case .closedByCustomer(let appeal, _):
            return "Клиент закрыл обращение № \(appeal): вопрос решён."
        }
    }

    static func failure(_ error: DeskError) -> String {
        switch error.code {
        case .notYours: "Это обращение не у вас: оно ждёт в очереди или его ведёт другой специалист."
        case .appealClosed: "Обращение уже закрыто."
        case .unknownAppeal: "Обращения с таким номером нет."
        case .badTransfer: "Так передать нельзя: обращение уже в этой теме и очереди, такой темы нет или её в этой очереди никто не обслуживает."
        case .customerGone: "Клиент уже вышел из чата (чат закрыт или истёк): ответ до него не дойдёт. Закройте обращение — /close."
        case .signedInElsewhere: "С этим идентификатором уже вошли с другого подключения, под другим именем или с другой ролью: сначала выйдите там."
        case .emptyText: "Пустое сообщение не отправлено."
        case .unknownRole: "Такой роли нет (\(error.message))."
        case .notSignedIn: "Вход не выполнен."
        default: "Сервер ответил ошибкой \(error.code): \(error.message)"
        }
    }

    static func unreachable(_ path: String, _ reason: some CustomStringConvertible) -> String {
        "Нет связи со столом специалистов (\(path)): \(reason)."
    }
    static let connectionLost = "Нет связи с сервером; переподключаюсь. Ваши обращения остаются за вами ещё пару минут."
    static let notSent = "Нет связи с сервером: команда не выполнена. Когда связь вернётся, проверьте обращение — /show."
    static func waiting(_ path: String, _ reason: some CustomStringConvertible) -> String {
        "Нет связи со столом специалистов (\(path)): \(reason). Подключаюсь снова… (Ctrl-C — выйти)"
    }
    static let connected = "Связь с сервером установлена."
    static let connectionBack = "Связь восстановлена, вы снова на смене."
    static let connectionGaveUp = "Связь с сервером не восстановилась; перезапустите helpline desk."
}
