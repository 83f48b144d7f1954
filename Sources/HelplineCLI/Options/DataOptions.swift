import ArgumentParser
import HelplineFiles
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
