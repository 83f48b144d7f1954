import Testing
@testable import HelplineIntents

struct HashSortTests {
    /// The hashes come out as `sort()` orders them, for short and long, random, repeated, sorted
    /// and reversed inputs (the cases quicksort degrades on go to heapsort).
    @Test func sortsAsSortDoes() {
        var generator = SplitMix64(state: 7)
        var inputs: [[UInt64]] = [[], [1], [2, 1], [5, 5, 5, 5], Array(0..<1000), Array((0..<1000).reversed()),
                                  Array(repeating: 3, count: 300) + [1, 2] + Array(repeating: 0, count: 300)]
        for count in [3, 16, 17, 33, 100, 1000, 5000] {
            inputs.append((0..<count).map { _ in generator.next() })
            inputs.append((0..<count).map { _ in generator.next() % 7 })
        }
        // Median-of-three killers: a sawtooth and organ pipes.
        inputs.append((0..<2000).map { UInt64($0 % 37) })
        inputs.append((0..<1000).map(UInt64.init) + (0..<1000).reversed().map(UInt64.init))
        for input in inputs {
            var sorted = input
            HashSort.sort(&sorted)
            #expect(sorted == input.sorted(), "\(input.count) hashes")
        }
    }
}
