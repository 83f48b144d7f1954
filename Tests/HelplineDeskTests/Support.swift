import Foundation
import HelplineDesk
import HelplineDialogue
import HelplineIntents

/// The world the desk tests run in: the shipped rules, a fixed start time, appeals made to order.
enum Fixture {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// `minutes` after ``start``.
    static func at(_ minutes: Double) -> Date { start.addingTimeInterval(minutes * 60) }

    /// The shipped `config/desk.yaml`, with the averages of the shipped `config/dialogue.yaml`.
    static let rules: DeskRules = {
        do { return try DeskRules(bundle: .embedded) } catch { fatalError("\(error)") }
    }()

    static var yaml: String { DataBundle.embedded.files[DeskRules.path] ?? "" }

    static var averages: [Queue: [Int]] { rules.averages }

    /// A waiting appeal, filed at `minutes` after the start.
    static func appeal(_ id: String, topic: String = "delivery", queue: Queue = .regular, minutes: Double = 0,
                       message: String = "Курьер не приехал.") -> DeskAppeal {
        DeskAppeal(id: id, session: "session-\(id)", topic: topic, queue: queue,
                   customer: CustomerSummary(id: "u-\(id)", name: "Анна", premiumSeller: queue == .premiumSeller),
                   createdAt: at(minutes), conversation: [DeskEntry(.customer, text: message, at: at(minutes))])
    }

    /// A desk with the given appeals filed (each at its own time) and specialists signed in by role.
    static func desk(_ appeals: [DeskAppeal] = [], specialists: [(id: String, role: String)] = []) throws -> Desk {
        var desk = Desk(rules: rules)
        for (id, role) in specialists {
            try desk.signIn(id: id, name: name(id), serves: .role(role), at: start)
        }
        for appeal in appeals {
            _ = try desk.file(appeal, at: appeal.createdAt)
        }
        return desk
    }

    /// A specialist's display name from their id.
    static func name(_ id: String) -> String {
        ["sp-1": "Мария", "sp-2": "Олег", "sp-3": "Ирина"][id] ?? "Специалист \(id)"
    }
}

extension DeskOutcome {
    /// The notices for customers among the effects.
    var notices: [CustomerNotice] {
        effects.compactMap { if case .deliver(_, let notice) = $0 { notice } else { nil } }
    }

    /// The specialists' events among the effects, with whom they go to.
    var events: [(specialist: String, event: DeskEvent)] {
        effects.compactMap { if case .notify(let id, let event) = $0 { (id, event) } else { nil } }
    }
}

extension Desk {
    /// Takes appeals for `specialist` until none is left; their numbers in order.
    mutating func takeAll(_ specialist: String, now: Date) throws -> [String] {
        var taken: [String] = []
        while let appeal = try takeNext(specialist: specialist, now: now).appeal { taken.append(appeal.id) }
        return taken
    }
}
