import Benchmark
import BenchmarkFixtures
import Foundation
import HelplineServer

/// The JSON-lines codec: a `say` request decoded, answers encoded.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .microseconds,
        maxDuration: .seconds(3),
        maxIterations: 200_000
    )
    let codec = ProtocolCodec()
    let engine = Fixtures.engine
    let now = Date()
    let session = "0123456789abcdef01234567"

    let say = ProtocolRequest(id: 17, .say(session: session, text: Fixtures.eightWordMessages[0]))
    let sayLine = Array((try? codec.encodeRequest(say)) ?? Data()).dropLast()
    Benchmark("Decode say request") { _ in
        blackHole(codec.decodeRequest(sayLine))
    }

    // The greeting: text and the menu of topics.
    let (_, greeting) = engine.start(id: session, profile: Fixtures.profile, now: now)
    let menuReply = ProtocolResponse.reply(id: 17, session: session, greeting)
    Benchmark("Encode reply with the menu") { _ in
        blackHole(codec.encodeResponse(menuReply))
    }

    // A submitted appeal (text, options, ticket), reached by a scripted customer.
    var customer = ScriptedCustomer(index: 0, now: now)
    for _ in 0..<1_000 where customer.reply.state != .submitted {
        customer.reply = engine.handle(customer.nextText(), in: &customer.conversation, now: now).reply
    }
    let ticketReply = ProtocolResponse.reply(id: 18, session: session, customer.reply)
    Benchmark("Encode reply with an appeal") { _ in
        blackHole(codec.encodeResponse(ticketReply))
    }
}
