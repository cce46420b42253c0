import Dispatch

extension GitRepository {
    /// Maps `items` on up to `workers` threads, each with its own handle on this repository
    /// (libgit2 handles belong to one thread). Items are dealt round-robin in the order given, so
    /// sorting them largest first evens out the shares. `makeWorker` runs once per thread and
    /// returns that thread's function, which may keep per-thread state. Results come back in
    /// item order; the first error any thread threw is rethrown.
    func concurrentMap<Item, Output>(_ items: [Item], workers: Int,
                                     _ makeWorker: (GitRepository) throws -> (Item) throws -> Output) throws -> [Output] {
        let count = max(1, min(workers, items.count))
        guard items.count > 0 else { return [] }
        var outputs = [Output?](repeating: nil, count: items.count)
        var failures = [Error?](repeating: nil, count: count)
        let repositoryPath = path
        outputs.withUnsafeMutableBufferPointer { out in
            failures.withUnsafeMutableBufferPointer { errs in
                let outBase = out.baseAddress!, errBase = errs.baseAddress!
                DispatchQueue.concurrentPerform(iterations: count) { worker in
                    do {
                        let work = try makeWorker(try GitRepository.open(at: repositoryPath))
                        for index in stride(from: worker, to: items.count, by: count) {
                            outBase[index] = try work(items[index])
                        }
                    } catch {
                        errBase[worker] = error
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        return outputs.map { $0! }
    }
}
