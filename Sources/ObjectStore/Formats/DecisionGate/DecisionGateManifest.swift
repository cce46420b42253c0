extension DecisionGateRunpack {
    /// A runpack manifest as DG's `RunpackManifest` deserializes it (spec §2): the same required
    /// fields, types and enum values, unknown members ignored.
    public struct Manifest: Sendable, Equatable {
        public var manifestVersion: String
        public var generatedAt: Timestamp
        public var scenarioID: String
        public var tenantID: UInt64
        public var namespaceID: UInt64
        public var runID: String
        public var specHash: HashDigest
        public var hashAlgorithm: String
        public var verifierMode: String
        /// Absent, `null` and an empty provider list all mean "no anchor checks".
        public var anchorProviders: [AnchorProvider]
        public var security: Security?
        /// In manifest order, which is the order the root hash covers.
        public var fileHashes: [FileHash]
        public var rootHash: HashDigest
        public var artifacts: [ArtifactRecord]
    }

    /// DG's `HashDigest`. `value` is kept as written: DG compares it as a string, so upper-case
    /// hex is a mismatch, not an equal digest.
    public struct HashDigest: Sendable, Equatable {
        public var algorithm: String
        public var value: String

        var json: JSONValue { ["algorithm": .string(algorithm), "value": .string(value)] }

        /// Byte equality, as Rust compares the strings.
        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.algorithm.utf8.elementsEqual(rhs.algorithm.utf8) && lhs.value.utf8.elementsEqual(rhs.value.utf8)
        }
    }

    /// DG's `Timestamp`, adjacently tagged as `{"kind":..., "value":...}`.
    public enum Timestamp: Sendable, Equatable {
        case unixMillis(Int64)
        case logical(UInt64)
    }

    public struct FileHash: Sendable, Equatable {
        public var path: String
        public var hash: HashDigest
    }

    public struct ArtifactRecord: Sendable, Equatable {
        public var artifactID: String
        public var kind: String
        public var path: String
        public var contentType: String?
        public var hash: HashDigest
        public var required: Bool
    }

    public struct AnchorProvider: Sendable, Equatable {
        public var providerID: String
        public var anchorType: String
        public var requiredFields: [String]
    }

    public struct Security: Sendable, Equatable {
        public var devPermissive: Bool
        public var namespaceAuthority: String
    }
}

extension DecisionGateRunpack.Manifest {
    static let hashAlgorithms = ["sha256"]
    static let verifierModes = ["offline_strict", "offline_with_fetch"]
    static let artifactKinds = [
        "scenario_spec", "trigger_log", "gate_eval_log", "decision_log", "packet_log", "dispatch_log",
        "evidence_log", "submission_log", "tool_transcript", "verifier_report", "custom",
    ]

    /// Parses and decodes manifest bytes; errors are serde_json's complaint, without a path.
    public static func decode(_ bytes: [UInt8]) throws -> Self {
        try decode(DecisionGateJSON.parse(bytes))
    }

    /// Fields are taken in the struct's declaration order, so the first missing one named is the
    /// one serde would name.
    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "RunpackManifest", fields: [
            "manifest_version", "generated_at", "scenario_id", "tenant_id", "namespace_id", "run_id", "spec_hash",
            "hash_algorithm", "verifier_mode", "anchor_policy", "security", "integrity", "artifacts",
        ])
        let manifestVersion = try fields.string("manifest_version")
        let generatedAt = try DecisionGateRunpack.Timestamp.decode(fields.required("generated_at"))
        let scenarioID = try fields.string("scenario_id")
        let tenantID = try Serde.nonZeroU64(fields.required("tenant_id"))
        let namespaceID = try Serde.nonZeroU64(fields.required("namespace_id"))
        let runID = try fields.string("run_id")
        let specHash = try DecisionGateRunpack.HashDigest.decode(fields.required("spec_hash"))
        let hashAlgorithm = try Serde.variant(fields.required("hash_algorithm"), of: hashAlgorithms, type: "HashAlgorithm")
        let verifierMode = try Serde.variant(fields.required("verifier_mode"), of: verifierModes, type: "VerifierMode")
        let anchorProviders = try fields.optional("anchor_policy").map(decodeAnchorPolicy) ?? []
        let security = try fields.optional("security").map(DecisionGateRunpack.Security.decode)
        let integrity = try SerdeStruct(fields.required("integrity"), type: "RunpackIntegrity",
                                        fields: ["file_hashes", "root_hash"])
        let fileHashes = try integrity.array("file_hashes").map(DecisionGateRunpack.FileHash.decode)
        let rootHash = try DecisionGateRunpack.HashDigest.decode(integrity.required("root_hash"))
        let artifacts = try fields.array("artifacts").map(DecisionGateRunpack.ArtifactRecord.decode)
        return Self(manifestVersion: manifestVersion, generatedAt: generatedAt, scenarioID: scenarioID,
                    tenantID: tenantID, namespaceID: namespaceID, runID: runID, specHash: specHash,
                    hashAlgorithm: hashAlgorithm, verifierMode: verifierMode, anchorProviders: anchorProviders,
                    security: security, fileHashes: fileHashes, rootHash: rootHash, artifacts: artifacts)
    }

    /// `EvidenceAnchorPolicy { #[serde(default)] providers }`.
    private static func decodeAnchorPolicy(_ value: JSONValue) throws -> [DecisionGateRunpack.AnchorProvider] {
        let fields = try SerdeStruct(value, type: "EvidenceAnchorPolicy", fields: ["providers"])
        guard let providers = fields.optional("providers") else { return [] }
        return try Serde.array(providers).map(DecisionGateRunpack.AnchorProvider.decode)
    }

    /// What DG's root hash covers: the entries as deserialized (unknown members dropped), in order.
    func rootHashInput() -> JSONValue {
        .array(fileHashes.map { ["hash": $0.hash.json, "path": .string($0.path)] })
    }
}

extension DecisionGateRunpack.HashDigest {
    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "HashDigest", fields: ["algorithm", "value"])
        return Self(
            algorithm: try Serde.variant(fields.required("algorithm"), of: DecisionGateRunpack.Manifest.hashAlgorithms,
                                         type: "HashAlgorithm"),
            value: try fields.string("value"))
    }

    static func sha256(_ digest: SHA256Digest) -> Self { Self(algorithm: "sha256", value: digest.hex) }
}

extension DecisionGateRunpack.Timestamp {
    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "Timestamp", fields: ["kind", "value"])
        switch try Serde.variant(fields.required("kind"), of: ["unix_millis", "logical"], type: "Timestamp") {
        case "unix_millis": return .unixMillis(try Serde.i64(fields.required("value")))
        default: return .logical(try fields.u64("value"))
        }
    }
}

extension DecisionGateRunpack.FileHash {
    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "FileHashEntry", fields: ["path", "hash"])
        return Self(path: try fields.string("path"), hash: try .decode(fields.required("hash")))
    }
}

extension DecisionGateRunpack.ArtifactRecord {
    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "ArtifactRecord", fields: [
            "artifact_id", "kind", "path", "content_type", "hash", "required",
        ])
        return Self(
            artifactID: try fields.string("artifact_id"),
            kind: try Serde.variant(fields.required("kind"), of: DecisionGateRunpack.Manifest.artifactKinds,
                                    type: "ArtifactKind"),
            path: try fields.string("path"),
            contentType: try fields.optionalString("content_type"),
            hash: try .decode(fields.required("hash")),
            required: try fields.bool("required"))
    }
}

extension DecisionGateRunpack.AnchorProvider {
    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "ProviderAnchorPolicy", fields: ["provider_id", "requirement"])
        let requirement = try SerdeStruct(fields.required("requirement"), type: "AnchorRequirement",
                                          fields: ["anchor_type", "required_fields"])
        return Self(
            providerID: try fields.string("provider_id"),
            anchorType: try requirement.string("anchor_type"),
            requiredFields: try requirement.array("required_fields").map(Serde.string))
    }
}

extension DecisionGateRunpack.Security {
    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "RunpackSecurityContext",
                                     fields: ["dev_permissive", "namespace_authority"])
        return Self(devPermissive: try fields.bool("dev_permissive"),
                    namespaceAuthority: try fields.string("namespace_authority"))
    }
}
