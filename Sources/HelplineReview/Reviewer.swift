import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineServer

/// Why a customer's message is worth a person's look.
public enum ReviewReason: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The matcher placed it in no intent.
    case rejected
    /// The matcher chose, but with low confidence or a close runner-up.
    case unsure
    /// A topic was picked from it and the customer undid that at once: «назад» or «меню» next, or a
    /// different topic at the next step.
    case corrected

    public static func < (a: ReviewReason, b: ReviewReason) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One message flagged for review.
public struct ReviewedMessage: Sendable, Hashable {
    public var text: String
    public var reason: ReviewReason
    /// The matcher's best guesses, best first: its answer, then its alternatives (for a rejected
    /// message, the closest intents).
    public var guesses: [IntentScore]
    /// The topic the session ended with (its appeal's, else the last one chosen), if any.
    public var laterTopic: String?
}

/// Messages worded alike, reviewed together.
public struct ReviewGroup: Sendable, Hashable {
    /// The distinct wordings in the group with how often each was written, most frequent first.
    public var texts: [(text: String, count: Int)]
    /// How many messages the group holds.
    public var count: Int
    /// How many of them were flagged for each reason.
    public var reasons: [ReviewReason: Int]
    /// The matcher's guesses for the group's most frequent wording.
    public var guesses: [IntentScore]
    /// The topics the sessions ended with, with counts, most frequent first.
    public var laterTopics: [(topic: String, count: Int)]

    /// The intent a person would most likely file the group under: the topic the customers went on
    /// to choose themselves, else the matcher's best guess that is an intent with at least
    /// ``guessFloor``, else none (off-topic).
    public var suggestedIntent: IntentID? {
        if let topic = laterTopics.first?.topic { return IntentID(topic) }
        return guesses.first { $0.id != nil && $0.confidence >= Self.guessFloor }?.id
    }

    /// Below this an intent guess is not worth suggesting.
    public static let guessFloor = 0.25

    public static func == (a: ReviewGroup, b: ReviewGroup) -> Bool {
        a.texts.map(\.text) == b.texts.map(\.text) && a.texts.map(\.count) == b.texts.map(\.count) && a.count == b.count
            && a.reasons == b.reasons && a.guesses == b.guesses
            && a.laterTopics.map(\.topic) == b.laterTopics.map(\.topic) && a.laterTopics.map(\.count) == b.laterTopics.map(\.count)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(texts.map(\.text))
        hasher.combine(count)
    }
}

/// What review found in a database.
public struct ReviewReport: Sendable {
    /// Sessions read.
    public var sessions: Int
    /// Customer messages read.
    public var messages: Int
    /// Sessions whose stored profile could not be read (left out).
    public var skippedSessions: Int
    /// The flagged messages grouped by wording, largest group first.
    public var groups: [ReviewGroup]
}

/// Finds what the matcher got wrong or was unsure about in real traffic.
///
/// Each stored session is replayed through the dialogue from its start with the customer's own
/// messages, so every message is seen at the step where it was written. Only messages written to
/// choose a topic are judged: the free text of an appeal is not meant to match an intent.
public struct Reviewer: Sendable {
    public let engine: DialogueEngine
    /// Below this confidence a chosen intent counts as unsure.
    public let unsureBelow: Double

    public init(engine: DialogueEngine, unsureBelow: Double = 0.6) {
        self.engine = engine
        self.unsureBelow = unsureBelow
    }

    /// Reviews the archive's sessions.
    public func review(_ sessions: [ConversationArchive.Session], skipped: Int = 0) -> ReviewReport {
        var flagged: [ReviewedMessage] = []
        var messageCount = 0
        for (index, session) in sessions.enumerated() {
            messageCount += session.messages.count
            flagged += review(session, id: "review-\(index)")
        }
        return ReviewReport(sessions: sessions.count, messages: messageCount, skippedSessions: skipped,
                            groups: group(flagged))
    }

    /// The flagged messages of one session.
    func review(_ session: ConversationArchive.Session, id: String) -> [ReviewedMessage] {
        var (conversation, _) = engine.start(id: id, profile: session.profile, now: session.createdAt)
        struct Step {
            var text: String
            var stateBefore: DialogueState
            var topicAfter: String?
            var stateAfter: DialogueState
            /// Whether the dialogue read the message for its intent (not as an option or a command).
            var readForIntent: Bool
        }
        var steps: [Step] = []
        for message in session.messages {
            let before = conversation.state
            let turn = engine.handle(message.text, in: &conversation, now: message.at)
            steps.append(Step(text: message.text, stateBefore: before, topicAfter: conversation.topic,
                              stateAfter: conversation.state, readForIntent: turn.reply.intent != nil))
        }
        // The topic the customer ended with, when it is an intent a line could be filed under
        // (not the specialist's general queue).
        let laterTopic = (conversation.ticket?.topic ?? conversation.topic).flatMap { topic in
            engine.catalog.intent(IntentID(topic)) == nil ? nil : topic
        }

        var out: [ReviewedMessage] = []
        for (index, step) in steps.enumerated() where step.stateBefore == .chooseTopic {
            guard step.readForIntent, Self.isFreeText(step.text) else { continue }
            let result = engine.matcher.classify(step.text)
            let guesses = [result.best] + result.alternatives
            var reason: ReviewReason?
            if result.isRejected {
                reason = .rejected
            } else if result.isAmbiguous || result.confidence < unsureBelow {
                reason = .unsure
            }
            // A topic chosen from this message and undone by the next one.
            if let picked = step.topicAfter, step.stateAfter != .chooseTopic, index + 1 < steps.count {
                let next = steps[index + 1]
                if next.stateAfter == .chooseTopic || (next.topicAfter != nil && next.topicAfter != picked) {
                    reason = .corrected
                }
            }
            if let reason {
                out.append(ReviewedMessage(text: step.text, reason: reason, guesses: guesses, laterTopic: laterTopic))
            }
        }
        return out
    }

    /// Whether a message is worded (not a number picked from a list or a bare symbol).
    static func isFreeText(_ text: String) -> Bool {
        text.unicodeScalars.filter { CharacterSet.letters.contains($0) }.count >= 2
    }

    /// The words of a message that decide its group: its stems, repaired and without the most
    /// common words, in order of first use.
    func groupKey(_ text: String) -> [String] {
        let analysis = engine.matcher.analyzer.analyze(text)
        var seen = Set<String>()
        let stems = analysis.stems.filter { !$0.isEmpty && seen.insert($0).inserted }
        return stems.isEmpty ? [text.lowercased()] : stems
    }

    /// Groups messages whose stems mostly coincide (Jaccard similarity ≥ 0.6), largest group first.
    func group(_ messages: [ReviewedMessage]) -> [ReviewGroup] {
        struct Building {
            var stems: Set<String>
            var members: [ReviewedMessage]
        }
        var groups: [Building] = []
        var keyCache: [String: Set<String>] = [:]
        for message in messages {
            let stems = keyCache[message.text] ?? Set(groupKey(message.text))
            keyCache[message.text] = stems
            let index = groups.firstIndex { group in
                let shared = group.stems.intersection(stems).count
                return Double(shared) / Double(max(1, group.stems.union(stems).count)) >= 0.6
            }
            if let index {
                groups[index].members.append(message)
            } else {
                groups.append(Building(stems: stems, members: [message]))
            }
        }
        return groups.map { building in
            var counts: [String: Int] = [:]
            var reasons: [ReviewReason: Int] = [:]
            var topics: [String: Int] = [:]
            for member in building.members {
                counts[member.text, default: 0] += 1
                reasons[member.reason, default: 0] += 1
                if let topic = member.laterTopic { topics[topic, default: 0] += 1 }
            }
            let texts = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { (text: $0.key, count: $0.value) }
            let top = texts[0].text
            let guesses = building.members.first { $0.text == top }?.guesses ?? []
            let laterTopics = topics.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { (topic: $0.key, count: $0.value) }
            return ReviewGroup(texts: texts, count: building.members.count, reasons: reasons, guesses: guesses,
                               laterTopics: laterTopics)
        }
        .sorted { $0.count != $1.count ? $0.count > $1.count : $0.texts[0].text < $1.texts[0].text }
    }
}
