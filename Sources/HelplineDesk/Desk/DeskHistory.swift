import Foundation
import HelplineDialogue

/// What the desk remembers of answered appeals, bounded: the last `window` handling times and
/// waits per queue, and the first answers of the last hour.
public struct DeskHistory: Sendable, Hashable, Codable {
    /// A first answer: when, and in which queue.
    public struct Answer: Sendable, Hashable, Codable {
        public var queue: Queue
        public var at: Date

        public init(queue: Queue, at: Date) {
            self.queue = queue
            self.at = at
        }

        enum CodingKeys: String, CodingKey { case queue, at }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            queue = try c.decode(Queue.self, forKey: .queue)
            at = try WireDate.decode(c, forKey: .at)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(queue, forKey: .queue)
            try c.encode(WireDate.format(at), forKey: .at)
        }
    }

    /// Seconds from taking an appeal to its first answer, oldest first, by queue (raw value).
    public var handling: [String: [Double]]
    /// Seconds from an appeal's arrival to its first answer — the customer's wait — by queue.
    public var waits: [String: [Double]]
    /// First answers within the hour before the latest one recorded.
    public var answers: [Answer]

    /// How far back ``answers`` reaches.
    public static let hour: TimeInterval = 3600

    public init(handling: [String: [Double]] = [:], waits: [String: [Double]] = [:], answers: [Answer] = []) {
        self.handling = handling
        self.waits = waits
        self.answers = answers
    }

    /// The handling times of a queue, oldest first.
    public func handling(_ queue: Queue) -> [Double] { handling[queue.rawValue] ?? [] }

    /// The waits of a queue, oldest first.
    public func waits(_ queue: Queue) -> [Double] { waits[queue.rawValue] ?? [] }

    /// Records a first answer, keeping the last `window` of each series and the last hour of answers.
    mutating func recordAnswer(queue: Queue, handling seconds: Double, wait: Double, at: Date, window: Int) {
        Self.push(max(0, seconds), to: &handling[queue.rawValue, default: []], window: window)
        Self.push(max(0, wait), to: &waits[queue.rawValue, default: []], window: window)
        answers.append(Answer(queue: queue, at: at))
        answers.removeAll { at.timeIntervalSince($0.at) >= Self.hour }
    }

    /// First answers in the hour before `now`.
    public func answeredInHour(before now: Date, queue: Queue? = nil) -> Int {
        answers.count(where: { answer in
            let age = now.timeIntervalSince(answer.at)
            return age >= 0 && age < Self.hour && (queue == nil || answer.queue == queue)
        })
    }

    private static func push(_ value: Double, to series: inout [Double], window: Int) {
        series.append(value)
        if series.count > window { series.removeFirst(series.count - window) }
    }
}

/// Nearest-rank percentiles.
enum Percentile {
    /// The smallest sample with at least `fraction` of the samples at or below it; `nil` for none.
    static func of(_ samples: [Double], _ fraction: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
