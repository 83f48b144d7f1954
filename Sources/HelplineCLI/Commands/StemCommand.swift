import ArgumentParser
import Foundation
import HelplineText

/// `helpline stem`: Snowball Russian stems, like Snowball's `stemwords` for one word a line.
struct StemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stem",
        abstract: "Print the Snowball Russian stems of the words of each TEXT, or of each line of standard input.",
        discussion: """
            Each TEXT argument, or each input line when there are none, gives one output line: the stems \
            of its words (split at spaces), lower-cased, separated by single spaces. A file of one word \
            a line gives the output of Snowball's `stemwords`.
            """
    )

    @Argument(help: "Texts whose words to stem (default: each line of standard input).")
    var texts: [String] = []

    /// The stems of a line's words, space-separated.
    static func stems(of line: String) -> String {
        line.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map { RussianStemmer.stem(String($0)) }
            .joined(separator: " ")
    }

    func run() throws {
        if !texts.isEmpty {
            for text in texts { print(Self.stems(of: text)) }
            return
        }
        var output: [UInt8] = []
        output.reserveCapacity(1 << 16)
        let stdout = FileHandle.standardOutput
        while let line = readLine(strippingNewline: true) {
            let text = line.hasSuffix("\r") ? String(line.dropLast()) : line
            output.append(contentsOf: Self.stems(of: text).utf8)
            output.append(0x0A)
            if output.count >= 1 << 16 {
                stdout.write(Data(output))
                output.removeAll(keepingCapacity: true)
            }
        }
        if !output.isEmpty { stdout.write(Data(output)) }
    }
}
