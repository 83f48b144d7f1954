import Foundation

/// The file format of the turn journal: records one after another, each its payload's length and
/// checksum (both 4 bytes, little-endian; ``RecordChecksum``) and the payload. A record cut short or
/// damaged (a write that a crash interrupted) ends the file's valid part.
enum TurnRecord {
    /// The payload's format.
    static let formatVersion: UInt8 = 1
    /// Longer payloads are taken for damage.
    static let maximumPayload = 64 << 20

    /// Appends `entry`'s record to `bytes`.
    static func append(_ entry: JournalEntry, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 8))
        bytes.append(formatVersion)
        switch entry {
        case .create(let row):
            bytes.append(1)
            for field in [row.session, row.profile, row.state] { string(field, &bytes) }
            optional(row.topic, &bytes)
            optional(row.order, &bytes)
            for field in [row.conversation, row.greeting, row.at] { string(field, &bytes) }
        case .turn(let row):
            bytes.append(2)
            string(row.session, &bytes)
            string(row.state, &bytes)
            optional(row.topic, &bytes)
            optional(row.order, &bytes)
            string(row.conversation, &bytes)
            integer(UInt64(bitPattern: Int64(row.expectedVersion)), &bytes)
            string(row.incoming, &bytes)
            string(row.outgoing, &bytes)
            string(row.at, &bytes)
            optional(row.profile, &bytes)
            integer(UInt64(row.effects.count), &bytes)
            for effect in row.effects {
                switch effect {
                case .open(let id, let topic, let order, let queue, let eta, let messages, let createdAt):
                    bytes.append(1)
                    string(id, &bytes)
                    string(topic, &bytes)
                    optional(order, &bytes)
                    for field in [queue, eta, messages, createdAt] { string(field, &bytes) }
                case .append(let id, let message):
                    bytes.append(2)
                    string(id, &bytes)
                    string(message, &bytes)
                }
            }
        }
        let length = bytes.count - start - 8
        let checksum = bytes[(start + 8)...].withUnsafeBufferPointer { RecordChecksum.of($0) }
        put32(UInt32(length), at: start, &bytes)
        put32(checksum, at: start + 4, &bytes)
    }

    /// The entries of the valid records at the start of `bytes`, and how many bytes they take.
    static func entries(in bytes: [UInt8]) -> (entries: [JournalEntry], validLength: Int) {
        var entries: [JournalEntry] = []
        var offset = 0
        bytes.withUnsafeBufferPointer { buffer in
            while buffer.count - offset >= 8 {
                let length = Int(get32(buffer, offset))
                let checksum = get32(buffer, offset + 4)
                guard length <= maximumPayload, buffer.count - offset - 8 >= length else { return }
                let payload = UnsafeBufferPointer(rebasing: buffer[(offset + 8)..<(offset + 8 + length)])
                guard RecordChecksum.of(payload) == checksum, let entry = decode(payload) else { return }
                entries.append(entry)
                offset += 8 + length
            }
        }
        return (entries, offset)
    }

    private static func decode(_ payload: UnsafeBufferPointer<UInt8>) -> JournalEntry? {
        var reader = Reader(bytes: payload)
        guard reader.byte() == formatVersion else { return nil }
        let entry: JournalEntry
        switch reader.byte() {
        case 1:
            guard let session = reader.string(), let profile = reader.string(), let state = reader.string(),
                  let topic = reader.optional(), let order = reader.optional(), let conversation = reader.string(),
                  let greeting = reader.string(), let at = reader.string()
            else { return nil }
            entry = .create(SessionRow(session: session, profile: profile, state: state, topic: topic, order: order,
                                       conversation: conversation, greeting: greeting, at: at))
        case 2:
            guard let session = reader.string(), let state = reader.string(), let topic = reader.optional(),
                  let order = reader.optional(), let conversation = reader.string(), let version = reader.integer(),
                  let incoming = reader.string(), let outgoing = reader.string(), let at = reader.string(),
                  let profile = reader.optional(), let count = reader.integer(), count <= UInt64(payload.count)
            else { return nil }
            var effects: [EffectRow] = []
            for _ in 0..<count {
                switch reader.byte() {
                case 1:
                    guard let id = reader.string(), let topic = reader.string(), let order = reader.optional(),
                          let queue = reader.string(), let eta = reader.string(), let messages = reader.string(),
                          let createdAt = reader.string()
                    else { return nil }
                    effects.append(.open(id: id, topic: topic, order: order, queue: queue, etaMinutes: eta, messages: messages,
                                         createdAt: createdAt))
                case 2:
                    guard let id = reader.string(), let message = reader.string() else { return nil }
                    effects.append(.append(id: id, message: message))
                default:
                    return nil
                }
            }
            entry = .turn(TurnRow(session: session, state: state, topic: topic, order: order, conversation: conversation,
                                  expectedVersion: Int(Int64(bitPattern: version)), incoming: incoming, outgoing: outgoing,
                                  at: at, profile: profile, effects: effects))
        default:
            return nil
        }
        return reader.atEnd ? entry : nil
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0
        var atEnd: Bool { offset == bytes.count }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func integer() -> UInt64? {
            guard bytes.count - offset >= 8 else { return nil }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * index) }
            offset += 8
            return value
        }

        mutating func string() -> String? {
            guard bytes.count - offset >= 4 else { return nil }
            let length = Int(get32(bytes, offset))
            guard bytes.count - offset - 4 >= length else { return nil }
            defer { offset += 4 + length }
            return String(validating: UnsafeBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + length)]), as: UTF8.self)
        }

        /// `.some(nil)` for an absent value, `nil` for damage.
        mutating func optional() -> String?? {
            switch byte() {
            case 0: .some(nil)
            case 1: string().map { .some($0) } ?? nil
            default: nil
            }
        }
    }

    private static func string(_ value: String, _ bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            let count = UInt32(utf8.count)
            for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: count >> (8 * index))) }
            bytes.append(contentsOf: utf8)
        }
    }

    private static func optional(_ value: String?, _ bytes: inout [UInt8]) {
        if let value {
            bytes.append(1)
            string(value, &bytes)
        } else {
            bytes.append(0)
        }
    }

    private static func integer(_ value: UInt64, _ bytes: inout [UInt8]) {
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    private static func put32(_ value: UInt32, at offset: Int, _ bytes: inout [UInt8]) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    private static func get32(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * index) }
        return value
    }
}

/// The checksum of a journal record's payload: finds a record cut short, or a tail of zeros or
/// other bytes where a record should be. Mixes 8 bytes a step (a 64-bit multiply-xorshift), so it
/// costs little beside the write itself; it does not guard against deliberate change.
enum RecordChecksum {
    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let raw = UnsafeRawBufferPointer(bytes)
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
        var offset = 0
        while offset + 8 <= raw.count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < raw.count {
            tail |= UInt64(raw[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 29
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
