import Foundation
import HelplineDialogue
import HelplineServer

/// A reply as one line of the daemon's protocol JSON, encoded by the daemon's own codec, so scripts
/// read `helpline chat --json` and the socket alike.
enum ProtocolJSON {
    static func line(session: String, reply: Reply) -> String {
        var data = ProtocolCodec().encodeResponse(.reply(id: nil, session: session, reply))
        if data.last == UInt8(ascii: "\n") { data.removeLast() }
        return String(decoding: data, as: UTF8.self)
    }
}
