import CGit2
import Foundation

extension GitRepository {
    /// Every object id in the repository, loose or packed, reachable or not, sorted.
    public func allObjectIDs() throws -> [GitOID] {
        let odb = try odb()
        try gitCheck(git_odb_refresh(odb), "rescan objects of \(path)")
        return try listObjectIDs(in: odb, describing: path).sorted()
    }

    /// Garbage-collects the repository: writes one delta-compressed pack of everything reachable
    /// from any reference (and reflog entry), then deletes what that pack makes redundant and
    /// what nothing reaches.
    ///
    /// A loose object or old pack is deleted only when the new pack holds all of it, or when it
    /// is unreachable and was last modified more than `gracePeriod` seconds before the repack
    /// began. The grace period protects writers that have stored objects but not yet moved their
    /// ref (an import in flight); libgit2 refreshes the time of an object written again. A grace
    /// period of 0 is safe only when no other process writes to the repository. Empty `objects/xx`
    /// directories stay, since a concurrent writer may be about to use them. Packs with a
    /// `.keep` file are left alone. Any failure before deletion starts leaves everything in place.
    ///
    /// `namingTrees` are packed before the history so that their blobs take their paths there.
    /// The delta search only compares objects that sort near each other, by a hash of the
    /// path's last characters (git's name hash), then by size; a blob named by a content
    /// digest sorts at random and finds no base, so pass trees whose paths say what a file is.
    ///
    /// This instance reopens the repository afterwards. Other long-lived instances, in this
    /// process or another, may still remember deleted packs and should be reopened.
    public func repack(gracePeriod: TimeInterval = 3600, namingTrees: [GitOID] = []) throws {
        let cutoff = Date().timeIntervalSince1970 - gracePeriod
        let objectsDirectory = path + "/objects"
        let packDirectory = objectsDirectory + "/pack"
        let oldPacks = packIndexes(in: packDirectory)

        let newPack = try writeReachablePack(namingTrees: namingTrees)
        let newIndex = newPack.map { packDirectory + "/pack-\($0).idx" }
        let reachable = try newIndex.map(GitPackFile.init(indexPath:))
        let isRedundant = { (oid: GitOID) in reachable?.contains(oid) ?? false }

        for (oid, file) in looseObjects(in: objectsDirectory) {
            if isRedundant(oid) || modificationTime(of: file) < cutoff {
                try removeFile(file)
            }
        }
        for index in oldPacks where index != newIndex {
            let base = String(index.dropLast(".idx".count))
            guard !FileManager.default.fileExists(atPath: base + ".keep") else { continue }
            let expired = modificationTime(of: base + ".pack") < cutoff
            if try expired || GitPackFile(indexPath: index).objectIDs().allSatisfy(isRedundant) {
                try removePack(base)
            }
        }
        try dropDerivedIndexes(objectsDirectory: objectsDirectory)
        try rewritePackList(packDirectory: packDirectory, objectsDirectory: objectsDirectory)
        try reopen()
    }

    /// Removes the caches stock git may have written over the old object set (`git gc`,
    /// `git maintenance`): a commit-graph naming dropped commits makes `git fsck` fail, and a
    /// multi-pack-index names deleted packs. git rebuilds both when it wants them.
    private func dropDerivedIndexes(objectsDirectory: String) throws {
        let files = FileManager.default
        var caches = [objectsDirectory + "/info/commit-graph", objectsDirectory + "/info/commit-graphs"]
        let packDirectory = objectsDirectory + "/pack"
        for name in (try? files.contentsOfDirectory(atPath: packDirectory)) ?? [] where name.hasPrefix("multi-pack-index") {
            caches.append(packDirectory + "/" + name)
        }
        for cache in caches where files.fileExists(atPath: cache) {
            try removeFile(cache)
        }
    }

    /// Keeps `objects/info/packs` (what `git update-server-info` writes for dumb HTTP clients)
    /// true to the packs that remain, when the repository has one.
    private func rewritePackList(packDirectory: String, objectsDirectory: String) throws {
        let list = objectsDirectory + "/info/packs"
        guard FileManager.default.fileExists(atPath: list) else { return }
        let packs = packIndexes(in: packDirectory).map { ($0 as NSString).lastPathComponent.dropLast(".idx".count) + ".pack" }
        let text = packs.map { "P \($0)\n" }.joined() + "\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: list), options: .atomic)
        } catch {
            throw GitMaintenanceError.cannotWrite(list, reason: error.localizedDescription)
        }
    }

    /// Packs everything reachable into `objects/pack`; returns the pack's name, or nil when
    /// nothing is reachable and no pack was written.
    private func writeReachablePack(namingTrees: [GitOID]) throws -> String? {
        var builder: OpaquePointer?
        try gitCheck(git_packbuilder_new(&builder, handle), "start pack of \(path)")
        defer { git_packbuilder_free(builder) }
        _ = git_packbuilder_set_threads(builder, 0)
        // The first insertion of an object fixes its name; later ones are no-ops.
        for tree in namingTrees {
            try tree.withRaw { try gitCheck(git_packbuilder_insert_tree(builder, $0), "pack tree \(tree)") }
        }
        var walk: OpaquePointer?
        try gitCheck(git_revwalk_new(&walk, handle), "start history walk")
        defer { git_revwalk_free(walk) }
        var pushedCommits = false
        for root in try reachabilityRoots() {
            pushedCommits = try insertRoot(root, into: builder, walk: walk) || pushedCommits
        }
        if pushedCommits {
            try gitCheck(git_packbuilder_insert_walk(builder, walk), "pack history of \(path)")
        }
        guard git_packbuilder_object_count(builder) > 0 else { return nil }
        try gitCheck(git_packbuilder_write(builder, nil, 0, nil, nil), "write pack of \(path)")
        return String(cString: git_packbuilder_name(builder))
    }

    /// Adds one root to the pack: commits go to the walk (which brings their history and trees),
    /// tags are unwrapped to their targets, trees and blobs are added directly. Returns whether
    /// a commit was pushed.
    private func insertRoot(_ root: GitOID, into builder: OpaquePointer?, walk: OpaquePointer?) throws -> Bool {
        var oid = root
        while true {
            var length = 0
            var type = GIT_OBJECT_INVALID
            try oid.withRaw { try gitCheck(git_odb_read_header(&length, &type, try odb(), $0), "read object \(oid) named by a ref") }
            switch type {
            case GIT_OBJECT_COMMIT:
                try oid.withRaw { try gitCheck(git_revwalk_push(walk, $0), "walk history of \(oid)") }
                return true
            case GIT_OBJECT_TREE:
                try oid.withRaw { try gitCheck(git_packbuilder_insert_tree(builder, $0), "pack tree \(oid)") }
                return false
            case GIT_OBJECT_TAG:
                try oid.withRaw { try gitCheck(git_packbuilder_insert(builder, $0, nil), "pack tag \(oid)") }
                var tag: OpaquePointer?
                try oid.withRaw { try gitCheck(git_tag_lookup(&tag, handle, $0), "read tag \(oid)") }
                oid = GitOID(git_tag_target_id(tag))
                git_tag_free(tag)
            default:
                try oid.withRaw { try gitCheck(git_packbuilder_insert(builder, $0, nil), "pack object \(oid)") }
                return false
            }
        }
    }

    /// What every reference, `HEAD` and every reflog entry points at.
    private func reachabilityRoots() throws -> Set<GitOID> {
        var roots = Set<GitOID>()
        let references = try references(withPrefix: "")
        for reference in references {
            roots.insert(reference.oid)
        }
        if let head = try resolveReference("HEAD") { roots.insert(head) }
        for name in references.map(\.name) + ["HEAD"] {
            var reflog: OpaquePointer?
            try gitCheck(git_reflog_read(&reflog, handle, name), "read reflog of \(name)")
            defer { git_reflog_free(reflog) }
            for index in 0..<git_reflog_entrycount(reflog) {
                let entry = git_reflog_entry_byindex(reflog, index)
                for raw in [git_reflog_entry_id_old(entry), git_reflog_entry_id_new(entry)] {
                    if let raw, GitOID(raw).bytes.contains(where: { $0 != 0 }) { roots.insert(GitOID(raw)) }
                }
            }
        }
        return roots
    }

    /// Loose object files (`objects/xx/<38 hex>`) and the ids they hold.
    private func looseObjects(in objectsDirectory: String) -> [(GitOID, String)] {
        let files = FileManager.default
        var found = [(GitOID, String)]()
        for fanout in (try? files.contentsOfDirectory(atPath: objectsDirectory)) ?? [] where fanout.utf8.count == 2 {
            let directory = objectsDirectory + "/" + fanout
            for name in (try? files.contentsOfDirectory(atPath: directory)) ?? [] {
                if let oid = GitOID(hex: fanout + name), oid.hex == (fanout + name).lowercased() {
                    found.append((oid, directory + "/" + name))
                }
            }
        }
        return found
    }

    /// `objects/pack/pack-*.idx` paths.
    private func packIndexes(in packDirectory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: packDirectory)) ?? []
        return names.filter { $0.hasPrefix("pack-") && $0.hasSuffix(".idx") }.sorted().map { packDirectory + "/" + $0 }
    }

    /// Deletes a pack with every companion file; the index goes first so no reader finds a
    /// pack through an index whose data is already gone.
    private func removePack(_ base: String) throws {
        for suffix in [".idx", ".pack", ".rev", ".bitmap", ".mtimes", ".promisor"] {
            let file = base + suffix
            if suffix == ".idx" || FileManager.default.fileExists(atPath: file) {
                try removeFile(file)
            }
        }
    }

    private func removeFile(_ file: String) throws {
        do {
            try FileManager.default.removeItem(atPath: file)
        } catch CocoaError.fileNoSuchFile {
            // Already gone: another repack got there first.
        } catch {
            throw GitMaintenanceError.cannotRemove(file, reason: "\(error.localizedDescription)")
        }
    }

    /// Seconds since the epoch, or +infinity when unknown so an unreadable file is never
    /// treated as expired.
    private func modificationTime(of file: String) -> TimeInterval {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        return (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? .infinity
    }
}

/// A maintenance step that could not finish.
public enum GitMaintenanceError: Error, CustomStringConvertible {
    case cannotRemove(String, reason: String)
    case cannotWrite(String, reason: String)

    public var description: String {
        switch self {
        case let .cannotRemove(file, reason): return "cannot remove \(file): \(reason)"
        case let .cannotWrite(file, reason): return "cannot write \(file): \(reason)"
        }
    }
}
