/// A SymSpell-style deletion index over a lexicon: every word is filed under itself and each
/// string made by deleting one or two of its letters, so the words within Damerau–Levenshtein
/// distance 2 of a query are found by looking up the query's own deletions — no scan of the
/// lexicon, no generation of insertions or substitutions.
struct SpellingIndex: Sendable {
    /// The longest word indexed or corrected.
    static let maxLength = 24
    static let maxDistance = 2

    var buckets: HashIndex
    /// `bucketStarts[b]..<bucketStarts[b + 1]` are bucket `b`'s word ids in `postings`.
    var bucketStarts: [Int32]
    var postings: [Int32]

    init(lexicon: Lexicon) {
        // Each (variant, word) pair packed in one integer, the variant's hash in the high bits and
        // the word id in the low ones, so one plain integer sort groups the variants with their
        // words in id order. The hashes keep their top `hashBits` bits; a rare shared bucket only
        // adds candidates, and every candidate's distance is checked.
        var pairs: [UInt64] = []
        let idMask = (UInt64(1) << SpellingIndex.idBits) - 1
        for id in 0..<min(lexicon.count, Int(idMask) + 1) {
            lexicon.withWord(id) { word in
                guard word.count >= 2, word.count <= SpellingIndex.maxLength else { return }
                SpellingIndex.forEachDeletion(of: word, upTo: SpellingIndex.maxDistance) { hash in
                    pairs.append(SpellingIndex.bucketKey(hash) << SpellingIndex.idBits | UInt64(id))
                }
            }
        }
        RadixSort.sort(&pairs)
        var unique = 0
        for index in pairs.indices where index == 0 || pairs[index] >> SpellingIndex.idBits != pairs[index - 1] >> SpellingIndex.idBits {
            unique += 1
        }
        var buckets = HashIndex(capacity: unique)
        var starts: [Int32] = []
        var postings: [Int32] = []
        postings.reserveCapacity(pairs.count)
        var previous: UInt64? = nil
        for pair in pairs {
            let key = pair >> SpellingIndex.idBits
            let id = Int32(truncatingIfNeeded: pair & idMask)
            if key != previous {
                buckets.insert(key, Int32(starts.count))
                starts.append(Int32(postings.count))
                previous = key
            } else if postings.last == id {
                continue
            }
            postings.append(id)
        }
        starts.append(Int32(postings.count))
        self.buckets = buckets
        self.bucketStarts = starts
        self.postings = postings
    }

    /// Bits of a packed pair that hold the word id (lexicons up to 16 million words).
    private static let idBits: UInt64 = 24

    /// The bucket of a variant hash: its top 40 bits, never zero (zero marks an empty slot).
    @inline(__always) private static func bucketKey(_ hash: UInt64) -> UInt64 {
        max(1, hash >> idBits)
    }

    /// Calls `body` with the hash of the word and of every string made by deleting up to
    /// `distance` of its letters (duplicates possible).
    static func forEachDeletion(of word: UnsafeBufferPointer<UInt32>, upTo distance: Int, _ body: (UInt64) -> Void) {
        let n = word.count
        body(ScalarHash.of(word))
        guard distance >= 1, n >= 2 else { return }
        for i in 0..<n {
            var hash = ScalarHash()
            for k in 0..<n where k != i { hash.add(word[k]) }
            body(hash.value)
        }
        guard distance >= 2, n >= 3 else { return }
        for i in 0..<(n - 1) {
            for j in (i + 1)..<n {
                var hash = ScalarHash()
                for k in 0..<n where k != i && k != j { hash.add(word[k]) }
                body(hash.value)
            }
        }
    }

    /// The ids of words that may lie within `distance` of `query` (a superset; verify with
    /// `SpellingIndex.distance`). Each id is reported at most once.
    func candidates(for query: UnsafeBufferPointer<UInt32>, distance: Int) -> [Int32] {
        var found: [Int32] = []
        SpellingIndex.forEachDeletion(of: query, upTo: distance) { hash in
            guard let bucket = buckets.find(SpellingIndex.bucketKey(hash)) else { return }
            let from = Int(bucketStarts[Int(bucket)])
            let to = Int(bucketStarts[Int(bucket) + 1])
            for k in from..<to where !found.contains(postings[k]) {
                found.append(postings[k])
            }
        }
        return found
    }

    /// The optimal-string-alignment (restricted Damerau–Levenshtein) distance between two words,
    /// or `limit + 1` when it is larger than `limit`.
    static func distance(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, limit: Int) -> Int {
        let n = a.count
        let m = b.count
        if abs(n - m) > limit { return limit + 1 }
        if n == 0 { return m }
        if m == 0 { return n }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 1)) { rows in
            // rows: [two back | previous | current], each m + 1 long.
            let width = m + 1
            for j in 0...m { rows[width + j] = j }
            for i in 1...n {
                let current = 2 * width
                let previous = width
                rows[current] = i
                var best = i
                for j in 1...m {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        value = min(value, rows[j - 2] + 1)
                    }
                    rows[current + j] = value
                    best = min(best, value)
                }
                if best > limit { return limit + 1 }
                // Shift: previous → two back, current → previous.
                for j in 0...m {
                    rows[j] = rows[previous + j]
                    rows[previous + j] = rows[current + j]
                }
            }
            return min(rows[width + m], limit + 1)
        }
    }
}
