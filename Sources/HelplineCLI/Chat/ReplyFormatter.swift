import HelplineDialogue

/// Lays a reply out as text for a terminal or a pipe: the text wrapped to the width, then the
/// options numbered, each option's continuation lines aligned after its number.
///
/// With a label (the interactive chat) the reply starts with «Поддержка:» and every line hangs
/// under the first word of the text:
/// ```
/// Поддержка: Здравствуйте! Выберите тему
///            обращения.
///            1. Доставка
/// ```
/// Without one (piped use) lines start at column 0.
struct ReplyFormatter: Sendable {
    var style: TerminalStyle
    /// The width to fill, in columns.
    var width: Int
    /// The speaker's label before the text, or `nil` for none.
    var label: String?

    /// The reply's lines, without a trailing newline.
    func lines(for reply: Reply) -> [String] {
        let indent = hangingIndent
        let textWidth = width - indent
        var lines: [String] = []
        // The text and labels may carry what a specialist or a profile wrote: shown, never obeyed.
        for line in TextWrapper.wrap(TerminalText.visible(reply.text), width: textWidth) {
            lines.append(pad(lines.isEmpty ? firstLinePrefix : nil, indent) + line)
        }
        // Keys right-aligned, so labels line up: " 9. …" above "10. …".
        let keyWidth = reply.options.map { DisplayWidth.of($0.key) }.max() ?? 0
        for option in reply.options {
            let key = String(repeating: " ", count: keyWidth - DisplayWidth.of(option.key)) + option.key
            let numberWidth = keyWidth + 2
            let wrapped = TextWrapper.wrap(TerminalText.visible(option.label), width: max(1, textWidth - numberWidth))
            for (index, part) in wrapped.enumerated() {
                let lead = index == 0 ? style.optionKey("\(key).") + " " : String(repeating: " ", count: numberWidth)
                lines.append(pad(lines.isEmpty ? firstLinePrefix : nil, indent) + lead + part)
            }
        }
        if lines.isEmpty, let label {
            lines.append(style.botName(label))
        }
        return lines
    }

    /// The reply as one string ending with a newline.
    func format(_ reply: Reply) -> String {
        lines(for: reply).joined(separator: "\n") + "\n"
    }

    /// Plain notice text (command output), wrapped to the width without a label.
    func notice(_ text: String) -> String {
        TextWrapper.wrap(TerminalText.visible(text), width: width).joined(separator: "\n") + "\n"
    }

    /// The columns the text is indented by: the label and a space, at most a quarter of the width.
    private var hangingIndent: Int {
        guard let label else { return 0 }
        let labelWidth = DisplayWidth.of(label) + 1
        return labelWidth <= width / 4 + 4 ? labelWidth : 0
    }

    private var firstLinePrefix: String? {
        label.map { style.botName($0) }
    }

    /// `prefix` (the styled label) followed by spaces up to `indent` columns, or just the spaces.
    private func pad(_ prefix: String?, _ indent: Int) -> String {
        guard let prefix, let label else { return String(repeating: " ", count: indent) }
        let used = DisplayWidth.of(label)
        if indent == 0 {
            // No room to hang: the label gets a line of its own.
            return prefix + "\n"
        }
        return prefix + String(repeating: " ", count: max(1, indent - used))
    }
}
