import Foundation
import HelplineDialogue
import HelplineIntents
import HelplineServer
import HelplineText
import NIOCore
import NIOEmbedded
import PropertyBased
import Testing

/// Property-based fuzzing of what reads untrusted input: the text analyzer and matcher, the profile
/// decoder, the protocol's request decoder and the line framer. Inputs are mutations of the seed
/// corpus in `Corpus/` (real requests, profiles and messages) and random text over the scripts
/// customers mix. Each property runs a bounded number of cases in every `swift test`; a failure
/// prints its seed (`.fixedSeed(…)` replays it), and a found crash is kept as a case in
/// ``FuzzRegressionTests``.
struct FuzzTests {
    /// The seed corpus: one string per line of a file in `Corpus/`.
    static func corpus(_ name: String) throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus/\(name)")
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static let matcher: Result<IntentMatcher, any Error> = Result { IntentMatcher(catalog: try IntentCatalog(bundle: .embedded)) }

    /// Characters customers' messages are made of, and the ones that break naive code: Cyrillic and
    /// Latin letters, digits, punctuation, spaces, combining marks, emoji, controls, look-alikes.
    static let piece = Gen<Character>.oneOf(
        Gen.character(in: "а"..."я"),
        Gen.character(in: "А"..."Я"),
        Gen.character(in: "a"..."z"),
        Gen.character(in: "0"..."9"),
        Gen.element(of: Array(" \t\n\r-—–_.,!?«»\"'()[]{}@#№%₽$+/\\:;ё").map { $0 }).map { $0 ?? " " },
        Gen.unicodeScalar(in: "\u{0300}"..."\u{036F}").map { Character($0) },
        Gen.unicodeScalar(in: "\u{1F300}"..."\u{1F6FF}").map { Character($0) },
        Gen.unicodeScalar(in: "\u{0000}"..."\u{001F}").map { Character($0) },
        Gen.unicodeScalar(in: "\u{2000}"..."\u{206F}").map { Character($0) }
    )

    /// Random text, and corpus messages with random text spliced in.
    static func messages(_ corpus: [String]) -> Generator<String, some SendableSequenceType> {
        zip(piece.string(of: 0...120), Gen.element(of: corpus), Gen.int(in: 0...3)).map { noise, seed, mode in
            let seed = seed ?? ""
            switch mode {
            case 0: return noise
            case 1: return seed + noise
            case 2: return noise + seed + noise
            default: return String(repeating: seed + " ", count: 1 + noise.count % 20)
            }
        }
    }

    /// Bytes of a corpus line mutated: bytes flipped, inserted, removed, or the line cut.
    static func mutated(_ corpus: [String]) -> Generator<[UInt8], some SendableSequenceType> {
        zip(Gen.element(of: corpus), Gen.int(in: 0...Int.max).array(of: 1...6), Gen.uint8().array(of: 6)).map { seed, positions, bytes in
            var data = Array((seed ?? "").utf8)
            for (index, position) in positions.enumerated() {
                let byte = bytes[index % bytes.count]
                switch position % 4 {
                case 0 where !data.isEmpty: data[position % data.count] = byte
                case 1: data.insert(byte, at: data.isEmpty ? 0 : position % (data.count + 1))
                case 2 where !data.isEmpty: data.remove(at: position % data.count)
                case 3 where !data.isEmpty: data.removeSubrange((position % data.count)...)
                default: data.append(byte)
                }
            }
            return data
        }
    }

    @Test func analyzerAndMatcherTakeAnyText() async throws {
        let matcher = try Self.matcher.get()
        let known = Set(matcher.intentIds.map(\.rawValue) + [IntentID.noneValue])
        await propertyCheck(count: 300, input: Self.messages(try Self.corpus("messages.txt"))) { text in
            let analysis = matcher.analyzer.analyze(text)
            #expect(analysis.words.count == analysis.stems.count)
            let result = matcher.classify(text)
            #expect(known.contains(result.intent.wireValue))
            #expect((0...1).contains(result.confidence))
            #expect(result.alternatives.allSatisfy { known.contains($0.id.wireValue) && (0...1).contains($0.confidence) })
        }
    }

    @Test func profileDecoderTakesAnyBytes() async throws {
        let seeds = try Self.corpus("profile.json") + Self.corpus("requests.jsonl")
        await propertyCheck(count: 500, input: Self.mutated(seeds)) { bytes in
            // Either a profile or an error; a profile read back is the same profile.
            if let profile = try? Profile.load(from: Data(bytes)) {
                let again = try Profile.load(from: try JSONEncoder().encode(profile))
                #expect(again == profile)
            }
        }
    }

    @Test func requestDecoderTakesAnyLine() async throws {
        let codec = ProtocolCodec()
        await propertyCheck(count: 1_000, input: Self.mutated(try Self.corpus("requests.jsonl"))) { bytes in
            switch codec.decodeRequest(bytes) {
            case .request(let request):
                // A request that decodes encodes to a line that decodes to the same request.
                let line = try codec.encodeRequest(request)
                #expect(codec.decodeRequest(line.dropLast()) == .request(request))
            case .invalid(_, let error):
                #expect(!error.message.isEmpty)
            }
        }
    }

    /// `say` lines as products send them and as they go wrong: ids of every kind, sessions and
    /// texts with escapes, controls, NUL, lone surrogates and non-BMP characters, fields of the
    /// wrong type, extra and repeated keys, numbers `JSONSerialization` cannot hold, deep nesting.
    static let sayLines: Generator<[UInt8], some SendableSequenceType> = {
        let strings = Gen.element(of: [
            #""0123456789abcdef""#, #""""#, #""где мой заказ 12345678-0001?""#, #""\u0000""#, #""a\u0000b""#,
            #""\ud83d\ude00 ок""#, #""\ud800""#, #""\u001f""#, #""\u0085""#, #""\"\\\/\b\f\n\r\t""#,
            "\"\u{1}\"", #""\u0441\u043f\u0430\u0441\u0438\u0431\u043e""#, "\"" + String(repeating: "я", count: 130) + "\"",
            "\"" + String(repeating: "x", count: 4_001) + "\"", #""😀😀""#,
        ]).map { $0 ?? "\"\"" }
        let values = Gen.element(of: [
            "1", "-7", "0", "1.0", "1e2", "-0", "01", "1e400", "12345678901234567890", "true", "false", "null",
            "[]", "{}", #"{"a":[1,{"b":null}]}"#, String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        ]).map { $0 ?? "null" }
        let value = zip(Gen.int(in: 0...2), strings, values).map { kind, string, other in kind == 0 ? other : string }
        let keys = Gen.element(of: ["op", "id", "session", "text", "user", "enabled", "\\u006fp", "extra", "te\\u0078t"])
            .map { $0 ?? "op" }
        let field = zip(keys, value, Gen.int(in: 0...4)).map { key, value, say in
            key == "op" && say > 0 ? #""op":"say""# : "\"\(key)\":\(value)"
        }
        return zip(field.array(of: 0...6), Gen.int(in: 0...3), strings, strings).map { fields, shape, session, text in
            var all = fields
            if shape > 0 { all += [#""op":"say""#, #""session":\#(session)"#, #""text":\#(text)"#] }
            if shape == 2 { all.shuffle() }
            let line = "{" + all.joined(separator: shape == 3 ? " , " : ",") + "}"
            return Array(line.utf8)
        }
    }()

    /// The quick reading of `say` lines answers every line exactly as the general one does:
    /// the same request, or the same error with the same `id`.
    @Test func quickSayReadsLinesAsTheGeneralWayDoes() async throws {
        let codec = ProtocolCodec()
        await propertyCheck(count: 2_000, input: Self.sayLines) { bytes in
            #expect(codec.decodeRequest(bytes, quickSay: true) == codec.decodeRequest(bytes, quickSay: false),
                    "\(String(decoding: bytes, as: UTF8.self).prefix(300))")
        }
        await propertyCheck(count: 1_000, input: Self.mutated(try Self.corpus("requests.jsonl"))) { bytes in
            #expect(codec.decodeRequest(bytes, quickSay: true) == codec.decodeRequest(bytes, quickSay: false))
        }
    }

    @Test func framerGivesTheSameLinesHoweverTheBytesArrive() async throws {
        let lines = Gen<UInt8>.oneOf(Gen.uint8(in: 0x20...0x7E), Gen.always(UInt8(ascii: "\n")), Gen.always(UInt8(ascii: "\r")), Gen.uint8())
            .array(of: 0...300)
        await propertyCheck(count: 300, input: lines, Gen.int(in: 1...40).array(of: 1...30)) { bytes, cuts in
            func frames(_ chunks: [[UInt8]]) throws -> [String] {
                let channel = EmbeddedChannel()
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 64)))
                for chunk in chunks { try channel.writeInbound(ByteBuffer(bytes: chunk)) }
                var out: [String] = []
                while let frame = try channel.readInbound(as: LineFrame.self) {
                    switch frame {
                    case .line(let line): out.append(String(decoding: line.readableBytesView, as: UTF8.self))
                    case .tooLong: out.append("<too long>")
                    }
                }
                _ = try channel.finish()
                return out
            }
            var chunks: [[UInt8]] = []
            var start = 0
            var index = 0
            while start < bytes.count {
                let end = min(bytes.count, start + cuts[index % cuts.count])
                chunks.append(Array(bytes[start..<end]))
                start = end
                index += 1
            }
            let whole = try frames([bytes])
            #expect(try frames(chunks) == whole)
        }
    }
}
