/// Reads and checks legacy runpacks (packspec §11.3).
public enum RunpackReader {
    /// gait's `VerifyZip` result.
    public struct Verification: Sendable {
        public var manifest: Runpack.Manifest
        public var filesChecked: Int
        public var missingFiles: [String] = []
        public var hashMismatches: [HashMismatch] = []
        /// SHA-256 (hex) of each member hashed, by name.
        public var digests: [String: String] = [:]
        var signature = SignatureVerdict()

        public var signatureStatus: SignatureStatus { signature.status }
        public var signatureErrors: [String] { signature.errors }
        public var signaturesTotal: Int { signature.total }
        public var signaturesValid: Int { signature.valid }
    }

    /// What `ReadRunpack` yields, without holding intent and result payloads in memory.
    public struct Contents: Sendable {
        public var manifest: Runpack.Manifest
        public var run: Runpack.Run
        public var intents: [IntentSummary] = []
        public var results: [ResultSummary] = []
        public var refs: Runpack.Refs
    }

    public struct IntentSummary: Sendable {
        public var intentID: String
        public var toolName: String

        /// One line of `intents.jsonl`.
        init(line: [UInt8]) throws {
            let intent = try Runpack.Intent.decode(try JSONParser.parse(line))
            (intentID, toolName) = (intent.intentID, intent.toolName)
        }
    }

    public struct ResultSummary: Sendable {
        public var intentID: String
        public var status: String

        /// One line of `results.jsonl`.
        init(line: [UInt8]) throws {
            let result = try Runpack.Result.decode(try JSONParser.parse(line))
            (intentID, status) = (result.intentID, result.status)
        }
    }

    /// Duplicates are a verification failure; gaitstore also refuses unsafe names (packspec §17).
    static func checkNames<A: PackArchive>(_ zip: A) throws {
        if !zip.duplicateNames.isEmpty {
            throw FormatError.verification("zip contains duplicate entries: \(zip.duplicateNames.joined(separator: ", "))")
        }
        if let unsafe = zip.entries.first(where: { $0.unsafeNameReason != nil }) {
            throw FormatError.verification("zip entry \"\(unsafe.name)\" is unsafe: \(unsafe.unsafeNameReason!)")
        }
    }

    static func readManifest<A: PackArchive>(_ zip: A) throws -> (manifest: Runpack.Manifest, raw: [UInt8]) {
        guard let entry = zip.entry(named: "manifest.json") else { throw FormatError.invalid("missing manifest.json") }
        try checkDeclaredSize(entry)
        let raw = try zip.read(entry)
        let manifest: Runpack.Manifest
        do { manifest = try Runpack.Manifest.decode(try JSONParser.parse(raw)) } catch {
            throw FormatError.wrap(error, "parse manifest")
        }
        if manifest.schemaID != Runpack.manifestSchemaID {
            throw FormatError.invalid("unsupported runpack manifest schema_id: \(manifest.schemaID)")
        }
        if manifest.schemaVersion != Runpack.schemaVersion {
            throw FormatError.invalid("unsupported runpack manifest schema_version: \(manifest.schemaVersion)")
        }
        if manifest.runID.goTrimmed.isEmpty { throw FormatError.invalid("runpack manifest missing run_id") }
        return (manifest, raw)
    }

    static func checkDeclaredSize(_ entry: some PackArchiveEntry) throws {
        if entry.uncompressedSize > UInt64(ZipLimits.default.maxEntrySize) {
            throw FormatError.invalid("zip entry too large: \(entry.uncompressedSize)")
        }
    }

    /// `gait pack verify` on a runpack: missing and mismatched members are reported, not thrown.
    public static func verify<A: PackArchive>(_ zip: A, key: Ed25519PublicKey?, requireSignature: Bool) throws -> Verification {
        try checkNames(zip)
        let (manifest, raw) = try readManifest(zip)
        var result = Verification(manifest: manifest, filesChecked: manifest.files.count)
        var listed = Set<String>()
        for file in manifest.files {
            listed.insert(file.path)
            guard let entry = zip.entry(named: file.path) else {
                result.missingFiles.append(file.path)
                continue
            }
            try checkDeclaredSize(entry)
            let actual = try zip.sha256(entry).digest.hex
            result.digests[file.path] = actual
            if actual != file.sha256.lowercased() {
                result.hashMismatches.append(HashMismatch(path: file.path, expected: file.sha256, actual: actual))
            }
        }
        for name in Runpack.memberNames where !listed.contains(name) { result.missingFiles.append(name) }
        let digest = try manifest.computeDigest()
        if digest != manifest.manifestDigest.lowercased() {
            result.hashMismatches.append(HashMismatch(path: "manifest.json", expected: manifest.manifestDigest, actual: digest))
        }
        result.signature = SignatureVerdict.check(manifest.signatures, signable: try signable(raw), key: key,
                                                  requireSignature: requireSignature,
                                                  missingText: "manifest has no signatures", failureTextAfterError: true)
        result.missingFiles = Array(Set(result.missingFiles)).sorted(by: bytewise)
        result.hashMismatches.sort { bytewise($0.path, $1.path) }
        result.signature.errors.sort(by: bytewise)
        return result
    }

    /// The signed bytes of a runpack manifest: its stored JSON minus `signatures` (packspec §6.1).
    static func signable(_ raw: [UInt8]) throws -> JSONValue {
        guard case .object(var object) = try JSONParser.parse(raw) else {
            throw FormatError.verification("parse manifest: not a JSON object")
        }
        object["signatures"] = nil
        return .object(object)
    }

    /// gait's `ReadRunpack`: any integrity problem is an error; members are parsed leniently.
    public static func read<A: PackArchive>(_ zip: A) throws -> Contents {
        let (manifest, declared) = try checkIndex(zip)
        for file in manifest.files where !Runpack.memberNames.contains(file.path) {
            let actual = try zip.sha256(zip.entry(named: file.path)!).digest.hex
            if actual != file.sha256.lowercased() { throw FormatError.verification("runpack hash mismatch: \(file.path)") }
        }

        var intents: [IntentSummary] = []
        var results: [ResultSummary] = []
        let runBytes = try readMember("run.json", zip, declared) { _ in }
        try readMember("intents.jsonl", zip, declared) { intents.append(try IntentSummary(line: $0)) }
        try readMember("results.jsonl", zip, declared) { results.append(try ResultSummary(line: $0)) }
        let refsBytes = try readMember("refs.json", zip, declared) { _ in }
        return try contents(manifest: manifest, runBytes: runBytes, intents: intents, results: results, refsBytes: refsBytes)
    }

    /// The checks of `read` that need no member's bytes: names, manifest, every declared file
    /// present, `manifest_digest`. Returns the manifest and each declared path's digest.
    static func checkIndex<A: PackArchive>(_ zip: A) throws -> (manifest: Runpack.Manifest, declared: [String: String]) {
        try checkNames(zip)
        let (manifest, _) = try readManifest(zip)
        var declared: [String: String] = [:]
        for file in manifest.files { declared[file.path] = file.sha256 }
        let missing = Runpack.memberNames.filter { declared[$0] == nil || zip.entry(named: $0) == nil }
            + manifest.files.map(\.path).filter { zip.entry(named: $0) == nil && !Runpack.memberNames.contains($0) }
        if !missing.isEmpty {
            throw FormatError.verification("missing runpack files: \(Array(Set(missing)).sorted(by: bytewise).joined(separator: ", "))")
        }
        if try manifest.computeDigest() != manifest.manifestDigest.lowercased() {
            throw FormatError.verification("runpack hash mismatch: manifest.json")
        }
        return (manifest, declared)
    }

    /// The last step of `read`, once every member is known to be intact: decode `run.json` and
    /// `refs.json` and check the context evidence rule.
    static func contents(manifest: Runpack.Manifest, runBytes: [UInt8], intents: [IntentSummary],
                         results: [ResultSummary], refsBytes: [UInt8]) throws -> Contents {
        let run: Runpack.Run
        var refs: Runpack.Refs
        do {
            run = try Runpack.Run.decode(try JSONParser.parse(runBytes))
            refs = try Runpack.Refs.decode(try JSONParser.parse(refsBytes))
            refs = try refs.normalized()
        } catch {
            throw FormatError.wrap(error, "read runpack")
        }
        if refs.contextEvidenceMode == "required" && refs.contextSetDigest.isEmpty {
            throw FormatError.invalid("context evidence mode required but context_set_digest is missing")
        }
        return Contents(manifest: manifest, run: run, intents: intents, results: results, refs: refs)
    }

    /// Streams one member, checking its hash; JSONL lines go to `line`, a JSON member is returned whole.
    @discardableResult
    private static func readMember<A: PackArchive>(_ name: String, _ zip: A, _ declared: [String: String],
                                   _ line: @escaping ([UInt8]) throws -> Void) throws -> [UInt8] {
        let entry = zip.entry(named: name)!
        try checkDeclaredSize(entry)
        var hasher = SHA256Hasher()
        var whole: [UInt8] = []
        var splitter = LineSplitter(entryName: name)
        let isLines = name.hasSuffix(".jsonl")
        // Parse errors wait until the hash is known: a tampered member is a mismatch, not a parse error.
        var parseError: Error?
        let parse: ([UInt8]) throws -> Void = { l in
            guard parseError == nil else { return }
            do { try line(l) } catch { parseError = error }
        }
        do {
            try zip.stream(entry) { chunk in
                hasher.update(chunk)
                if isLines { try splitter.feed(chunk, parse) } else { whole.append(contentsOf: chunk) }
            }
            if isLines { try splitter.finish(parse) }
        } catch let error as FormatError {
            throw error
        } catch let error as ZipError {
            throw FormatError.invalid(String(describing: error))
        } catch {
            throw FormatError.invalid("parse \(name): \(error)")
        }
        if hasher.finalize().hex != declared[name]!.lowercased() {
            throw FormatError.verification("runpack hash mismatch: \(name)")
        }
        if let parseError { throw FormatError.wrap(parseError, "parse \(name)") }
        return whole
    }
}

/// Go's string order: bytewise on UTF-8.
func bytewise(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
