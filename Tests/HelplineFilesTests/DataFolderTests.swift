import Foundation
import HelplineFiles
import HelplineIntents
import Testing

struct DataFolderTests {
    /// A folder is read as its YAML and JSON files, keyed by their path inside it; other files are left out.
    @Test func readsTheDataFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "helpline-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appending(path: "config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("id: returns\n".utf8).write(to: folder.appending(path: "returns.yaml"))
        try Data("{}".utf8).write(to: folder.appending(path: "config/settings.json"))
        try Data("notes".utf8).write(to: folder.appending(path: "README.md"))
        let bundle = try DataBundle.directory(folder)
        #expect(bundle.files == ["returns.yaml": "id: returns\n", "config/settings.json": "{}"])
    }

    /// `--intents` wins over `$HELPLINE_INTENTS`, which wins over the copy built into the binary.
    @Test func resolvesInOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "helpline-data-\(UUID().uuidString)")
        let other = FileManager.default.temporaryDirectory.appending(path: "helpline-data-\(UUID().uuidString)")
        for (url, id) in [(folder, "explicit"), (other, "environment")] {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Data("id: \(id)\n".utf8).write(to: url.appending(path: "a.yaml"))
        }
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: other)
        }
        let environment = ["HELPLINE_INTENTS": other.path]
        #expect(try DataBundle.resolve(explicit: folder.path, environment: environment).files["a.yaml"] == "id: explicit\n")
        #expect(try DataBundle.resolve(explicit: nil, environment: environment).files["a.yaml"] == "id: environment\n")
        #expect(try DataBundle.resolve(explicit: nil, environment: [:]) == .embedded)
    }
}
