import Foundation
import HelplineFiles
import HelplineIntents
import Testing

struct DataFolderTests {
    /// A folder is read as its YAML, JSON and word-list files, keyed by their path inside it;
    /// other files are left out.
    @Test func readsTheDataFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "helpline-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appending(path: "config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("id: returns\n".utf8).write(to: folder.appending(path: "returns.yaml"))
        try Data("{}".utf8).write(to: folder.appending(path: "config/settings.json"))
        try Data("notes".utf8).write(to: folder.appending(path: "README.md"))
        try Data("доставк\n".utf8).write(to: folder.appending(path: "config/known-stems.txt"))
        let bundle = try DataBundle.directory(folder)
        #expect(bundle.files == ["returns.yaml": "id: returns\n", "config/settings.json": "{}",
                                 "config/known-stems.txt": "доставк\n"])
    }

    /// `--intents Intents` runs on the same data as the copy built into the binary: every data
    /// file the embedded copy holds is read from the folder, word lists included.
    @Test func theShippedFolderReadsAsTheEmbeddedCopy() throws {
        let intents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Intents")
        let folder = try DataBundle.directory(intents)
        let data = DataBundle.embedded.files.filter { !$0.key.hasSuffix(".md") }
        #expect(Set(folder.files.keys) == Set(data.keys))
        #expect(folder.files[IntentCatalog.knownStemsFile] != nil)
        let stems = try IntentCatalog(bundle: folder).knownStems
        #expect(stems.common.count + stems.rare.count > 1000)
        #expect(stems.common == (try IntentCatalog(bundle: .embedded).knownStems.common))
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
