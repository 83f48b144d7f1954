import Logging

/// What the daemon's logs may show of values that come from outside.
///
/// Session ids are bearer tokens: whoever has one can use the session, so logs show a short tag
/// derived from the id instead (the same id always gives the same tag, so a session's lines can
/// be followed). Anything else printed from outside — errors, file names — is escaped the way
/// Swift writes a string literal, so a control character cannot forge or garble a log line.
enum LogText {
    /// `"…"` with control characters, double quotes and backslashes escaped as a Swift string
    /// literal writes them (`\0`, `\u{1B}`, `\n`, `\"`); single quotes, which errors use to quote
    /// names, stay as they are.
    static func escaped(_ value: Any) -> Logger.MetadataValue {
        var out = "\""
        for scalar in String(describing: value).unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\0": out += "\\0"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return .string(out + "\"")
    }

    /// `s-` and 8 hex digits: a tag for a session id that does not reveal the id.
    static func session(_ id: String) -> Logger.MetadataValue {
        // FNV-1a over the id's bytes: 32 bits of a 96-bit random id tell nothing useful about it.
        var hash: UInt32 = 2_166_136_261
        for byte in id.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return .string("s-" + String(repeating: "0", count: 8 - hex.count) + hex)
    }
}
