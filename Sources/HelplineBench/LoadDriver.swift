import Foundation
import HelplineDialogue
import HelplineServer
import Histogram
import NIOCore
import NIOFoundationCompat
import Synchronization

/// The turns still to send in a phase of a load run, shared by all connections.
final class TurnBudget: Sendable {
    private let remaining: Atomic<Int>

    init(_ turns: Int) {
        remaining = Atomic(turns)
    }

    /// Takes one turn; `false` once the budget is spent.
    func take() -> Bool {
        remaining.wrappingSubtract(1, ordering: .relaxed).oldValue > 0
    }
}

/// What one connection did in one phase.
struct PhaseResult: Sendable {
    /// Requests answered.
    var requests = 0
    /// Answers that were errors.
    var errors = 0
    /// Requests never answered (the connection closed).
    var lost = 0
    var errorCodes: [String: Int] = [:]
    var latency = LatencySummary.makeHistogram()

    mutating func add(_ other: PhaseResult) {
        requests += other.requests
        errors += other.errors
        lost += other.lost
        errorCodes.merge(other.errorCodes, uniquingKeysWith: +)
        latency.add(other.latency)
    }
}

/// Commands to a ``LoadDriver``, sent as user outbound events so they run on its event loop.
enum LoadCommand: Sendable {
    /// Open a session for every customer of the connection.
    case open(EventLoopPromise<PhaseResult>)
    /// Send turns while `budget` lasts; latencies are recorded when `record` is set.
    case run(TurnBudget, record: Bool, EventLoopPromise<PhaseResult>)
}

/// Drives the customers of one connection: keeps up to `inFlight` requests outstanding, reads the
/// answers in order, times each, and sends each customer's next message.
///
/// Everything happens on the channel's event loop, without tasks or locks: a request is built
/// from pieces (the `say` texts are JSON-encoded once, up front), and of each answer only `ok`,
/// `session`, `state`, the options' values and the error code are decoded.
///
/// The same driver loads an echo server (``init(echoing:inFlight:)``): then `inFlight` senders,
/// with no sessions to open, send one fixed line again and again, and the answers are only timed.
final class LoadDriver: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    private struct Customer {
        /// The session id, JSON-encoded (quoted) for request lines; empty for an echo sender.
        var session: [UInt8]?
        var state: DialogueState?
        var optionValues: [String] = []
        var scripted: CustomerScript.Customer
    }

    private enum Pending {
        case open(customer: Int)
        case say(customer: Int, sentAt: UInt64)
    }

    private enum Phase {
        case idle
        case opening(EventLoopPromise<PhaseResult>)
        case running(TurnBudget, record: Bool, EventLoopPromise<PhaseResult>)
    }

    /// What the requests are.
    private enum Requests {
        /// Customers' turns following the script, their answers read.
        case script(CustomerScript, EncodedTexts)
        /// One fixed line, its echoes not decoded.
        case line([UInt8])
    }

    private let requests: Requests
    private let openLine: [UInt8]
    private let inFlight: Int
    private var customers: [Customer]
    /// Customers with no request outstanding.
    private var ready: [Int] = []
    private var pending = CircularBuffer<Pending>()
    private var phase = Phase.idle
    private var result = PhaseResult()
    private var budgetSpent = false
    private let decoder = JSONDecoder()

    init(script: CustomerScript, texts: EncodedTexts, openLine: [UInt8], customers: Int, inFlight: Int, seed: UInt64) {
        requests = .script(script, texts)
        self.openLine = openLine
        self.inFlight = max(1, inFlight)
        self.customers = (0..<customers).map { index in
            Customer(scripted: CustomerScript.Customer(seed: seed &+ UInt64(index) &* 0x9E37_79B9))
        }
    }

    /// Sends `line` (ending in a line feed) with `inFlight` lines outstanding, for an echo server.
    init(echoing line: [UInt8], inFlight: Int) {
        requests = .line(line)
        openLine = []
        self.inFlight = max(1, inFlight)
        customers = (0..<self.inFlight).map { _ in Customer(session: [], scripted: CustomerScript.Customer(seed: 0)) }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let command = event as? LoadCommand else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        promise?.succeed()
        result = PhaseResult()
        budgetSpent = false
        switch command {
        case .open(let done):
            phase = .opening(done)
            ready = customers.indices.filter { customers[$0].session == nil }.reversed()
        case .run(let budget, let record, let done):
            phase = .running(budget, record: record, done)
            ready = customers.indices.filter { customers[$0].session != nil }.reversed()
        }
        fill(context: context)
        context.flush()
        finishIfDone()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let received = NIODeadline.now().uptimeNanoseconds
        guard let request = pending.popFirst() else { return }
        // A new chat opened mid-run is not one of the run's turns.
        if case .open = request, case .running = phase {} else { result.requests += 1 }
        let reply: WireReply?
        if case .script = requests {
            reply = read(Self.unwrapInboundIn(data))
        } else {
            reply = nil
        }
        switch request {
        case .open(let index):
            if let reply, reply.ok, let session = reply.session {
                customers[index].session = EncodedTexts.quote(session)
                customers[index].state = reply.state
                customers[index].optionValues = reply.options?.map(\.value) ?? []
            }
            // A customer who started a new chat mid-run (below) goes on in it.
            if case .running = phase { ready.append(index) }
        case .say(let index, let sentAt):
            if case .running(_, true, _) = phase {
                result.latency.record(received &- sentAt)
            }
            if let reply, reply.ok {
                customers[index].state = reply.state
                customers[index].optionValues = reply.options?.map(\.value) ?? []
            } else if reply?.error?.code == Self.sessionFull {
                // The session has filed all the appeals one session may, or its appeal is full:
                // as a customer would, this one starts a new chat.
                customers[index].session = nil
            }
            ready.append(index)
        }
        fill(context: context)
    }

    /// The refusal that ends a session's usefulness (``SessionLimits/maximumAppealsPerSession``):
    /// not counted as an error; the customer opens a new session.
    static let sessionFull = "too_many_appeals"

    /// An answer's fields the customers follow; an error answer (but ``sessionFull``) or an
    /// unreadable one is counted.
    private func read(_ frame: LineFrame) -> WireReply? {
        let reply: WireReply?
        switch frame {
        case .line(let line):
            reply = try? decoder.decode(WireReply.self, from: line)
        case .tooLong:
            reply = nil
        }
        if let reply, !reply.ok, reply.error?.code != Self.sessionFull {
            result.errors += 1
            result.errorCodes[reply.error?.code ?? "unknown", default: 0] += 1
        } else if reply == nil {
            result.errors += 1
            result.errorCodes["unreadable_answer", default: 0] += 1
        }
        return reply
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        finishIfDone()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !pending.isEmpty {
            result.errorCodes["connection_closed", default: 0] += pending.count
            result.lost += pending.count
        }
        pending.removeAll()
        ready.removeAll()
        budgetSpent = true
        finishIfDone()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Sends requests until `inFlight` are outstanding or there is nothing more to send.
    private func fill(context: ChannelHandlerContext) {
        while pending.count < inFlight, let index = ready.last {
            switch phase {
            case .idle:
                return
            case .opening:
                ready.removeLast()
                var buffer = context.channel.allocator.buffer(capacity: openLine.count)
                buffer.writeBytes(openLine)
                pending.append(.open(customer: index))
                context.write(Self.wrapOutboundOut(buffer), promise: nil)
            case .running(let budget, _, _):
                if customers[index].session == nil, !budgetSpent, case .script = requests {
                    // A new chat for a customer whose session is full: not a turn of the budget.
                    ready.removeLast()
                    pending.append(.open(customer: index))
                    context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: openLine)), promise: nil)
                    continue
                }
                guard !budgetSpent, budget.take() else {
                    budgetSpent = true
                    return
                }
                ready.removeLast()
                let customer = customers[index]
                guard let session = customer.session else { continue }
                let buffer: ByteBuffer
                switch requests {
                case .script(let script, let texts):
                    let text = script.nextText(state: customer.state, optionValues: customer.optionValues,
                                               customer: &customers[index].scripted)
                    buffer = texts.sayLine(session: session, text: text, allocator: context.channel.allocator)
                case .line(let line):
                    buffer = context.channel.allocator.buffer(bytes: line)
                }
                pending.append(.say(customer: index, sentAt: NIODeadline.now().uptimeNanoseconds))
                context.write(Self.wrapOutboundOut(buffer), promise: nil)
            }
        }
    }

    private func finishIfDone() {
        guard pending.isEmpty else { return }
        switch phase {
        case .idle:
            return
        case .opening(let done):
            guard ready.isEmpty else { return }
            phase = .idle
            done.succeed(result)
        case .running(_, _, let done):
            guard budgetSpent || ready.isEmpty else { return }
            phase = .idle
            done.succeed(result)
        }
    }
}

/// The parts of an answer a simulated customer reads.
struct WireReply: Decodable {
    struct Option: Decodable {
        var value: String
    }

    struct Failure: Decodable {
        var code: String
    }

    var ok: Bool
    var session: String?
    var state: DialogueState?
    var options: [Option]?
    var error: Failure?
}

/// `say` request lines built from pieces: the texts are JSON-encoded once, by `JSONEncoder`.
struct EncodedTexts: Sendable {
    private let encoded: [String: [UInt8]]

    init(_ texts: [String]) {
        var encoded: [String: [UInt8]] = [:]
        for text in texts { encoded[text] = Self.quote(text) }
        self.encoded = encoded
    }

    /// `{"op":"say","session":…,"text":…}` and a line feed.
    /// - Parameter session: the session id, already quoted by ``quote(_:)``.
    func sayLine(session: [UInt8], text: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        let quotedText = encoded[text] ?? Self.quote(text)
        var buffer = allocator.buffer(capacity: 48 + session.count + quotedText.count)
        buffer.writeStaticString(#"{"op":"say","session":"#)
        buffer.writeBytes(session)
        buffer.writeStaticString(#","text":"#)
        buffer.writeBytes(quotedText)
        buffer.writeStaticString("}\n")
        return buffer
    }

    /// A string as a JSON string literal, quotes included.
    static func quote(_ string: String) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? Array(encoder.encode(string))) ?? Array(#""""#.utf8)
    }
}
