import Foundation

// Usage: EmbedDataTool ROOT OUTPUT.swift
// Writes a Swift file defining `EmbeddedData.files`: every regular file under ROOT,
// keyed by its path relative to ROOT, as UTF-8 bytes.

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: EmbedDataTool ROOT OUTPUT\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL
let output = URL(fileURLWithPath: arguments[2])

var files: [(String, Data)] = []
if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
    for case let url as URL in walker {
        guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
        let full = url.standardizedFileURL.path
        var relative = String(full.dropFirst(root.path.count))
        while relative.hasPrefix("/") { relative.removeFirst() }
        if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
        files.append((relative, try Data(contentsOf: url)))
    }
}
files.sort { $0.0 < $1.0 }

var source = "// Generated at build time from Intents/ by EmbedDataTool. Do not edit.\n"
source += "enum EmbeddedData {\n"
source += "    /// Every file under Intents/, keyed by its path relative to that folder.\n"
source += "    static let files: [String: String] = [\n"
for (path, data) in files {
    guard let text = String(data: data, encoding: .utf8) else {
        FileHandle.standardError.write(Data("EmbedDataTool: \(path) is not UTF-8\n".utf8))
        exit(1)
    }
    // A raw multi-line literal whose delimiter cannot occur in the text.
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    let escapedPath = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    source += "        \"\(escapedPath)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
source += "    ]\n}\n"

let existing = try? Data(contentsOf: output)
let fresh = Data(source.utf8)
if existing != fresh {
    try fresh.write(to: output, options: .atomic)
}
