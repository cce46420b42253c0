import Foundation

/// Works through items on several threads and hands each result back on the calling thread in
/// item order, as soon as the results before it are handed back: output streams in argument
/// order while both cores work. At most `window` results wait to be handed back, so memory stays
/// bounded however many items there are.
public struct InOrderWork<Item, Output> {
    public let width: Int
    public let window = 64

    public init(width: Int) {
        self.width = max(1, width)
    }

    public func run(_ items: [Item], work: @escaping (Item) -> Output, deliver: (Output) -> Void) {
        // One item, or one thread: no thread is started, and nothing changes for the caller.
        guard width > 1 && items.count > 1 else {
            for item in items { deliver(work(item)) }
            return
        }
        let state = SharedState<Output>(count: items.count)
        let window = self.window
        for _ in 0..<min(width, items.count) {
            Thread {
                while let index = state.nextIndex(window: window) {
                    state.store(work(items[index]), at: index)
                }
            }.start()
        }
        for index in items.indices {
            deliver(state.take(index))
        }
    }
}

/// The slots the workers fill and the caller empties, in order.
private final class SharedState<Output>: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [Output?]
    private var next = 0
    private var delivered = 0

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// The next item to work on, once it is within `window` of the caller; nil when none is left.
    func nextIndex(window: Int) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while next < slots.count && next >= delivered + window {
            condition.wait()
        }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ result: Output, at index: Int) {
        condition.lock()
        slots[index] = result
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the result at `index` and frees its slot.
    func take(_ index: Int) -> Output {
        condition.lock()
        defer { condition.unlock() }
        while slots[index] == nil {
            condition.wait()
        }
        let result = slots[index]!
        slots[index] = nil
        delivered = index + 1
        condition.broadcast()
        return result
    }
}
