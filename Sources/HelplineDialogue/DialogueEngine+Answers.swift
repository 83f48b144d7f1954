import Foundation
import HelplineIntents
import HelplineText

// Information answers and small talk: when a message is a question to answer, and which answer fits.
extension DialogueEngine {
    /// The information intent a message clearly asks about, when it is a question to answer rather
    /// than a message for the specialist: sure enough, short enough, and not one of the intents that
    /// are sent on (`free_text` in config/dialogue.yaml).
    func answerableQuestion(_ classification: Classification) -> Intent? {
        let rules = rules.freeText
        guard let id = classification.intent, !classification.isAmbiguous,
              classification.confidence >= rules.questionMinConfidence,
              classification.analysis.words.count <= rules.questionMaxWords,
              !rules.sendInsteadOfAnswer.contains(id),
              let intent = catalog.intent(id), intent.kind == .info else { return nil }
        return intent
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
