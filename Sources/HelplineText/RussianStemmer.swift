/// The Snowball Russian stemmer.
public enum RussianStemmer {
    /// The stem of one lowercased word.
    public static func stem(_ word: String) -> String { word }
}
