/// A chat that cannot start, with the reason in plain words; the command exits with status 1.
struct ChatError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
