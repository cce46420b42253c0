#if canImport(Glibc)
import Glibc
#endif

/// `gaitstore run record`: writes a legacy runpack exactly as `gait run record` does (packspec §11),
/// so the same input gives the same `manifest_digest`.
public enum RunRecorder {
    public struct Options: Sendable {
        public var runIDOverride = ""
        public var captureMode = ""
        public var contextEvidenceMode = ""
        public var allowRawContext = false
        public var key: Ed25519PrivateKey?

        public init() {}
    }

    public struct Output: Sendable {
        public var runID: String
        public var path: String
        public var manifest: Runpack.Manifest
    }

    /// Reads `inputPath` (gait's run record input: `run`, `intents`, `results`, `refs`,
    /// `capture_mode`), writes `<outDir>/runpack_<run_id>.zip` and verifies it.
    public static func record(inputPath: String, outDir: String, options: Options) throws -> Output {
        let bytes = try FileBytes.read(inputPath)
        let input: JSONValue
        do { input = try JSONParser.parse(bytes) } catch { throw FormatError.invalid("parse input json: \(error)") }
        let f = try GoFields(input, type: "runRecordInput",
                             known: ["run", "intents", "results", "refs", "capture_mode"], strict: false)
        var run = try f.raw("run").map(Runpack.Run.decode) ?? Runpack.Run()
        var intents = try (f.array("intents") ?? []).map(Runpack.Intent.decode)
        var results = try (f.array("results") ?? []).map(Runpack.Result.decode)
        var refs = try f.raw("refs").map(Runpack.Refs.decode) ?? Runpack.Refs()

        let override = options.runIDOverride.goTrimmed
        if !override.isEmpty {
            run.runID = override
            refs.header.runID = override
            for i in intents.indices { intents[i].header.runID = override }
            for i in results.indices { results[i].header.runID = override }
        }
        if run.runID.goTrimmed.isEmpty { throw FormatError.invalid("input run.run_id is required (or set --run-id)") }

        var captureMode = options.captureMode.goTrimmed
        if captureMode.isEmpty { captureMode = try f.string("capture_mode").goTrimmed }
        if captureMode.isEmpty { captureMode = "reference" }
        guard captureMode == "reference" || captureMode == "raw" else {
            throw FormatError.invalid("capture mode must be one of: reference, raw")
        }
        var evidenceMode = options.contextEvidenceMode.goTrimmed
        if evidenceMode.isEmpty { evidenceMode = refs.contextEvidenceMode.goTrimmed }
        evidenceMode = try ContextEvidence.normalizeMode(evidenceMode)
        if evidenceMode.isEmpty { evidenceMode = "best_effort" }
        refs.contextEvidenceMode = evidenceMode

        if !options.allowRawContext,
           (refs.receipts ?? []).contains(where: { $0.redactionMode.goTrimmed.lowercased() == "raw" }) {
            throw FormatError.invalid("refs receipts include redaction_mode=raw; re-run with --unsafe-context-raw to allow unsafe context capture")
        }
        if refs.contextRefCount == 0, let receipts = refs.receipts, !receipts.isEmpty {
            refs.contextRefCount = receipts.count
        }
        if evidenceMode == "required" && refs.contextSetDigest.goTrimmed.isEmpty {
            throw FormatError.invalid("context evidence mode required but context_set_digest is missing")
        }

        let recorded = try recordRun(run: run, intents: intents, results: results, refs: refs,
                                     captureMode: captureMode, key: options.key)
        let path = outDir.hasSuffix("/") ? outDir + "runpack_\(recorded.manifest.runID).zip"
                                         : outDir + "/runpack_\(recorded.manifest.runID).zip"
        try FileBytes.makeDirectory(outDir)
        _ = try DeterministicZip.write(recorded.files, to: path, fileMode: 0o600)

        let check = try RunpackReader.verify(ZipReader(path: path), key: nil, requireSignature: false)
        if !check.missingFiles.isEmpty || !check.hashMismatches.isEmpty || check.signature.status == .failed {
            throw FormatError.verification("recorded runpack failed verification")
        }
        return Output(runID: recorded.manifest.runID, path: path, manifest: recorded.manifest)
    }

    /// gait's `RecordRun`: defaults, digest normalisation, capture policy, canonical members.
    static func recordRun(run input: Runpack.Run, intents inputIntents: [Runpack.Intent],
                          results inputResults: [Runpack.Result], refs inputRefs: Runpack.Refs,
                          captureMode: String, key: Ed25519PrivateKey?) throws -> (manifest: Runpack.Manifest, files: [ZipWriteEntry]) {
        if input.runID.isEmpty { throw FormatError.invalid("run_id is required") }
        var run = input
        if run.schemaID.isEmpty { run.schemaID = "gait.runpack.run" }
        if run.schemaVersion.isEmpty { run.schemaVersion = Runpack.schemaVersion }
        if run.createdAt.isZero { run.createdAt = GoTime.now().utc }
        if run.producerVersion.isEmpty { run.producerVersion = "0.0.0-dev" }
        if run.env.os.isEmpty { run.env.os = HostPlatform.goOS }
        if run.env.arch.isEmpty { run.env.arch = HostPlatform.goArch }
        // gait writes its own runtime's name; keeping the literal keeps manifests comparable.
        if run.env.runtime.isEmpty { run.env.runtime = "go" }

        var intents = inputIntents.map { intent -> Runpack.Intent in
            var i = intent
            i.header.applyDefaults(schemaID: "gait.runpack.intent", run: run)
            return i
        }
        var results = inputResults.map { result -> Runpack.Result in
            var r = result
            r.header.applyDefaults(schemaID: "gait.runpack.result", run: run)
            return r
        }
        var refs = inputRefs
        refs.header.applyDefaults(schemaID: "gait.runpack.refs", run: run)
        if refs.receipts == nil { refs.receipts = [] }

        try normalizeDigests(intents: &intents, results: &results, refs: &refs)
        do { refs = try refs.normalized() } catch { throw FormatError.wrap(error, "normalize refs") }

        let mode = captureMode.isEmpty ? "reference" : captureMode
        if mode.goTrimmed.lowercased() == "reference" {
            for i in intents.indices { intents[i].args = nil }
            for i in results.indices { results[i].result = nil }
        }

        let runBytes = try CanonicalJSON.encode(run.json)
        let intentBytes = try CanonicalJSON.encodeLines(intents.map(\.json))
        let resultBytes = try CanonicalJSON.encodeLines(results.map(\.json))
        let refsBytes = try CanonicalJSON.encode(refs.json)

        var manifest = Runpack.Manifest()
        manifest.schemaID = Runpack.manifestSchemaID
        manifest.schemaVersion = Runpack.schemaVersion
        manifest.createdAt = run.createdAt
        manifest.producerVersion = run.producerVersion
        manifest.runID = run.runID
        manifest.captureMode = mode
        manifest.files = [
            .init(path: "intents.jsonl", sha256: SHA256Digest.of(intentBytes).hex),
            .init(path: "refs.json", sha256: SHA256Digest.of(refsBytes).hex),
            .init(path: "results.jsonl", sha256: SHA256Digest.of(resultBytes).hex),
            .init(path: "run.json", sha256: SHA256Digest.of(runBytes).hex),
        ]
        manifest.manifestDigest = try manifest.computeDigest()
        if let key {
            // gait signs the marshalled manifest re-read as a generic object, minus `signatures`.
            manifest.signatures = [try ManifestSignature.sign(manifest.json(includeSignatures: false), with: key)]
        }
        let manifestBytes = try CanonicalJSON.encode(manifest.json())
        let files = [
            ZipWriteEntry(path: "manifest.json", content: .bytes(manifestBytes)),
            ZipWriteEntry(path: "run.json", content: .bytes(runBytes)),
            ZipWriteEntry(path: "intents.jsonl", content: .bytes(intentBytes)),
            ZipWriteEntry(path: "results.jsonl", content: .bytes(resultBytes)),
            ZipWriteEntry(path: "refs.json", content: .bytes(refsBytes)),
        ]
        return (manifest, files)
    }

    /// gait's `normalizeDigestBearingFields`: digests derived from payloads where missing, and
    /// receipts of gait traces (`trace_<intent_id>`) tied to their intent and result.
    private static func normalizeDigests(intents: inout [Runpack.Intent], results: inout [Runpack.Result],
                                         refs: inout Runpack.Refs) throws {
        func fail(_ message: String) -> FormatError { .invalid("normalize digest-bearing fields: \(message)") }
        var intentIndex: [String: Int] = [:]
        for i in intents.indices {
            if intents[i].argsDigest.isEmpty {
                guard let args = intents[i].args else {
                    throw fail("intent \(intents[i].intentID) requires args_digest or normalization.intent_args")
                }
                intents[i].argsDigest = try CanonicalJSON.digest(.object(args)).hex
            }
            intentIndex[intents[i].intentID] = i
        }
        var resultIndex: [String: Int] = [:]
        for i in results.indices {
            if results[i].resultDigest.isEmpty {
                guard let result = results[i].result else {
                    throw fail("result \(results[i].intentID) requires result_digest or normalization.result_payloads")
                }
                results[i].resultDigest = try CanonicalJSON.digest(.object(result)).hex
            }
            resultIndex[results[i].intentID] = i
        }
        guard var receipts = refs.receipts else { return }
        for r in receipts.indices {
            let refID = receipts[r].refID.goTrimmed
            guard receipts[r].sourceType.goTrimmed.lowercased() == "gait.trace", refID.hasPrefix("trace_") else {
                if receipts[r].queryDigest.isEmpty { throw fail("receipt \(receipts[r].refID) requires query_digest") }
                if receipts[r].contentDigest.isEmpty { throw fail("receipt \(receipts[r].refID) requires content_digest") }
                continue
            }
            let intentID = String(refID.dropFirst("trace_".count))
            guard let ii = intentIndex[intentID] else {
                throw fail("receipt \(receipts[r].refID) references unknown intent \(intentID)")
            }
            let query = try CanonicalJSON.digest(["tool_name": .string(intents[ii].toolName),
                                                  "args_digest": .string(intents[ii].argsDigest)]).hex
            if receipts[r].queryDigest.isEmpty {
                receipts[r].queryDigest = query
            } else if receipts[r].queryDigest.lowercased() != query {
                throw fail("receipt \(receipts[r].refID) query digest mismatch")
            }
            guard let ri = resultIndex[intentID] else {
                throw fail("receipt \(receipts[r].refID) references unknown result for intent \(intentID)")
            }
            let content = results[ri].resultDigest
            if receipts[r].contentDigest.isEmpty {
                receipts[r].contentDigest = content
            } else if receipts[r].contentDigest.lowercased() != content.lowercased() {
                throw fail("receipt \(receipts[r].refID) content digest mismatch")
            }
        }
        refs.receipts = receipts
    }
}

/// The host as Go names it (`runtime.GOOS` / `GOARCH`), for gait's run defaults.
enum HostPlatform {
    static var goOS: String {
        #if os(Linux)
        return "linux"
        #elseif os(macOS)
        return "darwin"
        #else
        return "unknown"
        #endif
    }

    static var goArch: String {
        #if arch(x86_64)
        return "amd64"
        #elseif arch(arm64)
        return "arm64"
        #else
        return "unknown"
        #endif
    }
}
