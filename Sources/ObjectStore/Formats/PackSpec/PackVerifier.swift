import Foundation

/// Keys and strictness for `pack verify`.
public struct VerifyOptions: Sendable {
    public var key: Ed25519PublicKey?
    public var requireSignature: Bool

    public init(key: Ed25519PublicKey? = nil, requireSignature: Bool = false) {
        self.key = key
        self.requireSignature = requireSignature
    }
}

/// gait's `pack.VerifyResult` (packspec §13.3) plus the verdict.
public struct VerifyResult: Sendable {
    public var packID = ""
    public var packType = ""
    public var sourceRef = ""
    public var filesChecked = 0
    public var proofRecordsVerified = 0
    public var missingFiles: [String] = []
    public var hashMismatches: [HashMismatch] = []
    public var undeclaredFiles: [String] = []
    public var signatureStatus: SignatureStatus?
    public var signatureErrors: [String] = []
    public var signaturesTotal = 0
    public var signaturesValid = 0
    public var legacyType = ""
    /// SHA-256 (hex) of every entry verify hashed, by name: what import stores them under.
    public internal(set) var digests: [String: String] = [:]

    /// gait's CLI verdict (§13.2).
    public func ok(requireSignature: Bool) -> Bool {
        guard missingFiles.isEmpty && hashMismatches.isEmpty && undeclaredFiles.isEmpty else { return false }
        return requireSignature ? signatureStatus == .verified : signatureStatus != .failed
    }

    mutating func apply(_ verdict: SignatureVerdict) {
        signatureStatus = verdict.status
        signatureErrors = verdict.errors
        signaturesTotal = verdict.total
        signaturesValid = verdict.valid
    }

    mutating func sortLists() {
        missingFiles.sort(by: bytewise)
        undeclaredFiles.sort(by: bytewise)
        hashMismatches.sort { bytewise($0.path, $1.path) }
        signatureErrors.sort(by: bytewise)
    }

    /// The `verify` object as gait marshals it (omitempty everywhere but `files_checked`).
    public var json: JSONValue {
        var o = GoObject()
        o.putOmitEmpty("pack_id", packID)
        o.putOmitEmpty("pack_type", packType)
        o.putOmitEmpty("source_ref", sourceRef)
        o.put("files_checked", filesChecked)
        o.putOmitEmpty("proof_records_verified", proofRecordsVerified)
        o.putOmitEmpty("missing_files", missingFiles.map { .string($0) })
        o.putOmitEmpty("hash_mismatches", hashMismatches.map(\.json))
        o.putOmitEmpty("undeclared_files", undeclaredFiles.map { .string($0) })
        o.putOmitEmpty("signature_status", signatureStatus?.rawValue ?? "")
        o.putOmitEmpty("signature_errors", signatureErrors.map { .string($0) })
        o.putOmitEmpty("signatures_total", signaturesTotal)
        o.putOmitEmpty("signatures_valid", signaturesValid)
        o.putOmitEmpty("legacy_type", legacyType)
        return o.value
    }
}

/// `gaitstore pack verify` on a zip: every check of packspec §13.2, in order, plus the unsafe-name
/// rule of §17. Verification failures found in the content are in the result; structural ones throw.
public enum PackVerifier {
    public static func verify(path: String, options: VerifyOptions) throws -> VerifyResult {
        try verify(archive: try PackFamily.open(path), options: options)
    }

    /// The same checks over any archive: a zip, or a pack stored as a git tree.
    public static func verify<A: PackArchive>(archive zip: A, options: VerifyOptions) throws -> VerifyResult {
        switch try PackFamily.detect(zip) {
        case .runpack:
            let v = try RunpackReader.verify(zip, key: options.key, requireSignature: options.requireSignature)
            var result = VerifyResult()
            result.digests = v.digests
            result.packID = v.manifest.manifestDigest
            result.packType = "run"
            result.sourceRef = v.manifest.runID
            result.legacyType = "runpack"
            result.filesChecked = v.filesChecked
            result.missingFiles = v.missingFiles
            result.hashMismatches = v.hashMismatches
            result.apply(v.signature)
            result.sortLists()
            return result
        case .guardPack(let manifest):
            return try GuardPack.verify(zip, manifest: manifest, options: options)
        case .packSpec(let manifest):
            return try verifyPackSpec(zip, manifest: manifest, options: options)
        }
    }

    static func verifyPackSpec<A: PackArchive>(_ zip: A, manifest: PackManifest, options: VerifyOptions) throws -> VerifyResult {
        let computed = try manifest.computePackID()
        if computed != manifest.packID.lowercased() {
            throw FormatError.verification("pack_id mismatch: expected=\(computed) actual=\(manifest.packID)")
        }
        let contents = manifest.contents ?? []
        var result = VerifyResult()
        result.packID = manifest.packID
        result.packType = manifest.packType
        result.sourceRef = manifest.sourceRef
        result.filesChecked = contents.count
        result.signatureStatus = .missing
        result.signaturesTotal = manifest.signatures.count

        let hashes = try hashDeclared(zip, contents.map(\.path))
        result.digests = hashes
        for entry in contents {
            guard let actual = hashes[entry.path] else {
                result.missingFiles.append(entry.path)
                continue
            }
            if actual != entry.sha256.lowercased() {
                result.hashMismatches.append(HashMismatch(path: entry.path, expected: entry.sha256, actual: actual))
            }
        }
        let declared = Set(contents.map(\.path))
        result.undeclaredFiles = zip.entries.map(\.name).filter { $0 != PackManifest.fileName && !declared.contains($0) }

        var proofSignatureErrors: [String] = []
        if let proof = zip.entry(named: ProofRecords.fileName),
           !result.hashMismatches.contains(where: { $0.path == ProofRecords.fileName }) {
            let checked: ProofRecords.Verification
            do {
                checked = try ProofRecords.verify(try zip.read(proof), key: options.key,
                                                  requireSignature: options.requireSignature)
            } catch let error as FormatError where error.kind == .verification {
                throw error.prefixed(ProofRecords.fileName)
            }
            result.proofRecordsVerified = checked.recordsVerified
            proofSignatureErrors = checked.signatureErrors
        }

        if result.missingFiles.isEmpty && result.hashMismatches.isEmpty && result.undeclaredFiles.isEmpty {
            _ = try PayloadContract.check(zip, manifest: manifest)
        }

        let verdict = SignatureVerdict.check(manifest.signatures, signable: manifest.signable, key: options.key,
                                             requireSignature: options.requireSignature,
                                             missingText: "manifest has no signatures", failureTextAfterError: true)
        result.apply(verdict)
        if options.requireSignature && !proofSignatureErrors.isEmpty {
            result.signatureStatus = .failed
            result.signatureErrors += proofSignatureErrors
        }
        result.sortLists()
        return result
    }

    /// SHA-256 of each named entry present, hashed on all cores when the archive allows it.
    /// An entry over the size cap is invalid input, as gait's `hash <path>: zip entry too large`.
    static func hashDeclared<A: PackArchive>(_ zip: A, _ paths: [String]) throws -> [String: String] {
        let entries = Array(Set(paths)).compactMap { zip.entry(named: $0) }
        var digests = [String?](repeating: nil, count: entries.count)
        var failures = [Error?](repeating: nil, count: entries.count)
        digests.withUnsafeMutableBufferPointer { out in
            failures.withUnsafeMutableBufferPointer { errs in
                let outBase = out.baseAddress!, errBase = errs.baseAddress!
                let hashOne = { (i: Int) in
                    do { outBase[i] = try zip.sha256(entries[i]).digest.hex } catch { errBase[i] = error }
                }
                if zip.supportsConcurrentReads {
                    DispatchQueue.concurrentPerform(iterations: entries.count, execute: hashOne)
                } else {
                    (0..<entries.count).forEach(hashOne)
                }
            }
        }
        var result: [String: String] = [:]
        for (i, entry) in entries.enumerated() {
            if let error = failures[i] {
                if let zipError = error as? ZipError, case .entryTooLarge = zipError {
                    throw FormatError.invalid("hash \(entry.name): zip entry too large")
                }
                if let formatError = error as? FormatError { throw formatError }  // names the entry itself
                throw FormatError.invalid("hash \(entry.name): \(error)")
            }
            result[entry.name] = digests[i]
        }
        return result
    }
}

/// Which artifact a zip is, decided by content, never by name (packspec §1).
enum PackFamily {
    case runpack
    case guardPack(GuardPack.Manifest)
    case packSpec(PackManifest)

    static func open(_ path: String) throws -> ZipReader {
        do { return try ZipReader(path: path) } catch { throw FormatError.invalid("open zip: \(error)") }
    }

    /// For `verify`: a PackSpec manifest that does not parse is a verification failure, unless it
    /// is a guard manifest. `strictOnly` (inspect, diff) makes every other parse failure plain input
    /// error; `allowGuard` still recognises guard packs then.
    static func detect<A: PackArchive>(_ zip: A, strictOnly: Bool = false, allowGuard: Bool = false) throws -> PackFamily {
        try RunpackReader.checkNames(zip)
        guard let manifestEntry = zip.entry(named: PackManifest.fileName) else {
            if zip.entry(named: "manifest.json") != nil { return .runpack }
            throw FormatError.invalid("missing pack_manifest.json")
        }
        let raw = try zip.read(manifestEntry)
        do {
            return .packSpec(try PackManifest.parse(raw))
        } catch let error as FormatError {
            if strictOnly && !allowGuard { throw error }
            if let guardManifest = GuardPack.parse(raw) { return .guardPack(guardManifest) }
            throw error.prefixed("parse manifest", as: .verification)
        }
    }
}

/// The per-type payload checks verify runs once every file is present and intact.
enum PayloadContract {
    static func check<A: PackArchive>(_ zip: A, manifest: PackManifest) throws -> JSONValue? {
        switch PackType(rawValue: manifest.packType) {
        case .run: return try RunPack.checkContract(zip, manifest: manifest)
        case .job: return try JobPack.checkContract(zip, manifest: manifest).payload
        case .call: return try CallPack.checkContract(zip, manifest: manifest)
        case .authorization, .none: return nil
        }
    }
}
