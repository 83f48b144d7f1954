import ArgumentParser
import Foundation
import HelplineDialogue
import HelplineFiles
import HelplineIntents

/// The customer a chat runs as: a `--profile FILE`, else the demo profile in the data.
struct ProfileChoice {
    var profile: Profile
    /// The file given with `--profile`, as given; `nil` for the demo profile.
    var path: String?

    /// The profile file's name a transcript names, or `nil` to write the profile inline.
    var transcriptFile: String? { path == nil ? "demo-profile.yaml" : nil }

    static func resolve(path: String?, bundle: DataBundle) throws -> ProfileChoice {
        if let path {
            do {
                return ProfileChoice(profile: try Profile.load(contentsOf: URL(fileURLWithPath: path)), path: path)
            } catch {
                throw ChatError("cannot load the profile: \(error)")
            }
        }
        do {
            // The demo's bookings dated relative to today, so its trips are ahead of the real clock.
            return ProfileChoice(profile: try Profile.demo(in: bundle, now: Date()), path: nil)
        } catch {
            throw ChatError("cannot load the demo profile: \(error)")
        }
    }
}
