/// What Tab offers for the text before the cursor: slash commands for a line that starts with `/`,
/// else the labels of the options on screen.
struct Completion: Equatable, Sendable {
    /// The text that replaces what was typed.
    var replacement: String
    /// Every match; more than one means readline lists them on a second Tab.
    var candidates: [String]
    /// Whether a space follows a unique match (a command that takes an argument).
    var appendSpace: Bool

    /// Commands that take an argument, so a space follows their completion.
    static let commandsWithArgument: Set<String> = ["/record", "/ask", "/transfer", "/show"]

    /// The completion of `typed`, or `nil` when nothing matches.
    ///
    /// Matching ignores case and treats «ё» as «е». Labels are matched by prefix first; if none
    /// starts with the text, by the start of any word in them («sony» finds «Наушники Sony»).
    ///
    /// After a command and a space, the word is completed from `arguments[command]` («/transfer
    /// тра» → «/transfer travel»).
    static func complete(_ typed: String, commands: [String], arguments: [String: [String]] = [:],
                         labels: [String]) -> Completion? {
        let text = String(typed.drop(while: { $0 == " " }))
        let candidates: [String]
        if text.hasPrefix("/"), let space = text.firstIndex(of: " ") {
            let command = String(text[..<space])
            let word = String(text[text.index(after: space)...])
            guard let words = arguments[command], !word.contains(" ") else { return nil }
            candidates = words.filter { fold($0).hasPrefix(fold(word)) }.map { command + " " + $0 }
        } else if text.hasPrefix("/") {
            candidates = commands.filter { fold($0).hasPrefix(fold(text)) }
        } else {
            let byPrefix = labels.filter { fold($0).hasPrefix(fold(text)) }
            candidates = byPrefix.isEmpty && !text.isEmpty
                ? labels.filter { label in words(of: label).contains { fold($0).hasPrefix(fold(text)) } }
                : byPrefix
        }
        let unique = candidates.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard let first = unique.first else { return nil }
        if unique.count == 1 {
            return Completion(replacement: first, candidates: unique,
                              appendSpace: commandsWithArgument.contains(first))
        }
        let common = commonPrefix(unique)
        let replacement = fold(common).hasPrefix(fold(text)) ? common : typed
        return Completion(replacement: replacement, candidates: unique, appendSpace: false)
    }

    /// Lowercased, «ё» as «е»: the form matching compares.
    static func fold(_ text: some StringProtocol) -> String {
        text.lowercased().replacingAll("ё", with: "е")
    }

    /// The longest start all `strings` share, ignoring case; its letters are the first string's.
    static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map(Array.init) else { return "" }
        for string in strings.dropFirst() {
            let other = Array(string)
            var length = 0
            while length < prefix.count, length < other.count,
                  fold(String(prefix[length])) == fold(String(other[length])) {
                length += 1
            }
            prefix = Array(prefix[..<length])
        }
        return String(prefix)
    }

    private static func words(of label: String) -> [Substring] {
        label.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
    }
}

private extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
