/// Decision Gate runpack directories (spec decision-gate-runpack.md): recognising, verifying and
/// describing them so the store can keep one as a tree and give it back byte for byte.
///
/// Verification is DG's `RunpackVerifier` (same checks, order and report) plus gaitstore's own
/// rules where DG is lax: every entry must be the manifest or a declared regular file, no symlinks
/// or special files, artifact paths in plain relative form, and a manifest whose unhashed index
/// (`artifacts[]`, `spec_hash`) agrees with what is hashed.
public enum DecisionGateRunpack {
    /// DG's `MAX_RUNPACK_ARTIFACT_BYTES`, applied to every artifact and to the manifest.
    public static let maxArtifactBytes = 16 * 1024 * 1024

    /// Manifest names looked for, in order: the MCP tool's default, then the CLI's.
    public static let manifestNames = ["manifest.json", "runpack.json"]

    /// One file's bytes, wherever they live. `stream` hands them over in chunks, in order.
    public struct FileSource {
        public var size: Int
        /// A git file mode: 0o100755 when executable, else 0o100644.
        public var mode: UInt32
        /// The SHA-256 of exactly these bytes, when the caller just computed it (a pull hashes
        /// every new stored file once): verification then uses it instead of reading the file
        /// again. Files verification must parse are read whatever this says.
        public var knownDigest: SHA256Digest?
        let stream: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void

        public init(size: Int, mode: UInt32 = 0o100644,
                    stream: @escaping ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) {
            self.size = size
            self.mode = mode
            self.stream = stream
        }

        /// A file already in memory.
        public init(bytes: [UInt8], mode: UInt32 = 0o100644) {
            self.init(size: bytes.count, mode: mode) { consume in try bytes.withUnsafeBytes { try consume($0) } }
        }
    }

    /// DG's `VerificationReport`.
    public struct Report: Sendable, Equatable {
        /// Declared files that could be read, mismatched ones included (DG counts them so).
        public var checkedFiles: Int
        /// DG's messages for DG's checks, in DG's order; gaitstore's own checks follow.
        public var errors: [String]

        public init(checkedFiles: Int, errors: [String]) {
            self.checkedFiles = checkedFiles
            self.errors = errors
        }

        public var passed: Bool { errors.isEmpty }

        /// `{"checked_files":N,"errors":[...],"status":"pass"|"fail"}`, members in DG's order.
        public var json: JSONValue {
            ["checked_files": .number(JSONNumber(checkedFiles)), "errors": .array(errors.map { .string($0) }),
             "status": .string(passed ? "pass" : "fail")]
        }
    }

    public struct File: Sendable, Equatable {
        public var path: String
        public var sha256: SHA256Digest
        public var size: Int
        /// A git file mode: 0o100755 or 0o100644.
        public var mode: UInt32
    }

    public struct Verified: Sendable {
        /// `integrity.root_hash`, recomputed: the pack's id in gaitstore (64 lower-case hex).
        public var rootHash: String
        public var scenarioID: String
        public var runID: String
        /// Every regular file, the manifest included, sorted by the bytes of the path.
        public var files: [File]
        /// `{"checked_files":N,"errors":[],"status":"pass"}`.
        public var report: JSONValue
        /// `manifest.json`, or `runpack.json` for a runpack the DG CLI exported.
        public var manifestPath: String
        public var manifest: Manifest
    }

    /// Cheap test used by import to route a directory: its manifest (the first of
    /// `manifestNames` present, as `verify` picks it) is a regular file that parses as a DG runpack
    /// manifest. Nothing else is read.
    public static func looksLikeRunpack(directory: String) -> Bool {
        guard let root = try? RunpackDirectory(path: directory) else { return false }
        for name in manifestNames {
            var bytes: [UInt8] = []
            do {
                try root.stream(name) { chunk in
                    guard bytes.count + chunk.count <= maxArtifactBytes else {
                        throw RunpackReadError.tooLarge(path: name, size: bytes.count + chunk.count, limit: maxArtifactBytes)
                    }
                    bytes.append(contentsOf: chunk)
                }
            } catch RunpackReadError.notFound {
                continue
            } catch {
                return false
            }
            return (try? Manifest.decode(bytes)) != nil
        }
        return false
    }

    /// Everything DG's verifier checks, in its order, and stricter. Throws `.invalid` when the
    /// directory is not a runpack and `.verification` naming every problem when it fails.
    public static func verify(directory: String) throws -> Verified {
        try verified(try RunpackDirectory(path: directory).contents(), at: directory)
    }

    /// The same checks over files that are not on disk: `files` maps each relative path
    /// (the manifest's included) to its bytes.
    public static func verify(files: [String: FileSource]) throws -> Verified {
        try verified(RunpackContents(files: files), at: nil)
    }

    /// DG's report with the manifest it judged, whatever the verdict: what `pack verify` prints,
    /// so a failing runpack is still named by its declared `root_hash` and `run_id`. Examining
    /// throws only when there is no manifest to report on: `.invalid`, or `.verification` for a
    /// manifest that is a symlink.
    public struct Examination: Sendable {
        public var report: Report
        public var manifest: Manifest
    }

    public static func examine(directory: String) throws -> Examination {
        try examined(try prepare(try RunpackDirectory(path: directory).contents(), at: directory))
    }

    public static func examine(files: [String: FileSource]) throws -> Examination {
        try examined(try prepare(RunpackContents(files: files), at: nil))
    }

    private static func examined(_ prepared: RunpackVerifier) throws -> Examination {
        var verifier = prepared
        verifier.run()
        return Examination(report: verifier.report, manifest: verifier.manifest)
    }

    /// The manifest alone, for `pack inspect` and `pack diff`: found and decoded as `verify` does,
    /// nothing hashed but the manifest itself, whose SHA-256 comes with it.
    public static func manifest(files: [String: FileSource]) throws -> (path: String, manifest: Manifest, digest: SHA256Digest) {
        let verifier = try prepare(RunpackContents(files: files), at: nil)
        return (verifier.manifestPath, verifier.manifest, verifier.manifestFile.digest)
    }

    // MARK: Running

    private static func verified(_ contents: RunpackContents, at directory: String?) throws -> Verified {
        var verifier = try prepare(contents, at: directory)
        verifier.run()
        let problems = verifier.problems
        guard problems.isEmpty else {
            let shown = problems.prefix(5).map(\.message).joined(separator: "; ")
            let more = problems.count > 5 ? " (and \(problems.count - 5) more)" : ""
            throw FormatError.verification("\(directory ?? "runpack"): Decision Gate runpack failed verification: \(shown)\(more)")
        }
        return Verified(
            rootHash: verifier.manifest.rootHash.value,
            scenarioID: verifier.manifest.scenarioID,
            runID: verifier.manifest.runID,
            files: files(of: verifier),
            report: verifier.report.json,
            manifestPath: verifier.manifestPath,
            manifest: verifier.manifest)
    }

    /// Finds, reads and decodes the manifest; a runpack without a usable one is `.invalid`.
    private static func prepare(_ contents: RunpackContents, at directory: String?) throws -> RunpackVerifier {
        let place = directory.map { $0 + "/" } ?? ""
        guard let name = manifestNames.first(where: { contents[$0] != nil }) else {
            throw FormatError.invalid("\(directory ?? "runpack"): not a Decision Gate runpack: no manifest.json")
        }
        let file: RunpackVerifier.HashedFile
        switch contents[name] {
        case .file(let source)?:
            switch RunpackVerifier.hash(source, path: name, keepBytes: true) {
            case .success(let hashed): file = hashed
            case .failure(let failure):
                throw FormatError.invalid("\(place)\(name): \(RunpackProblem(text: failure.text, detail: failure.detail).message)")
            }
        case .refused(let reason)?:
            throw FormatError.verification("\(place)\(name) \(reason)")
        case nil:
            preconditionFailure("manifest entry vanished")
        }
        let manifest: Manifest
        do {
            manifest = try Manifest.decode(file.bytes ?? [])
        } catch {
            throw FormatError.invalid("\(place)\(name): not a Decision Gate runpack manifest: \(error)")
        }
        return RunpackVerifier(contents: contents, manifestPath: name, manifest: manifest, manifestFile: file)
    }

    /// The manifest and the declared files (all of them, on a pass), as hashing found them: each
    /// was read once, so what is reported is what was verified.
    private static func files(of verifier: RunpackVerifier) -> [File] {
        let manifest = verifier.manifestFile
        var files = [File(path: verifier.manifestPath, sha256: manifest.digest, size: manifest.size, mode: manifest.mode)]
        for (path, file) in verifier.hashed {
            files.append(File(path: path.text, sha256: file.digest, size: file.size, mode: file.mode))
        }
        return files.sorted { bytewise($0.path, $1.path) }
    }
}
