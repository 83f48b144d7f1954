import ArgumentParser
import Foundation
import HelplineIntents
import HelplineText

/// `helpline classify`: the matcher's answer for each message, as a readable line or as JSON.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify messages into intents.",
        discussion: """
            Classifies each TEXT argument, or each line of standard input when there are none. \
            With --json, prints exactly one JSON object per input, in order, with "intent":"none" \
            when the message fits no intent:

            {"text":…,"intent":…,"confidence":…,"alternatives":[…],"entities":[…],"ambiguous":…}

            Standard input is read and written in large blocks, and its lines are classified on \
            --jobs threads (the output keeps the input's order).
            """
    )

    @OptionGroup var data: DataOptions

    @Flag(name: .long, help: "Print one JSON object per input line.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Threads classifying standard input (default: the processor count).", valueName: "n"))
    var jobs: Int?

    @Argument(help: "Messages to classify (default: each line of standard input).")
    var texts: [String] = []

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs needs at least 1") }
    }

    func run() throws {
        let matcher = try data.matcher()
        var output = OutputBuffer(fileDescriptor: STDOUT_FILENO)
        defer { output.flush() }
        if !texts.isEmpty {
            var bytes: [UInt8] = []
            for text in texts { Self.append(text, matcher.classify(text), json: json, to: &bytes) }
            output.append(bytes)
            return
        }
        let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        var reader = LineReader(fileDescriptor: STDIN_FILENO)
        while let lines = reader.next(upTo: Self.batchSize) {
            for chunk in Self.classify(lines, with: matcher, json: json, workers: workers) { output.append(chunk) }
        }
    }

    /// Lines classified together: enough to keep the threads busy, few enough to stream.
    static let batchSize = 2048

    /// The output of `lines`, classified on `workers` threads: one byte block per contiguous
    /// share of the lines, in order.
    static func classify(_ lines: [String], with matcher: IntentMatcher, json: Bool, workers: Int) -> [[UInt8]] {
        let shares = max(1, min(workers, lines.count / 64))
        let blocks = ResultSlots<[UInt8]>(count: shares)
        DispatchQueue.concurrentPerform(iterations: shares) { share in
            let range = (lines.count * share / shares)..<(lines.count * (share + 1) / shares)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(range.count * 256)
            for index in range { append(lines[index], matcher.classify(lines[index]), json: json, to: &bytes) }
            blocks[share] = bytes
        }
        return blocks.values
    }

    /// Appends one message's line, JSON or readable.
    static func append(_ text: String, _ result: Classification, json: Bool, to bytes: inout [UInt8]) {
        if json {
            ClassificationFormat.appendJSON(text: text, result, to: &bytes)
        } else {
            ClassificationFormat.appendReadable(text: text, result, to: &bytes)
        }
    }
}
