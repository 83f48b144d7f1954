extension String {
    /// The text without leading and trailing white space: the same characters as Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` (Unicode White_Space and U+200B), without
    /// a round trip through `NSString`.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !Self.isTrimmed($0) }),
              let last = scalars.lastIndex(where: { !Self.isTrimmed($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// Whether ``trimmingWhitespace()`` would leave the text as it is.
    var hasNoSurroundingWhitespace: Bool {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return true }
        return !Self.isTrimmed(first) && !Self.isTrimmed(last)
    }

    /// Whether the text starts with «/» (a command): `hasPrefix("/")`, looked at by the first byte
    /// first, since almost no message starts with one.
    var startsWithSlash: Bool {
        utf8.first == UInt8(ascii: "/") && hasPrefix("/")
    }

    private static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        // Printable ASCII and Cyrillic are never white space: no look at the Unicode tables.
        if (0x21...0x7E).contains(scalar.value) || (0x400...0x4FF).contains(scalar.value) { return false }
        return scalar.properties.isWhitespace || scalar == "\u{200B}"
    }
}
