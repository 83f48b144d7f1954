import Foundation
import HelplineDialogue
import HelplineIntents

extension Profile {
    /// Reads a JSON profile file.
    static func load(contentsOf url: URL) throws -> Profile {
        try JSONDecoder().decode(Profile.self, from: Data(contentsOf: url))
    }

    /// The demo customer in `config/demo-profile.json` of the data.
    static func demo(in bundle: DataBundle) throws -> Profile {
        guard let text = bundle.files["config/demo-profile.json"] else {
            throw DataError(file: "config/demo-profile.json", message: "missing from the data folder")
        }
        return try JSONDecoder().decode(Profile.self, from: Data(text.utf8))
    }
}
