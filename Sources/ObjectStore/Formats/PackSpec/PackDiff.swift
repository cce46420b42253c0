/// `gaitstore pack diff`: what changed between two packs (packspec §15.1–15.2).
public enum PackDiff {
    /// One side of a diff: declared files and what identifies the pack.
    public struct Side: Sendable {
        public var packID: String
        public var packType: String
        public var manifestDigest: String
        /// path -> declared sha256 (not re-hashed, as gait).
        public var files: [String: String]
        public var refs: Runpack.Refs?
        public var contextSetDigest = ""
        public var contextRefCount = 0

        public init(packID: String, packType: String, manifestDigest: String, files: [String: String]) {
            self.packID = packID
            self.packType = packType
            self.manifestDigest = manifestDigest
            self.files = files
        }
    }

    public struct Result: Sendable, Equatable {
        public var leftPackID = "", rightPackID = "", leftPackType = "", rightPackType = ""
        public var added: [String] = [], removed: [String] = [], changedFiles: [String] = []
        public var manifestDelta = false
        public var contextChanged = false
        public var contextRuntimeOnly = false
        /// gait always reports a classification; `none` unless two run packs' contexts differ.
        public var contextDrift = "none"

        public var changed: Bool {
            manifestDelta || !added.isEmpty || !removed.isEmpty || !changedFiles.isEmpty || contextChanged
        }

        /// `DiffResult` in Go struct order, as `gait pack diff --output` writes it.
        public var json: JSONValue {
            var summary = GoObject()
            summary.put("changed", changed)
            summary.putOmitEmpty("added_files", added.map { .string($0) })
            summary.putOmitEmpty("removed_files", removed.map { .string($0) })
            summary.putOmitEmpty("changed_files", changedFiles.map { .string($0) })
            summary.put("manifest_delta", manifestDelta)
            summary.putOmitEmpty("context_changed", contextChanged)
            summary.putOmitEmpty("context_runtime_only_changes", contextRuntimeOnly)
            summary.putOmitEmpty("context_drift_classification", contextDrift)
            var o = GoObject()
            o.put("schema_id", "gait.pack.diff")
            o.put("schema_version", "1.0.0")
            o.put("created_at", GoTime.deterministicEpoch)
            o.put("left_pack_id", leftPackID)
            o.put("right_pack_id", rightPackID)
            o.put("left_pack_type", leftPackType)
            o.put("right_pack_type", rightPackType)
            o.put("summary", summary.value)
            return o.value
        }
    }

    public static func diff(_ left: Side, _ right: Side) throws -> Result {
        var r = Result()
        r.leftPackID = left.packID
        r.rightPackID = right.packID
        r.leftPackType = left.packType
        r.rightPackType = right.packType
        r.added = right.files.keys.filter { left.files[$0] == nil }.sorted(by: bytewise)
        r.removed = left.files.keys.filter { right.files[$0] == nil }.sorted(by: bytewise)
        r.changedFiles = left.files.compactMap { path, sha in
            right.files[path].map { $0 != sha ? path : nil } ?? nil
        }.sorted(by: bytewise)
        r.manifestDelta = left.manifestDigest != right.manifestDigest || left.packType != right.packType
        if left.packType == "run" && right.packType == "run" {
            if let a = left.refs, let b = right.refs {
                r.contextDrift = try classify(a, b)
            } else if !left.contextSetDigest.isEmpty || !right.contextSetDigest.isEmpty
                        || left.contextRefCount != 0 || right.contextRefCount != 0 {
                r.contextDrift = (left.contextSetDigest == right.contextSetDigest
                                  && left.contextRefCount == right.contextRefCount) ? "none" : "semantic"
            }
            r.contextChanged = r.contextDrift == "runtime_only" || r.contextDrift == "semantic"
            r.contextRuntimeOnly = r.contextDrift == "runtime_only"
        }
        return r
    }

    /// gait's `ClassifyRefsDrift`: identical, different only in retrieval times and the digest
    /// that covers them, or different in substance.
    static func classify(_ left: Runpack.Refs, _ right: Runpack.Refs) throws -> String {
        let a = try left.normalized(), b = try right.normalized()
        func sameShape(_ x: Runpack.Refs, _ y: Runpack.Refs) -> Bool {
            x.contextEvidenceMode == y.contextEvidenceMode && x.contextRefCount == y.contextRefCount
        }
        if try CanonicalJSON.digest(a.json) == CanonicalJSON.digest(b.json)
            && a.contextSetDigest == b.contextSetDigest && sameShape(a, b) {
            return "none"
        }
        func runtimeBlanked(_ refs: Runpack.Refs) -> Runpack.Refs {
            var out = refs
            out.contextSetDigest = ""
            out.receipts = refs.receipts?.map { receipt in
                var r = receipt
                r.retrievedAt = .deterministicEpoch
                return r
            }
            return out
        }
        if try CanonicalJSON.digest(runtimeBlanked(a).json) == CanonicalJSON.digest(runtimeBlanked(b).json) && sameShape(a, b) {
            return "runtime_only"
        }
        return "semantic"
    }

    /// Reads one side from a pack zip (PackSpec or legacy runpack).
    public static func side(path: String) throws -> Side {
        try side(archive: try PackFamily.open(path))
    }

    public static func side<A: PackArchive>(archive zip: A) throws -> Side {
        switch try PackFamily.detect(zip, strictOnly: true) {
        case .runpack:
            let contents = try RunpackReader.read(zip)
            let digest = contents.manifest.manifestDigest
            var side = Side(packID: digest, packType: "run", manifestDigest: digest,
                            files: Dictionary(contents.manifest.files.map { ($0.path, $0.sha256) }, uniquingKeysWith: { $1 }))
            side.refs = contents.refs
            return side
        case .guardPack:
            throw FormatError.invalid("parse pack manifest: unsupported manifest schema_id: \(GuardPack.schemaID)")
        case .packSpec(let manifest):
            return try side(manifest: manifest, manifestBytes: try zip.read(zip.entry(named: PackManifest.fileName)!)) { zip }
        }
    }

    /// A PackSpec side from its parsed manifest and the manifest's bytes. `archive` is opened only
    /// for a run pack, whose context lives in its other files; the rest is all in the manifest.
    public static func side<A: PackArchive>(manifest: PackManifest, manifestBytes raw: [UInt8],
                                            archive: () throws -> A) throws -> Side {
        var side = Side(packID: manifest.packID, packType: manifest.packType,
                        manifestDigest: try CanonicalJSON.digest(try JSONParser.parse(raw)).hex,
                        files: Dictionary((manifest.contents ?? []).map { ($0.path, $0.sha256) }, uniquingKeysWith: { $1 }))
        if manifest.packType == PackType.run.rawValue {
            let zip = try archive()
            side.refs = (try? PackInspector.embeddedRunpack(zip))?.refs
            if let payload = try? PackInspector.readJSON(zip, RunPack.payloadName),
               let f = try? GoFields(payload, type: "RunPayload", known: RunPack.payloadFields, strict: false) {
                side.contextSetDigest = (try? f.string("context_set_digest")) ?? ""
                side.contextRefCount = (try? f.int("context_ref_count")) ?? 0
            }
        }
        return side
    }
}
