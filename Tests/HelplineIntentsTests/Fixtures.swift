import Foundation
import HelplineEvaluation
import HelplineIntents

/// Shared, built-once objects for the matcher tests.
enum Fixtures {
    /// The catalog built into the binary from `Intents/`.
    static let catalog: IntentCatalog? = try? IntentCatalog(bundle: .embedded)

    /// A matcher over the built-in catalog.
    static let matcher: IntentMatcher? = catalog.map { IntentMatcher(catalog: $0) }

    /// The held-out test set shipped with the tests.
    static func testSet() throws -> [LabeledMessage] {
        try labeled("testset")
    }

    /// The held-out real-register set: questions written the way customers word them on public
    /// Q&A sites, forums and complaint sites (statuses, receipts, certificates, Latin brand names,
    /// how-to questions), and other companies' services as off-topic; written apart from the examples.
    static func realSet() throws -> [LabeledMessage] {
        try labeled("realset")
    }

    /// The blind sets: customers' wording from public pages, written without reading the examples
    /// (Data/README.md says how each was made).
    static func blindSet() throws -> [LabeledMessage] {
        try labeled("blindset")
    }

    private static func labeled(_ name: String) throws -> [LabeledMessage] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "tsv", subdirectory: "Data"),
              let data = FileManager.default.contents(atPath: url.path) else {
            throw DataError(file: "Data/\(name).tsv", message: "missing from the test bundle")
        }
        return try LabeledMessage.parseTSV(String(decoding: data, as: UTF8.self))
    }

    /// A small catalog for behaviour that must not depend on the real data.
    static func tinyCatalog(settings: MatcherSettings = MatcherSettings()) -> IntentCatalog {
        IntentCatalog(
            intents: [
                Intent(id: "returns", kind: .topic, title: "Возвраты", examples: [
                    "хочу вернуть товар", "как оформить возврат", "верните деньги за заказ",
                    "возврат денег не пришел", "товар не подошел, как сдать обратно",
                ]),
                Intent(id: "delivery", kind: .topic, title: "Доставка", examples: [
                    "сколько стоит доставка", "когда привезут заказ", "можно поменять адрес доставки",
                    "доставка курьером на дом", "перенесите дату доставки",
                ]),
                Intent(id: "greeting", kind: .smalltalk, title: "Приветствие", examples: [
                    "привет", "здравствуйте", "добрый день", "доброе утро",
                ]),
            ],
            settings: settings,
            offTopicExamples: ["какая погода завтра", "рецепт борща", "сколько будет два плюс два", "расскажи анекдот"]
        )
    }
}
