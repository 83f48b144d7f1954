import Foundation
import HelplineEvaluation
import HelplineFiles
import HelplineIntents

/// Adds reviewed `intent<TAB>text` lines to the intents' example lists.
///
/// All or nothing: a line that is malformed, names an unknown intent, or cannot be an example is
/// refused with its line number and no file is changed. Lines that are already examples, or that
/// repeat a line of a test set (three words or more, at least 80 % of the words the same — the
/// rule the test sets are kept apart by), are skipped and counted. The new examples are appended
/// to the end of each file's `examples:` list, leaving the rest of the file — comments, order,
/// quoting — as it was; the result is loaded as a whole catalog before anything is written.
public struct ExampleMerge: Sendable {
    /// What a merge did or would do.
    public struct Outcome: Sendable, Hashable {
        /// New examples per file (relative to the intents folder).
        public var added: [String: Int] = [:]
        /// Lines skipped because the same wording is already an example (or came earlier in the file).
        public var duplicates = 0
        /// Lines skipped because they repeat a test line.
        public var repeatsTestLine = 0

        public var addedTotal: Int { added.values.reduce(0, +) }
    }

    /// The longest example accepted, in characters.
    public static let maximumLength = 1_000

    /// The intents' data as it is now, keyed by path relative to the intents folder.
    public var bundle: DataBundle
    /// The texts of the test sets' lines the examples must stay apart from.
    public var testLines: [String]

    public init(bundle: DataBundle, testLines: [String]) {
        self.bundle = bundle
        self.testLines = testLines
    }

    /// Works out the merge of `tsv` without writing: the outcome and the changed files' new contents.
    /// Throws ``MergeError`` naming the first bad line; then nothing may be written.
    public func plan(_ tsv: String) throws -> (outcome: Outcome, files: [String: String]) {
        let catalog: IntentCatalog
        do {
            catalog = try IntentCatalog(bundle: bundle)
        } catch {
            throw MergeError(line: nil, message: "the intents folder does not load: \(error)")
        }
        let known = Set(catalog.intents.map(\.id))
        let lines: [LabeledMessage]
        do {
            lines = try LabeledMessage.parseTSV(tsv, knownIntents: known)
        } catch let error as TestSetError {
            throw MergeError(line: error.line, message: error.message)
        }
        for line in lines {
            if line.text.count > Self.maximumLength {
                throw MergeError(line: line.line, message: "the text is longer than \(Self.maximumLength) characters")
            }
            if line.text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw MergeError(line: line.line, message: "the text contains a control character")
            }
        }

        var existing = Set((catalog.intents.flatMap(\.examples) + catalog.offTopicExamples).map(Self.wordKey))
        let tests = testLines.map(Apartness.words).filter { $0.count >= Apartness.minimumWords }
        var outcome = Outcome()
        var additions: [String: [String]] = [:]
        for line in lines {
            let key = Self.wordKey(line.text)
            guard existing.insert(key).inserted else {
                outcome.duplicates += 1
                continue
            }
            if Apartness.repeats(line.text, anyOf: tests) {
                outcome.repeatsTestLine += 1
                continue
            }
            let file = line.intent.map { "\($0).yaml" } ?? "config/offtopic.yaml"
            additions[file, default: []].append(line.text)
        }

        var files: [String: String] = [:]
        for (file, texts) in additions {
            guard let content = bundle.files[file] else {
                throw MergeError(line: nil, message: "\(file) is not in the intents folder")
            }
            files[file] = Self.appendExamples(texts, to: content)
            outcome.added[file] = texts.count
        }
        // The merged data must load as a whole, as the daemon will load it.
        var merged = bundle
        merged.files.merge(files) { $1 }
        do {
            let after = try IntentCatalog(bundle: merged)
            let before = catalog.intents.reduce(catalog.offTopicExamples.count) { $0 + $1.examples.count }
            let now = after.intents.reduce(after.offTopicExamples.count) { $0 + $1.examples.count }
            guard now == before + outcome.addedTotal else {
                throw MergeError(line: nil, message: "the examples did not land in the examples lists (\(now - before) of \(outcome.addedTotal)); nothing merged")
            }
        } catch let error as MergeError {
            throw error
        } catch {
            throw MergeError(line: nil, message: "the merged data would not load (\(error)); nothing merged")
        }
        return (outcome, files)
    }

    /// Merges `tsv` into the folder at `directory`: plans it, then writes each changed file whole.
    public static func merge(_ tsv: String, into directory: URL, testLines: [String]) throws -> Outcome {
        let bundle: DataBundle
        do {
            bundle = try DataBundle.directory(directory)
        } catch {
            throw MergeError(line: nil, message: "cannot read \(directory.path): \(error)")
        }
        let (outcome, files) = try ExampleMerge(bundle: bundle, testLines: testLines).plan(tsv)
        for (file, content) in files.sorted(by: { $0.key < $1.key }) {
            try Data(content.utf8).write(to: directory.appendingPathComponent(file), options: .atomic)
        }
        return outcome
    }

    // MARK: - The examples list

    /// `content` with `texts` appended to its top-level `examples:` list (created at the end when
    /// the file has none), each as a double-quoted YAML string, indented like the list's items.
    static func appendExamples(_ texts: [String], to content: String) -> String {
        var lines = content.components(separatedBy: "\n")
        let trailingNewline = lines.last == ""
        if trailingNewline { lines.removeLast() }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("examples:") }) else {
            var out = lines + ["examples:"] + texts.map { "  - " + quoted($0) }
            out.append("")
            return out.joined(separator: "\n")
        }
        // The block runs until the next top-level key; its last item line is where to append after.
        var end = start
        var indent = "  "
        var index = start + 1
        var sawItem = false
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " }
            if !line.isEmpty, !line.hasPrefix(" "), !line.hasPrefix("-"), !line.hasPrefix("#") { break }
            if trimmed.hasPrefix("- ") || trimmed == "-" {
                if !sawItem { indent = String(line.prefix { $0 == " " }) }
                sawItem = true
                end = index
            } else if sawItem, !trimmed.isEmpty, !trimmed.hasPrefix("#") {
                end = index  // a continuation of the last item
            }
            index += 1
        }
        lines.insert(contentsOf: texts.map { indent + "- " + quoted($0) }, at: end + 1)
        return lines.joined(separator: "\n") + (trailingNewline ? "\n" : "")
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // MARK: - Comparing wordings

    /// The wording of a text as its word sequence, for spotting exact duplicates.
    static func wordKey(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
    }
}

/// A merge file that cannot be merged; nothing was changed.
public struct MergeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line of the merge file at fault, when one is.
    public var line: Int?
    public var message: String

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}
