import Foundation

/// The rule that keeps a test set apart from the training examples: a text of three words or more
/// repeats another when at least 80 % of their words (as sets, lower-cased, «ё» read as «е») are
/// shared. Independently written support questions often come out word for word alike, so the
/// test sets are held to it (`testSetIsApartFromExamples`) and `helpline review --merge` skips
/// lines that break it.
public enum Apartness {
    /// Shorter texts are too generic to count as repeats.
    public static let minimumWords = 3
    /// The share of words (shared over all) from which two texts are one wording.
    public static let threshold = 0.8

    /// The words of a text, lower-cased, «ё» read as «е».
    public static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split { !$0.isLetter && !$0.isNumber }.map(String.init))
    }

    /// Whether `text` repeats one of `others` (given as ``words(_:)``).
    public static func repeats(_ text: String, anyOf others: [Set<String>]) -> Bool {
        let line = words(text)
        guard line.count >= minimumWords else { return false }
        return others.contains { other in
            Double(other.intersection(line).count) / Double(max(1, other.union(line).count)) >= threshold
        }
    }
}
