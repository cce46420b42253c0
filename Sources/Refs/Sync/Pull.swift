import Foundation
import ObjectStore

/// `gaitstore pull`: fetch into a quarantine namespace, verify everything new, then move local refs.
///
/// Nothing from the remote touches a local ref until every new commit's signature checks out against
/// the LOCAL allowed_signers, every new stored file hashes to its name, every new pack verifies and
/// every job history replays. The catalog merges by union (a signed merge commit); a job only
/// fast-forwards. The quarantine refs are removed afterwards, whatever happened.
public enum Pull {
    public struct Report {
        public var catalog: String = "unchanged"
        public var jobsUpdated: [String] = []
        public var jobsDiverged: [String] = []
        public var newCommits = 0
        public var newFiles = 0
    }

    static func quarantinePrefix(_ remote: String) -> String { "refs/gaitstore-quarantine/\(remote)/" }

    public static func pull(remote: String, store: Store, identity: StoreIdentity,
                            progress: ((GitTransferProgress) -> Void)? = nil) throws -> Report {
        let repository = store.repository
        let label = GitRepository.isValidReferenceName("refs/x/\(remote)") && !remote.contains("/") ? remote : "anonymous"
        let quarantine = quarantinePrefix(label)
        defer { try? dropQuarantine(quarantine, repository) }
        _ = try repository.fetch(remote, refspecs: ["+refs/gaitstore/*:\(quarantine)*"], progress: progress)
        let fetched = try repository.references(withPrefix: quarantine)

        var report = Report()
        let verifier = try CommitVerifier(store: store.path)
        let known = try repository.references(withPrefix: "refs/gaitstore/").map(\.oid)

        // 1. Every new commit is signed by a key the local store trusts.
        for (name, tip) in fetched {
            for commit in try repository.commitLog(from: tip, excluding: known) {
                report.newCommits += 1
                let verdict = try verifier.verify(commit, in: repository)
                if !verdict.isGood {
                    throw FormatError.verification("pull: commit \(commit.hex) (\(name.dropFirst(quarantine.count))): \(verdict.text); nothing was changed")
                }
            }
        }

        // 2. The catalog's new content is what it claims to be.
        let remoteCatalog = fetched.first { $0.name == quarantine + "catalog" }?.oid
        if let remoteCatalog {
            report.newFiles = try verifyNewCatalogContent(remoteCatalog, store: store)
        }

        // 3. Every fetched job replays. Checked before any ref moves.
        var jobTips: [(id: String, tip: GitOID)] = []
        for (name, tip) in fetched where name.hasPrefix(quarantine + "jobs/") {
            let localName = "refs/gaitstore/" + name.dropFirst(quarantine.count)
            guard let id = JobRefName.jobID(fromReference: localName) else {
                throw FormatError.verification("pull: remote ref \(localName) is not a valid job ref; nothing was changed")
            }
            let history = try JobBranch.history(from: tip, in: repository)
            do { try JobService.verifyReplay(history, jobID: id) } catch {
                throw FormatError.verification("pull: job \(id): \(error); nothing was changed")
            }
            jobTips.append((id, tip))
        }

        // 4. Move local refs: catalog by union, jobs by fast-forward only. What was fetched is on
        // disk before any local ref names it, and the refs before the command reports success.
        try Durability.syncFileSystem(containing: store.path)
        if let remoteCatalog { report.catalog = try mergeCatalog(remoteCatalog, remote: remote, store: store, identity: identity) }
        for (id, tip) in jobTips {
            let ref = JobRefName.reference(for: id)
            let local = try repository.resolveReference(ref)
            if local == tip { continue }
            if let local, try !repository.isAncestor(local, of: tip) {
                if try repository.isAncestor(tip, of: local) { continue }
                report.jobsDiverged.append(id)
                continue
            }
            try repository.updateReference(ref, to: tip, expected: local, message: "pull \(remote): fast-forward")
            report.jobsUpdated.append(id)
        }
        try Durability.syncFileSystem(containing: store.path)
        return report
    }

    /// Re-hashes every stored file the remote catalog adds and re-verifies every pack it adds.
    ///
    /// Each new file is hashed once, on every core; the packs' own checks then use those digests
    /// for the same blobs instead of reading them again (a first pull's packs share most files),
    /// and the local index's digests for files the store already holds (checked when stored).
    static func verifyNewCatalogContent(_ remoteTip: GitOID, store: Store) throws -> Int {
        let repository = store.repository
        let remoteTree = try repository.commitTree(remoteTip)
        let localTree = try store.catalogTree()
        var added = [(path: String, oid: GitOID)]()
        for change in try repository.diffTrees(localTree, remoteTree) where change.kind != .deleted {
            guard let oid = change.newOID else { continue }
            if change.path.hasPrefix("digests/") {
                added.append((change.path, oid))
            } else if change.kind == .modified {
                throw FormatError.verification("pull: remote catalog changes \(change.path), which is immutable; nothing was changed")
            }
        }
        let digests = try repository.blobDigests(added.map(\.oid))
        for (path, oid) in added {
            let expected = CatalogLayout.digest(filedAt: String(path.dropFirst("digests/".count)))
            if expected == nil || digests[oid] != expected {
                throw FormatError.verification("pull: object \(oid.hex) (\(path)) does not hash to its name; nothing was changed")
            }
        }
        let newPacks = try store.allMeta(in: remoteTree).filter { try store.packTree($0.id, in: localTree) == nil }
        let known = newPacks.isEmpty ? digests : try localDigests(localTree, repository).merging(digests) { _, fresh in fresh }
        for meta in newPacks {
            guard let tree = try store.packTree(meta.id, in: remoteTree) else {
                throw FormatError.verification("pull: remote catalog lists pack \(meta.id) without its files; nothing was changed")
            }
            if let problem = try Fsck.verifyPack(meta, tree: tree, store: store, knownDigests: known) {
                throw FormatError.verification("pull: pack \(meta.id): \(problem); nothing was changed")
            }
        }
        return added.count
    }

    /// The local catalog's index read backwards: each stored blob and the SHA-256 it is filed
    /// under, which the store checked when the file was imported or pulled.
    static func localDigests(_ localTree: GitOID?, _ repository: GitRepository) throws -> [GitOID: SHA256Digest] {
        guard let localTree, let index = try repository.treeEntry(localTree, path: "digests"), index.mode == .tree else { return [:] }
        var digests = [GitOID: SHA256Digest]()
        for (path, entry) in try repository.walkTree(index.oid) {
            if let digest = CatalogLayout.digest(filedAt: path) { digests[entry.oid] = digest }
        }
        return digests
    }

    /// Fast-forward when possible, else a signed merge whose tree is the union of both catalogs.
    static func mergeCatalog(_ remoteTip: GitOID, remote: String, store: Store, identity: StoreIdentity) throws -> String {
        let repository = store.repository
        for _ in 0..<CatalogWriter.maxAttempts {
            let local = try store.catalogTip()
            if local == remoteTip { return "unchanged" }
            if let local, try repository.isAncestor(remoteTip, of: local) { return "unchanged" }
            let fastForward = try local.map { try repository.isAncestor($0, of: remoteTip) } ?? true
            if fastForward {
                do {
                    try repository.updateReference(CatalogLayout.reference, to: remoteTip, expected: local, message: "pull \(remote): fast-forward")
                    return "fast-forward"
                } catch GitRefUpdateError.conflict, GitRefUpdateError.locked { continue }
            }
            // Diverged: union. Paths are content-addressed, so the only overlap is identical content,
            // except meta files of a pack both imported under different names: ours wins.
            let localTree = try repository.commitTree(local!)
            let remoteTree = try repository.commitTree(remoteTip)
            var upserts = TreeUpserts()
            // Whole pack trees are grafted (file modes live in them); digests and meta are plain blobs.
            for meta in try store.allMeta(in: remoteTree) where try store.packTree(meta.id, in: localTree) == nil {
                upserts.put(CatalogLayout.packPath(meta.id), try store.packTree(meta.id, in: remoteTree)!, .tree)
                upserts.put(CatalogLayout.metaPath(meta.id), try repository.treeEntry(remoteTree, path: CatalogLayout.metaPath(meta.id))!.oid, .blob)
            }
            for change in try repository.diffTrees(localTree, remoteTree) where change.kind == .added && change.path.hasPrefix("digests/") {
                upserts.put(change.path, change.newOID!, .blob)
            }
            let tree = try repository.applying(upserts, to: localTree)
            let commit = try repository.createCommit(tree: tree, parents: [local!, remoteTip], message: "pull \(remote): merge catalogs\n",
                                                     author: identity.signature(), sign: identity.signCommit)
            try Durability.syncFileSystem(containing: store.path)
            do {
                try repository.updateReference(CatalogLayout.reference, to: commit, expected: local, message: "pull \(remote): merge")
                return "merged"
            } catch GitRefUpdateError.conflict, GitRefUpdateError.locked { continue }
        }
        throw FormatError(.internalFailure, "pull: catalog kept moving; try again")
    }

    static func dropQuarantine(_ prefix: String, _ repository: GitRepository) throws {
        for (name, oid) in try repository.references(withPrefix: prefix) { try? repository.deleteReference(name, expected: oid) }
    }
}
