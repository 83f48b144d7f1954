import HelplineIntents
import HelplineText

/// The lines `helpline classify` prints, written straight into a byte buffer.
///
/// The JSON line is, byte for byte, what `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` writes for the fixed shape
/// `{"alternatives":[{"confidence":…,"intent":…}],"ambiguous":…,"confidence":…,"entities":[{"kind":…,"text":…,"value":…}],"intent":…,"text":…}`:
/// keys in that order, strings escaped as it escapes them (`\"`, `\\`, `\b` `\f` `\n` `\r` `\t`,
/// other control characters as `\u00xx`, everything else as UTF-8), numbers as it writes them
/// (`0.9312`, `1`, `0`). No encoder tree, no `Data`, no `String` per line.
enum ClassificationFormat {
    /// Appends the `--json` line (with its newline) for `text` and its classification.
    static func appendJSON(text: String, _ result: Classification, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"alternatives":["#.utf8)
        for (index, alternative) in result.alternatives.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"confidence":"#.utf8)
            appendNumber(alternative.confidence, to: &out)
            out.append(contentsOf: #","intent":"#.utf8)
            appendString(alternative.id.wireValue, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"ambiguous":"#.utf8)
        out.append(contentsOf: result.isAmbiguous ? "true".utf8 : "false".utf8)
        out.append(contentsOf: #","confidence":"#.utf8)
        appendNumber(result.confidence, to: &out)
        out.append(contentsOf: #","entities":["#.utf8)
        for (index, entity) in result.entities.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"kind":"#.utf8)
            appendString(entity.kind.rawValue, to: &out)
            out.append(contentsOf: #","text":"#.utf8)
            appendString(entity.text, to: &out)
            out.append(contentsOf: #","value":"#.utf8)
            appendString(entity.value, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"intent":"#.utf8)
        appendString(result.intent.wireValue, to: &out)
        out.append(contentsOf: #","text":"#.utf8)
        appendString(text, to: &out)
        out.append(contentsOf: "}\n".utf8)
    }

    /// Appends the readable line (with its newline): the intent and confidence, the message, then
    /// alternatives, entities and repairs, separated by ` | `.
    static func appendReadable(text: String, _ result: Classification, to out: inout [UInt8]) {
        out.append(contentsOf: result.intent.wireValue.utf8)
        out.append(UInt8(ascii: " "))
        appendFixed2(result.confidence, to: &out)
        if result.isAmbiguous { out.append(contentsOf: " (ambiguous)".utf8) }
        out.append(contentsOf: " | ".utf8)
        out.append(contentsOf: text.utf8)
        if !result.alternatives.isEmpty {
            out.append(contentsOf: " | alternatives: ".utf8)
            for (index, alternative) in result.alternatives.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                out.append(contentsOf: alternative.id.wireValue.utf8)
                out.append(UInt8(ascii: " "))
                appendFixed2(alternative.confidence, to: &out)
            }
        }
        if !result.entities.isEmpty {
            out.append(contentsOf: " | entities: ".utf8)
            for (index, entity) in result.entities.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                out.append(contentsOf: entity.kind.rawValue.utf8)
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: entity.value.utf8)
            }
        }
        if !result.analysis.repairs.isEmpty {
            out.append(contentsOf: " | repairs: ".utf8)
            for (index, repair) in result.analysis.repairs.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                out.append(contentsOf: repair.from.utf8)
                out.append(contentsOf: "→".utf8)
                out.append(contentsOf: repair.to.utf8)
                out.append(contentsOf: " (".utf8)
                out.append(contentsOf: repair.reason.rawValue.utf8)
                out.append(UInt8(ascii: ")"))
            }
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// Appends a JSON string literal, escaped as `JSONEncoder` escapes it (slashes not escaped).
    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var run = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                run = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case 0x08: out.append(contentsOf: #"\b"#.utf8)
                case 0x0C: out.append(contentsOf: #"\f"#.utf8)
                case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                default:
                    out.append(contentsOf: #"\u00"#.utf8)
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends a number as `JSONEncoder` writes a `Double`: its shortest round-trip form, without
    /// a trailing `.0`. The matcher's confidences (multiples of 0.0001 in 0...1) are written from
    /// their digits; anything else goes through `description`.
    static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        let scaled = (value * 10_000).rounded()
        guard scaled >= 0, scaled <= 10_000, scaled / 10_000 == value, value.sign == .plus else {
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out.append(contentsOf: text.utf8)
            return
        }
        var units = Int(scaled)
        if units == 10_000 {
            out.append(UInt8(ascii: "1"))
            return
        }
        out.append(UInt8(ascii: "0"))
        guard units > 0 else { return }
        var width = 4
        while units % 10 == 0 {
            units /= 10
            width -= 1
        }
        out.append(UInt8(ascii: "."))
        var digits: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            for position in stride(from: width - 1, through: 0, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(units % 10)
                units /= 10
            }
            out.append(contentsOf: buffer.prefix(width))
        }
    }

    /// Appends a number with two decimals, as `String(format: "%.2f")` writes it.
    static func appendFixed2(_ value: Double, to out: inout [UInt8]) {
        Fixed.append(value, places: 2, to: &out)
    }
}
