import Foundation
import HelplineDesk
import HelplineDialogue
import Testing

/// The appeal's life: waiting → taken → answered → closed, follow-ups and who is told what.
struct LifecycleTests {
    private func taken() throws -> Desk {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        _ = try desk.takeNext(specialist: "sp-1", now: Fixture.at(1))
        return desk
    }

    /// The whole path; the reply reaches the customer with the specialist's words as written.
    @Test func waitingTakenAnsweredClosed() throws {
        var desk = try taken()
        #expect(desk.appeals["a"]?.state == .taken)
        let answer = "Курьер приедет завтра с 10 до 14.\nНомер курьера придёт в СМС."
        let reply = try desk.reply(appeal: "a", specialist: "sp-1", text: answer, now: Fixture.at(3))
        #expect(reply.appeal?.state == .answered && reply.appeal?.firstAnsweredAt == Fixture.at(3))
        #expect(reply.notices == [CustomerNotice(
            appeal: "a", kind: .reply, text: "Ответ специалиста (Мария) по обращению № a:\n" + answer,
            message: answer, specialist: "Мария", at: Fixture.at(3))])
        let close = try desk.close(appeal: "a", specialist: "sp-1", now: Fixture.at(4))
        #expect(close.appeal?.state == .closed && close.appeal?.closedAt == Fixture.at(4))
        #expect(close.notices.map(\.kind) == [.closed])
        #expect(close.notices.first?.text == "Специалист закрыл обращение № a. Если вопрос остался, напишите «новое обращение».")
        #expect(desk.appeals["a"]?.conversation.map(\.kind) == [.customer, .taken, .reply, .closed])
    }

    /// A follow-up to a taken appeal is added and its specialist told at once, with the entry.
    @Test func followUpNotifiesTheSpecialist() throws {
        var desk = try taken()
        let outcome = try desk.customerWrote(appeal: "a", text: "Номер заказа 12345678-0001", at: Fixture.at(2))
        let entry = DeskEntry(.customer, text: "Номер заказа 12345678-0001", at: Fixture.at(2))
        #expect(outcome.effects == [.notify(specialist: "sp-1", .followUp(appeal: "a", entry))])
        #expect(desk.appeals["a"]?.conversation.last == entry)
    }

    /// A follow-up to an answered appeal makes it the specialist's to answer again.
    @Test func followUpReopensAnAnsweredAppeal() throws {
        var desk = try taken()
        _ = try desk.reply(appeal: "a", specialist: "sp-1", text: "Проверим.", now: Fixture.at(2))
        let outcome = try desk.customerWrote(appeal: "a", text: "А когда?", at: Fixture.at(3))
        #expect(outcome.appeal?.state == .taken)
        #expect(outcome.events.map(\.specialist) == ["sp-1"])
    }

    /// A follow-up to a waiting appeal is added; nobody holds it, so nobody is told.
    @Test func followUpWhileWaiting() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        let outcome = try desk.customerWrote(appeal: "a", text: "Ещё деталь", at: Fixture.at(1))
        #expect(outcome.effects.isEmpty && outcome.appeal?.state == .waiting)
        #expect(desk.appeals["a"]?.conversation.count == 2)
    }

    /// Asking for details marks the appeal as waiting for the customer until they write.
    @Test func askWaitsForTheCustomer() throws {
        var desk = try taken()
        let ask = try desk.ask(appeal: "a", specialist: "sp-1", text: "Пришлите фото упаковки, пожалуйста.", now: Fixture.at(2))
        #expect(ask.appeal?.awaitingCustomer == true && ask.appeal?.state == .answered)
        #expect(ask.notices.first?.kind == .question)
        #expect(ask.notices.first?.text == "Специалист (Мария) уточняет по обращению № a:\nПришлите фото упаковки, пожалуйста.\n"
            + "Чтобы ответить, просто напишите сообщение.")
        let answer = try desk.customerWrote(appeal: "a", text: "Фото отправила", at: Fixture.at(3))
        #expect(answer.appeal?.awaitingCustomer == false && answer.appeal?.state == .taken)
    }

    /// «спасибо, вопрос решён» closes the appeal: the specialist is told, the customer answered.
    @Test func customerCloses() throws {
        var desk = try taken()
        #expect(Fixture.rules.isCustomerClosing("Спасибо, вопрос решен!"))
        #expect(Fixture.rules.isCustomerClosing("спасибо вопрос решён"))
        #expect(!Fixture.rules.isCustomerClosing("вопрос не решён"))
        #expect(Fixture.rules.isCustomerClosing("Спасибо большое, вопрос решён!"))
        #expect(Fixture.rules.isCustomerClosing("вопрос решён, закрывайте"))
        #expect(!Fixture.rules.isCustomerClosing("вопрос решён, но не полностью"))
        #expect(!Fixture.rules.isCustomerClosing("мой вопрос решён не был"))
        #expect(!Fixture.rules.isCustomerClosing("вчера вы написали, что вопрос решён, а курьер так и не приехал, разберитесь"))
        #expect(!Fixture.rules.isCustomerClosing("спасибо"))
        let outcome = try desk.customerClosed(appeal: "a", at: Fixture.at(2))
        #expect(outcome.appeal?.state == .closed)
        #expect(outcome.effects == [.notify(specialist: "sp-1", .closedByCustomer(appeal: "a", at: Fixture.at(2)))])
        #expect(outcome.customerText == "Рады, что вопрос решён! Обращение № a закрыто.")
    }

    /// A customer may close a waiting appeal too; it leaves the queue and nobody is told.
    @Test func customerClosesWhileWaiting() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")], specialists: [("sp-1", "general")])
        let outcome = try desk.customerClosed(appeal: "a", at: Fixture.at(1))
        #expect(outcome.effects.isEmpty)
        #expect(try desk.takeNext(specialist: "sp-1", now: Fixture.at(2)).appeal == nil)
    }

    /// Nothing more happens to a closed appeal: follow-ups, replies and a second close are refused.
    @Test func closedIsFinal() throws {
        var desk = try taken()
        _ = try desk.close(appeal: "a", specialist: "sp-1", now: Fixture.at(2))
        #expect { try desk.customerWrote(appeal: "a", text: "ещё", at: Fixture.at(3)) } throws: {
            ($0 as? DeskError)?.code == .appealClosed
        }
        #expect { try desk.reply(appeal: "a", specialist: "sp-1", text: "ещё", now: Fixture.at(3)) } throws: {
            ($0 as? DeskError)?.code == .appealClosed
        }
        #expect { try desk.customerClosed(appeal: "a", at: Fixture.at(3)) } throws: {
            ($0 as? DeskError)?.code == .appealClosed
        }
    }

    /// Only the specialist who holds an appeal answers, releases, transfers or closes it.
    @Test func onlyTheHolderActs() throws {
        var desk = try taken()
        try desk.signIn(id: "sp-2", name: "Олег", serves: .role("general"), at: Fixture.start)
        #expect { try desk.reply(appeal: "a", specialist: "sp-2", text: "Здравствуйте", now: Fixture.at(2)) } throws: {
            ($0 as? DeskError)?.code == .notYours
        }
        #expect { try desk.release(appeal: "a", specialist: "sp-2", now: Fixture.at(2)) } throws: {
            ($0 as? DeskError)?.code == .notYours
        }
        _ = try desk.file(Fixture.appeal("b", minutes: 2), at: Fixture.at(2))
        #expect { try desk.close(appeal: "b", specialist: "sp-2", now: Fixture.at(2)) } throws: {
            ($0 as? DeskError)?.code == .notYours && "\($0)".contains("take it first")
        }
        #expect { try desk.show(appeal: "zzz") } throws: { ($0 as? DeskError)?.code == .unknownAppeal }
    }

    /// A specialist's words reach the customer as written, placeholders and all.
    @Test func replyIsNotFilledAgain() throws {
        var desk = try taken()
        let text = "Напишите {ticket} и {specialist} буквально."
        let outcome = try desk.reply(appeal: "a", specialist: "sp-1", text: text, now: Fixture.at(2))
        #expect(outcome.notices.first?.text == "Ответ специалиста (Мария) по обращению № a:\n" + text)
    }

    /// An empty reply is refused; the appeal does not change.
    @Test func emptyReplyIsRefused() throws {
        var desk = try taken()
        #expect { try desk.reply(appeal: "a", specialist: "sp-1", text: " \n ", now: Fixture.at(2)) } throws: {
            ($0 as? DeskError)?.code == .emptyText
        }
        #expect(desk.appeals["a"]?.state == .taken)
    }

    /// An appeal takes a bounded number of answers: past the limit a reply is refused and the
    /// appeal does not change (each answer about it carries its whole conversation).
    @Test func answersToOneAppealAreBounded() throws {
        var desk = try taken()
        for index in 0..<Desk.maximumAnswers {
            _ = try desk.reply(appeal: "a", specialist: "sp-1", text: "Ответ \(index)", now: Fixture.at(2))
        }
        let before = desk.appeals["a"]
        #expect { try desk.ask(appeal: "a", specialist: "sp-1", text: "Ещё вопрос", now: Fixture.at(3)) } throws: {
            ($0 as? DeskError)?.code == .appealFull
        }
        #expect(desk.appeals["a"] == before)

        var long = try taken()
        let text = String(repeating: "я", count: Desk.maximumAnswerBytes / 4)
        _ = try long.reply(appeal: "a", specialist: "sp-1", text: text, now: Fixture.at(2))
        #expect { try long.reply(appeal: "a", specialist: "sp-1", text: text + text, now: Fixture.at(3)) } throws: {
            ($0 as? DeskError)?.code == .appealFull
        }
    }

    /// The same number cannot be filed twice.
    @Test func duplicateFiling() throws {
        var desk = try Fixture.desk([Fixture.appeal("a")])
        #expect { try desk.file(Fixture.appeal("a"), at: Fixture.at(1)) } throws: {
            ($0 as? DeskError)?.code == .duplicateAppeal
        }
    }

    /// A filed appeal is announced to the specialists on duty who serve it, and only to them.
    @Test func newAppealIsAnnounced() throws {
        var desk = try Fixture.desk(specialists: [("sp-1", "general"), ("sp-2", "travel"), ("sp-3", "seller")])
        let outcome = try desk.file(Fixture.appeal("p", queue: .premiumSeller), at: Fixture.start)
        #expect(outcome.events.map(\.specialist) == ["sp-1", "sp-3"])
        guard case .newAppeal(let summary, let reason) = outcome.events.first?.event else {
            Issue.record("not a new appeal")
            return
        }
        #expect(summary.id == "p" && reason == .filed && summary.preview == "Курьер не приехал.")
    }

    /// An appeal made from a filed ticket: order from the profile, the chat before it, its messages.
    @Test func appealFromTicket() throws {
        let order = Order(id: "12345678-0001", title: "Электрический чайник", status: "в пути")
        let profile = Profile(id: "u-42", name: "Анна", premium: true, orders: [order])
        let ticket = Ticket(id: "3141-5926", topic: "delivery", order: order.id, queue: .regular, etaMinutes: [5, 10],
                            messages: ["Курьер не приехал в назначенный день."], createdAt: Fixture.start)
        let before = [DeskEntry(.customer, text: "Доставка", at: Fixture.start),
                      DeskEntry(.bot, text: "Выберите заказ…", at: Fixture.start)]
        let appeal = DeskAppeal(ticket: ticket, session: "s", profile: profile, before: before)
        #expect(appeal.order == order && appeal.customer.premium && appeal.customer.orders == 1)
        #expect(appeal.conversation.map(\.kind) == [.customer, .bot, .customer])
        #expect(appeal.conversation.last?.text == "Курьер не приехал в назначенный день.")
        #expect(appeal.state == .waiting && appeal.arrivedAt == Fixture.start)
    }
}
