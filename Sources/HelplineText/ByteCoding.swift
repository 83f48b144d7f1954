/// A compact little-endian binary form for the tables the analyzer and the matcher derive from
/// their data, so a model snapshot (`MatcherSnapshot`) can store them and load them back without
/// rebuilding: fixed-width integers and floats, arrays of them copied as one block, strings as
/// length and UTF-8 bytes.
///
/// The reader checks every length against the bytes left before it allocates or copies, so a
/// truncated or garbage input throws `ByteReader.Malformed` instead of crashing or allocating
/// without bound.
package struct ByteWriter: Sendable {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func reserve(_ count: Int) { bytes.reserveCapacity(bytes.count + count) }

    package mutating func write(_ value: UInt8) { bytes.append(value) }

    package mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    package mutating func write(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func write(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }

    package mutating func write(_ value: Float) { write(value.bitPattern) }

    package mutating func write(_ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            write(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    package mutating func write(_ values: [String]) {
        write(values.count)
        for value in values { write(value) }
    }

    package mutating func write(_ values: [Bool]) {
        write(values.count)
        bytes.append(contentsOf: values.lazy.map { $0 ? 1 : 0 })
    }

    package mutating func write(_ values: [UInt8]) {
        write(values.count)
        bytes.append(contentsOf: values)
    }

    package mutating func write(_ values: [Int32]) { writeBlock(values) }
    package mutating func write(_ values: [UInt32]) { writeBlock(values) }
    package mutating func write(_ values: [UInt64]) { writeBlock(values) }
    package mutating func write(_ values: [Float]) { writeBlock(values.map(\.bitPattern)) }

    /// An element count, then the elements' little-endian bytes: on a little-endian machine, the
    /// array's memory in one copy.
    private mutating func writeBlock<T: FixedWidthInteger>(_ values: [T]) {
        write(values.count)
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        values.map(\.littleEndian).withUnsafeBytes { bytes.append(contentsOf: $0) }
        #endif
    }
}

/// Reads what `ByteWriter` wrote, in the same order, from bytes it does not own.
package struct ByteReader {
    /// The input ends early, or a length or value is out of range.
    package struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        package var message: String
        package init(_ message: String) { self.message = message }
        package var description: String { message }
    }

    private let base: UnsafeRawBufferPointer
    package private(set) var offset: Int

    /// Reads `bytes`, which must stay valid while the reader is used.
    package init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        base = bytes
        self.offset = offset
    }

    package var remaining: Int { base.count - offset }

    /// The bytes not read yet (they stay unread).
    package var unread: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: base[offset...]) }

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw Malformed("needs \(count) bytes at \(offset), has \(remaining)") }
        let slice = UnsafeRawBufferPointer(rebasing: base[offset..<(offset + count)])
        offset += count
        return slice
    }

    package mutating func readUInt8() throws -> UInt8 { try take(1)[0] }

    package mutating func readBool() throws -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let other: throw Malformed("\(other) is not a Bool")
        }
    }

    package mutating func readUInt32() throws -> UInt32 {
        UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self))
    }

    package mutating func readUInt64() throws -> UInt64 {
        UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self))
    }

    package mutating func readInt() throws -> Int {
        let value = Int64(bitPattern: try readUInt64())
        guard let int = Int(exactly: value) else { throw Malformed("\(value) does not fit an Int") }
        return int
    }

    /// A non-negative integer no larger than `limit`.
    package mutating func readCount(atMost limit: Int = .max) throws -> Int {
        let value = try readInt()
        guard value >= 0, value <= limit else { throw Malformed("count \(value) out of 0...\(limit)") }
        return value
    }

    package mutating func readFloat() throws -> Float { Float(bitPattern: try readUInt32()) }

    package mutating func readString() throws -> String {
        let count = try readCount(atMost: remaining)
        return String(decoding: try take(count), as: UTF8.self)
    }

    package mutating func readStrings() throws -> [String] {
        // Every string takes at least its 8-byte length.
        let count = try readCount(atMost: remaining / 8)
        var out: [String] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try readString()) }
        return out
    }

    package mutating func readBools() throws -> [Bool] {
        let count = try readCount(atMost: remaining)
        var out: [Bool] = []
        out.reserveCapacity(count)
        for byte in try take(count) {
            guard byte <= 1 else { throw Malformed("\(byte) is not a Bool") }
            out.append(byte == 1)
        }
        return out
    }

    package mutating func readBytes() throws -> [UInt8] {
        Array(try take(try readCount(atMost: remaining)))
    }

    package mutating func readInt32s() throws -> [Int32] { try readBlock(Int32.self) }
    package mutating func readUInt32s() throws -> [UInt32] { try readBlock(UInt32.self) }
    package mutating func readUInt64s() throws -> [UInt64] { try readBlock(UInt64.self) }
    package mutating func readFloats() throws -> [Float] {
        // Float and UInt32 share their layout: the bytes are copied once, as they are.
        let bits = try readBlock(UInt32.self)
        return [Float](unsafeUninitializedCapacity: bits.count) { buffer, initialized in
            bits.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            initialized = bits.count
        }
    }

    /// An element count, then the elements' little-endian bytes, copied in one block.
    private mutating func readBlock<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
        let size = MemoryLayout<T>.size
        let count = try readCount(atMost: remaining / size)
        let raw = try take(count * size)
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
            initialized = count
        }
        #if _endian(little)
        return values
        #else
        return values.map { T(littleEndian: $0) }
        #endif
    }

    /// Throws unless `condition` holds; for the structural checks of decoded tables.
    package static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Malformed(message()) }
    }
}

/// A fast 64-bit checksum of bytes (eight at a time, four lanes, mixed at the end). Catches
/// truncation and accidental corruption; it is not a cryptographic hash.
package enum Checksum {
    package static func of(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let prime: UInt64 = 0x9e37_79b9_7f4a_7c15
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (seed ^ 0x243f_6a88_85a3_08d3, seed ^ 0x1319_8a2e_0370_7344,
                                                        seed ^ 0xa409_3822_299f_31d0, seed ^ 0x082e_fa98_ec4e_6c89)
        @inline(__always) func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
            let x = (lane ^ word) &* prime
            return (x << 29 | x >> 35) &+ word
        }
        let count = bytes.count
        var i = 0
        while i + 32 <= count {
            lanes.0 = round(lanes.0, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            lanes.1 = round(lanes.1, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
            lanes.2 = round(lanes.2, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)))
            lanes.3 = round(lanes.3, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)))
            i += 32
        }
        var tail = UInt64(count)
        while i < count {
            tail = round(tail, UInt64(bytes[i]))
            i += 1
        }
        var h = mix(lanes.0) ^ mix(lanes.1 &+ 1) ^ mix(lanes.2 &+ 2) ^ mix(lanes.3 &+ 3)
        h = mix(h ^ tail)
        return h
    }

    /// The checksum of a byte array.
    package static func of(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { of($0, seed: seed) }
    }

    @inline(__always) private static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
