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
            --jobs threads (the output keeps the input's order). A short line seen before \
            (greetings, menu numbers and short questions recur) is answered from the first one's \
            output, not classified again.
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
        var seen = SeenLines()
        while let lines = reader.next(upTo: Self.batchSize) {
            output.append(Self.classify(lines, with: matcher, json: json, workers: workers, seen: &seen))
        }
    }

    /// Lines classified together: enough to keep the threads busy, few enough to stream.
    static let batchSize = 2048

    /// The output lines of the lines classified so far, by line: the classification depends on the
    /// text alone, so a line seen before gets the same output without being classified again.
    /// Lines are told apart by their bytes (as the output writes them), and hashed by their bytes
    /// too: `String`'s own hashing normalizes Cyrillic text first, which cost more than it saved.
    /// Holds at most `limit` lines, each of at most `longest` bytes of output (long stories rarely
    /// come twice, and this keeps what is held to a few tens of megabytes whatever the input); past
    /// `limit` it starts over.
    struct SeenLines {
        var outputs: [ByteKey: [UInt8]] = [:]
        var limit = 32_768
        var longest = 1_024
    }

    /// The output of `lines`, in order: each line not in `seen` (and not already earlier in
    /// `lines`) classified once, on `workers` threads; `seen` then holds them too.
    static func classify(_ lines: [String], with matcher: IntentMatcher, json: Bool, workers: Int,
                         seen: inout SeenLines) -> [UInt8] {
        var isFresh: Set<ByteKey> = []
        let fresh = lines.filter { line in
            let key = ByteKey(line)
            return seen.outputs[key] == nil && isFresh.insert(key).inserted
        }
        let shares = max(1, min(workers, fresh.count / 64))
        // Each share: its lines' output bytes back to back, and where each line's output ends.
        let blocks = ResultSlots<(bytes: [UInt8], ends: [Int])>(count: shares)
        DispatchQueue.concurrentPerform(iterations: shares) { share in
            let range = (fresh.count * share / shares)..<(fresh.count * (share + 1) / shares)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(range.count * 256)
            var ends: [Int] = []
            ends.reserveCapacity(range.count)
            for index in range {
                append(fresh[index], matcher.classify(fresh[index]), json: json, to: &bytes)
                ends.append(bytes.count)
            }
            blocks[share] = (bytes, ends)
        }
        var outputs: [ByteKey: [UInt8]] = [:]
        outputs.reserveCapacity(fresh.count)
        var next = 0
        for block in blocks.values {
            var start = 0
            for end in block.ends {
                outputs[ByteKey(fresh[next])] = Array(block.bytes[start..<end])
                start = end
                next += 1
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.count * 256)
        for line in lines {
            let key = ByteKey(line)
            if let output = outputs[key] ?? seen.outputs[key] { bytes.append(contentsOf: output) }
        }
        if seen.outputs.count + outputs.count > seen.limit { seen.outputs.removeAll(keepingCapacity: true) }
        for (line, output) in outputs where output.count <= seen.longest { seen.outputs[line] = output }
        return bytes
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
