import Foundation
import HelplineIntents
import HelplineText

// Information answers and small talk: when a message is a question to answer, and which answer fits.
extension DialogueEngine {
    /// The information intents a message clearly asks about, when it is a question to answer
    /// rather than a message for the specialist: sure enough, short enough, and not one of the
    /// intents that are sent on (`free_text` in config/dialogue.yaml). Usually one; two or three
    /// when the message asks several such questions at once («какой телефон и почта поддержки?»):
    /// the matcher finds it ambiguous between them, and together they are as sure as one would be.
    /// Empty when the message is not such a question. `minimum` is how sure (by default
    /// `question_min_confidence`, where the alternative is sending the message on).
    func answerableQuestions(_ classification: Classification, minimum: Double? = nil) -> [Intent] {
        let rules = rules.freeText
        let minimum = minimum ?? rules.questionMinConfidence
        guard let id = classification.intent, classification.analysis.words.count <= rules.questionMaxWords else { return [] }
        let intents: [Intent]
        if classification.isAmbiguous {
            intents = severalQuestions(classification)
            let together = classification.confidence + classification.alternatives
                .filter { alternative in intents.contains { $0.id == alternative.id } }.reduce(0) { $0 + $1.confidence }
            guard together >= minimum else { return [] }
        } else {
            guard classification.confidence >= minimum, let intent = catalog.intent(id) else { return [] }
            intents = [intent]
        }
        guard intents.allSatisfy({ $0.kind == .info && !rules.sendInsteadOfAnswer.contains($0.id) }) else { return [] }
        return intents
    }

    /// For a message the matcher finds ambiguous, its close candidates (``ambiguityCandidates(_:)``)
    /// when every one is an information intent that answers rather than refuses: several
    /// questions in one message, each answered. Empty otherwise.
    func severalQuestions(_ classification: Classification) -> [Intent] {
        guard classification.isAmbiguous else { return [] }
        let candidates = ambiguityCandidates(classification)
        guard candidates.count >= 2,
              candidates.allSatisfy({ $0.kind == .info && !rules.freeText.refusals.contains($0.id) }) else { return [] }
        return candidates
    }

    /// Information questions asked in a sentence of their own inside a longer message about
    /// something else («Заказ висит в статусе «В пути» две недели. Дайте номер телефона, куда
    /// звонить»): each sentence of a message of two or more that reads as a question (a «?» or
    /// one of `question_words`, and short) is classified alone, and those that are questions the
    /// message step would answer (``answerableQuestions(_:)``) are returned, at most two. For one
    /// sentence, only the question asked after a comma (``clausesBeforeQuestion(_:)``). (Callers use it for messages that were not answered as a whole: a story
    /// read as a topic, or filed.)
    func questionsInSentences(_ text: String) -> [(intent: Intent, analysis: Analysis)] {
        // The sentences short enough to be a question answered in place (counted by their spaces,
        // so that a story's long sentences are not even copied), each with whether a «?» ends it;
        // and how many sentences there are in all.
        let longest = 2 * rules.freeText.questionMaxWords
        var text = text
        var candidates: [(text: String, asks: Bool)] = text.withUTF8 { bytes in
            // Each sentence with letters in it, as (start, end, spaces); nothing is copied unless
            // there are two or more.
            func sentences(_ each: (Int, Int, Int) -> Void) -> Int {
                var count = 0
                var start = 0
                var spaces = 0
                var letters = false
                for i in 0...bytes.count {
                    let byte = i < bytes.count ? bytes[i] : UInt8(ascii: ".")
                    if Self.isSentenceEnd(byte) {
                        if letters {
                            count += 1
                            each(start, i, spaces)
                        }
                        start = i + 1
                        spaces = 0
                        letters = false
                    } else if byte == UInt8(ascii: " ") {
                        spaces += 1
                    } else if byte >= 0x80 || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) {
                        letters = true
                    }
                }
                return count
            }
            guard sentences({ _, _, _ in }) >= 2 else { return [] }
            var found: [(text: String, asks: Bool)] = []
            _ = sentences { start, end, spaces in
                guard spaces <= longest else { return }
                found.append((String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self),
                              end < bytes.count && bytes[end] == UInt8(ascii: "?")))
            }
            return found
        }
        // One sentence asking after a comma or an «а» («Списали деньги дважды, куда писать на
        // почту?», «списали деньги дважды а куда звонить»): the question's clause.
        var clause = false
        if candidates.isEmpty, Self.mayHaveParts(text), case let clauses = clausesBeforeQuestion(text), clauses.count == 2 {
            candidates = [(String(clauses[1]), true)]
            clause = true
        }
        var found: [(intent: Intent, analysis: Analysis)] = []
        for sentence in candidates where found.count < Self.sentenceQuestionsMax {
            // Only what reads as a question is classified: a «?», or a question word.
            let words = PlainText.spaceSeparated(Normalizer.normalize(sentence.text))
            guard words.count <= rules.freeText.questionMaxWords,
                  sentence.asks || words.contains(where: { questionWords.contains(String($0)) }) else { continue }
            let classification = classify(sentence.text, nil)
            // «Мне не вернули деньги, сколько ждать?»: a wait asked after a comma is the story's,
            // not the chat's.
            for intent in answerableQuestions(classification) where !found.contains(where: { $0.intent.id == intent.id })
                && !(clause && intent.id == rules.waitQuestion) {
                found.append((intent, classification.analysis))
            }
        }
        return Array(found.prefix(Self.sentenceQuestionsMax))
    }

    /// At most this many questions are answered from the sentences of one message.
    static let sentenceQuestionsMax = 2

    /// `.`, `!`, `?` and line breaks end a sentence.
    private static func isSentenceEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?") || byte == 0x0A
    }

    /// `turn` with the answers to `questions` before its reply (the conversation's last reply too).
    func answering(_ questions: [(intent: Intent, analysis: Analysis)], before turn: Turn, _ c: inout Conversation) -> Turn {
        guard !questions.isEmpty else { return turn }
        var turn = turn
        let answered = questions.map { answer($0.intent, to: $0.analysis, for: c.profile) }.joined(separator: "\n")
        turn.reply.text = answered + "\n" + turn.reply.text
        c.lastReply = turn.reply
        return turn
    }

    /// The answers to `questions`, each as ``answer(_:to:for:)`` gives it.
    func answers(_ questions: [Intent], to analysis: Analysis?, for profile: Profile) -> [String] {
        questions.map { answer($0, to: analysis, for: profile) }
    }

    /// An info intent's answer from its file: the first variant whose condition the message or
    /// the customer meets (the Travel line first for a question about Travel's phone, the seller
    /// priority first for a Premium seller), else the main answer.
    func answer(_ intent: Intent, to analysis: Analysis? = nil, for profile: Profile? = nil) -> String {
        let words = intent.answerVariants.isEmpty ? []
            : analysis.map { $0.words + PlainText.spaceSeparated($0.normalized).map(String.init) } ?? []
        let plainWords = words.allSatisfy(PlainText.isPlain)
        let flags: Set<String> = profile.map { p in
            Set([p.premium ? "premium" : nil, p.seller ? "seller" : nil, p.premiumSeller ? "premium_seller" : nil,
                 p.corporate ? "corporate" : nil].compactMap { $0 })
        } ?? []
        let chosen = intent.answerVariants.first { variant in
            variant.profile.contains(where: flags.contains)
                || variant.words.contains { prefix in
                    let prefix = answerPrefixes[ByteKey(prefix)] ?? Normalizer.normalize(prefix)
                    if plainWords && PlainText.isPlain(prefix) {
                        return words.contains { PlainText.bytesStart($0, with: prefix) }
                    }
                    return words.contains { $0.hasPrefix(prefix) }
                }
        }
        let text = (chosen?.text ?? intent.answer)?.trimmingWhitespace() ?? ""
        return text.isEmpty ? prompts.text(.infoMissing, ["topic": intent.title]) : text
    }

    /// The short reply to small talk, or nothing when the prompts have none for this intent.
    func smalltalk(_ intent: Intent) -> [String] {
        if let reply = prompts.smalltalk(intent.id) { return [reply] }
        if let answer = intent.answer?.trimmingWhitespace(), !answer.isEmpty { return [answer] }
        return []
    }
}
