/// Sorts feature hashes in place, smallest first: an introsort (quicksort on the median of three,
/// insertion sort for short runs, heapsort past a depth limit) that allocates nothing. Equal
/// hashes are interchangeable, so the result is the same array `sort()` gives, made without the
/// stable sort's buffer and comparator calls (the hashes of one message are sorted on every
/// classification).
enum HashSort {
    static func sort(_ hashes: inout [UInt64]) {
        guard hashes.count > 1 else { return }
        hashes.withUnsafeMutableBufferPointer { buffer in
            var depth = 0
            var n = buffer.count
            while n > 1 {
                depth += 2
                n >>= 1
            }
            introsort(buffer.baseAddress!, 0, buffer.count - 1, depth)
        }
    }

    private static func introsort(_ a: UnsafeMutablePointer<UInt64>, _ low: Int, _ high: Int, _ depth: Int) {
        var low = low
        var high = high
        var depth = depth
        while high - low > 16 {
            if depth == 0 {
                heapsort(a + low, high - low + 1)
                return
            }
            depth -= 1
            // Median of three as the pivot, placed at `high`.
            let mid = low + (high - low) / 2
            if a[mid] < a[low] { swap(a, mid, low) }
            if a[high] < a[low] { swap(a, high, low) }
            if a[mid] < a[high] { swap(a, mid, high) }
            let pivot = a[high]
            var store = low
            for i in low..<high where a[i] < pivot {
                swap(a, i, store)
                store += 1
            }
            swap(a, store, high)
            // Recurse into the smaller side, loop on the larger.
            if store - low < high - store {
                introsort(a, low, store - 1, depth)
                low = store + 1
            } else {
                introsort(a, store + 1, high, depth)
                high = store - 1
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
