import Foundation
import XCTest
@testable import ObjectStore

/// Results come back in item order whatever order the threads finish in, and a `deliver` that
/// returns false stops the work: nothing further is started, and `run` returns only once the
/// items already under way are done.
final class InOrderWorkTests: XCTestCase {
    func testResultsComeBackInItemOrder() {
        let items = Array(0..<300)
        var delivered = [Int]()
        InOrderWork<Int, Int>(width: 2).run(items) { item in
            usleep(useconds_t((item * 37) % 5 * 100))  // later items often finish first
            return item * 2
        } deliver: { (output: Int) in
            delivered.append(output)
        }
        XCTAssertEqual(delivered, items.map { $0 * 2 })
    }

    func testDeliverReturningFalseStartsNoFurtherItem() {
        let items = Array(0..<1000)
        for width in [1, 2, 4] {
            let log = WorkLog()
            var delivered = [Int]()
            let work = InOrderWork<Int, Int>(width: width)
            work.run(items) { item in
                log.started(item)
                usleep(200)
                log.finished(item)
                return item
            } deliver: { (output: Int) -> Bool in
                delivered.append(output)
                return output < 3
            }
            XCTAssertEqual(delivered, [0, 1, 2, 3], "width \(width)")
            let (started, finished) = log.snapshot()
            XCTAssertEqual(finished, started, "width \(width): run returned while an item was under way")
            // The workers run at most a window ahead of the item that stopped them.
            XCTAssertLessThanOrEqual(started.count, width == 1 ? 4 : 4 + work.window, "width \(width)")
            usleep(20_000)
            XCTAssertEqual(log.snapshot().started, started, "width \(width): an item was started after the stop")
        }
    }
}

/// Which items the workers started and finished, from any thread.
private final class WorkLog: @unchecked Sendable {
    private let lock = NSLock()
    private var startedItems = Set<Int>()
    private var finishedItems = Set<Int>()

    func started(_ item: Int) { lock.withLock { _ = startedItems.insert(item) } }
    func finished(_ item: Int) { lock.withLock { _ = finishedItems.insert(item) } }
    func snapshot() -> (started: Set<Int>, finished: Set<Int>) { lock.withLock { (startedItems, finishedItems) } }
}
