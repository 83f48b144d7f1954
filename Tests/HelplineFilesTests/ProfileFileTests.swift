import Foundation
import HelplineDialogue
import HelplineFiles
import Testing

struct ProfileFileTests {
    /// A profile file is read from disk, and an unreadable path is an error naming it.
    @Test func loadsFile() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "helpline-profile-\(UUID().uuidString).json")
        try Data(#"{"id":"f1","name":"Файл"}"#.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try Profile.load(contentsOf: url).name == "Файл")
        #expect { try Profile.load(contentsOf: url.appending(path: "missing")) } throws: { error in
            "\(error)".contains("missing")
        }
    }
}
