/// Fixed slots that concurrent workers fill, each its own: every slot is written by one worker
/// and read after all of them are done, so no two threads touch one slot.
final class ResultSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    subscript(index: Int) -> Value? {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    /// The filled slots, in order.
    var values: [Value] { slots.compactMap { $0 } }
}
