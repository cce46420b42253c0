/// One declared file of a pack: `contents[]` in `pack_manifest.json`.
public struct PackEntry: Hashable, Sendable {
    public var path: String
    public var sha256: String
    public var type: String

    public init(path: String, sha256: String, type: String) {
        self.path = path
        self.sha256 = sha256
        self.type = type
    }

    /// gait's `detectEntryType`, by file name only.
    public static func type(forPath path: String) -> String {
        let lower = path.goTrimmed.lowercased()
        if lower.hasSuffix(".jsonl") { return "jsonl" }
        if lower.hasSuffix(".json") { return "json" }
        if lower.hasSuffix(".zip") { return "zip" }
        return "blob"
    }

    var json: JSONValue { ["path": .string(path), "sha256": .string(sha256), "type": .string(type)] }
}

/// The PackSpec v1 pack types gait defines.
public enum PackType: String, CaseIterable, Sendable {
    case run, job, call, authorization
}

/// `pack_manifest.json` of a PackSpec v1 pack (packspec §5).
public struct PackManifest: Hashable, Sendable {
    public static let schemaID = "gait.pack.manifest"
    public static let schemaVersion = "1.0.0"
    public static let fileName = "pack_manifest.json"

    public var schemaID = PackManifest.schemaID
    public var schemaVersion = PackManifest.schemaVersion
    public var createdAt = GoTime.deterministicEpoch
    public var producerVersion: String
    public var packID: String
    public var packType: String
    public var sourceRef: String
    /// nil only when a parsed manifest had no `contents` (an error gait reports).
    public var contents: [PackEntry]?
    public var signatures: [ManifestSignature] = []

    public init(producerVersion: String, packType: PackType, sourceRef: String, contents: [PackEntry]) {
        self.producerVersion = producerVersion
        self.packID = ""
        self.packType = packType.rawValue
        self.sourceRef = sourceRef
        self.contents = contents
    }

    /// The manifest as Go marshals the struct; `packID` overrides the stored id.
    public func json(packID overrideID: String? = nil, includeSignatures: Bool = true) -> JSONValue {
        var o = GoObject()
        o.put("schema_id", schemaID)
        o.put("schema_version", schemaVersion)
        o.put("created_at", createdAt)
        o.put("producer_version", producerVersion)
        o.put("pack_id", overrideID ?? packID)
        o.put("pack_type", packType)
        o.put("source_ref", sourceRef)
        o.put("contents", contents.map { .array($0.map(\.json)) } ?? .null)
        if includeSignatures { o.putOmitEmpty("signatures", signatures.map(\.json)) }
        return o.value
    }

    /// `pack_id`: sha256 of the canonical manifest with an empty `pack_id` and no signatures (§5.2).
    public func computePackID() throws -> String {
        try CanonicalJSON.digest(json(packID: "", includeSignatures: false)).hex
    }

    /// What a manifest signature covers: the manifest with its real `pack_id`, without signatures.
    public var signable: JSONValue { json(includeSignatures: false) }

    public func canonicalBytes() throws -> [UInt8] { try CanonicalJSON.encode(json()) }

    static let fieldNames = ["schema_id", "schema_version", "created_at", "producer_version", "pack_id",
                             "pack_type", "source_ref", "contents", "signatures"]

    /// Strict decode plus gait's `parsePackManifest` checks, in gait's order (§5.3).
    /// Errors are plain (`.invalidInput`); `verify` re-labels them as verification failures.
    public static func parse(_ bytes: [UInt8]) throws -> PackManifest {
        let manifest: PackManifest
        do {
            manifest = try decode(bytes)
        } catch {
            throw FormatError.wrap(error, "parse pack manifest")
        }
        try manifest.validate()
        return manifest
    }

    private static func decode(_ bytes: [UInt8]) throws -> PackManifest {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw FormatError.invalid(String(describing: error)) }
        let f = try GoFields(value, type: "Manifest", known: fieldNames, strict: true)
        var m = PackManifest(producerVersion: try f.string("producer_version"), packType: .run,
                             sourceRef: try f.string("source_ref"), contents: [])
        m.schemaID = try f.string("schema_id")
        m.schemaVersion = try f.string("schema_version")
        m.createdAt = try f.time("created_at")
        m.packID = try f.string("pack_id")
        m.packType = try f.string("pack_type")
        m.contents = try f.array("contents")?.map { element in
            let e = try GoFields(element, type: "PackEntry", known: ["path", "sha256", "type"], strict: true)
            return PackEntry(path: try e.string("path"), sha256: try e.string("sha256"), type: try e.string("type"))
        }
        m.signatures = try (f.array("signatures") ?? []).map {
            try ManifestSignature.decode($0, type: "Signature", strict: true)
        }
        return m
    }

    private func validate() throws {
        func fail(_ message: String) -> FormatError { .invalid(message) }
        if schemaID != PackManifest.schemaID { throw fail("unsupported manifest schema_id: \(schemaID)") }
        if schemaVersion != PackManifest.schemaVersion { throw fail("unsupported manifest schema_version: \(schemaVersion)") }
        if PackType(rawValue: packType) == nil { throw fail("invalid pack_type: \(packType)") }
        if sourceRef.goTrimmed.isEmpty { throw fail("manifest missing source_ref") }
        if createdAt.isZero { throw fail("manifest missing created_at") }
        if producerVersion.goTrimmed.isEmpty { throw fail("manifest missing producer_version") }
        if !Hex.isSHA256(packID.goTrimmed) { throw fail("manifest pack_id must be sha256 hex") }
        guard let contents else { throw fail("manifest missing contents") }
        for entry in contents {
            if entry.path.goTrimmed.isEmpty { throw fail("manifest entry path is required") }
            if !Hex.isSHA256(entry.sha256.goTrimmed) { throw fail("manifest entry sha256 must be sha256 hex") }
            if entry.type.goTrimmed.isEmpty { throw fail("manifest entry type is required") }
        }
        for signature in signatures {
            if signature.alg.isEmpty || signature.keyID.isEmpty || signature.sig.isEmpty {
                throw fail("manifest signature fields are required")
            }
            if !signature.signedDigest.isEmpty && !Hex.isSHA256(signature.signedDigest.goTrimmed) {
                throw fail("manifest signature signed_digest must be sha256 hex")
            }
        }
    }
}
