import Foundation
import HelplineDialogue

/// A wait estimate in minutes, and what it rests on.
public struct WaitEstimate: Sendable, Hashable, Codable {
    public enum Basis: String, Sendable, Hashable, Codable {
        /// The live queue: the appeal's position, the specialists serving it, recent handling times.
        case live
        /// The queue's average from `config/dialogue.yaml` (no history yet, or nobody on duty).
        case average
    }

    /// `[low, high]`.
    public var minutes: [Int]
    public var basis: Basis

    public init(minutes: [Int], basis: Basis) {
        self.minutes = minutes
        self.basis = basis
    }
}

/// Where a customer's appeal stands, and what to tell them when they ask «сколько ждать?».
public struct WaitStatus: Sendable, Hashable, Codable {
    public var appeal: String
    public var state: AppealState
    /// While waiting: 1 when it is next; counts the appeals its specialists would take first.
    public var position: Int?
    /// Specialists on duty who serve it.
    public var specialists: Int
    /// While waiting.
    public var estimate: WaitEstimate?
    /// The answer to the customer, from `texts` in `config/desk.yaml`.
    public var text: String

    public init(appeal: String, state: AppealState, position: Int? = nil, specialists: Int, estimate: WaitEstimate? = nil,
                text: String) {
        self.appeal = appeal
        self.state = state
        self.position = position
        self.specialists = specialists
        self.estimate = estimate
        self.text = text
    }
}

extension Desk {
    // MARK: - The customer's wait

    /// The appeal's place, estimate and the text for the customer at `now`.
    public func waitStatus(appeal id: String, now: Date) throws(DeskError) -> WaitStatus {
        guard let appeal = appeals[id] else { throw DeskError(.unknownAppeal, "no appeal with this number") }
        let serving = onDutyServing(appeal).count
        let prompts = rules.prompts
        switch appeal.state {
        case .waiting:
            let position = position(of: appeal, now: now)
            let estimate = estimate(for: appeal, position: position)
            let place = position == 1
                ? prompts.text(.positionFirst, ["ticket": id])
                : prompts.text(.position, ["ticket": id, "ahead": prompts.appeals(position - 1)])
            let wait = prompts.text(estimate.basis == .live ? .estimateLive : .estimateAverage,
                                    ["eta": prompts.eta(estimate.minutes)])
            return WaitStatus(appeal: id, state: .waiting, position: position, specialists: serving,
                              estimate: estimate, text: place + " " + wait)
        case .taken:
            return WaitStatus(appeal: id, state: .taken, specialists: serving,
                              text: prompts.text(.statusTaken, ["ticket": id]))
        case .answered:
            return WaitStatus(appeal: id, state: .answered, specialists: serving,
                              text: prompts.text(.statusAnswered, ["ticket": id]))
        case .closed:
            return WaitStatus(appeal: id, state: .closed, specialists: serving,
                              text: prompts.text(.statusClosed, ["ticket": id]))
        }
    }

    /// A waiting appeal's place: 1 + the waiting appeals that come before it in the serving order
    /// and that a specialist who could take it would take too. Who could take it: the specialists
    /// on duty who serve it, or, with nobody on duty, every role that serves it.
    public func position(of appeal: DeskAppeal, now: Date) -> Int {
        var scopes = onDutyServing(appeal).map(\.scope)
        if scopes.isEmpty {
            scopes = rules.roles.values.filter { $0.serves(topic: appeal.topic, queue: appeal.queue) }
        }
        if scopes.isEmpty { scopes = [.everything] }
        var ahead = 0
        for other in appeals.values where other.state == .waiting && other.id != appeal.id {
            guard comesBefore(other, appeal, now: now) else { continue }
            if scopes.contains(where: { $0.serves(topic: other.topic, queue: other.queue) }) { ahead += 1 }
        }
        return ahead + 1
    }

    /// The wait estimate for an appeal at `position`: ceil(position / specialists) handling times
    /// of its queue — low at their median, high at their 90th percentile — or the queue's
    /// average while there are fewer than `min_samples` of them or nobody on duty serves it.
    public func estimate(for appeal: DeskAppeal, position: Int) -> WaitEstimate {
        let serving = onDutyServing(appeal).count
        let samples = history.handling(appeal.queue)
        guard serving > 0, samples.count >= rules.minSamples,
              let median = Percentile.of(samples, 0.5), let high = Percentile.of(samples, 0.9) else {
            return WaitEstimate(minutes: rules.average(appeal.queue), basis: .average)
        }
        let rounds = Double((max(1, position) + serving - 1) / serving)
        let low = max(1, Int((rounds * median / 60).rounded()))
        let top = max(low, Int((rounds * high / 60).rounded(.up)))
        return WaitEstimate(minutes: [low, top], basis: .live)
    }

    /// The specialists on duty who serve the appeal.
    func onDutyServing(_ appeal: DeskAppeal) -> [Specialist] {
        specialists.values.filter { $0.isOnDuty && $0.serves(appeal) }
    }

    // MARK: - Overview and figures

    /// The queues at `now`: waiting appeals per queue and topic, the oldest wait, how many are
    /// overdue; appeals being worked on; specialists on duty; and the appeals `specialist` holds.
    public func overview(for specialist: String?, now: Date) -> DeskOverview {
        let waiting = appeals.values.filter { $0.state == .waiting }
        let queues = orderedQueues.map { queue in
            let here = waiting.filter { $0.queue == queue }
            return DeskOverview.QueueLine(
                queue: queue, waiting: here.count, overdue: here.count(where: { isOverdue($0, now: now) }),
                oldestWaitSeconds: here.map { now.timeIntervalSince($0.arrivedAt) }.max(),
                topics: Dictionary(grouping: here, by: \.topic).mapValues(\.count))
        }
        return DeskOverview(queues: queues, taken: appeals.values.count(where: { $0.state == .taken }),
                            answered: appeals.values.count(where: { $0.state == .answered }),
                            onDuty: specialists.values.count(where: \.isOnDuty),
                            mine: specialist.map { appeals(heldBy: $0).map(AppealSummary.init) } ?? [])
    }

    /// Per queue: the customers' waits (arrival to first answer) at the median and 90th
    /// percentile over the last `window` answered appeals, and first answers in the last hour.
    public func stats(now: Date) -> DeskStats {
        let queues = orderedQueues.map { queue in
            let waits = history.waits(queue)
            return DeskStats.QueueFigures(
                queue: queue, waiting: appeals.values.count(where: { $0.state == .waiting && $0.queue == queue }),
                waitP50Seconds: Percentile.of(waits, 0.5), waitP90Seconds: Percentile.of(waits, 0.9),
                samples: waits.count, answeredPerHour: history.answeredInHour(before: now, queue: queue))
        }
        return DeskStats(queues: queues, answeredPerHour: history.answeredInHour(before: now),
                         specialistsOnDuty: specialists.values.count(where: \.isOnDuty))
    }

    /// The queues, highest rank first (ties in the order `Queue` lists them).
    var orderedQueues: [Queue] {
        Queue.allCases.enumerated()
            .sorted { a, b in
                let rankA = rules.rank(a.element), rankB = rules.rank(b.element)
                return rankA != rankB ? rankA > rankB : a.offset < b.offset
            }
            .map(\.element)
    }
}

/// The queues as a specialist sees them (the answer to `overview`).
public struct DeskOverview: Sendable, Hashable, Codable {
    public struct QueueLine: Sendable, Hashable, Codable {
        public var queue: Queue
        public var waiting: Int
        /// Waiting longer than the queue's `max_wait_minutes`: served before the higher queues.
        public var overdue: Int
        /// The longest wait in the queue now, `nil` when it is empty.
        public var oldestWaitSeconds: Double?
        /// Waiting appeals by topic.
        public var topics: [String: Int]

        enum CodingKeys: String, CodingKey {
            case queue, waiting, overdue, topics
            case oldestWaitSeconds = "oldest_wait_seconds"
        }

        public init(queue: Queue, waiting: Int, overdue: Int, oldestWaitSeconds: Double?, topics: [String: Int]) {
            self.queue = queue
            self.waiting = waiting
            self.overdue = overdue
            self.oldestWaitSeconds = oldestWaitSeconds
            self.topics = topics
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(queue, forKey: .queue)
            try c.encode(waiting, forKey: .waiting)
            try c.encode(overdue, forKey: .overdue)
            try c.encode(oldestWaitSeconds, forKey: .oldestWaitSeconds)
            try c.encode(topics, forKey: .topics)
        }
    }

    /// Highest rank first.
    public var queues: [QueueLine]
    /// Appeals with a specialist who owes an answer.
    public var taken: Int
    /// Appeals answered, the customer's turn.
    public var answered: Int
    public var onDuty: Int
    /// The appeals the asking specialist holds, oldest first.
    public var mine: [AppealSummary]

    enum CodingKeys: String, CodingKey {
        case queues, taken, answered, mine
        case onDuty = "on_duty"
    }

    public init(queues: [QueueLine], taken: Int, answered: Int, onDuty: Int, mine: [AppealSummary]) {
        self.queues = queues
        self.taken = taken
        self.answered = answered
        self.onDuty = onDuty
        self.mine = mine
    }
}

/// The desk's figures for `stats`.
public struct DeskStats: Sendable, Hashable, Codable {
    public struct QueueFigures: Sendable, Hashable, Codable {
        public var queue: Queue
        public var waiting: Int
        /// The customers' wait from arrival to the first answer; `nil` before any answer.
        public var waitP50Seconds: Double?
        public var waitP90Seconds: Double?
        /// How many answered appeals the percentiles rest on (at most the estimate's window).
        public var samples: Int
        /// First answers in the last hour.
        public var answeredPerHour: Int

        enum CodingKeys: String, CodingKey {
            case queue, waiting, samples
            case waitP50Seconds = "wait_p50_seconds", waitP90Seconds = "wait_p90_seconds"
            case answeredPerHour = "answered_per_hour"
        }

        public init(queue: Queue, waiting: Int, waitP50Seconds: Double?, waitP90Seconds: Double?, samples: Int,
                    answeredPerHour: Int) {
            self.queue = queue
            self.waiting = waiting
            self.waitP50Seconds = waitP50Seconds
            self.waitP90Seconds = waitP90Seconds
            self.samples = samples
            self.answeredPerHour = answeredPerHour
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(queue, forKey: .queue)
            try c.encode(waiting, forKey: .waiting)
            try c.encode(waitP50Seconds, forKey: .waitP50Seconds)
            try c.encode(waitP90Seconds, forKey: .waitP90Seconds)
            try c.encode(samples, forKey: .samples)
            try c.encode(answeredPerHour, forKey: .answeredPerHour)
        }
    }

    public var queues: [QueueFigures]
    /// First answers in the last hour, every queue.
    public var answeredPerHour: Int
    public var specialistsOnDuty: Int

    enum CodingKeys: String, CodingKey {
        case queues
        case answeredPerHour = "answered_per_hour"
        case specialistsOnDuty = "specialists_on_duty"
    }

    public init(queues: [QueueFigures], answeredPerHour: Int, specialistsOnDuty: Int) {
        self.queues = queues
        self.answeredPerHour = answeredPerHour
        self.specialistsOnDuty = specialistsOnDuty
    }
}
