#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineServer
import HelplineTesting
import NIOConcurrencyHelpers
import Testing

/// The desk over the real sockets: customers on the customers' socket, specialists on the desk
/// socket, the daemon's clock moved by hand.
struct DeskSocketTests {
    /// A Premium seller's appeal is taken before an older general one; a Travel priority appeal
    /// before an older general Travel one.
    /// The desk socket takes at most `--max-connections` connections, counted apart from the
    /// customers': one more is told `overloaded` and closed, and customers still get in.
    @Test func deskConnectionsAreLimitedApartFromCustomers() async throws {
        let daemon = try await InProcessDaemon.start(desk: true) { $0.maximumConnections = 2 }
        let deskPath = try #require(daemon.deskSocketPath)
        let first = try RawConnection(path: deskPath)
        let second = try RawConnection(path: deskPath)
        for connection in [first, second] {
            try await connection.write(#"{"op":"ping"}"# + "\n")
            #expect(try await connection.readObject()["ok"] as? Bool == true)
        }
        let third = try RawConnection(path: deskPath)
        #expect(try await third.readErrorCode() == "overloaded")
        #expect(try await third.readLine() == nil, "the refused connection is closed")
        let customer = try RawConnection(path: daemon.socketPath)
        try await customer.write(#"{"op":"ping"}"# + "\n")
        #expect(try await customer.readObject()["pong"] as? Bool == true)
        try await first.write(#"{"op":"ping"}"# + "\n")
        #expect(try await first.readObject()["ok"] as? Bool == true)
        try await daemon.stop()
    }

    /// With `--idle-timeout`, a desk connection that has not signed in within it is told
    /// `not_signed_in` and closed (it cannot hold one of the desk's connections); a specialist
    /// signed in waits for appeals as long as they like.
    @Test func deskConnectionsMustSignInWithinTheIdleTimeout() async throws {
        let daemon = try await InProcessDaemon.start(desk: true) { $0.idleTimeout = 3 }
        let deskPath = try #require(daemon.deskSocketPath)
        // On a machine busy enough that the daemon reads the sign-in only after the timeout, that
        // connection is closed like a silent one; the specialist then connects again, as a desk would.
        var signedIn: RawConnection?
        for _ in 0..<20 where signedIn == nil {
            let attempt = try RawConnection(path: deskPath)
            let answer = try? await {
                try await attempt.write(#"{"op":"sign_in","id":1,"specialist":{"id":"sp-1","name":"Ольга","role":"general"}}"# + "\n")
                return try await attempt.readObject()
            }()
            if answer?["ok"] as? Bool == true {
                signedIn = attempt
            } else {
                #expect(answer == nil || (answer?["error"] as? [String: Any])?["code"] as? String == "not_signed_in",
                        "a sign-in is refused only for being late: \(String(describing: answer))")
            }
        }
        let specialist = try #require(signedIn, "the specialist could not sign in")
        let silent = try RawConnection(path: deskPath)
        #expect(try await silent.readErrorCode() == "not_signed_in")
        #expect(try await silent.readLine() == nil, "the silent connection is closed")
        try await specialist.write(#"{"op":"ping"}"# + "\n")
        #expect(try await specialist.readObject()["ok"] as? Bool == true, "the signed-in one stays")
        try await daemon.stop()
    }

    /// A desk client that sends without reading stops being read from once its answers back up,
    /// as on the customers' socket; it gets them all when it reads; other specialists are served.
    @Test func deskAppliesBackpressureToAClientThatDoesNotRead() async throws {
        let daemon = try await InProcessDaemon.start(desk: true)
        let deskPath = try #require(daemon.deskSocketPath)
        let greedy = try RawConnection(path: deskPath)
        try await greedy.write(#"{"op":"sign_in","id":0,"specialist":{"id":"sp-1","name":"Ольга","role":"general"}}"# + "\n")
        #expect(try await greedy.readObject()["ok"] as? Bool == true)
        let ping = Array((#"{"op":"ping","id":1}"# + "\n").utf8)
        let (sent, blocked) = try await greedy.sendUntilBlocked(ping)
        #expect(blocked, "the daemon stopped reading from a desk client that does not read its answers")
        // What the sockets' buffers and the handler's queue hold, not what a reading daemon takes.
        #expect(sent * ping.count < 4 << 20, "\(sent) requests were read from a client that reads nothing")
        let other = try RawConnection(path: deskPath)
        try await other.write(#"{"op":"sign_in","id":2,"specialist":{"id":"sp-2","name":"Мария","role":"general"}}"# + "\n")
        #expect(try await other.readObject()["ok"] as? Bool == true, "other specialists are still served")
        greedy.halfClose()
        var answers = 0
        while let line = try await greedy.readLine() {
            if line.contains(#""id":1"#) { answers += 1 }
        }
        #expect(answers == sent, "every request is answered once the client reads")
        try await daemon.stop()
    }

    /// A sign-in that serves a topic the intents do not have is refused, naming it; the real
    /// topics and `except_topics` of them are fine.
    @Test func signInNamesAnUnknownTopic() async throws {
        let daemon = try await InProcessDaemon.start(desk: true)
        let desk = try RawConnection(path: try #require(daemon.deskSocketPath))
        try await desk.write(#"{"op":"sign_in","id":1,"specialist":{"id":"t","name":"Т","serves":[{"topics":["delivry"]}]}}"# + "\n")
        let refused = try await desk.readObject()
        let error = try #require(refused["error"] as? [String: Any])
        #expect(error["code"] as? String == "unknown_topic" && (error["message"] as? String)?.contains("delivry") == true)
        try await desk.write(#"{"op":"sign_in","id":2,"specialist":{"id":"t","name":"Т","serves":[{"except_topics":["nosuch"]}]}}"# + "\n")
        #expect(((try await desk.readObject())["error"] as? [String: Any])?["code"] as? String == "unknown_topic")
        try await desk.write(#"{"op":"sign_in","id":3,"specialist":{"id":"t","name":"Т","serves":[{"topics":["delivery"],"queues":["regular"]}]}}"# + "\n")
        #expect(try await desk.readObject()["ok"] as? Bool == true)
        try await daemon.stop()
    }

    @Test func servesPremiumSellersAndTravelPriorityFirst() async throws {
        let world = try await DeskWorld.start()
        let customer = try await world.daemon.client()
        let regular = try await world.file(customer, profile: DeskProfiles.regular())
        world.clock.advance(by: 60)
        let seller = try await world.file(customer, profile: DeskProfiles.premiumSeller)
        world.clock.advance(by: 60)
        let travelRegular = try await world.file(customer, profile: DeskProfiles.regular("u-traveller", name: "Павел"),
                                                 topic: "travel", message: "Хочу перенести бронирование на другие даты.")
        world.clock.advance(by: 60)
        let travelPriority = try await world.file(customer, profile: DeskProfiles.corporate, topic: "travel",
                                                  message: "Хочу перенести бронирование на другие даты.")
        #expect(regular.ticket.queue == .regular && seller.ticket.queue == .premiumSeller)
        #expect(travelRegular.ticket.queue == .regular && travelPriority.ticket.queue == .travelPriority)

        let general = try await world.specialist("sp-1", name: "Мария", role: "general")
        #expect(try await general.take()?.appeal.id == seller.ticket.id)
        #expect(try await general.take()?.appeal.id == regular.ticket.id)
        #expect(try await general.take() == nil, "the general role does not serve Travel")

        let travel = try await world.specialist("sp-2", name: "Олег", role: "travel")
        #expect(try await travel.take()?.appeal.id == travelPriority.ticket.id)
        #expect(try await travel.take()?.appeal.id == travelRegular.ticket.id)
        #expect(try await travel.take() == nil)

        await customer.disconnect()
        await general.disconnect()
        await travel.disconnect()
        try await world.stop()
    }

    /// The specialist's reply reaches a customer whose connection is live at once, as event
    /// lines (taken, then the reply), not repeated with the next answer; a customer who was not
    /// connected gets the same notices with the next answer to their session, once.
    @Test func repliesArePushedOrDeliveredWithTheNextAnswer() async throws {
        let world = try await DeskWorld.start()
        let live = try await world.daemon.client()
        let (session, ticket) = try await world.file(live, profile: DeskProfiles.regular())
        world.clock.advance(by: 10)
        let gone = try await world.daemon.client()
        let (offline, offlineTicket) = try await world.file(gone, profile: DeskProfiles.regular("u-2", name: "Вера"))
        await gone.disconnect()
        try await waitUntil("the daemon saw the customer go") { try await live.stats().stats?.connections == 1 }

        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        let taken = try #require(try await maria.take())
        #expect(taken.appeal.id == ticket.id)
        #expect(taken.appeal.conversation.contains { $0.kind == .customer && $0.text == "Курьер не приехал в назначенный день." })
        #expect(taken.appeal.conversation.contains { $0.kind == .bot }, "the whole chat: the bot's replies too")
        #expect(taken.appeal.customer.name == "Анна")
        let takenNotice = try await live.nextEvent()
        #expect(takenNotice.session == session && takenNotice.notice.kind == .taken && takenNotice.notice.appeal == ticket.id)
        #expect(takenNotice.notice.text == "Обращением № \(ticket.id) занимается специалист Мария.")

        try await maria.must(.reply(appeal: ticket.id, text: "Курьер приедет завтра с 10 до 14."))
        let reply = try await live.nextEvent()
        #expect(reply.notice.kind == .reply && reply.notice.message == "Курьер приедет завтра с 10 до 14.")
        #expect(reply.notice.text == "Ответ специалиста (Мария) по обращению № \(ticket.id):\nКурьер приедет завтра с 10 до 14.")
        #expect(reply.notice.specialist == "Мария")
        let next = try await live.say(session: session, text: "Спасибо")
        #expect(next.ok && next.notices.isEmpty, "pushed notices are not repeated")

        #expect(try await maria.take()?.appeal.id == offlineTicket.id)
        try await maria.must(.ask(appeal: offlineTicket.id, text: "Подскажите, пожалуйста, удобное время доставки."))
        let back = try await world.daemon.client()
        let resumed = try await back.resume(session: offline)
        #expect(resumed.notices.map(\.kind) == [.taken, .question])
        #expect(resumed.notices.last?.message == "Подскажите, пожалуйста, удобное время доставки.")
        #expect(resumed.reply?.state == .submitted)
        let again = try await back.state(session: offline)
        #expect(again.notices.isEmpty, "delivered once")

        for client in [live, back] { await client.disconnect() }
        await maria.disconnect()
        try await world.stop()
    }

    /// A notice pushed to a connection lost with it unread (the app was killed before it read
    /// the line) is not lost: it waits again and comes with the session's next answer.
    @Test func aPushLostUnreadComesAgain() async throws {
        let world = try await DeskWorld.start()
        let customer = try await world.daemon.client()
        let (session, ticket) = try await world.file(customer, profile: DeskProfiles.regular())
        await customer.disconnect()
        // The app's connection gets the session's events; a second one gets none.
        let app = try RawConnection(path: world.daemon.socketPath)
        try await app.write(#"{"op":"state","session":"\#(session)","id":1}"# + "\n")
        #expect(try await app.readObject()["id"] as? Int == 1)
        let back = try RawConnection(path: world.daemon.socketPath)
        try await back.write(#"{"op":"events","enabled":false,"id":1}"# + "\n")
        #expect(try await back.readObject()["events"] as? Bool == false)

        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        #expect(try await maria.take()?.appeal.id == ticket.id)
        try await app.waitForData()
        app.closeNow()
        func waiting() async throws -> [String] {
            try await back.write(#"{"op":"state","session":"\#(session)","id":2}"# + "\n")
            let state = try await back.readObject()
            return (state["notices"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        }
        try await waitUntil("the notice the app did not read waits again") { try await waiting() == ["taken"] }
        try await back.write(#"{"op":"say","session":"\#(session)","text":"Жду","id":3}"# + "\n")
        let answer = try await back.readObject()
        #expect((answer["notices"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["taken"])
        #expect(try await waiting().isEmpty, "delivered once")
        await maria.disconnect()
        try await world.stop()
    }

    /// A connection that turned events off gets no event lines (its next line is the answer to
    /// its next request); the notices come with the session's next answer instead.
    @Test func eventsOffDeliversWithTheNextAnswer() async throws {
        let world = try await DeskWorld.start()
        let connection = try RawConnection(path: world.daemon.socketPath)
        try await connection.write(#"{"op":"events","enabled":false,"id":1}"# + "\n")
        let off = try await connection.readObject()
        #expect(off["events"] as? Bool == false && off["ok"] as? Bool == true && off["id"] as? Int == 1)
        let customer = try await world.daemon.client()
        let (session, ticket) = try await world.file(customer, profile: DeskProfiles.regular())
        _ = try await customer.setEvents(enabled: false)
        try await connection.write(#"{"op":"state","session":"\#(session)","id":2}"# + "\n")
        #expect(try await connection.readObject()["id"] as? Int == 2)

        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        _ = try #require(try await maria.take())
        try await maria.must(.reply(appeal: ticket.id, text: "Заказ передан курьеру."))
        try await connection.write(#"{"op":"ping","id":3}"# + "\n")
        #expect(try await connection.readObject()["id"] as? Int == 3, "no event line before the answer")
        try await connection.write(#"{"op":"say","session":"\#(session)","text":"Хорошо","id":4}"# + "\n")
        let answer = try await connection.readObject()
        let notices = try #require(answer["notices"] as? [[String: Any]])
        #expect(notices.map { $0["kind"] as? String } == ["taken", "reply"])
        #expect(notices.last?["message"] as? String == "Заказ передан курьеру.")
        #expect(notices.allSatisfy { $0["appeal"] as? String == ticket.id && $0["at"] is String })
        await customer.disconnect()
        await maria.disconnect()
        try await world.stop()
    }

    /// «сколько ждать?» while the appeal waits answers its place and the estimate, which moves
    /// as the queue moves: the queue's average until three handling times are known, then the
    /// live figure — which the appeal-filed reply shows too.
    @Test func waitEstimateFollowsTheQueue() async throws {
        let world = try await DeskWorld.start()
        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        let customer = try await world.daemon.client()
        var filed: [(session: String, ticket: Ticket)] = []
        for index in 0..<3 {
            filed.append(try await world.file(customer, profile: DeskProfiles.regular("u-\(index)")))
            world.clock.advance(by: 10)
        }
        let (third, thirdTicket) = filed[2]
        func ask(_ text: String = "сколько ждать?") async throws -> String {
            try #require(try await customer.say(session: third, text: text).text)
        }
        #expect(try await ask() == "Перед вашим обращением № \(thirdTicket.id) в очереди 2 обращения. "
            + "Среднее время ответа специалиста — 5–10 минут.")
        #expect(try await maria.take()?.appeal.id == filed[0].ticket.id)
        #expect(try await ask("Когда ответят?") == "Перед вашим обращением № \(thirdTicket.id) в очереди 1 обращение. "
            + "Среднее время ответа специалиста — 5–10 минут.")
        world.clock.advance(by: 120)
        try await maria.must(.reply(appeal: filed[0].ticket.id, text: "Курьер приедет завтра."))
        #expect(try await maria.take()?.appeal.id == filed[1].ticket.id)
        #expect(try await ask() == "Ваше обращение № \(thirdTicket.id) — первое в очереди. "
            + "Среднее время ответа специалиста — 5–10 минут.")
        world.clock.advance(by: 240)
        try await maria.must(.reply(appeal: filed[1].ticket.id, text: "Курьер приедет завтра."))
        #expect(try await maria.take()?.appeal.id == thirdTicket.id)
        #expect(try await ask() == "Обращение № \(thirdTicket.id) уже у специалиста — ответ придёт сюда, в чат.")
        world.clock.advance(by: 180)
        try await maria.must(.reply(appeal: thirdTicket.id, text: "Курьер приедет завтра."))

        // Handling times of 2, 4 and 3 minutes: 3–4 minutes a place for one specialist.
        let (fourth, fourthTicket) = try await world.file(customer, profile: DeskProfiles.regular("u-4"))
        #expect(fourthTicket.etaMinutes == [3, 4])
        let filedText = try #require(try await customer.state(session: fourth).text)
        #expect(filedText.contains("Очередь: общая. Ваше обращение № \(fourthTicket.id) — первое в очереди. "
            + "Ожидаемое время ответа — 3–4 минуты."), "\(filedText)")
        let (fifth, fifthTicket) = try await world.file(customer, profile: DeskProfiles.regular("u-5"))
        #expect(fifthTicket.etaMinutes == [6, 8])
        let status = try #require(try await customer.say(session: fifth, text: "сколько ещё ждать").text)
        #expect(status == "Перед вашим обращением № \(fifthTicket.id) в очереди 1 обращение. Ожидаемое время ответа — 6–8 минут.")
        // In the customer's own words, recognised as the reply-time question.
        let worded = try #require(try await customer.say(session: fifth, text: "как долго ждать ответа от оператора").reply)
        #expect(worded.text == status && worded.intent?.id == "response_time")
        #expect(try await maria.take()?.appeal.id == fourthTicket.id)
        #expect(try await customer.say(session: fifth, text: "сколько ждать").text
            == "Ваше обращение № \(fifthTicket.id) — первое в очереди. Ожидаемое время ответа — 3–4 минуты.")

        await customer.disconnect()
        await maria.disconnect()
        try await world.stop()
    }

    /// Many specialists asking for the next appeal at once, on their own connections: every
    /// appeal is taken exactly once.
    @Test func manySpecialistsNeverTakeAnAppealTwice() async throws {
        let world = try await DeskWorld.start()
        let customer = try await world.daemon.client()
        var filed: Set<String> = []
        for index in 0..<24 {
            filed.insert(try await world.file(customer, profile: DeskProfiles.regular("u-\(index)")).ticket.id)
        }
        var specialists: [DeskClient] = []
        for index in 0..<8 {
            specialists.append(try await world.specialist("sp-\(index)", name: "Специалист \(index)", role: "general"))
        }
        let taken = try await withThrowingTaskGroup(of: [String].self) { group in
            for specialist in specialists {
                group.addTask {
                    var mine: [String] = []
                    while let appeal = try await specialist.take() { mine.append(appeal.appeal.id) }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(taken.count == filed.count, "no appeal taken twice")
        #expect(Set(taken) == filed, "every appeal taken")
        guard case .overview(let overview) = try await specialists[0].send(.overview) else { throw TestFailure("no overview") }
        #expect(overview.taken == filed.count && overview.queues.allSatisfy { $0.waiting == 0 })

        await customer.disconnect()
        for specialist in specialists { await specialist.disconnect() }
        try await world.stop()
    }

    /// Customers filing while specialists take, all at once (the turns take the desk after their
    /// sessions, the specialists the desk alone): every appeal filed is taken exactly once.
    @Test func filingAndTakingAtOnce() async throws {
        let world = try await DeskWorld.start()
        let customers = 4, perCustomer = 5
        var specialists: [DeskClient] = []
        for index in 0..<5 {
            specialists.append(try await world.specialist("sp-\(index)", name: "Специалист \(index)", role: "general"))
        }
        let done = NIOLockedValueBox(false)
        async let filed: [String] = withThrowingTaskGroup(of: [String].self) { group in
            for customer in 0..<customers {
                group.addTask {
                    let client = try await world.daemon.client()
                    var tickets: [String] = []
                    for index in 0..<perCustomer {
                        tickets.append(try await world.file(client, profile: DeskProfiles.regular("u-\(customer)-\(index)")).ticket.id)
                    }
                    await client.disconnect()
                    return tickets
                }
            }
            let all = try await group.reduce(into: [String]()) { $0 += $1 }
            done.withLockedValue { $0 = true }
            return all
        }
        let taken = try await withThrowingTaskGroup(of: [String].self) { group in
            for specialist in specialists {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        // Read before asking: once filing is over, an empty answer means nothing is left.
                        let over = done.withLockedValue { $0 }
                        if let appeal = try await specialist.take() {
                            mine.append(appeal.appeal.id)
                        } else if over {
                            return mine
                        } else {
                            await Task.yield()
                        }
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        let all = try await filed
        #expect(all.count == customers * perCustomer && Set(all).count == all.count)
        #expect(taken.count == all.count, "no appeal taken twice")
        #expect(Set(taken) == Set(all), "every appeal taken")
        for specialist in specialists { await specialist.disconnect() }
        try await world.stop()
    }

    /// Release and transfer put the appeal back at its place and tell the customer and the
    /// specialists who serve it; a specialist who drops keeps their appeals through the grace
    /// period (a reconnect gets them back), after which they return to the queue.
    @Test func releaseTransferAndGrace() async throws {
        let world = try await DeskWorld.start()
        let desk = try world.desk
        let customer = try await world.daemon.client()
        let (_, ticket) = try await world.file(customer, profile: DeskProfiles.regular())
        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        let sofia = try await world.specialist("sp-2", name: "София", role: "general")
        let oleg = try await world.specialist("sp-3", name: "Олег", role: "travel")

        #expect(try await maria.take()?.appeal.id == ticket.id)
        #expect(try await customer.nextEvent().notice.kind == .taken)
        let released = try await maria.must(.release(appeal: ticket.id))
        #expect(released.appeal.state == .waiting && released.appeal.specialist == nil)
        let event = try await sofia.event { $0.newAppeal?.reason == .released }
        #expect(event.newAppeal?.id == ticket.id)
        let releasedNotice = try await customer.nextEvent()
        #expect(releasedNotice.notice.kind == .released)
        #expect(releasedNotice.notice.text.contains("место сохранено"))

        #expect(try await sofia.take()?.appeal.id == ticket.id)
        #expect(try await customer.nextEvent().notice.kind == .taken)
        let moved = try await sofia.must(.transfer(appeal: ticket.id, topic: "travel", queue: nil))
        #expect(moved.appeal.topic == "travel" && moved.appeal.state == .waiting)
        #expect(try await oleg.event { $0.newAppeal != nil }.newAppeal?.reason == .transferred)
        #expect(try await customer.nextEvent().notice.kind == .transferred)
        #expect(try await sofia.refusal(.transfer(appeal: ticket.id, topic: "delivery", queue: nil)) == "not_yours")

        #expect(try await oleg.take()?.appeal.id == ticket.id)
        #expect(try await customer.nextEvent().notice.kind == .taken)
        await oleg.disconnect()
        try await waitUntil("the desk saw Олег go") { desk.desk.specialists["sp-3"]?.isOnDuty == false }
        world.clock.advance(by: 60)
        await desk.tick()
        #expect(desk.desk.appeals[ticket.id]?.specialist == "sp-3", "kept within the grace period")
        let again = try await world.daemon.deskClient()
        guard case .signedIn(_, let holding) = try await again.send(.signIn(.init(id: "sp-3", name: "Олег", serves: .role("travel"))))
        else { throw TestFailure("sign-in failed") }
        #expect(holding.map(\.id) == [ticket.id], "a reconnect gets the appeals back")

        let anna = try await world.specialist("sp-4", name: "Анна", role: "travel")
        await again.disconnect()
        try await waitUntil("the desk saw Олег go again") { desk.desk.specialists["sp-3"]?.isOnDuty == false }
        world.clock.advance(by: 121)
        await desk.tick()
        #expect(desk.desk.appeals[ticket.id]?.state == .waiting)
        #expect(try await anna.event { $0.newAppeal != nil }.newAppeal?.reason == .returned)
        #expect(try await customer.nextEvent().notice.kind == .released)
        #expect(try await anna.take()?.appeal.id == ticket.id)

        await customer.disconnect()
        for specialist in [maria, sofia, anna] { await specialist.disconnect() }
        try await world.stop()
    }

    /// A customer writing again while a specialist holds the appeal: the specialist is told at
    /// once, and an answered appeal is theirs to answer again.
    @Test func followUpNotifiesTheSpecialist() async throws {
        let world = try await DeskWorld.start()
        let customer = try await world.daemon.client()
        let (session, ticket) = try await world.file(customer, profile: DeskProfiles.regular())
        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        _ = try #require(try await maria.take())
        try await maria.must(.reply(appeal: ticket.id, text: "Уточняем у службы доставки."))
        let text = "Курьер так и не позвонил, жду уже третий день."
        let answer = try await customer.say(session: session, text: text)
        #expect(answer.ticket?.messages.last == text)
        let event = try await maria.event { if case .followUp = $0 { true } else { false } }
        guard case .followUp(let appeal, let entry) = event else { throw TestFailure("not a follow-up") }
        #expect(appeal == ticket.id && entry.kind == .customer && entry.text == text)
        let shown = try await maria.must(.show(appeal: ticket.id))
        #expect(shown.appeal.state == .taken && shown.appeal.conversation.last?.text == text)

        await customer.disconnect()
        await maria.disconnect()
        try await world.stop()
    }

    /// «спасибо, вопрос решён» closes the appeal: the customer is answered by the desk, the
    /// specialist told; nothing more is added to it.
    @Test func customerClosesTheAppeal() async throws {
        let world = try await DeskWorld.start()
        let customer = try await world.daemon.client()
        let (session, ticket) = try await world.file(customer, profile: DeskProfiles.regular())
        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        _ = try #require(try await maria.take())
        try await maria.must(.reply(appeal: ticket.id, text: "Курьер приедет завтра."))

        let closing = try await customer.say(session: session, text: "Спасибо, вопрос решён!")
        #expect(closing.text == "Рады, что вопрос решён! Обращение № \(ticket.id) закрыто.")
        #expect(closing.state == .submitted)
        let event = try await maria.event { if case .closedByCustomer = $0 { true } else { false } }
        guard case .closedByCustomer(let appeal, _) = event else { throw TestFailure("not closed") }
        #expect(appeal == ticket.id)
        #expect(try await maria.refusal(.reply(appeal: ticket.id, text: "Ещё одно.")) == "appeal_closed")
        let later = try await customer.say(session: session, text: "И ещё: коробка была помята, курьер торопился.")
        #expect(later.text == "Обращение № \(ticket.id) закрыто. Если вопрос остался, напишите «новое обращение».")
        #expect(later.ticket?.messages == ticket.messages, "nothing added to a closed appeal")
        #expect(try world.desk.desk.appeals[ticket.id]?.conversation.last?.kind == .closed)

        await customer.disconnect()
        await maria.disconnect()
        try await world.stop()
    }

    /// When the customer's chat has ended (closed here), a reply or question could never reach
    /// them: the desk refuses it with `customer_gone` and the appeal stays as it was; closing it
    /// still works.
    @Test func repliesToALeftCustomerAreRefused() async throws {
        let world = try await DeskWorld.start()
        let customer = try await world.daemon.client()
        let (session, ticket) = try await world.file(customer, profile: DeskProfiles.regular())
        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        _ = try #require(try await maria.take())
        #expect(try await customer.close(session: session).ok)
        #expect(try await maria.refusal(.reply(appeal: ticket.id, text: "Курьер приедет завтра.")) == "customer_gone")
        #expect(try await maria.refusal(.ask(appeal: ticket.id, text: "Какой у вас подъезд?")) == "customer_gone")
        #expect(try world.desk.desk.appeals[ticket.id]?.state == .taken, "nothing was answered")
        try await maria.must(.close(appeal: ticket.id))
        #expect(try world.desk.desk.appeals[ticket.id]?.state == .closed)
        await customer.disconnect()
        await maria.disconnect()
        try await world.stop()
    }

    /// `stats` tells per queue the customers' waits (median, 90th percentile) and the appeals
    /// answered in the last hour.
    @Test func statsHaveTheQueuesWaits() async throws {
        let world = try await DeskWorld.start()
        let customer = try await world.daemon.client()
        let (_, ticket) = try await world.file(customer, profile: DeskProfiles.premiumSeller)
        let maria = try await world.specialist("sp-1", name: "Мария", role: "seller")
        world.clock.advance(by: 30)
        _ = try #require(try await maria.take())
        world.clock.advance(by: 60)
        try await maria.must(.reply(appeal: ticket.id, text: "Выплата придёт завтра."))
        let desk = try #require(try await customer.stats().stats?.desk)
        #expect(desk.answeredPerHour == 1 && desk.specialistsOnDuty == 1)
        let premium = try #require(desk.queues.first { $0.queue == .premiumSeller })
        #expect(premium.waitP50Seconds == 90 && premium.waitP90Seconds == 90 && premium.samples == 1 && premium.answeredPerHour == 1)
        let regular = try #require(desk.queues.first { $0.queue == .regular })
        #expect(regular.waitP50Seconds == nil && regular.samples == 0)

        let raw = try RawConnection(path: world.daemon.socketPath)
        try await raw.write(#"{"op":"stats"}"# + "\n")
        let stats = try #require(try await raw.readObject()["stats"] as? [String: Any])
        let queues = try #require((stats["desk"] as? [String: Any])?["queues"] as? [[String: Any]])
        #expect(queues.first?["queue"] as? String == "premium_seller" && queues.first?["wait_p90_seconds"] as? Double == 90)
        #expect(queues.last?.keys.contains("wait_p50_seconds") == true, "null before any answer, not left out")

        await customer.disconnect()
        await maria.disconnect()
        try await world.stop()
    }

    /// Bad lines on the desk socket get clear errors in their place, the connection goes on,
    /// and other desk connections are not held up meanwhile.
    @Test func badDeskInputIsAnsweredWithoutStallingOthers() async throws {
        let world = try await DeskWorld.start()
        let path = try #require(world.daemon.deskSocketPath)
        let raw = try RawConnection(path: path)
        let trickle = try RawConnection(path: path)
        try await trickle.write(#"{"op":"pi"#)

        func code(_ line: String) async throws -> (code: String?, id: Any?) {
            try await raw.write(line + "\n")
            let object = try await raw.readObject()
            #expect(object["ok"] as? Bool == false, "\(line)")
            return ((object["error"] as? [String: Any])?["code"] as? String, object["id"])
        }
        #expect(try await code("this is not JSON").code == "bad_json")
        let unknown = try await code(#"{"op":"fly","id":3}"#)
        #expect(unknown.code == "unknown_op" && unknown.id as? Int == 3)
        #expect(try await code(String(repeating: "a", count: 70_000)).code == "too_long")
        let early = try await code(#"{"op":"next","id":"n"}"#)
        #expect(early.code == "not_signed_in" && early.id as? String == "n")
        #expect(try await code(#"{"op":"overview"}"#).code == "not_signed_in")
        #expect(try await code(#"{"op":"reply","appeal":"1234-5678"}"#).code == "bad_request")
        #expect(try await code(#"{"op":"sign_in","specialist":{"id":"sp-1","name":"Мария","role":"pilot"}}"#).code == "unknown_role")
        #expect(try await code(#"[1,2]"#).code == "bad_request")
        try await raw.write(#"{"op":"ping","id":9}"# + "\n")
        let pong = try await raw.readObject()
        #expect(pong["pong"] as? Bool == true && pong["id"] as? Int == 9)

        // Meanwhile another specialist works normally.
        let maria = try await world.specialist("sp-1", name: "Мария", role: "general")
        guard case .overview = try await maria.send(.overview) else { throw TestFailure("overview failed") }
        #expect(try await maria.refusal(.show(appeal: "0000-0000")) == "unknown_appeal")
        #expect(try await maria.refusal(.signIn(.init(id: "sp-1", name: "Мария", serves: .role("general")))) == "bad_request")
        await maria.disconnect()
        try await world.stop()
    }

    /// The desk socket is its own file, mode 0600 by default; the option sets another mode.
    @Test func deskSocketHasItsOwnMode() async throws {
        func mode(_ path: String) -> mode_t {
            var info = stat()
            return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
        }
        let world = try await DeskWorld.start()
        let path = try #require(world.daemon.deskSocketPath)
        #expect(path != world.daemon.socketPath)
        #expect(mode(path) == 0o600)
        try await world.stop()
        #expect(!FileManager.default.fileExists(atPath: path), "removed on stop")

        let widened = try await InProcessDaemon.start(desk: true) { $0.deskSocketMode = 0o660 }
        #expect(mode(try #require(widened.deskSocketPath)) == 0o660)
        #expect(mode(widened.socketPath) == 0o600)
        try await widened.stop()
    }
}
