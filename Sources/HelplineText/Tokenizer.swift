/// Splits normalized text into tokens, keeping order numbers, phones, e-mails and URLs whole.
public enum Tokenizer {
    public static func tokenize(_ normalized: String) -> [Token] {
        normalized.split(separator: " ").map { part in
            Token(text: String(part), kind: part.allSatisfy(\.isNumber) ? .number : .word)
        }
    }
}
