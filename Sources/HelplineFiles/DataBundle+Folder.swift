import Foundation
import HelplineIntents

// Reading the intent data from disk: the front ends' part, so the matcher and the dialogue only
// ever see texts already read.

extension DataBundle {
    /// Reads every data file under a folder: `.yaml`, `.yml` and `.json`, and `.txt` word lists
    /// (`config/known-stems.txt`), as the embedded copy holds them.
    public static func directory(_ url: URL) throws -> DataBundle {
        var files: [String: String] = [:]
        let root = url.standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw DataError(file: root.path, message: "cannot read the folder")
        }
        for case let file as URL in walker {
            guard ["yaml", "yml", "json", "txt"].contains(file.pathExtension) else { continue }
            let full = file.standardizedFileURL.path
            var relative = String(full.dropFirst(root.path.count))
            while relative.hasPrefix("/") { relative.removeFirst() }
            guard let data = FileManager.default.contents(atPath: full),
                  let text = String(data: data, encoding: .utf8) else {
                throw DataError(file: relative, message: "cannot be read as UTF-8")
            }
            files[relative] = text
        }
        return DataBundle(files: files)
    }

    /// The data to run on: `explicit` (a `--intents DIR` option) if given, else `$HELPLINE_INTENTS`,
    /// else the embedded copy.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DataBundle {
        if let path = explicit ?? environment["HELPLINE_INTENTS"], !path.isEmpty {
            return try directory(URL(fileURLWithPath: path))
        }
        return embedded
    }

    /// Where ``resolve(explicit:environment:)`` takes the data from: the folder's path, or
    /// `built-in` for the embedded copy.
    public static func sourceName(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = explicit ?? environment["HELPLINE_INTENTS"], !path.isEmpty {
            return URL(fileURLWithPath: path).standardizedFileURL.path
        }
        return "built-in"
    }
}
