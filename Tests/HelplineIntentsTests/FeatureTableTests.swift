import Testing
@testable import HelplineIntents

struct FeatureTableTests {
    /// A compacted table is sized for its features and maps every key to the index it had, and
    /// an absent key to -1.
    @Test func compactingKeepsEveryIndex() {
        var rng = SplitMix64(state: 3)
        var table = FeatureTable(expected: 50_000)
        var keys: [UInt64] = []
        for _ in 0..<5_000 {
            let key = max(1, rng.next())
            keys.append(key)
            _ = table.insert(key)
            // Repeats, as in training: the same feature in several documents.
            if let earlier = keys.randomElement(using: &rng) { _ = table.insert(earlier) }
        }
        let compact = table.compacted()
        #expect(compact.count == table.count)
        for key in keys { #expect(compact.index(of: key) == table.index(of: key)) }
        for _ in 0..<1_000 {
            let absent = max(1, rng.next())
            #expect(compact.index(of: absent) == table.index(of: absent))
        }
        #expect(compact.keys.count == 16_384)
    }
}
