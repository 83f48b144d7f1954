import Foundation
import HelplineIntents
import HelplineText
import Testing
@testable import HelplineCLI

/// `classify`'s hand-written output is what Foundation's encoder writes, and reads back as the
/// classification it came from.
struct ClassificationFormatTests {
    /// The shape `classify --json` printed through `JSONEncoder`: the reference for the bytes.
    struct Reference: Encodable {
        struct Alternative: Encodable {
            var intent: String
            var confidence: Double
        }

        var text: String
        var intent: String
        var confidence: Double
        var alternatives: [Alternative]
        var entities: [Entity]
        var ambiguous: Bool

        init(text: String, result: Classification) {
            self.text = text
            intent = result.intent.wireValue
            confidence = result.confidence
            alternatives = result.alternatives.map { Alternative(intent: $0.id.wireValue, confidence: $0.confidence) }
            entities = result.entities
            ambiguous = result.isAmbiguous
        }
    }

    /// What a line decodes to.
    struct Decoded: Decodable, Equatable {
        struct Alternative: Decodable, Equatable {
            var intent: String
            var confidence: Double
        }

        var text: String
        var intent: String
        var confidence: Double
        var alternatives: [Alternative]
        var entities: [Entity]
        var ambiguous: Bool
    }

    static let tricky: [String] = [
        #"он сказал "верните деньги""#, #"C:\Users\заказ\n не \u0041"#, "таб\tи\nперевод\r\nстроки",
        "\u{0}\u{1}\u{8}\u{B}\u{C}\u{1F}\u{7F}", "эмодзи 😀🙏 и 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, 𠜎", "/путь/через/слэши</script>",
        "\u{2028}\u{2029}\u{FEFF}\u{85}\u{A0}", "e\u{301} combining", "", " ", "\\", "\"", "\u{FFFD}",
        "где мой заказ 12345678-0001 \"срочно\"", "позвоните +7 (495) 232-10-00 или на mail\\@ozon.ru",
    ]

    private static func classification(_ text: String, intent: IntentID?, confidence: Double,
                                       alternatives: [IntentScore] = [], ambiguous: Bool = false) -> Classification {
        let analysis = TextAnalyzer().analyze(text)
        return Classification(intent: intent, confidence: confidence, alternatives: alternatives,
                              isAmbiguous: ambiguous, entities: analysis.entities + [Entity(kind: .email, text: text, value: "\"\\\u{1}")],
                              analysis: analysis)
    }

    /// Byte for byte the encoder's output, on tricky strings and on every confidence the matcher gives.
    @Test func jsonMatchesTheEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var cases: [(String, Classification)] = []
        for (index, text) in Self.tricky.enumerated() {
            cases.append((text, Self.classification(text, intent: index % 3 == 0 ? nil : "returns", confidence: 0.9312,
                                                    alternatives: [IntentScore(id: "delivery", confidence: 0.05),
                                                                   IntentScore(id: "payment", confidence: 0.0101)],
                                                    ambiguous: index % 2 == 0)))
        }
        // Every multiple of 0.0001 in 0...1, as the matcher rounds them, and numbers it never gives.
        let plain = Self.classification("x", intent: "returns", confidence: 0)
        for units in 0...10_000 {
            var result = plain
            result.confidence = Double(units) / 10_000
            result.alternatives = [IntentScore(id: "a", confidence: Double(10_000 - units) / 10_000)]
            cases.append(("x", result))
        }
        for odd in [1e-5, 0.1 + 0.2, 1.5, 123456789, 1e16, -0.0, -0.25, 2.0 / 3] {
            var result = plain
            result.confidence = odd
            cases.append(("x", result))
        }
        for (text, result) in cases {
            var bytes: [UInt8] = []
            ClassificationFormat.appendJSON(text: text, result, to: &bytes)
            let expected = try encoder.encode(Reference(text: text, result: result)) + Data("\n".utf8)
            #expect(bytes == Array(expected), "\(text.debugDescription) \(result.confidence)")
        }
    }

    /// Each line decodes back to the message and its classification.
    @Test func jsonRoundTrips() throws {
        for text in Self.tricky {
            let result = Self.classification(text, intent: "returns", confidence: 0.5,
                                             alternatives: [IntentScore(id: "delivery", confidence: 0.25)])
            var bytes: [UInt8] = []
            ClassificationFormat.appendJSON(text: text, result, to: &bytes)
            #expect(bytes.last == UInt8(ascii: "\n"))
            #expect(!bytes.dropLast().contains(UInt8(ascii: "\n")), "one line: \(text.debugDescription)")
            let decoded = try JSONDecoder().decode(Decoded.self, from: Data(bytes))
            #expect(decoded == Decoded(text: text, intent: "returns", confidence: 0.5,
                                       alternatives: [.init(intent: "delivery", confidence: 0.25)],
                                       entities: result.entities, ambiguous: false))
        }
    }

    /// Fixed decimals as `String(format:)` writes them (`%.2f`, `%.3f`, `%9.3f`, `%7d`), ties and near-ties included.
    @Test func fixedDecimalsMatchPrintf() {
        var values = (0...10_000).map { Double($0) / 10_000 }
        values += [0.125, 0.375, 0.005, 0.015, 0.995, 1.005, 2.675, 0, -0.0, -0.5, -0.005, 123.456, 99.995, 1e15 + 0.25,
                   .nan, .infinity, -.infinity, Double.leastNonzeroMagnitude, Double.leastNormalMagnitude]
        var generator = SystemRandomNumberGenerator()
        values += (0..<2_000).map { _ in Double.random(in: 0...2, using: &generator) }
        for value in values {
            var bytes: [UInt8] = []
            ClassificationFormat.appendFixed2(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(format: "%.2f", value), "\(value)")
            for places in [0, 1, 3, 6] {
                #expect(Fixed.string(value, places: places) == String(format: "%.\(places)f", value), "\(value) \(places)")
            }
            #expect(Fixed.string(value, places: 3, width: 9) == String(format: "%9.3f", value), "\(value)")
        }
        #expect(Fixed.string(42, width: 7) == String(format: "%7d", 42))
        #expect(Fixed.string(1234567, width: 3) == "1234567")
    }

    /// Standard input is read as `readLine` reads it: `\n` and `\r\n` end lines, the last line
    /// may have no newline, bytes that are not UTF-8 become U+FFFD — whatever the block size.
    @Test func readsLinesAsReadLineDoes() throws {
        let input: [UInt8] = Array("ab\r\ncd\r\n\r\n\rx\r".utf8) + [0xFF, 0xFE, 0xC3, 0x28, 0x00, 0x7A, 0x0A, 0xE2, 0x82, 0x0A]
            + Array("\u{FEFF}bom\nпоследняя".utf8)
        let expected = ["ab", "cd", "", "\rx\r\u{FFFD}\u{FFFD}\u{FFFD}(\u{0}z", "\u{FFFD}", "\u{FEFF}bom", "последняя"]
        for chunkSize in [1, 2, 3, 7, 64, 1 << 16] {
            for limit in [1, 2, 100] {
                var pipe: [Int32] = [0, 0]
                #expect(Foundation.pipe(&pipe) == 0)
                _ = input.withUnsafeBytes { write(pipe[1], $0.baseAddress, $0.count) }
                close(pipe[1])
                var reader = LineReader(fileDescriptor: pipe[0], chunkSize: chunkSize)
                var lines: [String] = []
                while let batch = reader.next(upTo: limit) { lines += batch }
                close(pipe[0])
                #expect(lines == expected, "chunk \(chunkSize), limit \(limit)")
            }
        }
    }

    /// Lines classified on several threads come out in the input's order, the same as on one.
    @Test func threadsKeepTheOrder() throws {
        let matcher = IntentMatcher(catalog: try IntentCatalog(bundle: .embedded))
        let lines = (0..<500).map { index in ["где мой заказ", "хочу вернуть товар", "какая погода", "спасибо"][index % 4] + " \(index)" }
        var seenByOne = ClassifyCommand.SeenLines()
        var seenByFour = ClassifyCommand.SeenLines()
        let one = ClassifyCommand.classify(lines, with: matcher, json: true, workers: 1, seen: &seenByOne)
        let four = ClassifyCommand.classify(lines, with: matcher, json: true, workers: 4, seen: &seenByFour)
        #expect(one == four)
        let texts = String(decoding: four, as: UTF8.self).split(separator: "\n").map { line in
            (try? JSONDecoder().decode(Decoded.self, from: Data(line.utf8)))?.text
        }
        #expect(texts == lines)
    }

    /// A line that repeats, in one batch or a later one, gets exactly the output it gets alone,
    /// also once the remembered lines were let go (a small limit) or were too long to keep.
    @Test func repeatedLinesGetTheirOwnOutput() throws {
        let matcher = IntentMatcher(catalog: try IntentCatalog(bundle: .embedded))
        // «й» composed and decomposed: the same String, not the same bytes, nor the same output.
        let pool = ["где мой заказ", "где мои\u{306} заказ", "1", "оператор", "gde moy zakaz", "какая погода",
                    "ВЕРНИТЕ ДЕНЬГИ!!!", "спасибо"]
        var generator = SplitMix64(state: 7)
        let batches = (0..<4).map { _ in (0..<300).map { _ in pool[Int(generator.next() % UInt64(pool.count))] } }
        for (limit, longest) in [(32_768, 1_024), (3, 1_024), (32_768, 100)] {
            var seen = ClassifyCommand.SeenLines(limit: limit, longest: longest)
            for batch in batches {
                let output = ClassifyCommand.classify(batch, with: matcher, json: true, workers: 2, seen: &seen)
                var alone: [UInt8] = []
                for line in batch { ClassifyCommand.append(line, matcher.classify(line), json: true, to: &alone) }
                #expect(output == alone, "limit \(limit), longest \(longest)")
                #expect(seen.outputs.count <= max(limit, pool.count))
                #expect(seen.outputs.values.allSatisfy { $0.count <= longest }, "only outputs up to \(longest) bytes are kept")
            }
        }
    }
}
