/// How many terminal columns text takes: Cyrillic and Latin letters one each, East Asian wide
/// characters and emoji two, combining marks and control characters none.
enum DisplayWidth {
    /// The columns a whole string takes on one line.
    static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The columns one character (a grapheme cluster) takes.
    static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.value < 0x20 || (0x7F..<0xA0).contains(first.value) { return 0 }
        var width = 0
        for scalar in character.unicodeScalars {
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format:
                continue
            default:
                break
            }
            if properties.isEmojiPresentation || isWide(scalar.value) { return 2 }
            width = 1
        }
        return width
    }

    /// East Asian Wide and Fullwidth ranges.
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

/// Breaks text into lines that fit a width in terminal columns, at spaces where it can.
enum TextWrapper {
    /// The lines of `text` at most `width` columns wide. Line breaks in the text are kept, and so
    /// is a paragraph's indentation; a word longer than the width is cut. `width` below 1 is
    /// taken as 1.
    static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var lines: [String] = []
        for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lines.append(contentsOf: wrapParagraph(paragraph, width: width))
        }
        return lines
    }

    /// Wraps one paragraph; its leading spaces indent every line it wraps to, and the lines a
    /// bullet («• ») or a numbered item («1. ») wraps to are indented under its text.
    private static func wrapParagraph(_ paragraph: Substring, width: Int) -> [String] {
        let indent = paragraph.prefix(while: { $0 == " " })
        guard !indent.isEmpty, indent.count < width else { return hang(paragraph, width: width) }
        return hang(paragraph.dropFirst(indent.count), width: width - indent.count).map { indent + $0 }
    }

    /// Fills a paragraph, indenting its continuation lines under the text of a list marker.
    private static func hang(_ paragraph: Substring, width: Int) -> [String] {
        let marker = listMarker(paragraph)
        guard marker > 0, marker < width / 2 else { return fill(paragraph, width: width) }
        let pad = String(repeating: " ", count: marker)
        let body = fill(paragraph.dropFirst(marker), width: width - marker)
        return body.enumerated().map { index, line in (index == 0 ? String(paragraph.prefix(marker)) : pad) + line }
    }

    /// The width of a list marker at the start of a paragraph («• », «1. », «12. »), or 0.
    private static func listMarker(_ paragraph: Substring) -> Int {
        if paragraph.hasPrefix("• ") || paragraph.hasPrefix("- ") { return 2 }
        let digits = paragraph.prefix(while: \.isNumber)
        guard !digits.isEmpty, digits.count <= 2 else { return 0 }
        return paragraph.dropFirst(digits.count).hasPrefix(". ") ? digits.count + 2 : 0
    }

    /// The paragraph's words, with phone numbers and order numbers kept whole: «+7 495 232−10−00»,
    /// «7 (812) 494−06−06» and «№ 31415926-0001» are one word each, never split across lines.
    static func unbreakableWords(_ paragraph: Substring) -> [String] {
        var words: [String] = []
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
            if let last = words.last, let end = last.last, let start = word.first,
               last == "№" || ((end.isNumber || end == ")") && (start.isNumber || start == "(")) {
                words[words.count - 1] = last + " " + word
            } else {
                words.append(String(word))
            }
        }
        return words
    }

    private static func fill(_ paragraph: Substring, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in unbreakableWords(paragraph) {
            let wordWidth = DisplayWidth.of(word)
            if lineWidth > 0 && lineWidth + 1 + wordWidth <= width {
                line += " " + word
                lineWidth += 1 + wordWidth
                continue
            }
            if lineWidth > 0 {
                lines.append(line)
                line = ""
                lineWidth = 0
            }
            if wordWidth <= width {
                line = String(word)
                lineWidth = wordWidth
                continue
            }
            // A word wider than the line: cut it into pieces that fit.
            for character in word {
                let characterWidth = DisplayWidth.of(character)
                if lineWidth + characterWidth > width && lineWidth > 0 {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                line.append(character)
                lineWidth += characterWidth
            }
        }
        lines.append(line)
        return lines
    }
}
