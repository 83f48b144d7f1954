import HelplineText

/// Text from elsewhere — a customer's message, a specialist's reply, a profile's names — made
/// safe to print on a terminal. A control character other than the line break and the tab would
/// be obeyed by the terminal (an escape sequence clears the screen or sets the window's title, a
/// carriage return or backspace overwrites what is shown), and a direction override reorders the
/// text after it. Each is shown instead of obeyed: a C0 control as its Unicode control picture
/// (ESC as «␛», carriage return as «␍»), DEL as «␡», a line or paragraph separator as a line
/// break, the rest as «�».
///
/// ```swift
/// TerminalText.visible("Привет\u{1B}[2J")   // "Привет␛[2J"
/// ```
enum TerminalText {
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isObeyed) else { return text }
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isObeyed(scalar) else {
                shown.append(scalar)
                continue
            }
            switch scalar.value {
            // A line or paragraph separator starts a line: laid out as a line break, so the line
            // after it is indented as the message's other lines are, not passed off as a line of
            // its own.
            case 0x2028, 0x2029: shown.append("\n")
            case 0..<0x20: shown.append(Unicode.Scalar(0x2400 + scalar.value) ?? "\u{FFFD}")
            case 0x7F: shown.append("\u{2421}")
            default: shown.append("\u{FFFD}")
            }
        }
        return String(shown)
    }

    /// Whether a terminal would act on `scalar` rather than show it (the line break and the tab
    /// are kept: they lay text out as meant).
    private static func isObeyed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value == 0x0A || scalar.value == 0x09 { return false }
        return ScreenControl.isControl(scalar) || ScreenControl.isLayoutControl(scalar)
    }
}
