/// Characters a screen acts on instead of showing, shared by what refuses them in names and ids
/// and what shows them harmlessly on the terminals.
///
/// ```swift
/// ScreenControl.isControl("\u{1B}")        // true: an escape sequence starts
/// ScreenControl.isLayoutControl("\u{202E}") // true: the text after it is shown right to left
/// ```
public enum ScreenControl {
    /// A C0 control, DEL or a C1 control (line breaks and tabs included).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// A character that reorders or breaks the text around it without being seen: the
    /// bidirectional embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069), and
    /// the line and paragraph separators (U+2028, U+2029).
    public static func isLayoutControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0x2028 || value == 0x2029
    }

    /// The left-to-right and right-to-left marks (U+200E, U+200F): unseen, they move the
    /// characters next to them.
    public static func isDirectionMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x200E || scalar.value == 0x200F
    }
}
