import Dispatch
import Foundation

/// A group of units compressed by one worker in one go: small entries are batched so a pack of
/// thousands of tiny files does not pay a thread hand-off per file.
final class DeflateBatch: @unchecked Sendable {
    let units: [DeflateUnit]
    let inputBytes: Int
    /// Written by the worker before `done` is signalled, read by the assembler after waiting.
    private(set) var results: [DeflatedUnit] = []
    private(set) var failure: Error?
    private let done = DispatchSemaphore(value: 0)

    init(units: [DeflateUnit]) {
        self.units = units
        self.inputBytes = units.reduce(0) { $0 + $1.input.count }
    }

    func run(with deflater: Result<RawDeflater, Error>) {
        do {
            let deflater = try deflater.get()
            results = try units.map { try deflater.compress($0) }
        } catch {
            failure = error
        }
        done.signal()
    }

    /// Blocks until a worker has compressed the batch.
    func waitForResults() throws -> [DeflatedUnit] {
        done.wait()
        if let failure { throw failure }
        return results
    }
}

/// A fixed number of threads, each with its own zlib stream, taking batches in submission order.
/// Fixed threads (not Dispatch's global pool) so "N workers" means exactly N, which the
/// determinism tests rely on, and so blocking waits never starve other Dispatch work.
final class DeflateWorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue = ZipFIFO<DeflateBatch>()
    private var closed = false
    private let exited = DispatchGroup()

    init(workers: Int) {
        for index in 0..<max(1, workers) {
            exited.enter()
            let thread = Thread { [self] in
                runWorker()
                exited.leave()
            }
            thread.name = "gaitstore.zip.deflate.\(index)"
            thread.start()
        }
    }

    func submit(_ batch: DeflateBatch) {
        condition.lock()
        queue.append(batch)
        condition.signal()
        condition.unlock()
    }

    /// Lets the workers finish what they hold, drops what nobody took, and waits for them to exit.
    func shutdown() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        exited.wait()
    }

    private func runWorker() {
        let deflater = Result { try RawDeflater() }
        while let batch = next() {
            batch.run(with: deflater)
        }
    }

    private func next() -> DeflateBatch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed {
            condition.wait()
        }
        return closed ? nil : queue.popFirst()
    }
}
