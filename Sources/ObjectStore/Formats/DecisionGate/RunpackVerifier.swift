/// A read that failed, as DG words it inside "artifact read failed for P: ..." (spec §6), plus
/// what gaitstore knows beyond DG's words.
struct RunpackReadFailure: Error {
    var text: String
    var detail: String?
}

/// One reason a runpack fails: DG's report text, and for the user a detail DG does not give.
struct RunpackProblem {
    var text: String
    var detail: String?

    var message: String { detail.map { "\(text) (\($0))" } ?? text }
}

/// Runs DG's `verify_manifest` steps in DG's order over `RunpackContents`, then gaitstore's
/// stricter checks (spec §6 "Not checked by DG"), collecting every problem as DG does.
struct RunpackVerifier {
    struct HashedFile {
        var digest: SHA256Digest
        var size: Int
        var mode: UInt32
        var bytes: [UInt8]?
    }

    /// DG reads these again after hashing (steps 5 and 6), so their bytes are kept when hashed.
    static let reparsedPaths = [DecisionLogCheck.path, AnchorPolicyCheck.specPath, AnchorPolicyCheck.gateEvalPath]

    let contents: RunpackContents
    let manifestPath: String
    let manifest: DecisionGateRunpack.Manifest
    /// The manifest file as it was read and decoded.
    let manifestFile: HashedFile

    private(set) var problems: [RunpackProblem] = []
    private(set) var checkedFiles = 0
    /// Declared files that were read, by path.
    private(set) var hashed: [RunpackContents.Path: HashedFile] = [:]
    /// Refused entries already blamed by a read, so the undeclared-entry check does not repeat them.
    private var blamed: Set<RunpackContents.Path> = []

    init(contents: RunpackContents, manifestPath: String, manifest: DecisionGateRunpack.Manifest,
         manifestFile: HashedFile) {
        self.contents = contents
        self.manifestPath = manifestPath
        self.manifest = manifest
        self.manifestFile = manifestFile
    }

    mutating func run() {
        // 1. DG stops at once on a version it does not know.
        guard manifest.manifestVersion == "v1" else {
            problems.append(RunpackProblem(text: "unsupported manifest version: \(manifest.manifestVersion)"))
            return
        }
        // 2. `hash algorithm mismatch` cannot arise: "sha256" is the only value that decodes.
        hashDeclaredFiles()  // 3
        checkRootHash()  // 4
        checkDecisionLog()  // 5
        // 6, then gaitstore's own checks.
        let anchorProblems = AnchorPolicyCheck.problems(providers: manifest.anchorProviders) { read($0) }
        problems += anchorProblems.map { RunpackProblem(text: $0) }
        checkManifestConsistency()
        checkUndeclaredEntries()
    }

    var report: DecisionGateRunpack.Report {
        DecisionGateRunpack.Report(checkedFiles: checkedFiles, errors: problems.map(\.text))
    }

    // MARK: DG's steps

    /// Step 3: every `file_hashes` entry, in manifest order.
    private mutating func hashDeclaredFiles() {
        for entry in manifest.fileHashes {
            switch hash(entry.path, keepBytes: Self.reparsedPaths.contains(entry.path)) {
            case .success(let file):
                checkedFiles += 1
                if hashed[RunpackContents.Path(entry.path)] == nil { hashed[RunpackContents.Path(entry.path)] = file }
                if DecisionGateRunpack.HashDigest.sha256(file.digest) != entry.hash {
                    problems.append(RunpackProblem(
                        text: "hash mismatch for \(entry.path)",
                        detail: "\(manifestPath) declares \(entry.hash.value), the file hashes to \(file.digest.hex)"))
                }
            case .failure(let failure):
                problems.append(RunpackProblem(text: "artifact read failed for \(entry.path): \(failure.text)",
                                               detail: failure.detail))
            }
        }
    }

    /// Step 4: the root is the DG-canonical JSON of the deserialized `file_hashes`, in order.
    private mutating func checkRootHash() {
        guard let computed = try? DecisionGateJSON.canonicalDigest(manifest.rootHashInput()) else {
            problems.append(RunpackProblem(text: "failed to compute root hash"))
            return
        }
        if DecisionGateRunpack.HashDigest.sha256(computed) != manifest.rootHash {
            problems.append(RunpackProblem(
                text: "root hash mismatch",
                detail: "\(manifestPath) integrity.root_hash is \(manifest.rootHash.value), "
                    + "its integrity.file_hashes hash to \(computed.hex)"))
        }
    }

    /// Step 5: DG reads the decision log at its fixed path whatever the manifest lists.
    private mutating func checkDecisionLog() {
        switch read(DecisionLogCheck.path) {
        case .failure(let failure):
            problems.append(RunpackProblem(text: "decision log read failed: \(failure.text)", detail: failure.detail))
        case .success(let bytes):
            if let problem = DecisionLogCheck.problem(in: bytes) {
                problems.append(RunpackProblem(text: problem, detail: DecisionLogCheck.path))
            }
        }
    }

    // MARK: gaitstore's checks

    /// What DG leaves unbound but a well-formed runpack always satisfies: unique paths, an
    /// `artifacts[]` index that agrees with `file_hashes`, and `spec_hash` naming the spec file.
    private mutating func checkManifestConsistency() {
        var seen: Set<RunpackContents.Path> = []
        for entry in manifest.fileHashes where !seen.insert(RunpackContents.Path(entry.path)).inserted {
            problems.append(RunpackProblem(text: "duplicate path in integrity.file_hashes: \(entry.path)"))
        }
        for record in manifest.artifacts {
            guard let entry = manifest.fileHashes.first(where: { $0.path.utf8.elementsEqual(record.path.utf8) }) else {
                problems.append(RunpackProblem(text: "artifact record \(record.path) is not in integrity.file_hashes"))
                continue
            }
            if entry.hash != record.hash {
                problems.append(RunpackProblem(
                    text: "artifact record \(record.path) has a different hash than integrity.file_hashes"))
            }
        }
        if let spec = hashed[RunpackContents.Path(AnchorPolicyCheck.specPath)],
           DecisionGateRunpack.HashDigest.sha256(spec.digest) != manifest.specHash {
            problems.append(RunpackProblem(
                text: "spec_hash does not match \(AnchorPolicyCheck.specPath)",
                detail: "\(manifestPath) declares \(manifest.specHash.value), the file hashes to \(spec.digest.hex)"))
        }
    }

    /// Everything in the runpack must be the manifest or a declared file: anything else would be
    /// stored (or dropped) without the manifest vouching for it.
    private mutating func checkUndeclaredEntries() {
        var declared: Set<RunpackContents.Path> = [RunpackContents.Path(manifestPath)]
        for entry in manifest.fileHashes { declared.insert(RunpackContents.Path(entry.path)) }
        let paths = contents.entries.keys.sorted { bytewise($0.text, $1.text) }
        for path in paths {
            // Only the store's file lists can say this; a disk cannot hold both.
            if contents.isDirectory(path.text) {
                problems.append(RunpackProblem(text: "\(path.text) is both a file and a directory"))
                continue
            }
            guard !declared.contains(path), !blamed.contains(path) else { continue }
            if case .refused(let reason)? = contents[path.text] {
                problems.append(RunpackProblem(text: "\(path.text) \(reason)"))
            } else {
                problems.append(RunpackProblem(text: "undeclared file \(path.text)",
                                               detail: "not listed in \(manifestPath) integrity.file_hashes"))
            }
        }
        for directory in contents.emptyDirectories.sorted(by: bytewise) {
            problems.append(RunpackProblem(text: "empty directory \(directory)", detail: "a runpack holds only files"))
        }
    }

    // MARK: Reading

    /// A declared file's bytes for steps 5 and 6: those kept from hashing, else a fresh read.
    private mutating func read(_ path: String) -> Result<[UInt8], RunpackReadFailure> {
        if let bytes = hashed[RunpackContents.Path(path)]?.bytes { return .success(bytes) }
        return hash(path, keepBytes: true).map { $0.bytes ?? [] }
    }

    /// Streams one file through SHA-256 under DG's size limit; only small, re-parsed files are kept.
    private mutating func hash(_ path: String, keepBytes: Bool) -> Result<HashedFile, RunpackReadFailure> {
        if let problem = RunpackPath.problem(path) {
            return .failure(RunpackReadFailure(text: "artifact error: \(problem)"))
        }
        switch contents[path] {
        case .file(let source)?:
            return Self.hash(source, path: path, keepBytes: keepBytes)
        case .refused(let reason)?:
            blamed.insert(RunpackContents.Path(path))
            return .failure(RunpackReadFailure(text: "artifact error: unable to read artifact", detail: "\(path) \(reason)"))
        case nil:
            if contents.isDirectory(path) {
                return .failure(RunpackReadFailure(text: "artifact error: unable to read artifact",
                                                   detail: "\(path) is a directory"))
            }
            if let ancestor = contents.refusedAncestor(of: path) {
                blamed.insert(RunpackContents.Path(ancestor.path))
                return .failure(RunpackReadFailure(text: "artifact error: unable to resolve artifact path",
                                                   detail: "\(ancestor.path) \(ancestor.reason)"))
            }
            let parentExists = contents.isDirectory(RunpackContents.parent(of: path))
            return .failure(RunpackReadFailure(
                text: parentExists ? "artifact error: unable to read artifact metadata"
                    : "artifact error: unable to resolve artifact path",
                detail: "no such file"))
        }
    }

    static func hash(_ source: DecisionGateRunpack.FileSource, path: String,
                     keepBytes: Bool) -> Result<HashedFile, RunpackReadFailure> {
        let limit = DecisionGateRunpack.maxArtifactBytes
        guard source.size <= limit else {
            return .failure(RunpackReadFailure(text: "artifact too large: \(path) (\(source.size) > \(limit))"))
        }
        if !keepBytes, let digest = source.knownDigest {
            return .success(HashedFile(digest: digest, size: source.size, mode: source.mode, bytes: nil))
        }
        var hasher = SHA256Hasher()
        var count = 0
        var bytes: [UInt8] = []
        do {
            try source.stream { chunk in
                count += chunk.count
                guard count <= limit else { throw RunpackReadError.tooLarge(path: path, size: count, limit: limit) }
                hasher.update(chunk)
                if keepBytes { bytes.append(contentsOf: chunk) }
            }
        } catch let error as RunpackReadError {
            if case .tooLarge = error { return .failure(RunpackReadFailure(text: error.description)) }
            return .failure(RunpackReadFailure(text: "artifact error: unable to read artifact", detail: error.description))
        } catch {
            return .failure(RunpackReadFailure(text: "artifact error: unable to read artifact",
                                               detail: String(describing: error)))
        }
        guard count == source.size else {
            let changed = RunpackReadError.sizeChanged(path: path, expected: source.size, actual: count)
            return .failure(RunpackReadFailure(text: "artifact error: unable to read artifact", detail: changed.description))
        }
        return .success(HashedFile(digest: hasher.finalize(), size: count, mode: source.mode,
                                   bytes: keepBytes ? bytes : nil))
    }
}
