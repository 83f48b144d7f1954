import HelplineIntents

extension DialogueEngine {
    /// Loads an engine from `bundle` for serving: like ``init(bundle:)``, and refuses data that
    /// loads but cannot serve — a folder with no intents, an intent without examples (see
    /// `IntentCatalog.checkServable()`). Prompts with unknown placeholders are refused by
    /// ``Prompts/init(yaml:)``. Every error names the file at fault.
    public init(checking bundle: DataBundle) throws {
        try self.init(checking: bundle) { _, catalog in IntentMatcher(catalog: catalog) }
    }

    /// Like ``init(checking:)``, with the matcher made by `makeMatcher` from the bundle and the
    /// catalog decoded from it (once): a model snapshot's, say, instead of one built here.
    public init(checking bundle: DataBundle,
                matcher makeMatcher: (DataBundle, IntentCatalog) throws -> IntentMatcher) throws {
        // Before decoding, whose first complaint would be about a file that names missing intents.
        guard bundle.files.keys.contains(where: { !$0.contains("/") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }) else {
            throw DataError(file: "the data folder", message: "has no intent files (*.yaml at its top level)")
        }
        let catalog = try IntentCatalog(bundle: bundle)
        try catalog.checkServable()
        try self.init(bundle: bundle, catalog: catalog, matcher: makeMatcher)
    }

    /// Like ``init(bundle:)``, with the matcher made by `makeMatcher` from the bundle and its catalog.
    public init(bundle: DataBundle, matcher makeMatcher: (DataBundle, IntentCatalog) throws -> IntentMatcher) throws {
        try self.init(bundle: bundle, catalog: nil, matcher: makeMatcher)
    }

    private init(bundle: DataBundle, catalog: IntentCatalog?,
                 matcher makeMatcher: (DataBundle, IntentCatalog) throws -> IntentMatcher) throws {
        let prompts = try Prompts(bundle: bundle)
        let rules = try DialogueRules(bundle: bundle)
        let catalog = try catalog ?? IntentCatalog(bundle: bundle)
        for topic in rules.orderRequests.keys.sorted() where catalog.intent(topic)?.kind != .topic {
            throw DataError(file: DialogueRules.path, message: "`order_requests` names «\(topic)», which is no topic's id")
        }
        let matcher = try makeMatcher(bundle, catalog)
        self.init(matcher: matcher, prompts: prompts, rules: rules)
    }
}
