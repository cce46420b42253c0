import Foundation

/// A Decision Gate runpack or an AGS memory pack, in a directory or in the store, as `pack verify`,
/// `inspect` and `diff` read it: one set of files whichever place holds them, so a directory and
/// its stored id give the same answers. Every file streams; nothing is written.
public struct DirectoryPack {
    public enum Location {
        case directory(String)
        case stored(GitRepository, tree: GitOID)
    }

    /// `.decisionGateRunpack` or `.agsMemoryPack`.
    public let kind: PackKind
    public let location: Location

    /// A directory, routed as import routes it; anything else is invalid input.
    public init(directory: String) throws {
        if DecisionGateRunpack.looksLikeRunpack(directory: directory) {
            kind = .decisionGateRunpack
        } else if AGSMemoryPack.looksLikePack(directory: directory) {
            kind = .agsMemoryPack
        } else {
            throw FormatError.invalid("\(directory): directory is neither a Decision Gate runpack nor an AGS memory pack")
        }
        location = .directory(directory)
    }

    /// A stored pack of a directory kind, as `Store.storedPack` opens it.
    init(kind: PackKind, tree: GitOID, repository: GitRepository) {
        self.kind = kind
        location = .stored(repository, tree: tree)
    }

    // MARK: Files

    /// Every file by its "/"-separated relative path. A directory entry that is not a regular
    /// file is refused here, as verify would refuse it.
    public func files() throws -> [String: DecisionGateRunpack.FileSource] {
        switch location {
        case .stored(let repository, let tree):
            return try Self.files(of: tree, in: repository)
        case .directory(let path) where kind == .decisionGateRunpack:
            return try DecisionGateRunpack.regularFiles(directory: path)
        case .directory(let path):
            return try AGSDirectoryReader.list(path).files.mapValues { source in
                DecisionGateRunpack.FileSource(size: source.size, mode: source.mode & 0o111 != 0 ? 0o100755 : 0o100644,
                                               stream: source.stream)
            }
        }
    }

    /// A stored tree's files, each streamed from its blob when read.
    /// `knownDigests`: SHA-256s the caller already computed from these blobs, so a verifier need
    /// not read them again.
    static func files(of tree: GitOID, in repository: GitRepository,
                      knownDigests: [GitOID: SHA256Digest] = [:]) throws -> [String: DecisionGateRunpack.FileSource] {
        var sources: [String: DecisionGateRunpack.FileSource] = [:]
        for (path, entry) in try repository.walkTree(tree) {
            var source = DecisionGateRunpack.FileSource(size: try repository.blobSize(entry.oid),
                                                        mode: entry.mode == .executable ? 0o100755 : 0o100644) { body in
                try repository.streamBlob(entry.oid, body)
            }
            source.knownDigest = knownDigests[entry.oid]
            sources[path] = source
        }
        return sources
    }

    static func agsSources(_ files: [String: DecisionGateRunpack.FileSource]) -> [String: AGSMemoryPack.FileSource] {
        files.mapValues { file in
            var source = AGSMemoryPack.FileSource(size: file.size, mode: file.mode, stream: file.stream)
            source.knownDigest = file.knownDigest
            return source
        }
    }

    // MARK: Verify

    /// A verification's outcome, failing or not.
    public struct Verdict: Sendable {
        public var packID: String
        public var sourceRef: String
        public var filesChecked: Int
        /// What each failing check said, in the format's order; empty on a pass.
        public var errors: [String]
        /// The format's own report: DG's `{checked_files, errors, status}`, or for AGS what was checked.
        public var report: JSONValue
    }

    /// DG reports every failing check; AGS stops at the first and throws it (`.verification`).
    public func verify() throws -> Verdict {
        switch kind {
        case .decisionGateRunpack:
            let examination: DecisionGateRunpack.Examination
            if case .directory(let path) = location {
                examination = try DecisionGateRunpack.examine(directory: path)
            } else {
                examination = try DecisionGateRunpack.examine(files: try files())
            }
            let report = examination.report
            return Verdict(packID: examination.manifest.rootHash.value, sourceRef: examination.manifest.runID,
                           filesChecked: report.checkedFiles, errors: report.errors, report: report.json)
        default:
            let verified: AGSMemoryPack.Verified
            if case .directory(let path) = location {
                verified = try AGSMemoryPack.verify(directory: path)
            } else {
                verified = try AGSMemoryPack.verify(files: Self.agsSources(try files()))
            }
            var report = JSONObject()
            report["files_checked"] = .number(JSONNumber(verified.files.count))
            report["grammar_version"] = .string(verified.grammarVersion)
            if let canon = verified.canonVersion { report["canon_version"] = .string(canon) }
            if let scope = verified.scope { report["scope"] = .string(scope) }
            report["status"] = "pass"
            return Verdict(packID: verified.manifestDigest, sourceRef: verified.grammarVersion,
                           filesChecked: verified.files.count, errors: [], report: .object(report))
        }
    }

    /// Re-verifies the pack, throwing at its first failure (`.verification`), and returns the id
    /// its content gives: how fsck and pull check a stored pack.
    ///
    /// `knownDigests` holds SHA-256s the caller computed from these very blobs moments ago (pull
    /// hashes every new stored file once); a Decision Gate runpack's files found there are not
    /// read and hashed a second time.
    public func verifiedID(knownDigests: [GitOID: SHA256Digest] = [:]) throws -> String {
        let files: [String: DecisionGateRunpack.FileSource]
        if case .stored(let repository, let tree) = location {
            files = try Self.files(of: tree, in: repository, knownDigests: knownDigests)
        } else {
            files = try self.files()
        }
        switch kind {
        case .decisionGateRunpack: return try DecisionGateRunpack.verify(files: files).rootHash
        default: return try AGSMemoryPack.verify(files: Self.agsSources(files)).manifestDigest
        }
    }

    // MARK: Inspect

    public struct Inspection: Sendable {
        public var packID: String
        public var sourceRef: String
        /// `[(key, value)]` in display order: id, type, sizes, then the manifest's identifying fields.
        public var fields: [(String, JSONValue)]
        public var json: JSONValue {
            var object = JSONObject()
            for (key, value) in fields { object[key] = value }
            return .object(object)
        }
    }

    /// Reads the manifest and the file sizes only; nothing else is hashed or checked.
    public func inspect() throws -> Inspection {
        let files = try files()
        let bytes = files.values.reduce(0) { $0 + $1.size }
        var fields: [(String, JSONValue)] = []
        let packID: String, sourceRef: String, manifestPath: String
        var identifying: [(String, JSONValue)] = []
        switch kind {
        case .decisionGateRunpack:
            let (path, manifest, _) = try DecisionGateRunpack.manifest(files: files)
            packID = manifest.rootHash.value
            sourceRef = manifest.runID
            manifestPath = path
            identifying = [("run_id", .string(manifest.runID)), ("scenario_id", .string(manifest.scenarioID)),
                           ("tenant_id", .number(JSONNumber(literal: String(manifest.tenantID))!)),
                           ("namespace_id", .number(JSONNumber(literal: String(manifest.namespaceID))!)),
                           ("manifest_version", .string(manifest.manifestVersion))]
        default:
            manifestPath = AGSPackPaths.repoState
            let state = try Self.repoState(files).state
            packID = state.manifestDigest.hex
            sourceRef = state.grammarVersion ?? ""
            identifying = [("grammar_version", .string(state.grammarVersion ?? "")),
                           ("canon_version", state.canonVersion.map { .string($0) } ?? .null),
                           ("scope", state.scope.map { .string($0) } ?? .null)]
        }
        fields = [("pack_id", .string(packID)), ("pack_type", .string(kind.rawValue)),
                  ("files", .number(JSONNumber(files.count))), ("bytes", .number(JSONNumber(bytes))),
                  ("manifest_path", .string(manifestPath))] + identifying
        return Inspection(packID: packID, sourceRef: sourceRef, fields: fields)
    }

    /// `meta/REPO_STATE.json`, parsed, with the bytes it was parsed from.
    private static func repoState(_ files: [String: DecisionGateRunpack.FileSource]) throws -> (state: AGSRepoState, bytes: [UInt8]) {
        let path = AGSPackPaths.repoState
        guard let source = files[path] else { throw FormatError.invalid("\(path): missing") }
        guard source.size <= AGSMemoryPack.maxMetadataBytes else {
            throw FormatError.invalid("\(path): \(source.size) bytes, over the \(AGSMemoryPack.maxMetadataBytes)-byte limit")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.size)
        try source.stream { chunk in
            guard bytes.count + chunk.count <= AGSMemoryPack.maxMetadataBytes else { throw FormatError.invalid("\(path): grew while read") }
            bytes.append(contentsOf: chunk)
        }
        return (try AGSRepoState.parse(bytes), bytes)
    }

    // MARK: Diff

    /// One side of `pack diff`: every file but the manifest by the SHA-256 of its bytes (re-hashed,
    /// not as declared), and the manifest by the SHA-256 of its bytes, so `manifest_delta` sees any
    /// change to it.
    public func diffSide() throws -> PackDiff.Side {
        try diffSide(of: try files(), hashingFiles: true).side
    }

    /// The same over files already listed, with the manifest's path (DG: `manifest.json` or
    /// `runpack.json`). The manifest is read once, for its digest and the pack's id together.
    /// With `hashingFiles` false nothing else is read (the store's tree diff finds the changed files).
    func diffSide(of files: [String: DecisionGateRunpack.FileSource],
                  hashingFiles: Bool) throws -> (side: PackDiff.Side, manifestPath: String) {
        let manifestPath: String, packID: String, manifestDigest: SHA256Digest
        switch kind {
        case .decisionGateRunpack:
            let found = try DecisionGateRunpack.manifest(files: files)
            (manifestPath, packID, manifestDigest) = (found.path, found.manifest.rootHash.value, found.digest)
        default:
            manifestPath = AGSPackPaths.repoState
            let (state, bytes) = try Self.repoState(files)
            guard bytes.count == files[manifestPath]?.size else { throw FormatError.invalid("\(manifestPath): changed size while read") }
            (packID, manifestDigest) = (state.manifestDigest.hex, SHA256Digest.of(bytes))
        }
        var digests: [String: String] = [:]
        for (path, source) in files where hashingFiles && path != manifestPath {
            var hasher = SHA256Hasher()
            var count = 0
            try source.stream { chunk in
                hasher.update(chunk)
                count += chunk.count
            }
            guard count == source.size else { throw FormatError.invalid("\(path): changed size while read") }
            digests[path] = hasher.finalize().hex
        }
        let side = PackDiff.Side(packID: packID, packType: kind.rawValue, manifestDigest: manifestDigest.hex, files: digests)
        return (side, manifestPath)
    }
}

extension DecisionGateRunpack {
    /// A runpack directory's regular files; a symlink, device or other special entry is refused.
    public static func regularFiles(directory: String) throws -> [String: FileSource] {
        var files: [String: FileSource] = [:]
        for (path, entry) in try RunpackDirectory(path: directory).contents().entries {
            switch entry {
            case .file(let source): files[path.text] = source
            case .refused(let reason): throw FormatError.invalid("\(directory)/\(path.text) \(reason)")
            }
        }
        return files
    }
}
