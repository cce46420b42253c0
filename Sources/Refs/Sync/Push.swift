import Foundation
import ObjectStore

/// `gaitstore push`: send the catalog and every job ref, never overwriting a remote ref that moved.
public enum Push {
    public struct Report {
        public var pushed: [String] = []
        public var upToDate: [String] = []
        /// ref -> why (the remote's reason, or ours).
        public var refused: [(ref: String, reason: String)] = []
    }

    public static func push(remote: String, store: Store, progress: ((GitTransferProgress) -> Void)? = nil) throws -> Report {
        let repository = store.repository
        let local = try repository.references(withPrefix: "refs/gaitstore/").filter {
            $0.name == CatalogLayout.reference || $0.name.hasPrefix(JobRefName.prefix)
        }
        var report = Report()
        guard !local.isEmpty else {
            // Nothing to send, but an unreachable remote or an unknown host is still an error.
            _ = try repository.listRemoteReferences(remote, prefix: "refs/gaitstore/")
            return report
        }
        // One connection: the push judges every ref against what the remote holds (only a
        // fast-forward is sent) and says what that was, which tells pushed from up to date.
        let results = try repository.push(remote, refspecs: local.map { "\($0.name):\($0.name)" }, progress: progress)
        for ((name, oid), result) in zip(local, results) {
            switch result.rejection {
            case nil where result.previous == oid:
                report.upToDate.append(name)
            case nil:
                report.pushed.append(name)
            case GitPushResult.fetchFirst?, GitPushResult.nonFastForward?:
                let hint = name == CatalogLayout.reference ? "the remote catalog has commits you do not have; run 'gaitstore pull' first"
                                                           : "the remote job has events you do not have; pull first"
                report.refused.append((name, hint))
            case let reason?:
                report.refused.append((name, reason))
            }
        }
        return report
    }
}
