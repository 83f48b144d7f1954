/// Lets one change at a time work on the desk, from working it out until it is committed, so
/// that no two changes start from the same desk (no appeal is taken twice). Lock order: a
/// session's slot, then the desk — desk operations never take a session's slot.
typealias DeskGate = HandOffLock<Void>

extension HandOffLock where Value == Void {
    convenience init() {
        self.init(())
    }
}
