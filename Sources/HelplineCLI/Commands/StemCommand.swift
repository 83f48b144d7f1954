import ArgumentParser
import Foundation
import HelplineText

/// `helpline stem`: Snowball Russian stems of words read one per line, like Snowball's `stemwords`.
struct StemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stem",
        abstract: "Print the Snowball Russian stem of each word read from standard input, one per line."
    )

    func run() throws {
        var output: [UInt8] = []
        output.reserveCapacity(1 << 16)
        let stdout = FileHandle.standardOutput
        while let line = readLine(strippingNewline: true) {
            let word = line.hasSuffix("\r") ? String(line.dropLast()) : line
            output.append(contentsOf: RussianStemmer.stem(word.lowercased()).utf8)
            output.append(0x0A)
            if output.count >= 1 << 16 {
                stdout.write(Data(output))
                output.removeAll(keepingCapacity: true)
            }
        }
        if !output.isEmpty { stdout.write(Data(output)) }
    }
}
