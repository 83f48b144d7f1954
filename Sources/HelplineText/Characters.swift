/// Character classes and small helpers over Unicode scalar values, shared by the text layer.
///
/// The hot path works on `[UInt32]` scalar values of already normalized text, where letters are
/// lowercase and `ё` is `е`; these predicates assume that.
enum Chars {
    static let space: UInt32 = 0x20
    static let hyphen: UInt32 = 0x2D
    static let apostrophe: UInt32 = 0x27
    static let dot: UInt32 = 0x2E
    static let comma: UInt32 = 0x2C
    static let plus: UInt32 = 0x2B
    static let at: UInt32 = 0x40
    static let slash: UInt32 = 0x2F
    static let colon: UInt32 = 0x3A
    static let openParen: UInt32 = 0x28
    static let closeParen: UInt32 = 0x29
    static let rouble: UInt32 = 0x20BD

    @inline(__always) static func isDigit(_ c: UInt32) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isLatin(_ c: UInt32) -> Bool { c &- 0x61 < 26 }
    /// а…я (after normalization `ё` no longer occurs).
    @inline(__always) static func isCyrillic(_ c: UInt32) -> Bool { c &- 0x430 < 32 }

    /// Any letter of normalized text: Latin, Russian, or another alphabet's lowercase letter.
    @inline(__always) static func isLetter(_ c: UInt32) -> Bool {
        if c < 0x80 { return isLatin(c) }
        if isCyrillic(c) { return true }
        return otherLetter(c)
    }

    static func otherLetter(_ c: UInt32) -> Bool {
        guard c >= 0xAA, let scalar = Unicode.Scalar(c) else { return false }
        return scalar.properties.isAlphabetic
    }

    /// Keys of the Latin layout that type Russian letters on a ЙЦУКЕН keyboard: `[ ] ; ' , . ` and
    /// their shifted forms `{ } : " < > ~`.
    @inline(__always) static func isLayoutKey(_ c: UInt32) -> Bool {
        switch c {
        case 0x5B, 0x5D, 0x3B, 0x27, 0x2C, 0x2E, 0x60, 0x7B, 0x7D, 0x3A, 0x22, 0x3C, 0x3E, 0x7E: return true
        default: return false
        }
    }

    /// Currency and similar signs kept as symbol tokens: ₽ € $ % № #.
    @inline(__always) static func isKeptSymbol(_ c: UInt32) -> Bool {
        c == rouble || c == 0x20AC || c == 0x24 || c == 0x25 || c == 0x2116 || c == 0x23
    }

    /// Appends the UTF-8 encoding of a scalar value.
    @inline(__always) static func appendUTF8(_ c: UInt32, to bytes: inout [UInt8]) {
        if c < 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: c))
        } else if c < 0x800 {
            bytes.append(UInt8(truncatingIfNeeded: 0xC0 | (c >> 6)))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F)))
        } else if c < 0x10000 {
            bytes.append(UInt8(truncatingIfNeeded: 0xE0 | (c >> 12)))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | ((c >> 6) & 0x3F)))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F)))
        } else {
            bytes.append(UInt8(truncatingIfNeeded: 0xF0 | (c >> 18)))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | ((c >> 12) & 0x3F)))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | ((c >> 6) & 0x3F)))
            bytes.append(UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F)))
        }
    }

    /// A String from scalar values.
    static func string<C: Collection>(_ scalars: C) -> String where C.Element == UInt32 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scalars.count * 4) { bytes in
            var count = 0
            for c in scalars { count = writeUTF8(c, to: bytes, at: count) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<count]), as: UTF8.self)
        }
    }

    /// Writes the UTF-8 encoding of a scalar value at `offset`; returns the offset after it.
    @inline(__always)
    static func writeUTF8(_ c: UInt32, to bytes: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        if c < 0x80 {
            bytes[offset] = UInt8(truncatingIfNeeded: c)
            return offset + 1
        } else if c < 0x800 {
            bytes[offset] = UInt8(truncatingIfNeeded: 0xC0 | (c >> 6))
            bytes[offset + 1] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
            return offset + 2
        } else if c < 0x10000 {
            bytes[offset] = UInt8(truncatingIfNeeded: 0xE0 | (c >> 12))
            bytes[offset + 1] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 6) & 0x3F))
            bytes[offset + 2] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
            return offset + 3
        } else {
            bytes[offset] = UInt8(truncatingIfNeeded: 0xF0 | (c >> 18))
            bytes[offset + 1] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 12) & 0x3F))
            bytes[offset + 2] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 6) & 0x3F))
            bytes[offset + 3] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
            return offset + 4
        }
    }

    /// The scalar values of a String.
    static func scalars(_ text: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { out.append(scalar.value) }
        return out
    }
}

/// A 64-bit FNV-1a hash over scalar values, extendable one scalar at a time.
struct ScalarHash: Hashable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) mutating func add(_ c: UInt32) {
        value = (value ^ UInt64(c)) &* 0x0000_0100_0000_01B3
    }

    @inline(__always) static func of<C: Collection>(_ scalars: C) -> UInt64 where C.Element == UInt32 {
        var hash = ScalarHash()
        for c in scalars { hash.add(c) }
        return hash.value
    }

    /// Spreads a hash over a power-of-two table.
    @inline(__always) static func slot(_ hash: UInt64, mask: Int) -> Int {
        var x = hash
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        return Int(truncatingIfNeeded: x) & mask
    }
}

/// An open-addressing map from 64-bit hashes to non-negative Int32 values, built once.
struct HashIndex: Sendable {
    var keys: [UInt64]
    var values: [Int32]
    let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// Stores `value` for `key` unless the key is already there; returns the stored value.
    @discardableResult
    mutating func insert(_ key: UInt64, _ value: Int32) -> Int32 {
        var slot = ScalarHash.slot(key, mask: mask)
        while values[slot] >= 0 {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = value
        return value
    }

    @inline(__always) func find(_ key: UInt64) -> Int32? {
        var slot = ScalarHash.slot(key, mask: mask)
        while true {
            let value = values[slot]
            if value < 0 { return nil }
            if keys[slot] == key { return value }
            slot = (slot + 1) & mask
        }
    }
}

/// Natural logarithm without a C library: exponent plus an atanh series on the mantissa.
func naturalLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
    let exponent = Double(x.exponent)
    let mantissa = x.significand  // in [1, 2)
    let z = (mantissa - 1) / (mantissa + 1)
    let z2 = z * z
    var term = z
    var sum = 0.0
    var k = 1.0
    while k < 40 {
        sum += term / k
        term *= z2
        k += 2
    }
    return 2 * sum + exponent * 0.693_147_180_559_945_3
}

/// Sorting of large arrays of 64-bit keys in linear time.
enum RadixSort {
    /// Sorts `keys` ascending: least-significant-digit radix sort, 16 bits a pass, so four
    /// passes over the keys and a scratch array of the same size whatever the order.
    static func sort(_ keys: inout [UInt64]) {
        guard keys.count > 256 else {
            keys.sort()
            return
        }
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: 0, to: 64, by: 16) {
            keys.withUnsafeMutableBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for i in counts.indices { counts[i] = 0 }
                        for key in source { counts[Int(truncatingIfNeeded: key >> UInt64(shift)) & 0xFFFF] += 1 }
                        var start = 0
                        for i in counts.indices {
                            let count = counts[i]
                            counts[i] = start
                            start += count
                        }
                        for key in source {
                            let digit = Int(truncatingIfNeeded: key >> UInt64(shift)) & 0xFFFF
                            target[counts[digit]] = key
                            counts[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
    }
}
