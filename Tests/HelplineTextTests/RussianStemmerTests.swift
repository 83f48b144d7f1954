import Foundation
import Testing
@testable import HelplineText

/// The Snowball reference vocabulary next to the repository (`../shared/data/snowball-russian`).
enum SnowballData {
    static var folder: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // HelplineTextTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()  // the folder holding the repository
            .appendingPathComponent("shared/data/snowball-russian")
    }

    /// The lines of one file of the reference data, or nil when the folder is absent.
    static func lines(_ name: String) throws -> [Substring]? {
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map { $0 }
    }
}

struct RussianStemmerTests {
    /// Every word of the Snowball reference vocabulary stems exactly as the reference output does.
    @Test func fullReferenceVocabulary() throws {
        guard let words = try SnowballData.lines("voc.txt"), let stems = try SnowballData.lines("output.txt") else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("Snowball reference data missing at \(SnowballData.folder.path); CI requires it")
            } else {
                print("note: Snowball reference data not found at \(SnowballData.folder.path); stemmer comparison not run")
            }
            return
        }
        #expect(words.count == 49_785)
        #expect(stems.count == words.count)
        var mismatches: [String] = []
        for (word, expected) in zip(words, stems) {
            let got = RussianStemmer.stem(String(word))
            if got != expected { mismatches.append("\(word): \(got) != \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(20))")
    }

    /// Typical support-chat words stem to the Snowball stems the matcher relies on.
    @Test func commonWords() {
        #expect(RussianStemmer.stem("вернуть") == "вернут")
        #expect(RussianStemmer.stem("доставки") == "доставк")
        #expect(RussianStemmer.stem("заказы") == "заказ")
        #expect(RussianStemmer.stem("возвратом") == "возврат")
        #expect(RussianStemmer.stem("счёт") == "счет")
    }

    /// Words without Russian vowels, Latin words and numbers come back unchanged; empty input is fine.
    @Test func nonRussianInput() {
        #expect(RussianStemmer.stem("ozon") == "ozon")
        #expect(RussianStemmer.stem("12345") == "12345")
        #expect(RussianStemmer.stem("") == "")
        #expect(RussianStemmer.stem("вв") == "вв")
    }
}
