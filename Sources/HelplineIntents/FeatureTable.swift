/// An open-addressing hash table from feature hashes to dense feature indices: flat arrays,
/// linear probing, no strings.
struct FeatureTable: Sendable {
    var keys: [UInt64]
    var slots: [Int32]
    var mask: Int
    /// The number of features stored.
    private(set) var count: Int = 0

    init(expected: Int) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    /// A table from arrays already filled (a model snapshot's).
    init(keys: [UInt64], slots: [Int32], count: Int) {
        self.keys = keys
        self.slots = slots
        self.mask = keys.count - 1
        self.count = count
    }

    /// The same map in a table sized for the features it holds: every key keeps its index. Training
    /// sizes its table for every feature occurrence (a few hundred thousand) before it knows how
    /// many distinct features there are (a few tens of thousands).
    func compacted() -> FeatureTable {
        var byIndex = [UInt64](repeating: 0, count: count)
        for (key, slot) in zip(keys, slots) where key != 0 { byIndex[Int(slot)] = key }
        var table = FeatureTable(expected: count)
        for key in byIndex { _ = table.insert(key) }
        return table
    }

    /// The index of `key`, or -1 when the table does not hold it. `key` is never zero.
    @inline(__always) func index(of key: UInt64) -> Int32 {
        var i = Int(truncatingIfNeeded: key >> 7) & mask
        return keys.withUnsafeBufferPointer { k in
            while true {
                let stored = k[i]
                if stored == key { return slots[i] }
                if stored == 0 { return -1 }
                i = (i + 1) & mask
            }
        }
    }

    /// The index of `key`, adding it with the next free index when new.
    mutating func insert(_ key: UInt64) -> Int32 {
        if (count + 1) * 2 > keys.count { grow() }
        var i = Int(truncatingIfNeeded: key >> 7) & mask
        while true {
            if keys[i] == key { return slots[i] }
            if keys[i] == 0 {
                keys[i] = key
                slots[i] = Int32(count)
                count += 1
                return slots[i]
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldSlots = slots
        let capacity = keys.count * 2
        keys = [UInt64](repeating: 0, count: capacity)
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (key, slot) in zip(oldKeys, oldSlots) where key != 0 {
            var i = Int(truncatingIfNeeded: key >> 7) & mask
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = key
            slots[i] = slot
        }
    }
}
