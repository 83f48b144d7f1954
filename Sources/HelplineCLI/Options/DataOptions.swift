import ArgumentParser
import HelplineFiles
import HelplineDialogue
import HelplineIntents

/// Where the intent data comes from: `--intents DIR`, then `$HELPLINE_INTENTS`, then the built-in copy.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("intents"), help: ArgumentHelp("Folder of intent data (default: $HELPLINE_INTENTS, else the built-in copy).", valueName: "dir"))
    var intentsDirectory: String?

    /// The data bundle to run on.
    func bundle() throws -> DataBundle {
        do {
            return try DataBundle.resolve(explicit: intentsDirectory)
        } catch {
            throw ValidationError("cannot load intent data: \(error)")
        }
    }

    /// Where the data comes from: the folder's path, or `built-in`.
    var sourceName: String { DataBundle.sourceName(explicit: intentsDirectory) }

    /// The matcher for the bundle: read from the model snapshot cache when it holds one for this
    /// data and this executable, else built (and saved there) — see `MatcherCache`.
    func matcher(for bundle: DataBundle) throws -> IntentMatcher {
        do {
            return try MatcherCache.standard().matcher(for: bundle, source: sourceName).0
        } catch {
            throw ValidationError("cannot load intent data: \(error)")
        }
    }

    /// The matcher for the data (see `matcher(for:)`).
    func matcher() throws -> IntentMatcher { try matcher(for: try bundle()) }

    /// The dialogue engine for the bundle, its matcher from the snapshot cache (see `matcher(for:)`).
    func engine(for bundle: DataBundle) throws -> DialogueEngine {
        try DialogueEngine(bundle: bundle, cache: .standard(), source: sourceName)
    }

    /// The intents and settings decoded from the bundle.
    func catalog() throws -> IntentCatalog {
        let bundle = try bundle()
        do {
            return try IntentCatalog(bundle: bundle)
        } catch {
            throw ValidationError("cannot load intent data: \(error)")
        }
    }
}
