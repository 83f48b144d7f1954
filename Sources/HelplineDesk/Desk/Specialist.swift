import Foundation
import HelplineDialogue

/// A specialist known to the desk: who they are, what they serve, whether they are connected.
public struct Specialist: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The role they signed in with (a key of `roles` in `config/desk.yaml`), if any.
    public var role: String?
    public var scope: ServiceScope
    /// Open connections signed in as this specialist; at 0 the grace period runs.
    public var connections: Int
    /// When the last connection went; `nil` while connected.
    public var leftAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, role, scope = "serves", connections
        case leftAt = "left_at"
    }

    public init(id: String, name: String, role: String? = nil, scope: ServiceScope, connections: Int = 1,
                leftAt: Date? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.scope = scope
        self.connections = connections
        self.leftAt = leftAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        role = try c.decodeIfPresent(String.self, forKey: .role)
        scope = try c.decode(ServiceScope.self, forKey: .scope)
        connections = try c.decodeIfPresent(Int.self, forKey: .connections) ?? 0
        leftAt = try WireDate.decodeIfPresent(c, forKey: .leftAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(role, forKey: .role)
        try c.encode(scope, forKey: .scope)
        try c.encode(connections, forKey: .connections)
        try c.encodeIfPresent(leftAt.map(WireDate.format), forKey: .leftAt)
    }

    /// Connected: takes appeals and is told about new ones.
    public var isOnDuty: Bool { connections > 0 }

    /// Whether the specialist serves the appeal's topic in its queue.
    public func serves(_ appeal: DeskAppeal) -> Bool {
        scope.serves(topic: appeal.topic, queue: appeal.queue)
    }
}

/// What a specialist signs in to serve: a role from `config/desk.yaml`, or their own lines.
public enum Serves: Sendable, Hashable {
    case role(String)
    case scope(ServiceScope)
}
