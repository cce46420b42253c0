import Foundation

/// A gaitstore: a bare git repository whose catalog ref names every stored pack (DESIGN.md §2).
///
/// This type reads and writes content. Moving the catalog ref (a signed commit) is `Refs`' job.
/// A `Store` holds a libgit2 handle, so it belongs to one thread at a time.
public final class Store {
    public let path: String
    public let repository: GitRepository

    private init(path: String, repository: GitRepository) {
        self.path = path
        self.repository = repository
    }

    /// Creates the bare repository. Fails if `path` already holds one.
    public static func create(at path: String) throws -> Store {
        if FileBytes.exists((path as NSString).appendingPathComponent("HEAD")) {
            throw FormatError.invalid("\(path) already holds a store or git repository")
        }
        do {
            let repository = try GitRepository.initBare(at: path)
            let store = Store(path: repository.path, repository: repository)
            try store.applyPackSettings()
            try repository.createLooseFanOut()
            return store
        } catch {
            throw FormatError(.internalFailure, "create store \(path): \(error)")
        }
    }

    public static func open(at path: String) throws -> Store {
        guard FileBytes.exists((path as NSString).appendingPathComponent("HEAD")) else {
            throw FormatError.invalid("no store at \(path) (run 'gaitstore init', or pass --store / set GAITSTORE_DIR)")
        }
        do {
            let repository = try GitRepository.open(at: path)
            return Store(path: repository.path, repository: repository)
        } catch {
            throw FormatError.invalid("open store \(path): \(error)")
        }
    }

    // MARK: Catalog reads

    public func catalogTip() throws -> GitOID? { try repository.resolveReference(CatalogLayout.reference) }

    public func catalogTree() throws -> GitOID? {
        guard let tip = try catalogTip() else { return nil }
        return try repository.commitTree(tip)
    }

    /// The git blob holding the file with this SHA-256, if stored.
    public func blob(for digest: SHA256Digest, in tree: GitOID?) throws -> GitOID? {
        guard let tree else { return nil }
        return try repository.treeEntry(tree, path: CatalogLayout.digestPath(digest))?.oid
    }

    public func packTree(_ id: String, in tree: GitOID?) throws -> GitOID? {
        guard let tree else { return nil }
        return try repository.treeEntry(tree, path: CatalogLayout.packPath(id)).flatMap { $0.mode == .tree ? $0.oid : nil }
    }

    public func meta(_ id: String, in tree: GitOID?) throws -> PackMeta? {
        guard let tree, let entry = try repository.treeEntry(tree, path: CatalogLayout.metaPath(id)) else { return nil }
        return try PackMeta.parse(try repository.readBlob(entry.oid))
    }

    /// Every stored pack's metadata, sorted by id.
    public func allMeta(in tree: GitOID?) throws -> [PackMeta] {
        guard let tree, let metaRoot = try repository.treeEntry(tree, path: "meta"), metaRoot.mode == .tree else { return [] }
        var out: [PackMeta] = []
        for fan in try repository.readTree(metaRoot.oid) where fan.mode == .tree {
            for entry in try repository.readTree(fan.oid) where entry.mode != .tree {
                out.append(try PackMeta.parse(try repository.readBlob(entry.oid)))
            }
        }
        return out.sorted { $0.id < $1.id }
    }

    /// Finds a stored pack by full id or a unique prefix (at least 4 characters).
    /// Reads tree entries only (ids are the names under `packs/`), and only the fan-out
    /// directories the prefix can reach.
    public func resolvePackID(_ text: String, in tree: GitOID?) throws -> String {
        let wanted = text.lowercased()
        guard !wanted.isEmpty, wanted.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw FormatError.invalid("unknown pack id \(text)")
        }
        if try packTree(wanted, in: tree) != nil { return wanted }
        guard wanted.count >= 4 else { throw FormatError.invalid("unknown pack id \(text)") }
        let matches = try packIDs(withPrefix: wanted, in: tree)
        switch matches.count {
        case 1: return matches[0]
        case 0: throw FormatError.invalid("unknown pack id \(text)")
        default: throw FormatError.invalid("pack id prefix \(text) is ambiguous (\(matches.count) packs)")
        }
    }

    private func packIDs(withPrefix prefix: String, in tree: GitOID?) throws -> [String] {
        guard let tree, let packs = try repository.treeEntry(tree, path: CatalogLayout.packsDirectory), packs.mode == .tree else { return [] }
        let fan = CatalogLayout.fanout(prefix)
        var ids: [String] = []
        for directory in try repository.readTree(packs.oid) where directory.mode == .tree && directory.name.hasPrefix(fan) {
            ids += try repository.readTree(directory.oid).map(\.name).filter { $0.hasPrefix(prefix) }
        }
        return ids.sorted()
    }

    // MARK: Import

    /// What one import did for one pack.
    public struct PackReport: Sendable, Equatable {
        public var id: String
        public var kind: PackKind
        public var files: Int
        public var bytesNew: Int
        public var bytesDeduplicated: Int
        public var alreadyStored: Bool
        /// Already stored under this id, but with other files. Only possible for formats whose id
        /// does not cover every file (a Decision Gate `root_hash` leaves out `manifest.json`); the
        /// stored copy is kept and nothing of this one is written.
        public var differsFromStored: Bool = false
    }

    /// Objects written for an import, and the catalog paths to add. Applying `upserts` to any
    /// catalog tree is a union, so a lost compare-and-swap just applies them to the new tip.
    public struct StagedImport: Sendable {
        public var upserts = TreeUpserts()
        public var reports: [PackReport] = []
    }

    /// Writes every file not yet stored (on `workers` threads, each with its own libgit2 handle),
    /// then each pack's tree and meta. Moves no ref.
    public func stage(_ candidates: [ImportCandidate], against tree: GitOID?,
                      workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) throws -> StagedImport {
        var staged = StagedImport()
        var known: [SHA256Digest: GitOID] = [:]
        var toWrite: [SHA256Digest: ImportCandidate.File] = [:]
        var firstByID: [String: ImportCandidate] = [:]
        var differing = Set<Int>()
        // Candidates stored already, or earlier in this batch: reported, not written.
        var alreadyStored = Set<Int>()
        for (index, candidate) in candidates.enumerated() {
            let id = candidate.meta.id
            if let earlier = firstByID[id] {
                if Self.fileList(earlier) != Self.fileList(candidate) { differing.insert(index) }
                alreadyStored.insert(index)
                continue
            }
            firstByID[id] = candidate
            if let stored = try packTree(id, in: tree) {
                if try !holds(candidate, exactly: stored, catalog: tree) { differing.insert(index) }
                alreadyStored.insert(index)
                continue
            }
            for file in candidate.files where known[file.sha256] == nil && toWrite[file.sha256] == nil {
                if let oid = try blob(for: file.sha256, in: tree) { known[file.sha256] = oid } else { toWrite[file.sha256] = file }
            }
        }
        let written = try writeBlobs(Array(toWrite.values), workers: workers)
        for (digest, oid) in written { known[digest] = oid }

        var newlyWritten = Set(written.keys)
        for (index, candidate) in candidates.enumerated() {
            let id = candidate.meta.id
            let isStored = alreadyStored.contains(index)
            var bytesNew = 0
            for file in candidate.files where newlyWritten.remove(file.sha256) != nil { bytesNew += file.size }
            staged.reports.append(PackReport(id: id, kind: candidate.meta.kind, files: candidate.files.count,
                                             bytesNew: bytesNew, bytesDeduplicated: candidate.meta.totalBytes - bytesNew,
                                             alreadyStored: isStored, differsFromStored: differing.contains(index)))
            if isStored { continue }
            let packTree = try repository.writeTree(paths: candidate.files.map { ($0.path, known[$0.sha256]!, $0.mode) })
            staged.upserts.put(CatalogLayout.packPath(id), packTree, .tree)
            let meta = try repository.writeBlob(try CanonicalJSON.encode(candidate.meta.json))
            staged.upserts.put(CatalogLayout.metaPath(id), meta, .blob)
            for file in candidate.files { staged.upserts.put(CatalogLayout.digestPath(file.sha256), known[file.sha256]!, .blob) }
        }
        return staged
    }

    /// Whether the pack stored as `packTree` holds exactly `candidate`'s paths, modes and contents.
    private func holds(_ candidate: ImportCandidate, exactly packTree: GitOID, catalog tree: GitOID?) throws -> Bool {
        let stored = try repository.walkTree(packTree)
        guard stored.count == candidate.files.count else { return false }
        let byPath = Dictionary(stored.map { ($0.path, $0.entry) }, uniquingKeysWith: { first, _ in first })
        for file in candidate.files {
            guard let entry = byPath[file.path], entry.mode == file.mode,
                  let blob = try blob(for: file.sha256, in: tree), blob == entry.oid else { return false }
        }
        return true
    }

    private static func fileList(_ candidate: ImportCandidate) -> [String] {
        candidate.files.map { "\($0.mode) \($0.sha256.hex) \($0.path)" }.sorted()
    }

    /// Streams each file into a git blob. libgit2 handles are per thread, so each worker opens its own.
    private func writeBlobs(_ files: [ImportCandidate.File], workers: Int) throws -> [SHA256Digest: GitOID] {
        let ordered = files.sorted { $0.size > $1.size }
        let oids = try repository.concurrentMap(ordered, workers: workers) { repository in
            { file in try Store.writeBlob(file, into: repository) }
        }
        return Dictionary(zip(ordered.map(\.sha256), oids), uniquingKeysWith: { first, _ in first })
    }

    /// Writes one file's bytes as a blob, checking on the way in that they still hash to what was verified.
    static func writeBlob(_ file: ImportCandidate.File, into repository: GitRepository) throws -> GitOID {
        var hasher = SHA256Hasher()
        let oid: GitOID
        switch file.source {
        case .zipEntry(let zip, let entry):
            oid = try repository.writeBlob(size: file.size) { sink in
                try zip.stream(entry) { chunk in hasher.update(chunk); try sink(chunk) }
            }
        case .file(let path):
            oid = try repository.writeBlob(size: file.size) { sink in
                try FileStreaming.stream(path) { chunk in hasher.update(chunk); try sink(chunk) }
            }
        }
        if hasher.finalize() != file.sha256 {
            throw FormatError.verification("\(file.path) changed while being imported (sha256 differs from the verified bytes)")
        }
        return oid
    }
}
