import HelplineIntents

/// Something that classifies a user's message into the catalog's intents.
///
/// ``DialogueEngine`` reads messages through this protocol, so tests can hand it exact
/// classifications and pin the dialogue's rules independently of the statistical matcher.
public protocol IntentClassifying: Sendable {
    /// The best intent (or none), its confidence, the runners-up, ambiguity and entities.
    func classify(_ text: String) -> Classification
}

extension IntentMatcher: IntentClassifying {}
