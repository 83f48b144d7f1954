import Foundation
import HelplineDialogue

extension Profile {
    /// Reads a profile file (`--profile FILE`), JSON or YAML.
    public static func load(contentsOf url: URL) throws -> Profile {
        let data: Data
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ProfileError("\(url.path): no such file")
        }
        guard !isFolder.boolValue else { throw ProfileError("\(url.path): is a folder, not a profile file") }
        do { data = try Data(contentsOf: url) } catch {
            throw ProfileError("\(url.path): cannot be read (check its permissions)")
        }
        do { return try load(from: data) } catch let error as ProfileError {
            throw ProfileError("\(url.path): \(error.message)")
        }
    }
}
