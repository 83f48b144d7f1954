// The analyzer's tables in `ByteWriter`'s form, for the matcher's model snapshot: what the
// analyzer derives from its vocabulary (lexicon, spelling and sound-alike indexes, character
// statistics) is stored as built and read back without rebuilding. Dictionaries are written
// sorted, so the same analyzer always gives the same bytes. Reading checks the tables' shapes
// (lengths agree, every index points inside its table, every hash table has an empty slot), so
// nothing read can make a lookup fail or loop.

extension TextAnalyzer {
    /// Writes everything the analyzer built.
    package func write(to out: inout ByteWriter) {
        vocabulary.write(to: &out)
        engine.write(to: &out)
    }

    /// An analyzer as `write(to:)` stored it.
    package init(reading input: inout ByteReader) throws {
        let vocabulary = try Vocabulary(reading: &input)
        let engine = try RepairEngine(reading: &input)
        self.init(vocabulary: vocabulary, engine: engine)
    }

    private init(vocabulary: Vocabulary, engine: RepairEngine) {
        self.vocabulary = vocabulary
        self.engine = engine
    }
}

extension Vocabulary {
    package func write(to out: inout ByteWriter) {
        let entries = counts.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        out.write(entries.map(\.key))
        out.write(entries.map { UInt64(bitPattern: Int64($0.value)) })
    }

    package init(reading input: inout ByteReader) throws {
        let words = try input.readStrings()
        let values = try input.readUInt64s()
        try ByteReader.check(words.count == values.count, "vocabulary: \(words.count) words, \(values.count) counts")
        var counts: [String: Int] = [:]
        counts.reserveCapacity(words.count)
        for (word, value) in zip(words, values) { counts[word] = Int(Int64(bitPattern: value)) }
        try ByteReader.check(counts.count == words.count, "vocabulary: a word repeats")
        self.init(counts: counts)
    }
}

extension RepairEngine {
    func write(to out: inout ByteWriter) {
        lexicon.write(to: &out)
        spelling.write(to: &out)
        phonetic.index.write(to: &out)
        russianModel.write(to: &out)
        latinModel.write(to: &out)
        out.write(hasLatinWords)
        let names = latinNames.sorted { $0.key < $1.key }
        out.write(names.map(\.key))
        out.write(names.map { Int32($0.value) })
    }

    convenience init(reading input: inout ByteReader) throws {
        let lexicon = try Lexicon(reading: &input)
        let spelling = try SpellingIndex(reading: &input, wordCount: lexicon.count)
        let phonetic = PhoneticIndex(index: try HashIndex(reading: &input, valueLimit: lexicon.count))
        let russianModel = try CharacterModel(reading: &input)
        let latinModel = try CharacterModel(reading: &input)
        try ByteReader.check(russianModel.alphabet == .russian && latinModel.alphabet == .latin, "character models out of order")
        let hasLatinWords = try input.readBool()
        let keys = try input.readUInt64s()
        let ids = try input.readInt32s()
        try ByteReader.check(keys.count == ids.count && ids.allSatisfy { $0 >= 0 && Int($0) < lexicon.count },
                             "latin names: bad word ids")
        let names = Dictionary(zip(keys, ids.map(Int.init)), uniquingKeysWith: { first, _ in first })
        try ByteReader.check(names.count == keys.count, "latin names: a key repeats")
        self.init(lexicon: lexicon, spelling: spelling, phonetic: phonetic, russianModel: russianModel,
                  latinModel: latinModel, hasLatinWords: hasLatinWords, latinNames: names)
    }
}

extension Lexicon {
    func write(to out: inout ByteWriter) {
        out.write(storage)
        out.write(offsets)
        out.write(frequencies)
        out.write(scripts.map(\.rawValue))
        out.write(texts)
        out.write(stems)
        index.write(to: &out)
        stemIndex.write(to: &out)
    }

    init(reading input: inout ByteReader) throws {
        let storage = try input.readUInt32s()
        let offsets = try input.readInt32s()
        let frequencies = try input.readInt32s()
        let scripts = try input.readBytes().map { try Script(rawValue: $0).orThrow("lexicon: bad script \($0)") }
        let texts = try input.readStrings()
        let stems = try input.readStrings()
        let count = frequencies.count
        try ByteReader.check(offsets.count == count + 1 && scripts.count == count && texts.count == count && stems.count == count,
                             "lexicon: table lengths disagree")
        try ByteReader.check(offsets.first == 0 && offsets.last.map(Int.init) == storage.count
                             && zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 }, "lexicon: bad word offsets")
        let index = try HashIndex(reading: &input, valueLimit: count)
        let stemIndex = try HashIndex(reading: &input, valueLimit: 2)
        self.init(storage: storage, offsets: offsets, frequencies: frequencies, scripts: scripts, texts: texts, stems: stems,
                  index: index, stemIndex: stemIndex)
    }
}

extension HashIndex {
    func write(to out: inout ByteWriter) {
        out.write(keys)
        out.write(values)
    }

    /// Reads an index whose values are below `valueLimit`.
    init(reading input: inout ByteReader, valueLimit: Int) throws {
        let keys = try input.readUInt64s()
        let values = try input.readInt32s()
        try ByteReader.check(keys.count == values.count && keys.count >= 16 && keys.count & (keys.count - 1) == 0,
                             "hash index: \(keys.count) keys, \(values.count) values")
        // `find` stops at an empty slot: there must be one.
        try ByteReader.check(values.contains { $0 < 0 } && values.allSatisfy { Int($0) < valueLimit },
                             "hash index: no empty slot or a value out of range")
        self.init(keys: keys, values: values, mask: keys.count - 1)
    }
}

extension SpellingIndex {
    func write(to out: inout ByteWriter) {
        buckets.write(to: &out)
        out.write(bucketStarts)
        out.write(postings)
    }

    init(reading input: inout ByteReader, wordCount: Int) throws {
        let starts: [Int32]
        let postings: [Int32]
        let buckets = try HashIndex(reading: &input, valueLimit: Int(Int32.max))
        starts = try input.readInt32s()
        postings = try input.readInt32s()
        try ByteReader.check(!starts.isEmpty && starts.first == 0 && starts.last.map(Int.init) == postings.count
                             && zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 }, "spelling index: bad bucket starts")
        try ByteReader.check(buckets.values.allSatisfy { Int($0) < starts.count - 1 }, "spelling index: bad bucket")
        try ByteReader.check(postings.allSatisfy { $0 >= 0 && Int($0) < wordCount }, "spelling index: bad word id")
        self.init(buckets: buckets, bucketStarts: starts, postings: postings)
    }
}

extension CharacterModel {
    func write(to out: inout ByteWriter) {
        out.write(alphabet == .russian ? UInt8(0) : 1)
        out.write(logProbabilities)
    }

    init(reading input: inout ByteReader) throws {
        let alphabet: Alphabet
        switch try input.readUInt8() {
        case 0: alphabet = .russian
        case 1: alphabet = .latin
        case let other: throw ByteReader.Malformed("character model: alphabet \(other)")
        }
        let size = alphabet == .russian ? 33 : 27
        let table = try input.readFloats()
        try ByteReader.check(table.count == size * size * size, "character model: \(table.count) entries")
        self.init(alphabet: alphabet, size: size, logProbabilities: table)
    }
}

private extension Optional {
    func orThrow(_ message: @autoclosure () -> String) throws -> Wrapped {
        guard let self else { throw ByteReader.Malformed(message()) }
        return self
    }
}

// The tables from their parts, as read.

extension Lexicon {
    private init(storage: [UInt32], offsets: [Int32], frequencies: [Int32], scripts: [Script], texts: [String],
                 stems: [String], index: HashIndex, stemIndex: HashIndex) {
        self.storage = storage
        self.offsets = offsets
        self.frequencies = frequencies
        self.scripts = scripts
        self.texts = texts
        self.stems = stems
        self.index = index
        self.stemIndex = stemIndex
    }
}

extension HashIndex {
    private init(keys: [UInt64], values: [Int32], mask: Int) {
        self.keys = keys
        self.values = values
        self.mask = mask
    }
}

extension SpellingIndex {
    private init(buckets: HashIndex, bucketStarts: [Int32], postings: [Int32]) {
        self.buckets = buckets
        self.bucketStarts = bucketStarts
        self.postings = postings
    }
}

extension PhoneticIndex {
    fileprivate init(index: HashIndex) {
        self.index = index
    }
}

extension CharacterModel {
    private init(alphabet: Alphabet, size: Int, logProbabilities: [Float]) {
        self.alphabet = alphabet
        self.size = size
        self.logProbabilities = logProbabilities
    }
}
