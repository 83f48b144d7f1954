import Foundation
import HelplineIntents
import HelplineText

// The message step: the text for the specialist, the story kept as the draft, questions answered
// in place.
extension DialogueEngine {
    /// A message at the message step: «Отправить» files the draft, a clear question is answered, anything
    /// else is the message to the specialist.
    func writeTurn(_ text: String, key: String, _ analysis: Analysis?, _ c: inout Conversation, now: Date) -> Turn {
        if isBlank(text) { return writeStep(&c, lead: [prompts.text(.emptyText)], summary: false) }
        if !c.draftMessages.isEmpty, let option = chosenOption(text, key: key, in: c.options),
           OptionValue(option.value, offeredAt: .write) == .command(.send) {
            return submit(c.draftMessages, &c, now: now)
        }
        // Confirmations, refusals and empty replies are a few words: longer messages are not looked
        // for among them.
        let words = key.utf8.count { $0 == UInt8(ascii: " ") } + 1
        // «да», «всё верно» to the draft shown: it is sent as it is, nothing added to it. A refusal
        // read exactly («не отправляйте») is not taken for a typo of a confirmation («да отправляйте»).
        if !c.draftMessages.isEmpty, words <= Self.confirmationMaxWords,
           words > draftRefusalWords || reader.match(text, key: key, in: draftRefusalPhrases, typos: false) == nil,
           reader.match(text, key: key, in: confirmationPhrases) != nil {
            return submit(c.draftMessages, &c, now: now)
        }
        // A number alone while «Отправить» is on screen is a pick from a list that is not there
        // (the order list's reflex), not a message for the specialist.
        if !c.options.isEmpty, let number = pickedNumber(key: key) {
            if !c.draftMessages.isEmpty, let option = c.options.first(where: { $0.key == number }),
               OptionValue(option.value, offeredAt: .write) == .command(.send) {
                return submit(c.draftMessages, &c, now: now)
            }
            return writeStep(&c, lead: [prompts.text(.noSuchOption, ["option": number])], summary: false)
        }
        // «Без заказа» is about the order, not a message: the question is then about none.
        if rules.meansNoOrder(key: key) {
            c.order = nil
            return writeStep(&c)
        }
        // «нет» to the draft shown: it is not sent; the customer may add to it or cancel it. So with
        // a hold said in other words («стоп, не отправляйте», «подождите, хочу добавить»); a longer
        // message with one is added to the draft, still unsent.
        // From then on the draft is held: what follows is added to it, unsent, until «Отправить».
        if !c.draftMessages.isEmpty, words <= draftRefusalWords, reader.match(text, key: key, in: draftRefusalPhrases) != nil {
            return writeStep(&c, lead: [prompts.text(.draftKept)], summary: false, held: true)
        }
        if !c.draftMessages.isEmpty, words <= Self.holdMaxWords * 2, draftHolds.found(in: key) {
            if words > Self.holdMaxWords { keep(text, &c) }
            return writeStep(&c, lead: [prompts.text(.draftKept)], summary: false, held: true)
        }
        // An order's number alone («31415926-0002»): which order the question is about; a number
        // that is none of the customer's is said so.
        if !key.contains(where: \.isLetter) {
            let byNumber = OrderFinder.byNumber(text, entities: [], among: c.profile.orders)
            if let turn = orderNamedAlone(byNumber, &c) { return turn }
            if byNumber.isEmpty, let number = OrderFinder.orderNumber(in: text, entities: []) {
                return writeStep(&c, lead: [prompts.text(.orderNotFound, ["number": number])], summary: false,
                                 prompt: .describeQuestion)
            }
        }
        // «2», «второй», «нет», «не знаю» alone say nothing a specialist could answer: not an
        // appeal; nor does «Отправить» with nothing kept to send, nor «ок, понятно» (closing words only).
        if words <= Self.emptyReplyMaxWords,
           isEmptyReply(text, key: key) || (c.draftMessages.isEmpty && key == sendKey) || OptionNumber.spoken(key) != nil
            || onlyClosingWords(key: key) {
            return writeStep(&c, summary: false, prompt: .describeQuestion)
        }
        // «спасибо, понятно», «всё, до свидания»: thanks or a goodbye said around closing words, after
        // an answer, is answered as such, not filed.
        if let closing = closing(key: key) {
            return writeStep(&c, lead: smalltalk(closing) + notSentYet(c), summary: false, prompt: .resumeWrite)
        }
        // «уже не актуально», «передумала»: no appeal is wanted. Nothing is filed; a draft shown
        // stays, unsent. Only with nothing else asked: «передумала, верните деньги» is the appeal.
        if words <= Self.closingMaxWords,
           reader.match(text, key: key, in: neverMindPhrases) != nil
            || neverMindWords.found(in: key) && !neverMindRequests.found(in: key) {
            if !c.draftMessages.isEmpty { return writeStep(&c, lead: [prompts.text(.draftKept)], summary: false) }
            return say(&c, [prompts.text(.notSent)], options: [], intent: nil)
        }
        // The draft's last message sent again: kept once, not filed twice.
        if let last = c.draftMessages.last, text.trimmingWhitespace() == last.trimmingWhitespace() {
            return writeStep(&c, lead: [prompts.text(.repeatInDraft)], summary: false)
        }
        // A message longer than any question answered here is the appeal, whatever the matcher
        // would read in it: with the matcher's analysis at hand it is not classified at all.
        if let analysis, let turn = fileLongMessage(text, key: key, analysis, &c, now: now) { return turn }
        let classification = classify(text, analysis)
        if analysis == nil, let turn = fileLongMessage(text, key: key, classification.analysis, &c, now: now) { return turn }
        // An order's title alone («чайник», «мастер и маргарита»): the same.
        if words <= Self.orderAloneMaxWords,
           let order = OrderFinder.byTitleAlone(orderQuery(text, classification).repairedWords, among: c.profile.orders,
                                                forms: titleForms.forms),
           let turn = orderNamedAlone([order], &c) {
            return turn
        }
        // «по заказу 31415926-0002»: an order's number with only generic words names the order; it is
        // not the question.
        // Only a message with a digit can name a number: the others are not read for one.
        if words <= Self.orderAloneMaxWords + 2, text.utf8.contains(where: { (0x30...0x39).contains($0) }) {
            let query = orderQuery(text, classification)
            let byNumber = OrderFinder.byNumber(digits: query.digits, entities: query.entities, among: c.profile.orders)
            if byNumber.count == 1, query.repairedWords.isEmpty, let turn = orderNamedAlone(byNumber, &c) { return turn }
        }
        // «не чайник, а наушники»: the order after «а» is the one meant. With a draft told about
        // the other one («наушники сломались»), the correction goes with it, so that the
        // specialist reads which order the words are about.
        if words <= Self.orderCorrectionMaxWords, let meant = correctedOrder(key: key, among: c.profile.orders) {
            var corrected = c
            if !corrected.draftMessages.isEmpty { keep(text, &corrected) }
            if let turn = orderNamedAlone([meant], &corrected) {
                c = corrected
                return turn
            }
        }
        // «возврат», «нет, это возврат», «не гарантия, а возврат»: a topic named and nothing else is a
        // change of topic (the draft and the order, if it fits, kept), not a message for the specialist;
        // the chosen topic named again asks for the question.
        // A topic's name asked about beside the draft («а деньги вернут?») is a question for the
        // specialist, not a change of topic («а это не доставка?» still denies the topic).
        if words <= Self.topicNameMaxWords, let named = namedTopic(key: key), let topic = catalog.intent(named.id),
           named.negated || c.draftMessages.isEmpty || !isPutAsQuestion(text, key: key) {
            // «это не гарантия»: the topic is not that one — the menu, the draft kept, as «не та тема».
            if named.negated { return startOver(&c, lead: [prompts.text(.otherTopic)], keepDraft: true) }
            if named.id.rawValue == c.topic { return writeStep(&c, prompt: .describeQuestion) }
            return begin(topic, &c, query: orderQuery(text, classification), intent: classification.best)
        }
        // «хочу оформить возврат»: a request for another topic, read surely, that tells nothing of a
        // problem is a change of topic too (the draft and the order, if it fits, kept).
        if words <= Self.topicRequestMaxWords, let id = classification.intent, id.rawValue != c.topic,
           !classification.isAmbiguous, classification.confidence >= rules.freeText.switchTopicMinConfidence,
           let other = catalog.intent(id), other.kind == .topic, !isPutAsQuestion(text, key: key),
           !tellsProblem(classification.analysis, among: c.profile.orders) {
            return begin(other, &c, query: orderQuery(text, classification), intent: classification.best)
        }
        // «ой, не та тема, мне нужна доставка»: the topic named (with the order chosen, if it fits
        // that topic), else the menu; the draft kept, and the message too when it tells more than
        // the wrong topic («не та тема, курьер не приехал вчера и не позвонил»).
        if let phraseWords = topicDenialWords(key: key, words: classification.analysis.words.count, c) {
            if classification.analysis.words.count - phraseWords >= rules.freeText.draftMinWords {
                keep(text, &c)
            }
            // The chosen topic denied («это не гарантия, хочу вернуть деньги»): the rest of the
            // message tells the topic meant, without the denied name that the matcher would hear.
            var reading = classification
            if let denied = chosenTopicDenied(key: key, words: classification.analysis.words.count, c) {
                let words = PlainText.spaceSeparated(key)
                let rest = (words[..<denied.lowerBound] + words[denied.upperBound...]).joined(separator: " ")
                if !rest.isEmpty { reading = classify(rest, nil) }
            }
            if let id = reading.intent, id.rawValue != c.topic, !reading.isAmbiguous,
               reading.confidence >= rules.freeText.confirmBelow, let other = catalog.intent(id), other.kind == .topic {
                return begin(other, &c, query: orderQuery(text, classification), intent: reading.best)
            }
            return startOver(&c, lead: [prompts.text(.otherTopic)], keepDraft: true)
        }
        // A clear information question is answered; the customer stays here, the draft kept. Asked as
        // a question («а почта у вас какая», «…рассмотрят быстрее?») it needs less certainty; a story
        // that is not asked as one («курьер должен был привезти чайник вчера и не позвонил») is
        // answered and kept as the draft too.
        // A problem told with «не» and not asked («курьер не позвонил», «чат не работает») is the
        // message, not a question; asked («почему курьер не позвонил?») it is answered and kept.
        let looser = answerableQuestions(classification, minimum: rules.freeText.askedQuestionMinConfidence)
        if !looser.isEmpty {
            let asked = isAsked(text, classification.analysis)
            let problem = Self.hasNegation(classification.analysis)
            let questions = asked ? looser : problem ? [] : answerableQuestions(classification)
            if !questions.isEmpty {
                var lead = answers(questions, to: classification.analysis, for: c.profile)
                // So is a problem told beside the question («наушники хрипят, какая почта?»).
                if (!asked || problem) && isStory(classification.analysis)
                    || storyBesideQuestions(text, among: c.profile.orders) != nil {
                    lead = keep(text, &c, saying: lead)
                }
                return writeStep(&c, lead: lead, intent: classification.best, summary: false, prompt: .resumeWrite)
            }
        }
        // A short greeting, thanks or goodbye, read as surely as a question, is not an appeal of
        // its own: «спасибо» is answered here, and the customer can still write (or send the draft).
        if let smalltalk = sureSmalltalk(text, key: key, classification, declining: true) {
            return writeStep(&c, lead: self.smalltalk(smalltalk) + notSentYet(c), intent: classification.best, summary: false,
                             prompt: .resumeWrite)
        }
        // «оператор», «специалист» alone, or a longer call with nothing else in it («соедините с
        // оператором, пожалуйста»): this step is the way to the specialist already.
        if isOnlyACall(classification, key: key) {
            return writeStep(&c, lead: [prompts.text(.alreadyWriting)], intent: classification.best, summary: false,
                             prompt: .resumeWrite)
        }
        if let turn = askedBeforeFiling(text, classification.analysis, entities: classification.entities, &c) { return turn }
        // The message is the appeal; a question asked in a sentence of its own is answered too.
        // «понятно. а сколько ждать?»: questions in sentences of their own beside closing words only
        // are answered, and nothing is filed.
        let inSentences = questionsInSentences(text)
        if !inSentences.isEmpty, onlyClosingWordsBesideQuestions(text) {
            let lead = inSentences.map { answer($0.intent, to: $0.analysis, for: c.profile) }
            return writeStep(&c, lead: lead, summary: false, prompt: .resumeWrite)
        }
        noteOrderForSpecialist(text, classification.analysis, entities: classification.entities, &c)
        if let turn = orderAskedFor(text, &c) { return turn }
        // A short question typed while the draft is shown («как прикрепить фото?», «а человек
        // прочитает?») may be meant for the assistant rather than be consent to send: it is added to
        // the draft, which is shown again with «Отправить».
        if !c.draftMessages.isEmpty, !isHeld(c), !isDraftFull(c), isPutAsQuestion(text, key: key) {
            keep(text, &c)
            return writeStep(&c, lead: [prompts.text(.questionAdded)], summary: false)
        }
        return fileOrAddToHeldDraft(text, &c, now: now) { turn, c in answering(inSentences, before: turn, &c) }
    }

    /// Files the draft with `text` as the appeal (`then` adds to the turn) — unless the draft is
    /// held: then `text` is added to it, unsent, and it waits for «Отправить» (a full draft is to
    /// be sent first). Everything else a message may be — a topic or an order named, a question, a
    /// closing — has been read before.
    func fileOrAddToHeldDraft(_ text: String, _ c: inout Conversation, now: Date,
                              then: (Turn, inout Conversation) -> Turn) -> Turn {
        if !c.draftMessages.isEmpty, isHeld(c) {
            if isDraftFull(c) { return writeStep(&c, lead: [prompts.text(.draftFull)], summary: false, held: true) }
            keep(text, &c)
            return writeStep(&c, lead: [prompts.text(.draftAdded)], summary: false, held: true)
        }
        let turn = submit(c.draftMessages + [text], &c, now: now)
        return then(turn, &c)
    }

    /// `draft_not_sent_yet` when a draft is waiting: thanks or a goodbye at the
    /// message step does not send it, and the customer is not to leave thinking it went.
    func notSentYet(_ c: Conversation) -> [String] {
        c.draftMessages.isEmpty ? [] : [prompts.text(.draftNotSentYet)]
    }

    /// Whether the draft shown is held: the last reply asked for additions and «Отправить» after a
    /// hold («подождите», «не отправляйте пока», «нет»).
    func isHeld(_ c: Conversation) -> Bool {
        guard let reply = c.lastReply, reply.state == .write else { return false }
        return PlainText.containsBytes(reply.text, heldDraftBytes)
    }

    /// A message longer than any question answered at the message step, unless it says the topic
    /// is wrong, is the appeal (with the questions asked in sentences of their own answered); nil
    /// for any other message.
    func fileLongMessage(_ text: String, key: String, _ analysis: Analysis, _ c: inout Conversation, now: Date) -> Turn? {
        guard analysis.words.count > rules.freeText.questionMaxWords,
              topicDenialWords(key: key, words: analysis.words.count, c) == nil else { return nil }
        if let turn = askedBeforeFiling(text, analysis, entities: analysis.entities, &c) { return turn }
        noteOrderForSpecialist(text, analysis, entities: analysis.entities, &c)
        if let turn = orderAskedFor(text, &c) { return turn }
        return fileOrAddToHeldDraft(text, &c, now: now) { turn, c in answering(questionsInSentences(text), before: turn, &c) }
    }

    /// «хочу отменить заказ» at the message step of a topic without an order step, no order named
    /// (`order_requests`; the topic picked from the menu): the message kept and the order asked
    /// for, once — not again after a request already kept. Nil otherwise.
    func orderAskedFor(_ text: String, _ c: inout Conversation) -> Turn? {
        guard c.order == nil, let topic = chosenTopic(c), topic.kind == .topic, orderRequests[topic.id] != nil,
              asksToActOnOrder(topic, text), !c.draftMessages.contains(where: { asksToActOnOrder(topic, $0) }) else { return nil }
        let eligible = eligibleOrders(for: topic, in: c.profile)
        guard !eligible.isEmpty else { return nil }
        keep(text, &c)
        return orderStep(&c, topic: topic, lead: [prompts.text(.storyKept)])
    }

    /// The message step's answer to a message about to be filed that is first shown again: typed in
    /// the wrong layout, or about another order than the chosen one. Nil when it is to be filed.
    func askedBeforeFiling(_ text: String, _ analysis: Analysis, entities: [Entity], _ c: inout Conversation) -> Turn? {
        wrongLayoutShown(text, analysis, &c) ?? otherOrderNamed(text, analysis, entities: entities, &c)
    }

    /// With a specialist asked for directly (the general topic, no order step), the one order the
    /// message names by number or title («курьер не приехал, заказ чайник») goes with the appeal.
    func noteOrderForSpecialist(_ text: String, _ analysis: Analysis, entities: [Entity], _ c: inout Conversation) {
        // The general topic, or a topic without an order step: no order was asked for. (After
        // «Без заказа» on a topic with one, none is added.)
        let topic = c.topic ?? rules.generalTopic
        guard c.order == nil, topic == rules.generalTopic || catalog.intent(IntentID(topic))?.needsOrder == false else { return }
        let query = orderQuery(text, analysis, entities: entities)
        let byNumber = OrderFinder.byNumber(digits: query.digits, entities: query.entities, among: c.profile.orders)
        let named = byNumber.isEmpty ? storyOrders(query.words, among: c.profile.orders)
            : byNumber
        if named.count == 1 { c.order = named[0].id }
    }

    /// The message step's answer to a message typed in the wrong layout (``wrongLayoutReading(_:_:)``):
    /// not filed as typed, but kept as it reads in the Russian layout and shown to be sent or added to.
    func wrongLayoutShown(_ text: String, _ analysis: Analysis, _ c: inout Conversation) -> Turn? {
        guard let readable = wrongLayoutReading(text, analysis) else { return nil }
        keep(readable, &c)
        return writeStep(&c, lead: [prompts.text(.layoutConverted)], summary: false)
    }

    /// A message typed in the Latin layout while meaning Russian, as it reads in the Russian layout
    /// (``LayoutConversion``), for the specialist; nil for any other message. Such a message has no
    /// Cyrillic letter, and the analyzer read two of its words at least, and half of them, as typed in
    /// the wrong layout.
    func wrongLayoutReading(_ text: String, _ analysis: Analysis) -> String? {
        guard !text.unicodeScalars.contains(where: { (0x400...0x4FF).contains($0.value) }) else { return nil }
        let layout = analysis.repairs.filter { $0.reason == .layout }
        guard layout.count >= 2, layout.count * 2 >= analysis.words.count else { return nil }
        let converted = LayoutConversion.russian(text, repaired: Set(layout.map(\.from)))
        return converted == text ? nil : converted
    }

    /// The message step's answer to a message about another of the customer's orders than the
    /// chosen one («чайник так и не привезли» with the headphones chosen): not filed under the
    /// chosen order on a guess, but kept as the draft while the customer picks between the two.
    /// Nil when the message names the chosen order too, several others or none (by title or
    /// number), or one the topic does not take.
    /// Whether a word of `order`'s title stands right after one of the `order_dismissals` in the
    /// phrase key («забудьте про книгу»), or, after «про» or «о», right before one of the
    /// `order_dismissals_after` («про книгу забудьте»).
    func dismisses(_ order: Order, key: String) -> Bool {
        let words = PlainText.spaceSeparated(key).map(String.init)
        let forms = titleForms.forms(order)
        for index in words.indices {
            let word = WordForm(words[index])
            guard forms.contains(where: { WordForms.names($0, word) }) else { continue }
            if orderDismissals.contains(where: { phrase in
                phrase.count <= index && Array(words[(index - phrase.count)..<index]) == phrase
            }) { return true }
            if index > 0, ["про", "о", "об"].contains(words[index - 1]), orderDismissalsAfter.contains(where: { phrase in
                index + 1 + phrase.count <= words.count && Array(words[(index + 1)..<(index + 1 + phrase.count)]) == phrase
            }) { return true }
        }
        return false
    }

    func otherOrderNamed(_ text: String, _ analysis: Analysis, entities: [Entity], _ c: inout Conversation) -> Turn? {
        guard let chosen = chosenOrders(c).first, let topic = chosenTopic(c), topic.kind == .topic else { return nil }
        // The message is read only when the topic takes another order than the chosen one.
        let eligible = eligibleOrders(for: topic, in: c.profile)
        guard eligible.contains(where: { $0.id != chosen.id }) else { return nil }
        let query = orderQuery(text, analysis, entities: entities)
        let byNumber = OrderFinder.byNumber(digits: query.digits, entities: query.entities, among: c.profile.orders)
        // A booking chosen, a kind's word alone names no other: «в отеле нет горячей воды» is about
        // the tour's hotel, not the hotel booked apart.
        let said = chosen.kind == .goods ? query.words
            : query.words.filter { word in !kindWords.values.contains { $0.contains { WordForms.names($0, word) } } }
        let byTitle = storyOrders(said, among: c.profile.orders)
        // «забудьте про книгу, вопрос по наушникам»: the chosen order dismissed, the one other named
        // is meant — it becomes the chosen one, the message kept and shown, nothing filed.
        if byNumber.isEmpty, byTitle.count == 2, byTitle.contains(where: { $0.id == chosen.id }),
           let other = byTitle.first(where: { $0.id != chosen.id }), eligible.contains(where: { $0.id == other.id }),
           dismisses(chosen, key: DialogueRules.phraseKey(text)) {
            c.order = other.id
            keep(text, &c)
            return writeStep(&c)
        }
        // One order named, not the chosen one; a number for one order with the chosen one named by
        // title is both.
        let named = byNumber.isEmpty ? byTitle : byNumber
        guard named.count == 1, let other = named.first, other.id != chosen.id, !byTitle.contains(where: { $0.id == chosen.id }),
              eligible.contains(where: { $0.id == other.id }) else { return nil }
        keep(text, &c)
        let lead = [prompts.text(wording(.otherOrderNamed, [other]), ["order": orderReference(other)]), prompts.text(.storyKept)]
        return orderStep(&c, topic: topic, lead: lead, only: [chosen, other])
    }

    /// The message step's answer to a message that only names an order, `named` (the orders it
    /// fits): the chosen order is said to be chosen already and the question asked for; another
    /// order the topic takes becomes the chosen one. Nil when it names no one order, or one the
    /// topic does not take: then the message is read as any other.
    func orderNamedAlone(_ named: [Order], _ c: inout Conversation) -> Turn? {
        guard named.count == 1, let order = named.first else { return nil }
        if order.id == c.order {
            let lead = prompts.text(wording(.orderAlreadyChosen, [order]), ["order": orderReference(order)])
            return writeStep(&c, lead: [lead], summary: false, prompt: .describeQuestion)
        }
        // Any order goes with a specialist asked for directly (no topic of the catalog).
        if let topic = chosenTopic(c),
           !eligibleOrders(for: topic, in: c.profile).contains(where: { $0.id == order.id }) {
            return nil
        }
        c.order = order.id
        return writeStep(&c)
    }

    /// Messages of at most this many words are looked at as an order's title alone.
    static let orderAloneMaxWords = 4

    /// Messages of at most this many words are looked at as a correction of the order.
    static let orderCorrectionMaxWords = 7

    /// The order a correction means: «не чайник, а наушники», «ой не книга а чайник» — «не»
    /// before «а», and after it only the title words of one order.
    func correctedOrder(key: String, among orders: [Order]) -> Order? {
        // Compared by bytes: a phrase key is of one spelling.
        let words = PlainText.spaceSeparated(key)
        guard let but = words.lastIndex(where: { $0.utf8.elementsEqual("а".utf8) }),
              words[..<but].contains(where: { $0.utf8.elementsEqual("не".utf8) }), but + 1 < words.count else { return nil }
        let meant = OrderFinder.sayings(WordForms.forms(words[(but + 1)...].joined(separator: " ")), ignoring: titleStopwords)
        return OrderFinder.byTitleAlone(meant, among: orders, forms: titleForms.forms)
    }

    /// A call for a specialist of at most this many words («оператор», «живой человек») is not
    /// filed as the appeal at the message step.
    static let bareControlWords = 3

    /// Whether a message is a call for a specialist and nothing else: «оператор», «живой
    /// человек», or a longer call made only of `call_words` («соедините с оператором,
    /// пожалуйста»). It is neither an appeal nor a draft.
    func isOnlyACall(_ classification: Classification, key: String) -> Bool {
        guard let id = classification.intent, catalog.intent(id)?.kind == .control, !classification.isAmbiguous else {
            return false
        }
        let words = classification.analysis.words.count
        return controlPhrases.contains(key)
            || (classification.confidence >= rules.freeText.questionMinConfidence && words <= Self.bareControlWords)
            || (words <= rules.freeText.questionMaxWords && rules.isOnlyCallWords(classification.analysis.words))
    }

    /// Whether a message says nothing a specialist could act on: only digits or signs («2»,
    /// «???»), or one of the `empty_replies` («нет», «не знаю»), digits besides it or not.
    func isEmptyReply(_ text: String, key: String) -> Bool {
        let words = PlainText.spaceSeparated(key)
        guard words.count <= Self.emptyReplyMaxWords else { return false }
        let lettered = words.filter { word in word.contains(where: \.isLetter) }
        if lettered.isEmpty { return true }
        if lettered.count == words.count { return reader.match(text, key: key, in: emptyReplyPhrases) != nil }
        let rest = lettered.joined(separator: " ")
        return reader.match(rest, key: rest, in: emptyReplyPhrases) != nil
    }

    /// The number of words of the `other_topic` phrase a message says the chosen topic is wrong
    /// with: one that starts the message («не та тема, я хотела спросить…», however long), or one
    /// among the words of a message of at most `question_max_words` («ой, не та тема, мне нужна
    /// доставка»). Nil when it says no such thing.
    func otherTopicPhraseWords(key: String, words: Int) -> Int? {
        // The phrases' longest words looked for in the bytes first: most messages have none.
        guard otherTopicAnchors.contains(where: { PlainText.containsBytes(key, $0) }) else { return nil }
        let padded = " " + key + " "
        var found: Int?
        for phrase in otherTopicKeys where PlainText.containsBytes(padded, phrase) {
            let starts = padded.utf8.starts(with: phrase)
            guard starts || words <= rules.freeText.questionMaxWords else { continue }
            let count = phrase.count { $0 == UInt8(ascii: " ") } - 1
            found = max(found ?? 0, count)
        }
        return found
    }

    /// The number of words a message says the chosen topic is wrong with: an `other_topic` phrase
    /// (``otherTopicPhraseWords(key:words:)``), or the chosen topic's name after «не»
    /// (``chosenTopicDenied(key:words:_:)``). Nil when it says no such thing.
    func topicDenialWords(key: String, words: Int, _ c: Conversation) -> Int? {
        otherTopicPhraseWords(key: key, words: words) ?? chosenTopicDenied(key: key, words: words, c)?.count
    }

    /// «это не гарантия, я хочу вернуть деньги», «возврат, а не гарантия»: the chosen topic's name
    /// (as `namedTopic` reads names: by stems, fillers before it allowed) after a «не» among the
    /// first four words, or anywhere in a message of at most `question_max_words`. The words from
    /// «не» to the name's end, by their places among the phrase key's words; nil when the message
    /// does not deny the chosen topic.
    func chosenTopicDenied(key: String, words: Int, _ c: Conversation) -> Range<Int>? {
        guard let topic = c.topic, PlainText.containsBytes(key, Self.negationBytes) else { return nil }
        let names = topicNameStems.filter { $0.id.rawValue == topic }
        guard !names.isEmpty else { return nil }
        let tokens = PlainText.spaceSeparated(key)
        for index in tokens.indices where tokens[index].utf8.elementsEqual(Self.negationBytes) {
            guard index < 4 || words <= rules.freeText.questionMaxWords else { break }
            var start = index + 1
            while start < tokens.count, isTopicNameFiller(String(tokens[start])) { start += 1 }
            for name in names where start + name.stems.count <= tokens.count
                && zip(name.stems, tokens[start...]).allSatisfy({ $0 == WordForm(String($1)).stem }) {
                return index..<(start + name.stems.count)
            }
        }
        return nil
    }

    private static let negationBytes = Array("не".utf8)

    /// More words than any empty reply, digits included, has.
    static let emptyReplyMaxWords = 4

    /// The small-talk intent a message is, and nothing else. A greeting, thanks or goodbye
    /// (`exact_smalltalk`) only as one of those intents' examples — as typed, in the other layout,
    /// in translit or with a typo — or, when `declining` (the message step), one of the
    /// `declines` («нет, спасибо»), as thanks: «пока нет» or «помогите» is no such message, whatever
    /// the matcher guesses. Other small talk («ты бот?») read as surely and as short as an
    /// information question answered in place.
    func sureSmalltalk(_ text: String, key: String, _ classification: Classification, declining: Bool = false) -> Intent? {
        // Small talk is short: a longer message is not looked for among the phrases at all.
        guard classification.analysis.words.count <= rules.freeText.questionMaxWords else { return nil }
        if let phrase = reader.match(text, key: key, in: smalltalkPhrases) {
            return phrase.decline && !declining ? nil : catalog.intent(phrase.intent)
        }
        guard let id = classification.intent, !classification.isAmbiguous,
              classification.confidence >= rules.freeText.questionMinConfidence,
              classification.analysis.words.count <= rules.freeText.questionMaxWords,
              let intent = catalog.intent(id), intent.kind == .smalltalk,
              !rules.freeText.exactSmalltalk.contains(intent.id) else { return nil }
        return intent
    }

    /// Thanks or a goodbye with only `closing_words` around it («хорошо, спасибо», «всё, до
    /// свидания», «спасибо, жду ответа»): the small-talk intent of that phrase. Nil when anything
    /// else is said, or only closing words («ок», «понятно»: they may answer the specialist).
    func closing(key: String) -> Intent? {
        // Most messages are longer than any closing: no need to split them.
        guard PlainText.spaceCount(key) < Self.closingMaxWords else { return nil }
        let words = PlainText.spaceSeparated(key)
        guard words.count <= Self.closingMaxWords else { return nil }
        let rest = words.filter { !closingWords.contains(ByteKey(String($0))) }
        guard !rest.isEmpty, rest.count < words.count else { return nil }
        func closingPhrase(_ words: ArraySlice<Substring>) -> IntentID? {
            let phrase = words.joined(separator: " ")
            guard let hit = reader.match(phrase, key: phrase, in: smalltalkPhrases), !hit.decline, hit.intent != .greeting else {
                return nil
            }
            return hit.intent
        }
        if let intent = closingPhrase(rest[...]) { return catalog.intent(intent) }
        // Thanks and a goodbye one after the other («спасибо, пока», «спасибо большое, до свидания»):
        // the goodbye is answered.
        for split in rest.indices.dropFirst() {
            if closingPhrase(rest[..<split]) != nil, let last = closingPhrase(rest[split...]) { return catalog.intent(last) }
        }
        return nil
    }

    /// A confirmation of the draft has at most this many words («да, всё верно, отправляйте»).
    static let confirmationMaxWords = 4

    /// A hold of the draft of at most this many words is only that; a longer one (up to twice as
    /// long) tells more, and is added to the draft.
    static let holdMaxWords = 8

    /// A message of at most this many words is looked at as a topic's name.
    static let topicNameMaxWords = 6

    /// The topic a short message names and nothing else: one of `topic_names` or a menu title (in
    /// any form: «по доставке», «на гарантию»; or as typed in the other layout or with a typo), with
    /// only `topic_name_fillers` around it («нет, это возврат», «поменяйте тему на доставку»); after
    /// «не … а» the part after «а» («не гарантия, а возврат»). `negated` when a «не» stands before
    /// the name otherwise («это не гарантия»): the customer says the topic is not that one. Nil for
    /// anything else.
    func namedTopic(key: String) -> (id: IntentID, negated: Bool)? {
        // Compared by bytes: a phrase key is of one spelling.
        var words = PlainText.spaceSeparated(key).map(String.init)
        var negated = false
        if let but = words.lastIndex(where: { $0.utf8.elementsEqual("а".utf8) }),
           words[..<but].contains(where: { $0.utf8.elementsEqual("не".utf8) }) {
            words = Array(words[(but + 1)...])
        } else {
            negated = words.contains { $0.utf8.elementsEqual("не".utf8) }
        }
        let rest = words.filter { word in
            !word.utf8.elementsEqual("не".utf8) && !isTopicNameFiller(word)
        }
        guard !rest.isEmpty, rest.count <= 4 else { return nil }
        let stems = rest.map { WordForm($0).stem }
        if let named = topicNameStems.first(where: { $0.stems == stems }) { return (named.id, negated) }
        let phrase = rest.joined(separator: " ")
        return reader.match(phrase, key: phrase, in: topicNamePhrases).map { ($0, negated) }
    }

    /// Whether a word is one of `topic_name_fillers` (or starts with one written with a final `*`).
    func isTopicNameFiller(_ word: String) -> Bool {
        topicNameFillers.words.contains(ByteKey(word)) || topicNameFillers.starts.contains { word.utf8.starts(with: $0) }
    }

    /// Whether a message is only `closing_words` («ок, понятно», «ну ок», «понял»): it says nothing
    /// for a specialist.
    func onlyClosingWords(key: String) -> Bool {
        let words = PlainText.spaceSeparated(key)
        return !words.isEmpty && words.allSatisfy { closingWords.contains(ByteKey(String($0))) }
    }

    /// Whether a message says nothing of a problem: only greetings, thanks, empty replies and
    /// closing words («здравствуйте, у меня проблема»).
    func isContentless(key: String) -> Bool {
        let words = PlainText.spaceSeparated(key)
        return !words.isEmpty && words.allSatisfy { contentlessWords.contains(ByteKey(String($0))) }
    }

    /// A closing (``closing(key:)``) has at most this many words.
    static let closingMaxWords = 6

    /// Whether a message tells the problem (long enough to be the appeal's first message), as
    /// opposed to naming a topic or an order.
    func isStory(_ analysis: Analysis) -> Bool {
        analysis.words.count { word in word.contains(where: \.isLetter) } >= rules.freeText.draftMinWords
    }

    /// Whether a message shorter than a story still states a problem rather than only naming a
    /// topic or an order: «чайник не включается», «наушники сломались», «деньги не вернули». It has
    /// two words of three letters or more («не получается» says too little), one of them of five
    /// letters or more, or a known word of three or four, that is none of: the words that never
    /// tell orders apart (`title_stopwords`), a topic's name or its fillers, the words for an order,
    /// a question word, a word asking for a kind of help (`request_words`), a closing or empty
    /// reply, a word of the title of one of the customer's `orders`. «возврат чайника», «по поводу
    /// доставки», «где мой заказ», «хочу написать жалобу» only name a topic or an order.
    ///
    /// At the order step (`statuses`), a word of an order's status or of `status_synonyms` only
    /// points at an order too («который не пришёл»).
    func isShortStatement(_ analysis: Analysis, among orders: [Order], statuses: Bool = false) -> Bool {
        let words = analysis.words.filter { $0.contains(where: \.isLetter) }
        guard words.count < rules.freeText.draftMinWords, words.count(where: { PlainText.letterCount($0[...]) >= 3 }) >= 2
        else { return false }
        return tellsProblem(analysis, among: orders, statuses: statuses)
    }

    /// Whether one of a message's words says something of the problem (the word rules of
    /// ``isShortStatement(_:among:statuses:)``), rather than only naming a topic, an order or a kind
    /// of help: «у меня вопрос по заказу», «нужна помощь с возвратом» tell nothing.
    func tellsProblem(_ analysis: Analysis, among orders: [Order], statuses: Bool = false) -> Bool {
        let statusStems = statuses ? statusSynonymStems.union(orders.flatMap { WordForms.forms($0.status).map(\.stem) }) : []
        return analysis.words.indices.contains { index in
            let word = analysis.words[index]
            guard case let letters = PlainText.letterCount(word[...]), letters >= 5 || letters >= 3 && reader.isKnownWord(word),
                  !contentlessWords.contains(ByteKey(word)),
                  !orderReferenceWords.contains(word), !isTopicNameFiller(word), !isQuestionWord(word)
            else { return false }
            let form = Self.form(analysis, index)
            // A topic's word negated tells what went wrong: «книгу так и не доставили», «чайник не оплатился».
            let negated = index > 0 && analysis.words[index - 1] == "не"
            return (negated || !titleStopwords.contains(form) && !topicNameStems.contains(where: { $0.stems.contains(form.stem) }))
                && !statusStems.contains(form.stem) && !requestStems.contains(form.stem)
                && !isTitleWord(form, of: orders)
        }
    }

    /// Whether a word of the message is a word of one of `orders`' titles.
    func namesAnOrder(_ analysis: Analysis, among orders: [Order]) -> Bool {
        guard !orders.isEmpty else { return false }
        return analysis.words.indices.contains { index in
            let form = Self.form(analysis, index)
            return !titleStopwords.contains(form) && isTitleWord(form, of: orders)
        }
    }

    /// Whether a word names a form of one of `orders`' titles.
    func isTitleWord(_ form: WordForm, of orders: [Order]) -> Bool {
        orders.contains { titleForms.forms($0).contains { WordForms.names($0, form) } }
    }

    /// Whether a message is «Отправить» (the send option's word, in any layout or with a typo).
    func isSend(_ text: String, key: String) -> Bool {
        key == sendKey || reader.match(text, key: key, in: sendPhrases) != nil
    }

    /// The analysis' word at `index` with the stem the analysis made for it.
    static func form(_ analysis: Analysis, _ index: Int) -> WordForm {
        index < analysis.stems.count ? WordForm(analysis.words[index], stem: analysis.stems[index]) : WordForm(analysis.words[index])
    }

    /// A request for another topic (``writeTurn(_:key:_:_:now:)``) has at most this many words.
    static let topicRequestMaxWords = 4

    /// A story of at most this many words, not put as a question, is kept only when it tells
    /// something of the problem (``tellsProblem(_:among:statuses:)``).
    static let shortStoryMaxWords = 6

    /// The message to keep for the appeal when a turn before the message step reads it: a story
    /// (``isStory(_:)``), unless it is only a call for a specialist, off topic as far as the
    /// matcher is sure (`off_topic_sure`), or a question answered in place (read at least as surely
    /// as the dialogue acts on a reading, `confirm_below`): then only the story's sentences beside
    /// the question, if any (``storyBesideQuestions(_:)``).
    /// With a topic chosen (`inTopic`: the order step), a story the matcher reads as off topic is
    /// kept all the same: it tells the chosen topic's problem in other companies' words («карта мир
    /// сбербанк, ошибка 05» after «Оплата»).
    ///
    /// With the customer's `orders` given, a short statement of a problem counts as a story too
    /// (``isShortStatement(_:among:statuses:)``) when the matcher reads it on topic.
    func storyToKeep(_ text: String, key: String, _ classification: Classification, inTopic: Bool = false,
                     shortAmong orders: [Order]? = nil) -> String? {
        guard !isContentless(key: key) else { return nil }
        let analysis = classification.analysis
        // «ой, не та тема, мне нужен возврат»: the wrong topic said and another asked for, as at
        // the message step, is no story unless it tells more.
        if let phrase = otherTopicPhraseWords(key: key, words: analysis.words.count),
           analysis.words.count - phrase < rules.freeText.draftMinWords {
            return nil
        }
        var namesOrder = false
        if !isStory(analysis) {
            // A short statement answered in place («почта для продавцов») is only a question; one
            // the matcher reads as off topic is kept when it names one of the customer's goods
            // («чайник течёт»; a booking's title has towns: «погода сочи» is not about the hotel).
            guard let orders, isShortStatement(analysis, among: orders, statuses: inTopic),
                  answerableQuestions(classification, minimum: rules.freeText.confirmBelow).isEmpty else { return nil }
            namesOrder = namesAnOrder(analysis, among: orders.filter { $0.kind == .goods })
            guard !classification.isRejected || namesOrder else { return nil }
        } else if let orders, analysis.words.count <= Self.shortStoryMaxWords, !isPutAsQuestion(text, key: key),
                  !tellsProblem(analysis, among: orders, statuses: inTopic) {
            // «у меня вопрос по заказу», «нужна помощь с возвратом»: a topic asked for, no story
            // («когда вернут деньги за наушники» asks one).
            return nil
        }
        // Typed in the wrong layout, the story is kept as it reads in the Russian one.
        let readable = wrongLayoutReading(text, analysis) ?? text
        if classification.isRejected {
            return inTopic || namesOrder || classification.confidence < rules.freeText.offTopicSure ? readable : nil
        }
        guard !isOnlyACall(classification, key: key) else { return nil }
        // Before the message step a question is answered once the dialogue acts on its reading. A
        // story that is not asked as a question («курьер должен был привезти чайник вчера и не
        // позвонил») is answered and kept whole: it is the customer's problem, not only a question.
        guard answerableQuestions(classification, minimum: rules.freeText.confirmBelow).isEmpty
            || !isAsked(text, classification.analysis) else {
            return storyBesideQuestions(text, among: orders)
        }
        return readable
    }

    /// Whether a message is asked as a question: a «?», or a word of `question_forms` («кто», «как*»,
    /// «подскаж*»).
    func isAsked(_ text: String, _ analysis: Analysis) -> Bool {
        // Compared by bytes: the analyzer's words are of one spelling.
        text.utf8.contains(UInt8(ascii: "?")) || analysis.words.contains(where: isQuestionWord)
    }

    /// Whether a normalized word is one of `question_forms` (or starts with one written with a final `*`).
    func isQuestionWord(_ word: String) -> Bool {
        questionForms.words.contains(ByteKey(word)) || questionForms.starts.contains { word.utf8.starts(with: $0) }
    }

    /// Whether a message is put as a question: a «?», or a word of `question_forms` first (after
    /// «а», «и», «ну»): «как прикрепить фото», not «фото есть».
    func isPutAsQuestion(_ text: String, key: String) -> Bool {
        if text.utf8.contains(UInt8(ascii: "?")) { return true }
        guard let first = PlainText.spaceSeparated(key).first(where: { !["а", "и", "ну"].contains($0) }) else { return false }
        return isQuestionWord(String(first))
    }

    /// The sentences of a message answered as a question that are not themselves questions
    /// answered in place, when they tell a story of their own («Мне пришла не та книга. Куда
    /// написать на почту?»: the first sentence), joined as written; nil otherwise. A message of one
    /// sentence is read as its clauses before and after the comma that starts a question («курьер
    /// не приехал, как с ним связаться?»). With the customer's `orders` given, a short statement
    /// of a problem (``isShortStatement(_:among:statuses:)``) is a story too.
    func storyBesideQuestions(_ text: String, among orders: [Order]? = nil) -> String? {
        // Most questions are one clause: nothing to split.
        guard Self.mayHaveParts(text) else { return nil }
        var sentences = Self.sentences(text)
        if sentences.count < 2 {
            sentences = clausesBeforeQuestion(text)
            // A clause too short to state anything («подскажите, как…») is not read.
            guard let first = sentences.first,
                  first.split(separator: " ").count(where: { PlainText.letterCount($0) >= 3 }) >= 2 else { return nil }
        }
        guard sentences.count >= 2 else { return nil }
        let rest = sentences.filter { sentence in
            let read = classify(String(sentence), nil)
            // A problem told with «не» that the matcher hears a question in («курьер так и не
            // позвонил») is no question unless asked.
            let problem = Self.hasNegation(read.analysis) && !isAsked(String(sentence), read.analysis)
            return (answerableQuestions(read, minimum: rules.freeText.confirmBelow).isEmpty || problem)
                && !(read.isRejected && read.confidence >= rules.freeText.offTopicSure)
        }
        guard !rest.isEmpty, rest.count < sentences.count else { return nil }
        let story = rest.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: " ")
        let analysis = classify(story, nil).analysis
        guard isStory(analysis) || orders.map({ isShortStatement(analysis, among: $0) }) == true else { return nil }
        return story
    }

    /// A sentence cut at the first comma followed by a question (a word of `question_forms` first,
    /// after «а», «и», «ну»), else before the first «а» or «и» followed by a question word: the
    /// clause before it, without the comma, and the question; empty when there is no such place.
    func clausesBeforeQuestion(_ text: String) -> [Substring] {
        // Read by bytes: only the word or two after each comma and each « а »/« и » are normalized.
        var text = text
        let (commas, conjunctions) = text.withUTF8 { bytes -> ([Int], [Int]) in
            var commas: [Int] = [], conjunctions: [Int] = []
            for i in bytes.indices {
                if bytes[i] == UInt8(ascii: ",") {
                    commas.append(i)
                } else if Self.isLoneConjunction(bytes, at: i) {
                    conjunctions.append(i + 1)
                }
            }
            return (commas, conjunctions)
        }
        guard !commas.isEmpty || !conjunctions.isEmpty else { return [] }
        let utf8 = text.utf8
        func at(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        for comma in commas {
            var (first, next) = Self.word(in: text, from: at(comma + 1))
            if ["а", "и", "ну"].contains(first) { first = Self.word(in: text, from: next).word }
            guard isQuestionWord(first) else { continue }
            let before = text[..<at(comma)]
            return before.contains(where: \.isLetter) ? [before, text[at(comma + 1)...]] : []
        }
        for conjunction in conjunctions {
            guard isQuestionWord(Self.word(in: text, from: at(conjunction + 2)).word) else { continue }
            let before = text[..<at(conjunction)]
            return before.contains(where: \.isLetter) ? [before, text[at(conjunction)...]] : []
        }
        return []
    }

    /// The word starting at or after `start` (spaces skipped) as a phrase key normalizes it, and
    /// where reading stopped.
    private static func word(in text: String, from start: String.Index) -> (word: String, next: String.Index) {
        let utf8 = text.utf8
        var begin = start
        while begin < utf8.endIndex, utf8[begin] == UInt8(ascii: " ") { begin = utf8.index(after: begin) }
        var end = begin
        while end < utf8.endIndex, case let byte = utf8[end], byte >= 0x80 || byte == UInt8(ascii: "-")
                || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) {
            end = utf8.index(after: end)
        }
        return (begin == end ? "" : Normalizer.normalize(String(text[begin..<end])), end)
    }

    /// Whether every sentence of a message that is not a question answered in place is made of
    /// `closing_words` only («понятно. а сколько ждать?»).
    func onlyClosingWordsBesideQuestions(_ text: String) -> Bool {
        Self.sentences(text).allSatisfy { sentence in
            let key = DialogueRules.phraseKey(String(sentence))
            if onlyClosingWords(key: key) { return true }
            return !answerableQuestions(classify(String(sentence), nil), minimum: rules.freeText.confirmBelow).isEmpty
        }
    }

    /// Whether a message has a comma, a sentence's end (`sentences(_:)`) or a lone «а» or «и»
    /// before its last character that is not a space: read by bytes, before any of its parts is.
    static func mayHaveParts(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var last = bytes.count - 1
            while last >= 0, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[last]) { last -= 1 }
            guard last > 0 else { return false }
            for i in 0..<last {
                switch bytes[i] {
                case UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), 0x0A, 0x0D, 0xE2: return true
                case UInt8(ascii: " ") where isLoneConjunction(bytes, at: i): return true
                default: continue
                }
            }
            return false
        }
    }

    /// Whether « а » or « и » (either case: D0 B0, D0 90, D0 B8, D0 98) starts at the space at `i`.
    private static func isLoneConjunction(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        bytes[i] == UInt8(ascii: " ") && i + 3 < bytes.count && bytes[i + 1] == 0xD0
            && [0xB0, 0x90, 0xB8, 0x98].contains(bytes[i + 2]) && bytes[i + 3] == UInt8(ascii: " ")
    }

    /// Whether a message's words have a «не».
    static func hasNegation(_ analysis: Analysis) -> Bool {
        analysis.words.contains { $0.utf8.elementsEqual("не".utf8) }
    }

    /// A message's sentences with a letter in them, as written, each with the mark that ends it.
    static func sentences(_ text: String) -> [Substring] {
        var sentences: [Substring] = []
        var start = text.startIndex
        for index in text.indices where endsSentence(text[index]) {
            sentences.append(text[start...index])
            start = text.index(after: index)
        }
        sentences.append(text[start...])
        return sentences.filter { $0.contains(where: \.isLetter) }
    }

    private static func endsSentence(_ character: Character) -> Bool {
        character == "." || character == "!" || character == "?" || character == "…" || character.isNewline
    }

    /// Adds a story to the draft (once: the same story told again is not added twice).
    func keep(_ story: String?, _ c: inout Conversation) {
        guard let story, c.draftMessages.last != story, !isDraftFull(c) else { return }
        c.draft = c.draftMessages + [story]
    }

    /// Whether the draft holds as much as an appeal's first messages may (`draftMaxMessages`,
    /// `draftMaxBytes`): nothing more is added to it until it is sent. Every turn stores the
    /// conversation, the draft with it, so it must not grow without end.
    func isDraftFull(_ c: Conversation) -> Bool {
        let draft = c.draftMessages
        return draft.count >= Self.draftMaxMessages || draft.reduce(0, { $0 + $1.utf8.count }) >= Self.draftMaxBytes
    }

    /// The most messages a draft holds.
    package static let draftMaxMessages = 20
    /// The most text a draft holds, in UTF-8 bytes.
    static let draftMaxBytes = 32 * 1024

    /// `intent`'s answer (`answered`) with the story kept: followed by the line that says so, or,
    /// after a refusal (`free_text.refusals`), kept without a word — «уйдёт специалисту» would
    /// contradict «поддержка помочь не сможет» — for a topic the customer may still choose.
    func keep(_ story: String?, _ c: inout Conversation, answering intent: Intent, with answered: [String]) -> [String] {
        guard !rules.freeText.refusals.contains(intent.id) else {
            keep(story, &c)
            return answered
        }
        return keep(story, &c, saying: answered)
    }

    /// Adds a story to the draft, and to `lead` the line that says so: for replies about something
    /// else (an answer, an order not found) that would otherwise leave the story unmentioned.
    func keep(_ story: String?, _ c: inout Conversation, saying lead: [String]) -> [String] {
        guard story != nil else { return lead }
        keep(story, &c)
        // A full draft takes nothing more, and nothing is said to be kept.
        guard c.draftMessages.last == story else { return lead }
        return lead + [prompts.text(.storyKept)]
    }
}

/// A small-talk phrase taken only as written: an example of a greeting, thanks or goodbye, or a
/// polite decline (read as thanks, at the message step only).
struct SmalltalkPhrase: Sendable {
    var intent: IntentID
    var decline: Bool
}
