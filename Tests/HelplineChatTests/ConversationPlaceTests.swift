import Foundation
import HelplineDialogue
import HelplineIntents
import Testing
@testable import HelplineChat

struct ConversationPlaceTests {
    let profile = Profile(id: "u", name: "", orders: [Order(id: "11111111-0001", title: "Наушники")])
    let menu = Reply(state: .chooseTopic, text: "", options: [ReplyOption(key: "1", label: "Доставка", value: "delivery")])
    let orders = Reply(state: .chooseOrder, text: "", options: [
        ReplyOption(key: "1", label: "Наушники — № 11111111-0001", value: "11111111-0001"),
        ReplyOption(key: "2", label: "Без заказа", value: "no_order"),
    ])
    let write = Reply(state: .write, text: "")

    /// Topic by option, then order by option; back at the menu both clear.
    @Test func followsChoices() {
        var place = ConversationPlace()
        place.update(after: ("1", menu), reply: orders, profile: profile)
        #expect(place.topic == "delivery")
        place.update(after: ("1", orders), reply: write, profile: profile)
        #expect(place.order == "11111111-0001")
        place.update(after: ("меню", write), reply: menu, profile: profile)
        #expect(place.topic == nil && place.order == nil)
    }

    /// Free text takes the recognised intent as the topic; «Без заказа» leaves no order; a typed order number is found.
    @Test func freeTextAndNoOrder() {
        var place = ConversationPlace()
        place.update(after: ("курьер опаздывает", menu),
                     reply: Reply(state: .chooseOrder, text: "", options: orders.options, intent: IntentScore(id: "delivery", confidence: 0.9)),
                     profile: profile)
        #expect(place.topic == "delivery")
        place.update(after: ("без заказа", orders), reply: write, profile: profile)
        #expect(place.order == nil)
        place.update(after: ("заказ 11111111-0001", orders), reply: write, profile: profile)
        #expect(place.order == "11111111-0001")
    }

    /// An appeal's own topic and order win.
    @Test func ticketWins() {
        var place = ConversationPlace(topic: "guess", order: nil)
        let ticket = Ticket(id: "t-1", topic: "returns", order: "11111111-0001", queue: .regular, etaMinutes: [5, 10],
                            messages: ["m"], createdAt: Date(timeIntervalSince1970: 0))
        place.update(after: ("m", write), reply: Reply(state: .submitted, text: "", ticket: ticket), profile: profile)
        #expect(place.topic == "returns" && place.order == "11111111-0001")
    }
}
