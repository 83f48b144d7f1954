import Foundation

/// How much of the chat before filing an appeal carries: a long chat keeps its latest messages, so
/// an appeal (and every desk answer that shows it) stays a readable size.
public struct ChatHistoryLimit: Sendable, Hashable {
    /// The most messages kept.
    public var messages: Int
    /// The most bytes of text (UTF-8) kept over all of them.
    public var bytes: Int

    public init(messages: Int = 200, bytes: Int = 256 * 1024) {
        self.messages = max(0, messages)
        self.bytes = max(0, bytes)
    }

    /// The latest `entries` within the limit, in their order. When some are left out, the first
    /// entry is a `bot` line from `omitted`, given how many earlier messages are not shown, dated
    /// as the first one kept.
    public func apply(_ entries: [DeskEntry], omitted: (Int) -> String) -> [DeskEntry] {
        var kept = 0
        var bytesKept = 0
        for entry in entries.reversed() {
            let size = entry.text?.utf8.count ?? 0
            guard kept < messages, bytesKept + size <= bytes else { break }
            kept += 1
            bytesKept += size
        }
        guard kept < entries.count else { return entries }
        let tail = entries.suffix(kept)
        let at = tail.first?.at ?? entries[entries.count - 1].at
        return [DeskEntry(.bot, text: omitted(entries.count - kept), at: at)] + tail
    }
}
