import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineText

/// A classifier that answers from a script, so the dialogue's rules are tested apart from the matcher.
struct ScriptedClassifier: IntentClassifying {
    /// What the script says about one message.
    struct Verdict: Sendable {
        var intent: IntentID
        var confidence: Double = 0.9
        var alternatives: [IntentScore] = []
        var isAmbiguous = false
        var entities: [Entity] = []
    }

    var script: [String: Verdict]

    /// Built once: the text layer's analyzer carries tables that take a while to set up.
    private static let analyzer = TextAnalyzer()

    func classify(_ text: String) -> Classification {
        let analysis = Self.analyzer.analyze(text)
        guard let verdict = script[text] else {
            return Classification(intent: nil, confidence: 0.1, alternatives: [], isAmbiguous: false,
                                  entities: [], analysis: analysis)
        }
        return Classification(intent: verdict.intent, confidence: verdict.confidence, alternatives: verdict.alternatives,
                              isAmbiguous: verdict.isAmbiguous, entities: verdict.entities, analysis: analysis)
    }
}

/// The fixed world the unit tests run in: the 14 topics and a few other intents, the
/// shipped prompts and rules, a customer with goods orders and a flight.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    static let topicTable: [(id: String, title: String, needsOrder: Bool)] = [
        ("delivery", "Доставка", true), ("order_tracking", "Отслеживание заказа", true),
        ("returns", "Возвраты и возврат денег", true), ("payment", "Оплата", true),
        ("ozon_card", "Карта Ozon", false), ("purchase", "Оформление заказа", false),
        ("pickup_points", "Пункты выдачи", false), ("discounts", "Скидки и акции", false),
        ("warranty", "Гарантия", true), ("bonuses", "Бонусы и баллы", false),
        ("complaint", "Жалобы и споры", true), ("account", "Профиль и безопасность", false),
        ("travel", "Ozon Travel", true), ("seller", "Поддержка продавцов", false),
    ]

    static let catalog: IntentCatalog = {
        var intents = topicTable.map { Intent(id: IntentID($0.id), kind: .topic, title: $0.title, needsOrder: $0.needsOrder) }
        intents += [
            Intent(id: "contacts_phone", kind: .info, title: "Телефоны поддержки",
                   answer: "Москва: +7 495 232−10−00. Санкт-Петербург: 7 (812) 494−06−06."),
            Intent(id: "response_time", kind: .info, title: "Время ответа",
                   answer: "В чате — в среднем 5–10 минут."),
            Intent(id: "bank", kind: .info, title: "Ozon Банк", answer: nil),
            Intent(id: "unsupported", kind: .info, title: "Вне компетенции поддержки",
                   answer: "Поддержка не раскрывает коммерческую тайну и не решает проблемы мошенничества и воровства."),
            Intent(id: "operator", kind: .control, title: "Специалист"),
            // Greetings, thanks and goodbyes are taken after an appeal only as one of their examples.
            Intent(id: "greeting", kind: .smalltalk, title: "Приветствие", examples: ["привет", "здравствуйте"]),
            Intent(id: "thanks", kind: .smalltalk, title: "Благодарность", examples: ["спасибо", "спасибо большое"]),
            Intent(id: "goodbye", kind: .smalltalk, title: "Прощание", examples: ["пока", "до свидания"]),
        ]
        return IntentCatalog(intents: intents, settings: MatcherSettings(topicOrder: topicTable.map { IntentID($0.id) }))
    }()

    static let headphones = Order(id: "11111111-0001", title: "Наушники Sony WH-1000XM5", status: "доставлен")
    static let kettle = Order(id: "11111111-0002", title: "Электрический чайник Xiaomi", status: "в пути")
    static let book = Order(id: "22222222-0003", title: "Книга «Мастер и Маргарита»")
    static let flight = Order(id: "33333333-0004", title: "Авиабилет Москва — Сочи", status: "оплачен",
                              kind: .flight, startsAt: now.addingTimeInterval(72 * 3600))

    static func customer(name: String = "Анна", premium: Bool = false, premiumSeller: Bool = false,
                         corporate: Bool = false, orders: [Order] = [headphones, kettle, book, flight]) -> Profile {
        Profile(id: "u1", name: name, premium: premium, seller: premiumSeller, premiumSeller: premiumSeller,
                corporate: corporate, orders: orders)
    }

    static func prompts() throws -> Prompts { try Prompts(bundle: .embedded) }
    static func rules() throws -> DialogueRules { try DialogueRules(bundle: .embedded) }

    static func engine(_ script: [String: ScriptedClassifier.Verdict] = [:]) throws -> DialogueEngine {
        DialogueEngine(catalog: catalog, classifier: ScriptedClassifier(script: script),
                       prompts: try prompts(), rules: try rules())
    }

    /// A started conversation with the default customer.
    static func started(_ engine: DialogueEngine, profile: Profile = customer()) -> Conversation {
        engine.start(id: "s1", profile: profile, now: now).0
    }

    /// Feeds messages in order and returns the last turn.
    @discardableResult
    static func say(_ engine: DialogueEngine, _ messages: [String], in conversation: inout Conversation,
                    now: Date = now) -> Turn {
        var last = Turn(reply: engine.currentReply(of: conversation))
        for message in messages { last = engine.handle(message, in: &conversation, now: now) }
        return last
    }

    static func verdict(_ intent: IntentID, _ confidence: Double = 0.97, alternatives: [(IntentID, Double)] = [],
                        ambiguous: Bool = false, orderNumbers: [String] = []) -> ScriptedClassifier.Verdict {
        ScriptedClassifier.Verdict(
            intent: intent, confidence: confidence,
            alternatives: alternatives.map { IntentScore(id: $0.0, confidence: $0.1) },
            isAmbiguous: ambiguous,
            entities: orderNumbers.map { Entity(kind: .orderNumber, text: $0, value: $0) })
    }
}

extension Reply {
    /// The option values, in order.
    var values: [String] { options.map(\.value) }
}
