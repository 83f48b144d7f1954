/// Renders replay results for people: each failure with its transcript, line and a diff, and the
/// closing `N passed, N failed` line.
///
/// ```
/// FAIL Transcripts/travel/hotel-priority.transcript:1 — Отель: приоритетная очередь Travel
///   after Transcripts/travel/hotel-priority.transcript:14  > Поездка в субботу, хочу поменять даты
///   Transcripts/travel/hotel-priority.transcript:18: ? queue: travel_priority
///     - appeal queue=travel_priority
///     + appeal id=transcript-1 topic=travel order=… queue=regular eta=5-10
/// ```
public enum ReplayReport {
    /// The report of one failed transcript (empty for a pass).
    public static func render(_ result: TranscriptResult) -> String {
        guard let failure = result.failure else { return "" }
        var lines = ["FAIL \(result.location) — \(result.title)"]
        if let userLine = failure.userLine {
            lines.append("  after \(userLine)  \(failure.step ?? "> " + (failure.userText ?? ""))")
        } else if failure.mismatches.contains(where: { $0.kind != .error }) {
            lines.append("  at the greeting")
        }
        for mismatch in failure.mismatches {
            lines.append("  \(mismatch.location): \(mismatch.summary)")
            lines.append(contentsOf: mismatch.detail.map { "    " + $0 })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The line of a skipped transcript: where, and why.
    public static func renderSkipped(_ result: TranscriptResult) -> String {
        guard let reason = result.skipped else { return "" }
        return "skip \(result.location) — \(result.title): \(reason)\n"
    }

    /// `N passed, N failed`, and `, N skipped` when some were.
    public static func summary(_ results: [TranscriptResult]) -> String {
        let failed = results.filter { !$0.passed }.count
        let skipped = results.filter { $0.passed && $0.skipped != nil }.count
        return "\(results.count - failed - skipped) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : "")
    }
}
