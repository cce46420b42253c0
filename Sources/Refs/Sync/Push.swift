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
        let remoteTips = Dictionary(try repository.listRemoteReferences(remote, prefix: "refs/gaitstore/").map { ($0.name, $0.oid) },
                                    uniquingKeysWith: { a, _ in a })
        var report = Report()
        var refspecs: [String] = []
        for (name, oid) in local {
            guard let theirs = remoteTips[name] else { refspecs.append("\(name):\(name)"); continue }
            if theirs == oid { report.upToDate.append(name); continue }
            // Only a fast-forward may be sent; anything else means the remote moved since we saw it.
            if repository.contains(theirs), try repository.isAncestor(theirs, of: oid) {
                refspecs.append("\(name):\(name)")
            } else {
                let hint = name == CatalogLayout.reference ? "the remote catalog has commits you do not have; run 'gaitstore pull' first"
                                                           : "the remote job has events you do not have; pull first"
                report.refused.append((name, hint))
            }
        }
        if !refspecs.isEmpty {
            for result in try repository.push(remote, refspecs: refspecs, progress: progress) {
                if let rejection = result.rejection { report.refused.append((result.ref, rejection)) } else { report.pushed.append(result.ref) }
            }
        }
        return report
    }
}
