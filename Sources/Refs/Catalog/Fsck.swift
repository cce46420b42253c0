import Foundation
import ObjectStore

/// `gaitstore fsck`: every stored byte re-hashed, every pack re-verified, every commit's signature
/// checked against `allowed_signers`. Problems are collected, not thrown, so one run names them all.
public enum Fsck {
    public struct Report {
        public var problems: [String] = []
        public var commitsChecked = 0
        public var filesChecked = 0
        public var packsChecked = 0
        public var jobsChecked = 0
        public var bytesHashed = 0
    }

    public static func check(store: Store) throws -> Report {
        var report = Report()
        let repository = store.repository
        let verifier = try CommitVerifier(store: store.path)
        for jobID in try JobBranch.jobIDs(in: store) {
            report.jobsChecked += 1
            do { report.problems += try JobService.verify(jobID, store: store) } catch {
                report.problems.append("job \(jobID): \(error)")
            }
        }
        guard let tip = try store.catalogTip() else { return report }

        do {
            for commit in try repository.commitLog(from: tip) {
                report.commitsChecked += 1
                let verdict = try verifier.verify(commit, in: repository)
                if !verdict.isGood { report.problems.append("commit \(commit.hex) (\(CatalogLayout.reference)): \(verdict.text)") }
            }
        } catch {
            report.problems.append("catalog history unreadable: \(error)")
        }

        let tree: GitOID
        do { tree = try repository.commitTree(tip) } catch {
            report.problems.append("commit \(tip.hex): unreadable: \(error)")
            return report
        }

        // Which packs hold each blob, so a damaged object is reported with its packs.
        var owners: [GitOID: [String]] = [:]
        var metas: [PackMeta] = []
        do { metas = try store.allMeta(in: tree) } catch { report.problems.append("meta/: unreadable: \(error)") }
        var packTrees: [(PackMeta, GitOID)] = []
        for meta in metas {
            do {
                guard let packTree = try store.packTree(meta.id, in: tree) else {
                    report.problems.append("pack \(meta.id): meta present but its tree is missing")
                    continue
                }
                packTrees.append((meta, packTree))
                for (_, entry) in try repository.walkTree(packTree) { owners[entry.oid, default: []].append(meta.id) }
            } catch {
                report.problems.append("pack \(meta.id): tree unreadable: \(error)")
            }
        }

        // Every file by its SHA-256 name; the packs' checks below reuse what matched.
        var verified = [GitOID: SHA256Digest]()
        do {
            for (path, entry) in try repository.walkTree(try subtree(tree, "digests", repository)) {
                let expected = CatalogLayout.digest(filedAt: path)?.hex ?? path
                let where_ = owners[entry.oid].map { " in pack \($0.sorted().joined(separator: ", "))" } ?? ""
                do {
                    var hasher = SHA256Hasher()
                    try repository.streamBlob(entry.oid) { chunk in
                        hasher.update(chunk)
                        report.bytesHashed += chunk.count
                    }
                    report.filesChecked += 1
                    let digest = hasher.finalize(), actual = digest.hex
                    if actual == expected {
                        verified[entry.oid] = digest
                    } else {
                        report.problems.append("object \(entry.oid.hex) (sha256:\(expected))\(where_): content hashes to sha256:\(actual)")
                    }
                } catch {
                    report.problems.append("object \(entry.oid.hex) (sha256:\(expected))\(where_): unreadable: \(error)")
                }
            }
        } catch {
            report.problems.append("digests/: unreadable: \(error)")
        }

        // Every pack against its own manifest.
        for (meta, packTree) in packTrees {
            report.packsChecked += 1
            do {
                if let problem = try verifyPack(meta, tree: packTree, store: store, knownDigests: verified) {
                    report.problems.append("pack \(meta.id): \(problem)")
                }
            } catch {
                report.problems.append("pack \(meta.id): \(error)")
            }
        }
        return report
    }

    /// nil when the stored pack verifies as its format requires and has the id it is stored under.
    /// `knownDigests`: SHA-256s just computed from these blobs, not hashed again.
    static func verifyPack(_ meta: PackMeta, tree: GitOID, store: Store, knownDigests: [GitOID: SHA256Digest] = [:]) throws -> String? {
        switch store.storedPack(meta, tree: tree).reader {
        case .gait(let pack):
            let result = try PackVerifier.verify(archive: try pack.archive(knownDigests: knownDigests), options: VerifyOptions())
            if !result.ok(requireSignature: false) { return result.failureSummary }
            if result.packID.lowercased() != meta.id { return "stored as \(meta.id) but its id is \(result.packID)" }
            return nil
        case .directory(let pack):
            let id = try pack.verifiedID(knownDigests: knownDigests)
            return id.lowercased() == meta.id ? nil : "stored as \(meta.id) but its content gives \(id)"
        }
    }

    private static func subtree(_ tree: GitOID, _ name: String, _ repository: GitRepository) throws -> GitOID {
        guard let entry = try repository.treeEntry(tree, path: name), entry.mode == .tree else {
            throw FormatError.invalid("\(name)/ missing")
        }
        return entry.oid
    }
}
