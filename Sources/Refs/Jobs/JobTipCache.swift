import Foundation
import ObjectStore

/// The tips this process appended last, by commit id, so that its next append to the same job
/// starts from memory instead of reading back and re-checking what it has just written.
///
/// A commit id names the commit's content, so an entry cannot go stale: when another writer has
/// moved the job since, the ref names another commit and the append reads that one from the store.
/// Entries are exactly what `JobBranch.appendTip` would read from the commit.
final class JobTipCache: @unchecked Sendable {
    static let shared = JobTipCache(capacity: 64)

    private let capacity: Int
    private let lock = NSLock()
    private var tips: [GitOID: JobBranch.Tip] = [:]
    /// Commit ids, oldest first, for evicting past `capacity` (one entry per job written lately).
    private var order: [GitOID] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    func tip(_ commit: GitOID) -> JobBranch.Tip? {
        lock.withLock { tips[commit] }
    }

    func remember(_ tip: JobBranch.Tip, replacing previous: GitOID?) {
        lock.withLock {
            if let previous, tips.removeValue(forKey: previous) != nil { order.removeAll { $0 == previous } }
            guard tips.updateValue(tip, forKey: tip.commit) == nil else { return }
            order.append(tip.commit)
            if order.count > capacity { tips.removeValue(forKey: order.removeFirst()) }
        }
    }
}
