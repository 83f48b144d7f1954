import ArgumentParser
import Foundation
import HelplineDialogue
import HelplineEvaluation
import HelplineFiles
import HelplineIntents
import HelplinePostgres
import HelplineReview
import HelplineServer
import Logging

/// `helpline review`: what real customers wrote that the matcher rejected, was unsure about, or
/// that the customer undid at once; and `--merge` to add corrected lines to the intents.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review what customers wrote that the matcher missed, and merge corrected lines into the intents.",
        discussion: """
            helpline review --db PATH reads the daemon's database read-only (safe while it runs; a \
            postgres:// URL reads a PostgreSQL database the same way), replays \
            each stored session through the dialogue and lists the messages written to choose a topic that \
            the matcher rejected, was unsure about, or that the customer undid at once («назад» or «меню» \
            next, or another topic at the next step), grouped by similar wording, with counts, the matcher's \
            guesses and the topic the session went on to. With --tsv FILE it writes intent<TAB>text lines, \
            the intent filled with the likeliest answer, for a person to correct.

            helpline review --merge FILE.tsv adds the lines of a corrected file to the intent files in \
            --intents DIR (default ./Intents): `none` lines go to config/offtopic.yaml. Lines already among \
            the examples, and lines that repeat a test-set line (--test-set, default the project's test \
            sets when run from its folder), are skipped. A malformed line or an unknown intent is refused \
            with its line number and nothing is merged.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The daemon's database to review: a SQLite file, or a postgres:// URL.", valueName: "path-or-url"))
    var db: String?

    @Option(name: .customLong("intents"), help: ArgumentHelp("Folder of intent data: what the review runs on (default: $HELPLINE_INTENTS, else the built-in copy); with --merge, the folder merged into (default: ./Intents).", valueName: "dir"))
    var intentsDirectory: String?

    @Option(name: .long, help: ArgumentHelp("Write the reviewed wordings as intent<TAB>text lines to this file ('-' for standard output).", valueName: "file"))
    var tsv: String?

    @Option(name: .long, help: "How many groups to list.")
    var limit = 40

    @Option(name: .customLong("unsure-below"), help: "A chosen intent with less confidence than this counts as unsure.")
    var unsureBelow = 0.6

    @Option(name: .long, help: ArgumentHelp("Merge this corrected intent<TAB>text file into the intents folder.", valueName: "file"))
    var merge: String?

    @Option(name: .customLong("test-set"), help: ArgumentHelp("A test set whose lines merged examples must not repeat (repeatable).", valueName: "file"))
    var testSets: [String] = []

    @Flag(name: .customLong("dry-run"), help: "With --merge: say what would be added, change nothing.")
    var dryRun = false

    func validate() throws {
        if merge == nil, db == nil { throw ValidationError("give --db PATH to review, or --merge FILE to merge") }
        if merge != nil, db != nil { throw ValidationError("--merge and --db are separate steps; give one") }
        if merge == nil, dryRun { throw ValidationError("--dry-run goes with --merge") }
        if !(0...1).contains(unsureBelow) { throw ValidationError("--unsure-below is a confidence between 0 and 1") }
        if limit < 0 { throw ValidationError("--limit cannot be negative") }
    }

    func run() async throws {
        if let merge {
            try runMerge(merge)
        } else if let db {
            try await runReview(db)
        }
    }

    // MARK: Review

    private func runReview(_ path: String) async throws {
        let engine: DialogueEngine
        do {
            engine = try DialogueEngine(bundle: try DataBundle.resolve(explicit: intentsDirectory))
        } catch {
            throw ValidationError("cannot load intent data: \(error)")
        }
        let stored: (sessions: [ConversationArchive.Session], skipped: Int)
        do {
            stored = try await Self.storedSessions(path)
        } catch {
            throw ReviewFailure("cannot read the database: \(error)")
        }
        let report = Reviewer(engine: engine, unsureBelow: unsureBelow).review(stored.sessions, skipped: stored.skipped)
        if let tsv {
            let text = Self.tsv(report)
            if tsv == "-" {
                print(text, terminator: "")
                return
            }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: tsv), options: .atomic)
            } catch {
                throw ReviewFailure("cannot write \(tsv): \(error.localizedDescription)")
            }
        }
        print(Self.readable(report, limit: limit))
        if let tsv {
            let lines = report.groups.reduce(0) { $0 + $1.texts.count }
            print("\(lines) lines written to \(tsv): correct the intents, then run helpline review --merge \(tsv)")
        }
    }

    /// The stored sessions of a SQLite file, or of a PostgreSQL database given by its URL.
    static func storedSessions(_ database: String) async throws -> (sessions: [ConversationArchive.Session], skipped: Int) {
        guard PostgresLocation.isURL(database) else { return try ConversationArchive(path: database).sessions() }
        var logger = Logger(label: "helpline.review")
        logger.logLevel = .warning
        let store = try await PostgresSessionStore.open(
            PostgresStoreConfiguration(location: try PostgresLocation(url: database), poolSize: 1, timeout: .seconds(600)),
            logger: logger)
        do {
            let sessions = try await store.reviewSessions()
            try await store.close()
            return sessions
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// The report for a person: a summary line, then each group with its counts and guesses.
    static func readable(_ report: ReviewReport, limit: Int) -> String {
        let flagged = report.groups.reduce(0) { $0 + $1.count }
        var lines = ["\(report.sessions) sessions, \(report.messages) customer messages; \(flagged) flagged in \(report.groups.count) groups"]
        if report.skippedSessions > 0 {
            lines.append("(\(report.skippedSessions) sessions left out: their stored profile could not be read)")
        }
        for group in report.groups.prefix(limit) {
            lines.append("")
            let reasons = group.reasons.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            lines.append("\(group.count)× «\(oneLine(group.texts[0].text))» — \(reasons)")
            for other in group.texts.dropFirst().prefix(4) {
                lines.append("    also \(other.count)× «\(oneLine(other.text))»")
            }
            if group.texts.count > 5 { lines.append("    and \(group.texts.count - 5) more wordings") }
            let guesses = group.guesses.prefix(3).map { "\($0.id.wireValue) \(String(format: "%.2f", $0.confidence))" }
            lines.append("    matcher: " + guesses.joined(separator: ", "))
            if !group.laterTopics.isEmpty {
                lines.append("    went on to: " + group.laterTopics.prefix(3).map { "\($0.topic) \($0.count)" }.joined(separator: ", "))
            }
        }
        if report.groups.count > limit { lines += ["", "… \(report.groups.count - limit) more groups (--limit)"] }
        return lines.joined(separator: "\n")
    }

    /// `intent<TAB>text` lines, one per distinct wording, the intent filled with the group's likeliest.
    static func tsv(_ report: ReviewReport) -> String {
        var out = "# helpline review: correct the intent of each line (none for off-topic), delete lines to leave out, then merge.\n"
        for group in report.groups {
            for text in group.texts {
                out += "\(group.suggestedIntent.wireValue)\t\(oneLine(text.text))\n"
            }
        }
        return out
    }

    /// The text on one line: tabs and line breaks read as spaces.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }

    // MARK: Merge

    private func runMerge(_ file: String) throws {
        guard let data = FileManager.default.contents(atPath: file), let tsv = String(data: data, encoding: .utf8) else {
            throw ReviewFailure("cannot read \(file) as UTF-8 text")
        }
        let directory = URL(fileURLWithPath: intentsDirectory ?? "Intents")
        var testFiles = testSets
        if testFiles.isEmpty {
            let data = "Tests/HelplineIntentsTests/Data"
            testFiles = ["testset.tsv", "realset.tsv"].map { "\(data)/\($0)" }
                .filter { FileManager.default.fileExists(atPath: $0) }
        }
        var testLines: [String] = []
        for testFile in testFiles {
            guard let content = FileManager.default.contents(atPath: testFile) else {
                throw ReviewFailure("cannot read the test set \(testFile)")
            }
            do {
                testLines += try LabeledMessage.parseTSV(String(decoding: content, as: UTF8.self)).map(\.text)
            } catch {
                throw ReviewFailure("\(testFile): \(error)")
            }
        }
        let outcome: ExampleMerge.Outcome
        do {
            if dryRun {
                let bundle = try DataBundle.directory(directory)
                outcome = try ExampleMerge(bundle: bundle, testLines: testLines).plan(tsv).outcome
            } else {
                outcome = try ExampleMerge.merge(tsv, into: directory, testLines: testLines)
            }
        } catch let error as MergeError {
            throw ReviewFailure("\(file): \(error); nothing merged")
        }
        let verb = dryRun ? "would add" : "added"
        var lines = ["\(verb) \(outcome.addedTotal) examples" + (outcome.added.isEmpty ? "" : ":")]
        for (path, count) in outcome.added.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(path): \(count)")
        }
        lines.append("skipped \(outcome.duplicates) already among the examples, \(outcome.repeatsTestLine) repeating a test line"
                     + (testFiles.isEmpty ? " (no test set given)" : ""))
        print(lines.joined(separator: "\n"))
    }
}

/// A review or merge that could not be done; printed as the error, exit status 1.
struct ReviewFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
