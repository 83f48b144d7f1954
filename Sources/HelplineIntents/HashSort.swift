/// Sorts feature hashes in place, smallest first.
///
/// The hashes are uniform in their high bits, so one pass deals them into buckets by their top
/// bits (about one hash a bucket) and each bucket is finished by insertion sort; a bucket that
/// turns out large (hashes made to collide) is sorted by an introsort (Hoare's quicksort on the
/// median of three, heapsort past a depth limit), so no input is quadratic. Equal hashes are
/// interchangeable, so the result is the array `sort()` gives; the hashes of one message are
/// sorted on every classification, and this is several times faster than the stable sort.
enum HashSort {
    static func sort(_ hashes: inout [UInt64]) {
        let count = hashes.count
        guard count > 1 else { return }
        hashes.withUnsafeMutableBufferPointer { buffer in
            let a = buffer.baseAddress!
            if count <= 32 {
                insertionSort(a, 0, count - 1)
                return
            }
            var bits = 4
            while bits < 12 && 1 << bits < count { bits += 1 }
            let shift = UInt64(64 - bits)
            let buckets = 1 << bits
            scratch(Int.self, buckets + 1) { starts in
                starts.initialize(repeating: 0)
                for index in 0..<count { starts[Int(a[index] >> shift) + 1] += 1 }
                for bucket in 0..<buckets { starts[bucket + 1] += starts[bucket] }
                scratch(UInt64.self, count) { dealt in
                    // Deal into `dealt` (advancing each bucket's start), then copy back in order.
                    for index in 0..<count {
                        let bucket = Int(a[index] >> shift)
                        dealt[starts[bucket]] = a[index]
                        starts[bucket] += 1
                    }
                    var start = 0
                    for bucket in 0..<buckets {
                        let end = starts[bucket]
                        if end - start > 32 {
                            introsort(dealt.baseAddress!, start, end - 1, 2 * bits + 8)
                        } else if end - start > 1 {
                            insertionSort(dealt.baseAddress!, start, end - 1)
                        }
                        start = end
                    }
                    a.update(from: dealt.baseAddress!, count: count)
                }
            }
        }
    }

    /// Scratch memory for `count` values, on the heap: two allocations a sort, and the sort runs on
    /// worker threads, whose stacks are small.
    private static func scratch<T>(_ type: T.Type, _ count: Int, _ body: (UnsafeMutableBufferPointer<T>) -> Void) {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        defer { buffer.deallocate() }
        body(buffer)
    }

    private static func introsort(_ a: UnsafeMutablePointer<UInt64>, _ low: Int, _ high: Int, _ depth: Int) {
        var low = low
        var high = high
        var depth = depth
        while high - low > 24 {
            if depth == 0 {
                heapsort(a + low, high - low + 1)
                return
            }
            depth -= 1
            // Hoare's partition around the median of the first, middle and last hash: equal
            // hashes (a word's n-grams repeat) split evenly instead of piling up on one side.
            let x = a[low], y = a[low + (high - low) / 2], z = a[high]
            let pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y))
            var i = low - 1
            var j = high + 1
            while true {
                repeat { i += 1 } while a[i] < pivot
                repeat { j -= 1 } while a[j] > pivot
                if i >= j { break }
                swap(a, i, j)
            }
            // [low...j] and [j+1...high]: recurse into the smaller side, loop on the larger.
            if j - low < high - j {
                introsort(a, low, j, depth)
                low = j + 1
            } else {
                introsort(a, j + 1, high, depth)
                high = j
            }
        }
        insertionSort(a, low, high)
    }

    private static func insertionSort(_ a: UnsafeMutablePointer<UInt64>, _ low: Int, _ high: Int) {
        guard high > low else { return }
        for i in (low + 1)...high {
            let value = a[i]
            var j = i - 1
            while j >= low && a[j] > value {
                a[j + 1] = a[j]
                j -= 1
            }
            a[j + 1] = value
        }
    }

    private static func heapsort(_ a: UnsafeMutablePointer<UInt64>, _ count: Int) {
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[child] < a[child + 1] { child += 1 }
                guard a[root] < a[child] else { return }
                swap(a, root, child)
                root = child
            }
        }
        for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(start, count) }
        for end in stride(from: count - 1, to: 0, by: -1) {
            swap(a, 0, end)
            siftDown(0, end)
        }
    }

    @inline(__always)
    private static func swap(_ a: UnsafeMutablePointer<UInt64>, _ i: Int, _ j: Int) {
        let t = a[i]
        a[i] = a[j]
        a[j] = t
    }
}
