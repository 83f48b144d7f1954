import Foundation
import Testing
@testable import HelplineCLI

struct LiveOutputTests {
    /// Whether `fd` has bytes to read right now.
    private func readable(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0 && entry.revents & Int16(POLLIN) != 0
    }

    /// Through the editor, posted texts wait in order and wake the editor's poll; taking them
    /// empties the queue and quiets the descriptor, so the poll does not spin.
    @Test func postedTextsWakeThePollAndComeInOrder() async {
        let live = LiveOutput(throughEditor: true)
        #expect(live.descriptor >= 0)
        #expect(!readable(live.descriptor))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { live.post("первое\n") }
        }
        live.post("второе\n")
        #expect(readable(live.descriptor))
        #expect(live.hasPending)
        #expect(live.take() == ["первое\n", "второе\n"])
        #expect(!live.hasPending)
        #expect(!readable(live.descriptor))
        #expect(live.take().isEmpty)
    }

    /// Without a terminal there is no pipe: text is written at once and nothing waits.
    @Test func withoutTheEditorNothingWaits() {
        let live = LiveOutput(throughEditor: false)
        #expect(live.descriptor == -1)
        #expect(!live.hasPending)
    }
}
