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

    /// Hands back results in order until `deliver` returns false: no item is started after that,
    /// and `run` returns once the items already under way (at most `window` ahead) are done,
    /// their results dropped.
    public func run(_ items: [Item], work: @escaping (Item) -> Output, deliver: (Output) -> Bool) {
        // One item, or one thread: no thread is started, and nothing changes for the caller.
        guard width > 1 && items.count > 1 else {
            for item in items {
                guard deliver(work(item)) else { return }
            }
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
            guard deliver(state.take(index)) else {
                state.stop()
                return
            }
        }
    }

    /// Hands back every result, in order.
    public func run(_ items: [Item], work: @escaping (Item) -> Output, deliver: (Output) -> Void) {
        run(items, work: work) { (output: Output) -> Bool in
            deliver(output)
            return true
        }
    }
}

/// The slots the workers fill and the caller empties, in order.
private final class SharedState<Output>: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [Output?]
    private var next = 0
    private var delivered = 0
    private var underWay = 0
    private var stopped = false

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// The next item to work on, once it is within `window` of the caller; nil when none is left
    /// or the caller stopped.
    func nextIndex(window: Int) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && next < slots.count && next >= delivered + window {
            condition.wait()
        }
        guard !stopped && next < slots.count else { return nil }
        next += 1
        underWay += 1
        return next - 1
    }

    func store(_ result: Output, at index: Int) {
        condition.lock()
        if !stopped { slots[index] = result }
        underWay -= 1
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

    /// Starts no further item and waits until the items under way are done.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
        while underWay > 0 {
            condition.wait()
        }
        slots.removeAll()
    }
}
