import HelplineText

/// Everything `IntentMatcher(catalog:)` derives from its data — the analyzer's vocabulary, lexicon,
/// spelling and sound-alike indexes and character statistics, the keyword patterns, the glued-word
/// splitter, the lemma map, the class ids and the trained linear model with its feature table —
/// as bytes, and a matcher read back from them that classifies exactly like the one written.
///
/// Building the matcher (finding the examples' misspellings, indexing the vocabulary, analyzing
/// every example and training the model) takes most of a process's start-up; reading a snapshot
/// copies arrays. The snapshot is only used under the same ``Key``: the same data files byte for
/// byte, the same format version and the same build of the program (the training code can change
/// between builds). Where snapshots are kept is the front ends' business (`MatcherCache` in
/// `HelplineFiles`); this type only turns a matcher into bytes and back.
///
/// The bytes: a header — the magic `HLMATCH\0`, the format version, the data fingerprint, the
/// build identity, the payload's length and checksum — then the payload (`ByteWriter`'s form).
/// Reading refuses a header that names another key, a payload of another length or checksum, and
/// tables whose shapes disagree, with ``Unusable``; it never traps on any input.
///
/// ```swift
/// let key = MatcherSnapshot.Key(bundle: bundle, build: "helpline 1.0 (a1b2c3)")
/// let bytes = MatcherSnapshot.encode(matcher, key: key)
/// let same = try MatcherSnapshot.decode(bytes, key: key, catalog: matcher.catalog)
/// ```
public enum MatcherSnapshot {
    /// Raised whenever the layout of the snapshot or the meaning of any stored table changes.
    public static let formatVersion: UInt32 = 2

    static let magic: [UInt8] = Array("HLMATCH\0".utf8)

    /// What a snapshot was made from; a snapshot is used only under an equal key.
    public struct Key: Sendable, Hashable {
        /// The snapshot format (``MatcherSnapshot/formatVersion`` for snapshots written now).
        public var format: UInt32
        /// A 128-bit fingerprint of every file of the data bundle, paths and bytes.
        public var data: DataFingerprint
        /// The build of the program that trains and reads the model (e.g. the executable's size,
        /// modification time and inode); another build may train differently.
        public var build: String

        public init(format: UInt32 = MatcherSnapshot.formatVersion, data: DataFingerprint, build: String) {
            self.format = format
            self.data = data
            self.build = build
        }

        /// The key of a matcher built from `bundle` by the build `build`.
        public init(bundle: DataBundle, build: String) {
            self.init(data: DataFingerprint(bundle), build: build)
        }
    }

    /// A fingerprint of a data bundle: two independent 64-bit checksums over every file's path and
    /// bytes, in path order.
    public struct DataFingerprint: Sendable, Hashable, CustomStringConvertible {
        public var first: UInt64
        public var second: UInt64

        public init(first: UInt64, second: UInt64) {
            self.first = first
            self.second = second
        }

        public init(_ bundle: DataBundle) {
            var out = ByteWriter()
            out.reserve(bundle.files.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 16 })
            for (path, text) in bundle.files.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                out.write(path)
                out.write(text)
            }
            first = Checksum.of(out.bytes, seed: 1)
            second = Checksum.of(out.bytes, seed: 2)
        }

        public var description: String { Self.hex(first) + Self.hex(second) }

        static func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
    }

    /// Why a snapshot was not used.
    public struct Unusable: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    /// The snapshot of `matcher` under `key`.
    public static func encode(_ matcher: IntentMatcher, key: Key) -> [UInt8] {
        var payload = ByteWriter()
        payload.reserve(matcher.model.weights.count * 4 + (1 << 20))
        writePayload(matcher, to: &payload)
        var out = ByteWriter()
        out.reserve(payload.bytes.count + 128)
        for byte in magic { out.write(byte) }
        out.write(key.format)
        out.write(key.data.first)
        out.write(key.data.second)
        out.write(key.build)
        out.write(payload.bytes.count)
        out.write(Checksum.of(payload.bytes))
        var bytes = out.bytes
        bytes += payload.bytes
        return bytes
    }

    /// The matcher in `bytes`, for `catalog` (decoded from the data the key names). Throws
    /// ``Unusable`` when the snapshot was made under another key, is truncated or corrupt, or
    /// does not fit the catalog.
    public static func decode(_ bytes: [UInt8], key: Key, catalog: IntentCatalog) throws(Unusable) -> IntentMatcher {
        do {
            return try bytes.withUnsafeBytes { raw in
                var input = ByteReader(raw)
                try readHeader(&input, key: key)
                return try readPayload(&input, catalog: catalog)
            }
        } catch let error as Unusable {
            throw error
        } catch {
            throw Unusable("malformed: \(error)")
        }
    }

    /// Whether `bytes` start with a snapshot header for `key` (the payload is not read).
    public static func matches(_ bytes: [UInt8], key: Key) -> Bool {
        bytes.withUnsafeBytes { raw in
            var input = ByteReader(raw)
            return (try? readHeader(&input, key: key, checkingPayload: false)) != nil
        }
    }

    private static func readHeader(_ input: inout ByteReader, key: Key, checkingPayload: Bool = true) throws {
        for byte in magic where try input.readUInt8() != byte { throw Unusable("not a matcher snapshot") }
        let format = try input.readUInt32()
        guard format == key.format else { throw Unusable("format \(format), wanted \(key.format)") }
        let data = DataFingerprint(first: try input.readUInt64(), second: try input.readUInt64())
        guard data == key.data else { throw Unusable("made from other data (\(data), wanted \(key.data))") }
        let build = try input.readString()
        guard build == key.build else { throw Unusable("made by another build (\(build), wanted \(key.build))") }
        let length = try input.readCount()
        let checksum = try input.readUInt64()
        guard checkingPayload else { return }
        guard length == input.remaining else { throw Unusable("payload of \(input.remaining) bytes, header says \(length)") }
        guard Checksum.of(input.unread) == checksum else { throw Unusable("payload checksum mismatch") }
    }

    // MARK: - Payload

    private static func writePayload(_ matcher: IntentMatcher, to out: inout ByteWriter) {
        out.write(matcher.classIds.count)
        for id in matcher.classIds {
            out.write(id != nil)
            out.write(id?.rawValue ?? "")
        }
        out.write(matcher.noneClass ?? -1)
        matcher.analyzer.write(to: &out)
        matcher.extractor.write(to: &out)
        matcher.model.write(to: &out)
    }

    private static func readPayload(_ input: inout ByteReader, catalog: IntentCatalog) throws -> IntentMatcher {
        let count = try input.readCount(atMost: input.remaining / 9)
        var classIds: [IntentID?] = []
        for _ in 0..<count {
            let present = try input.readBool()
            let raw = try input.readString()
            classIds.append(present ? IntentID(rawValue: raw) : nil)
        }
        let none = try input.readInt()
        let noneClass = none < 0 ? nil : none
        let expected = IntentMatcher.classes(of: catalog)
        guard classIds == expected.ids, noneClass == expected.none else {
            throw Unusable("its classes are not the catalog's")
        }
        let analyzer = try TextAnalyzer(reading: &input)
        let extractor = try FeatureExtractor(reading: &input)
        let model = try LinearModel(reading: &input)
        guard model.classCount == classIds.count else { throw Unusable("the model has \(model.classCount) classes") }
        guard input.remaining == 0 else { throw Unusable("\(input.remaining) bytes left over") }
        return IntentMatcher(catalog: catalog, analyzer: analyzer, classIds: classIds, noneClass: noneClass,
                             extractor: extractor, model: model)
    }
}

extension FeatureExtractor {
    func write(to out: inout ByteWriter) {
        out.write(charMin)
        out.write(charMax)
        let groups = keywordsByFirstStem.sorted { $0.key < $1.key }
        out.write(groups.count)
        for (first, patterns) in groups {
            out.write(first)
            out.write(patterns.count)
            for pattern in patterns {
                out.write(pattern.stems)
                out.write(pattern.feature)
            }
        }
        out.write(splitter != nil)
        if let splitter {
            out.write(splitter.known.sorted())
            out.write(splitter.vocabulary.sorted())
        }
        let lemmas = lemmaStems.sorted { $0.key < $1.key }
        out.write(lemmas.map(\.key))
        out.write(lemmas.map(\.value))
        out.write(reading != nil)
        if let reading {
            out.write(reading.stems.sorted())
            out.write(reading.word)
            out.write(reading.stem)
        }
    }

    init(reading input: inout ByteReader) throws {
        let charMin = try input.readInt()
        let charMax = try input.readInt()
        try ByteReader.check(charMin >= 1 && charMax >= charMin && charMax <= 64, "n-gram lengths \(charMin)...\(charMax)")
        let groupCount = try input.readCount(atMost: input.remaining / 16)
        var keywords: [UInt64: [KeywordPattern]] = [:]
        keywords.reserveCapacity(groupCount)
        for _ in 0..<groupCount {
            let first = try input.readUInt64()
            let count = try input.readCount(atMost: input.remaining / 16)
            var patterns: [KeywordPattern] = []
            for _ in 0..<count {
                let stems = try input.readUInt64s()
                try ByteReader.check(stems.first == first, "a keyword pattern filed under another stem")
                patterns.append(KeywordPattern(stems: stems, feature: try input.readUInt64()))
            }
            try ByteReader.check(keywords.updateValue(patterns, forKey: first) == nil && !patterns.isEmpty, "keyword groups")
        }
        var splitter: WordSplitter?
        if try input.readBool() {
            splitter = WordSplitter(known: Set(try input.readUInt64s()), vocabulary: Set(try input.readUInt64s()))
        }
        let keys = try input.readUInt64s()
        let values = try input.readUInt64s()
        try ByteReader.check(keys.count == values.count, "lemma map: \(keys.count) keys, \(values.count) values")
        let lemmaStems = Dictionary(zip(keys, values), uniquingKeysWith: { first, _ in first })
        try ByteReader.check(lemmaStems.count == keys.count, "lemma map: a key repeats")
        var reading: WordReading?
        if try input.readBool() {
            reading = WordReading(stems: Set(try input.readUInt64s()), word: try input.readString(), stem: try input.readString())
        }
        self.init(charMin: charMin, charMax: charMax, keywordsByFirstStem: keywords, splitter: splitter, lemmaStems: lemmaStems,
                  reading: reading)
    }
}

extension LinearModel {
    func write(to out: inout ByteWriter) {
        out.write(classCount)
        table.write(to: &out)
        out.write(weights)
        out.write(bias)
        out.write(idf)
        out.write(inDomain)
        out.write(unknownIDF)
        out.write(unknownWeight)
        out.write(groupWeights)
    }

    init(reading input: inout ByteReader) throws {
        let classCount = try input.readCount(atMost: 1 << 16)
        let table = try FeatureTable(reading: &input)
        let weights = try input.readFloats()
        let bias = try input.readFloats()
        let idf = try input.readFloats()
        let inDomain = try input.readBools()
        let unknownIDF = try input.readFloat()
        let unknownWeight = try input.readFloat()
        let groupWeights = try input.readFloats()
        try ByteReader.check(classCount >= 1 && weights.count == table.count * LinearModel.stride(classCount)
                             && bias.count == classCount && idf.count == table.count && inDomain.count == table.count
                             && groupWeights.count == FeatureGroup.allCases.count, "model tables' lengths disagree")
        self.init(classCount: classCount, table: table, weights: weights, bias: bias, idf: idf, inDomain: inDomain,
                  unknownIDF: unknownIDF, unknownWeight: unknownWeight, groupWeights: groupWeights)
    }
}

extension FeatureTable {
    func write(to out: inout ByteWriter) {
        out.write(keys)
        out.write(slots)
        out.write(count)
    }

    init(reading input: inout ByteReader) throws {
        let keys = try input.readUInt64s()
        let slots = try input.readInt32s()
        let count = try input.readCount(atMost: keys.count)
        try ByteReader.check(keys.count == slots.count && keys.count >= 16 && keys.count & (keys.count - 1) == 0,
                             "feature table: \(keys.count) keys, \(slots.count) slots")
        // `index(of:)` stops at an empty slot (key 0): there must be one, and every filled slot
        // must name a feature.
        var filled = 0
        for (key, slot) in zip(keys, slots) where key != 0 {
            try ByteReader.check(slot >= 0 && Int(slot) < count, "feature table: slot \(slot) of \(count)")
            filled += 1
        }
        try ByteReader.check(filled == count && filled < keys.count, "feature table: \(filled) filled slots, \(count) features")
        self.init(keys: keys, slots: slots, count: count)
    }
}
