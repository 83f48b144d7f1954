import HelplineDialogue
import HelplineIntents

extension DialogueEngine {
    /// Like `init(bundle:)`, with the matcher read from `cache` when it holds a snapshot of it
    /// (and saved there when it is built). `source` names where the data came from
    /// (``DataBundle/sourceName(explicit:environment:)``).
    public init(bundle: DataBundle, cache: MatcherCache, source: String) throws {
        try self.init(bundle: bundle) { bundle, catalog in cache.matcher(for: bundle, catalog: catalog, source: source).0 }
    }

    /// Like `init(checking:)`, with the matcher from `cache` as in ``init(bundle:cache:source:)``.
    public init(checking bundle: DataBundle, cache: MatcherCache, source: String) throws {
        self = try Self.checking(bundle, cache: cache, source: source).engine
    }

    /// ``init(checking:cache:source:)``, and where its matcher came from (read or built).
    public static func checking(_ bundle: DataBundle, cache: MatcherCache,
                                source: String) throws -> (engine: DialogueEngine, model: MatcherCache.Outcome) {
        var model = MatcherCache.Outcome.off
        let engine = try DialogueEngine(checking: bundle) { bundle, catalog in
            let (matcher, outcome) = cache.matcher(for: bundle, catalog: catalog, source: source)
            model = outcome
            return matcher
        }
        return (engine, model)
    }
}
