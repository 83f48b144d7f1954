import Foundation

/// What Foundation's JSON decoding does not tell: whether an object repeats a key, and the exact
/// text of the top-level `id` value (and of `op`, which tells the common `say` apart cheaply).
///
/// Foundation accepts `{"id":1,"id":2}` (`JSONDecoder` keeps the first value, `JSONSerialization`
/// the last) and reads `1.0`, `1e2` and `-0` as the integers 1, 100 and 0. This pass walks a line
/// in one linear scan and reports both; `JSONDecoder` checks the syntax.
/// Keys with escapes are unescaped by `JSONDecoder`, so `"a"` and `"\u0061"` are the same key.
struct JSONShape {
    /// Whether some object repeats a key.
    var hasDuplicateKey = false
    /// Whether the repeated key is the top-level `id`: then no one value of it is the request's.
    var hasDuplicateID = false
    /// How deep arrays and objects nest (1 for a flat object).
    var depth = 0
    /// The bytes of the top-level object's `id` value, as written.
    var idText: ArraySlice<UInt8>?
    /// The bytes of the top-level object's `op` value, as written (quotes included).
    var opText: ArraySlice<UInt8>?
    /// Whether a token of the line breaks a rule of JSON, which Foundation's parsers let pass or
    /// would report as a wrong value rather than as a line that is not JSON: a comma before `}`
    /// or `]` (`{"op":"ping",}`), a number outside JSON's grammar (`01`, `1.`, `-`, `1.e5`), a
    /// word other than `true`, `false`, `null`, a control character or an unknown escape inside a
    /// string (`"\x41"`, `"\u00e"`).
    var isLenient = false

    /// Removes the UTF-8 byte-order marks (EF BB BF) from the start of a line, however many. RFC
    /// 8259 lets a parser ignore one, and files saved by some editors begin with it; left in place,
    /// a mark would hide the line's top-level object from this scan, and with it the checks of its
    /// `id` and keys, while Foundation's parsers skip it and read the line anyway.
    static func dropByteOrderMark(_ bytes: inout [UInt8]) {
        var start = 0
        while bytes[start...].starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        if start > 0 { bytes.removeFirst(start) }
    }

    /// Scans `bytes`. Meant for valid JSON; on anything else it ends without a useful answer
    /// (and without harm), and the JSON decoder reports the syntax error.
    init(_ bytes: [UInt8]) {
        var index = 0
        // One set of keys per open object; `nil` for an open array.
        var keys: [KeySet?] = []
        func skipWhitespace() {
            while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        }
        /// The end (exclusive) of the string starting at `start` (its opening quote); notes a
        /// control character or an escape JSON does not have.
        func stringEnd(_ start: Int) -> Int {
            var i = start + 1
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\\"):
                    if !Self.isEscape(bytes, at: i) { isLenient = true }
                    i += 2
                case UInt8(ascii: "\""): return i + 1
                case 0..<0x20:
                    isLenient = true
                    i += 1
                default: i += 1
                }
            }
            // Unterminated (not JSON): the end of the line, never past it.
            return bytes.count
        }
        /// The end (exclusive) of a scalar (number, `true`, `false`, `null`) starting at `start`.
        func scalarEnd(_ start: Int) -> Int {
            var i = start
            while i < bytes.count, !Self.isDelimiter(bytes[i]) { i += 1 }
            return i
        }
        /// The end (exclusive) of the value starting at `start`, skipping nested containers.
        func valueEnd(_ start: Int) -> Int {
            switch bytes[start] {
            case UInt8(ascii: "\""): return stringEnd(start)
            case UInt8(ascii: "{"), UInt8(ascii: "["): return containerEnd(start)
            default: return scalarEnd(start)
            }
        }
        func containerEnd(_ start: Int) -> Int {
            var depth = 0
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""): i = stringEnd(i); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return i
        }

        while index < bytes.count {
            skipWhitespace()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"):
                keys.append(KeySet())
                depth = max(depth, keys.count)
                index += 1
            case UInt8(ascii: "["):
                keys.append(nil)
                depth = max(depth, keys.count)
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = keys.popLast()
                index += 1
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") || bytes[index] == UInt8(ascii: "]") {
                    isLenient = true
                }
            case UInt8(ascii: ":"):
                index += 1
            case UInt8(ascii: "\""):
                let end = stringEnd(index)
                var after = end
                while after < bytes.count, Self.isWhitespace(bytes[after]) { after += 1 }
                let isKey = after < bytes.count && bytes[after] == UInt8(ascii: ":") && keys.last.map { $0 != nil } == true
                if isKey {
                    let key = Self.key(bytes[index..<end])
                    // The scan goes on: an `id` after the repeated key is still the request's.
                    if keys[keys.count - 1]!.insert(key) == false {
                        hasDuplicateKey = true
                        if keys.count == 1 && key == "id" { hasDuplicateID = true }
                    }
                    index = after + 1
                    if keys.count == 1, key == "id" || key == "op" {
                        skipWhitespace()
                        guard index < bytes.count else { return }
                        // The scan goes on from the value's start: containers in it are checked too.
                        let value = bytes[index..<valueEnd(index)]
                        if key == "id" { idText = value } else { opText = value }
                    }
                } else {
                    index = end
                }
            default:
                let end = max(scalarEnd(index), index + 1)
                if !Self.isValidScalar(bytes[index..<end]) { isLenient = true }
                index = end
            }
        }
    }

    /// The keys of one object: a list while short (a request has a handful), a set past that.
    struct KeySet {
        private var short: [String] = []
        private var long: Set<String>?

        /// Adds `key`; false when the object has it already.
        mutating func insert(_ key: String) -> Bool {
            if long == nil {
                if short.contains(key) { return false }
                short.append(key)
                if short.count > 16 { long = Set(short) }
                return true
            }
            return long!.insert(key).inserted
        }
    }

    /// Whether a value that is not a string or a container is JSON: `true`, `false`, `null`, or a
    /// number as RFC 8259 writes it (`-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`). Strings and
    /// containers pass (they are checked on their own).
    static func isValidScalar(_ scalar: ArraySlice<UInt8>) -> Bool {
        guard let first = scalar.first else { return true }
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return true }
        if scalar.elementsEqual("true".utf8) || scalar.elementsEqual("false".utf8) || scalar.elementsEqual("null".utf8) {
            return true
        }
        var i = scalar.startIndex
        let end = scalar.endIndex
        func isDigit(_ index: Int) -> Bool { index < end && scalar[index] >= UInt8(ascii: "0") && scalar[index] <= UInt8(ascii: "9") }
        func digits() -> Bool {
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
            return true
        }
        if scalar[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return false }
        if scalar[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            _ = digits()
        }
        if i < end, scalar[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() else { return false }
        }
        if i < end, scalar[i] == UInt8(ascii: "e") || scalar[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, scalar[i] == UInt8(ascii: "+") || scalar[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() else { return false }
        }
        return i == end
    }

    /// Whether the backslash at `index` starts one of JSON's escapes (`\"`, `\\`, `\/`, `\b`,
    /// `\f`, `\n`, `\r`, `\t`, or `\u` and four hex digits).
    private static func isEscape(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index + 1 < bytes.count else { return false }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        case UInt8(ascii: "u"):
            guard index + 5 < bytes.count else { return false }
            return bytes[(index + 2)...(index + 5)].allSatisfy { byte in
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
            }
        default:
            return false
        }
    }

    /// JSON's white space: space, line feed, carriage return, tab.
    @inline(__always) private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// What ends a number, `true`, `false` or `null`.
    @inline(__always) private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09: true
        default: false
        }
    }

    /// A key as its unescaped text: escapes are rare, and left to `JSONDecoder`.
    private static func key(_ quoted: ArraySlice<UInt8>) -> String {
        guard quoted.contains(UInt8(ascii: "\\")) else {
            return String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
        }
        return (try? JSONDecoder().decode(String.self, from: Data(quoted))) ?? String(decoding: quoted, as: UTF8.self)
    }
}
