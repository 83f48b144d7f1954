import Foundation
import HelplineDialogue
import HelplineIntents
import Testing

/// Every fact of the source document, character for character, and the line that answers the
/// question first: on the real data with the real matcher.
struct SourceFactsTests {
    private static let shared = Result { try DialogueEngine(bundle: .embedded) }

    /// The reply's first line to `text` at the topic step, for `profile`, and the whole reply.
    private func ask(_ text: String, profile: Profile? = nil) throws -> (first: String, all: String, intent: String?) {
        let engine = try Self.shared.get()
        var (c, _) = engine.start(id: "f", profile: try profile ?? Profile.demo(), now: Fixture.now)
        let reply = engine.handle(text, in: &c, now: Fixture.now).reply
        #expect(reply.state == .chooseTopic, "«\(text)» should be answered in place")
        return (String(reply.text.split(separator: "\n").first ?? ""), reply.text, reply.intent?.id.wireValue)
    }

    /// Who gets Ozon Travel's priority queue: the four groups of the source, first.
    @Test func travelPriorityGroups() throws {
        let reply = try ask("кто получает приоритет в Ozon Travel?")
        #expect(reply.first.contains("приоритетная очередь"))
        for group in ["забронировавших отель;", "корпоративных;",
                      "владельцев оплаченных пакетов «Приоритет» или «Всё включено»;",
                      "тем, кому до начала поездки осталось менее суток."] {
            #expect(reply.all.contains(group), "missing «\(group)»")
        }
    }

    /// Travel's phone: the answer leads with «no hotline».
    @Test func travelHasNoHotline() throws {
        #expect(try ask("телефон ozon travel").first.hasPrefix("Горячая линия Ozon Travel не работает"))
    }

    /// The number in e-tickets and vouchers is called only from the phone given in the order.
    @Test func voucherPhoneRule() throws {
        let reply = try ask("по какому номеру звонить по ваучеру")
        #expect(reply.first.contains(
            "указывается персональный номер телефона службы поддержки Озон, но обратиться нужно только с того номера телефона, что написан в заказе"))
    }

    /// The sellers' e-mail first; their channels in the source's order: chat, then e-mail, then VK.
    @Test func sellersChannels() throws {
        let email = try ask("почта для продавцов")
        #expect(email.first.contains("sellersup@ozon.ru"))
        let channels = try ask("как продавцу связаться с поддержкой").all
        let chat = try #require(channels.range(of: "чат"))
        let mail = try #require(channels.range(of: "sellersup@ozon.ru"))
        let vk = try #require(channels.range(of: "ВКонтакте"))
        #expect(chat.lowerBound < mail.lowerBound && mail.lowerBound < vk.lowerBound)
    }

    /// The 8 800 number: «дозвониться по этому номеру практически невозможно».
    @Test func freeNumberIsHardToReach() throws {
        let reply = try ask("какой номер телефона горячей линии озон")
        #expect(reply.all.contains("8 (800)234−70−70"))
        #expect(reply.all.contains("дозвониться по этому номеру практически невозможно"))
    }

    /// A Premium seller hears about the seller priority first; a Premium buyer about 1 March 2023.
    @Test func premiumFitsTheCustomer() throws {
        var seller = try Profile.demo()
        seller.seller = true
        seller.premiumSeller = true
        #expect(try ask("есть ли приоритет у премиум", profile: seller).first.hasPrefix("Для Premium-продавцов"))
        #expect(try ask("есть ли приоритет у премиум").first.hasPrefix("С\u{00A0}1\u{00A0}марта 2023 года"))
    }

    /// A problem with the Premium subscription itself (a charge, turning it off), of which the
    /// source says nothing, is sent to the specialists of «Оплата», the story kept for them; a
    /// question about Premium's support still gets the source's fact.
    @Test(arguments: ["списали деньги за премиум, я не подключала", "как отключить озон премиум",
                      "верните деньги за подписку premium"])
    func premiumSubscriptionGoesToPayment(text: String) throws {
        let reply = try ask(text)
        #expect(reply.intent == "premium")
        #expect(reply.first.contains("выберите тему «Оплата»"), "\(reply.all)")
        #expect(!reply.all.contains("обратная связь для клиентов Premium"))
    }

    /// The source's no-break spaces inside its facts — the Moscow number, «С 1 марта 2023», «до
    /// 1–3 минут», «до 10 минут» — are kept in every answer, variant and prompt that gives them.
    @Test func noBreakSpacesOfTheFactsAreKept() throws {
        let engine = try Self.shared.get()
        var texts = engine.catalog.intents.compactMap(\.answer)
        texts += engine.catalog.intents.flatMap { $0.answerVariants.map(\.text) }
        texts += Prompt.allCases.map { engine.prompts.text($0) }
        for plain in ["+7 495", "495 232", "1 марта 2023", "с 1 марта", "до 1–3", "до 10 минут"] {
            #expect(!texts.contains { $0.contains(plain) }, "\(plain)")
        }
        #expect(texts.contains { $0.contains("+7\u{00A0}495\u{00A0}232−10−00") })
    }

    /// The chat's reply time as the source words it.
    @Test func chatReplyTimeWording() throws {
        let engine = try Self.shared.get()
        let chat = try #require(engine.catalog.intent("contacts_chat")?.answer)
        #expect(chat.contains("Среднее время ответа специалиста — 5–10 минут, в некоторых случаях дольше, например, когда вопрос требует дополнительного изучения."))
        let time = try #require(engine.catalog.intent("response_time")?.answer)
        #expect(time.contains("в среднем до\u{00A0}10 минут, иногда немного больше"))
    }

    /// A fraud victim is not told about commercial secrets; a refusal is not followed by «Если остались вопросы».
    @Test func refusalFitsTheQuestion() throws {
        let engine = try Self.shared.get()
        let reply = try ask("меня обманули мошенники, верните деньги")
        #expect(reply.all.contains("мошенничества") && !reply.all.contains("коммерческ"))
        #expect(!reply.all.contains(engine.prompts.text(.resumeTopic)))
    }
}
