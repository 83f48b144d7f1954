import HelplineIntents

extension DialogueEngine {
    /// Loads an engine from `bundle` for serving: like ``init(bundle:)``, and refuses data that
    /// loads but cannot serve — a folder with no intents, an intent without examples (see
    /// `IntentCatalog.checkServable()`). Prompts with unknown placeholders are refused by
    /// ``Prompts/init(yaml:)``. Every error names the file at fault.
    public init(checking bundle: DataBundle) throws {
        // Before decoding, whose first complaint would be about a file that names missing intents.
        guard bundle.files.keys.contains(where: { !$0.contains("/") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }) else {
            throw DataError(file: "the data folder", message: "has no intent files (*.yaml at its top level)")
        }
        try IntentCatalog(bundle: bundle).checkServable()
        try self.init(bundle: bundle)
    }
}
