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
    /// Empty when the message is not such a question.
    func answerableQuestions(_ classification: Classification) -> [Intent] {
        let rules = rules.freeText
        guard let id = classification.intent, classification.analysis.words.count <= rules.questionMaxWords else { return [] }
        let intents: [Intent]
        if classification.isAmbiguous {
            intents = severalQuestions(classification)
            let together = classification.confidence + classification.alternatives
                .filter { alternative in intents.contains { $0.id == alternative.id } }.reduce(0) { $0 + $1.confidence }
            guard together >= rules.questionMinConfidence else { return [] }
        } else {
            guard classification.confidence >= rules.questionMinConfidence, let intent = catalog.intent(id) else { return [] }
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
