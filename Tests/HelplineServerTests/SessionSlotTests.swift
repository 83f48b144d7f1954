import Foundation
import HelplineDialogue
import NIOConcurrencyHelpers
import HelplineTesting
import Testing
@testable import HelplineServer

/// The per-session lock that keeps two requests from working on one session at once.
struct SessionSlotTests {
    private static func slot() -> SessionSlot {
        SessionSlot(SessionSlot.Entry(conversation: Conversation(id: "s", profile: Profile(id: "u", name: "")),
                                      version: 1, updatedAt: Date()))
    }

    /// Holders never overlap: a read-suspend-write on shared state loses no update.
    @Test func letsOneHolderInAtATime() async {
        let slot = Self.slot()
        let counter = NIOLockedValueBox(0)
        let inside = NIOLockedValueBox(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    await slot.acquire()
                    let overlapping = inside.withLockedValue { $0 += 1; return $0 }
                    #expect(overlapping == 1)
                    let value = counter.withLockedValue { $0 }
                    await Task.yield()
                    counter.withLockedValue { $0 = value + 1 }
                    inside.withLockedValue { $0 -= 1 }
                    slot.release()
                }
            }
        }
        #expect(counter.withLockedValue { $0 } == 200)
    }

    /// Eviction only takes a slot nobody holds, and only a live one that has idled long enough.
    @Test func evictsOnlyIdleUnheldSlots() async {
        let slot = Self.slot()
        let later = Date().addingTimeInterval(60)
        await slot.acquire()
        #expect(!slot.evictIfIdle(before: later), "held")
        slot.release()
        #expect(!slot.evictIfIdle(before: Date().addingTimeInterval(-60)), "used too recently")
        #expect(slot.evictIfIdle(before: later))
        #expect(slot.entry.status == .evicted)
        #expect(!slot.evictIfIdle(before: later), "already evicted")
    }
}
