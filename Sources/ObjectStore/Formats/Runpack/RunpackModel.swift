/// The members of a legacy runpack (`runpack_<run_id>.zip`, packspec §11.1), as Go structs
/// marshal them. Decoding is lenient (gait reads runpack members with `json.Unmarshal`).
public enum Runpack {
    public static let manifestSchemaID = "gait.runpack.manifest"
    public static let schemaVersion = "1.0.0"
    /// The four members every runpack must list in its manifest.
    public static let memberNames = ["intents.jsonl", "refs.json", "results.jsonl", "run.json"]

    public struct Run: Sendable {
        public var schemaID = ""
        public var schemaVersion = ""
        public var createdAt = GoTime.zero
        public var producerVersion = ""
        public var runID = ""
        public var env = Env()
        /// nil marshals as `null`, as Go's nil slice (no omitempty on this field).
        public var timeline: [TimelineEvent]?

        public struct Env: Sendable {
            public var os = "", arch = "", runtime = ""
        }

        public struct TimelineEvent: Sendable {
            public var event = ""
            public var ts = GoTime.zero
            public var ref = ""
            public var relationship: JSONValue?
        }

        var json: JSONValue {
            var o = GoObject()
            o.put("schema_id", schemaID)
            o.put("schema_version", schemaVersion)
            o.put("created_at", createdAt)
            o.put("producer_version", producerVersion)
            o.put("run_id", runID)
            o.put("env", ["os": .string(env.os), "arch": .string(env.arch), "runtime": .string(env.runtime)])
            o.put("timeline", timeline.map { .array($0.map { event in
                var e = GoObject()
                e.put("event", event.event)
                e.put("ts", event.ts)
                e.putOmitEmpty("ref", event.ref)
                if let relationship = event.relationship, !relationship.isNull { e.put("relationship", relationship) }
                return e.value
            }) } ?? .null)
            return o.value
        }

        static func decode(_ value: JSONValue) throws -> Run {
            let f = try GoFields(value, type: "Run", known: ["schema_id", "schema_version", "created_at",
                                                              "producer_version", "run_id", "env", "timeline"], strict: false)
            var run = Run()
            run.schemaID = try f.string("schema_id")
            run.schemaVersion = try f.string("schema_version")
            run.createdAt = try f.time("created_at")
            run.producerVersion = try f.string("producer_version")
            run.runID = try f.string("run_id")
            if let env = f.raw("env") {
                let e = try GoFields(env, type: "Env", known: ["os", "arch", "runtime"], strict: false)
                run.env = Env(os: try e.string("os"), arch: try e.string("arch"), runtime: try e.string("runtime"))
            }
            run.timeline = try f.array("timeline")?.map { item in
                let t = try GoFields(item, type: "TimelineEvent", known: ["event", "ts", "ref", "relationship"], strict: false)
                return TimelineEvent(event: try t.string("event"), ts: try t.time("ts"), ref: try t.string("ref"),
                                     relationship: t.raw("relationship"))
            }
            return run
        }
    }

    /// Fields every intent and result line shares.
    public struct RecordHeader: Sendable {
        public var schemaID = "", schemaVersion = "", createdAt = GoTime.zero, producerVersion = "", runID = ""

        static let fieldNames = ["schema_id", "schema_version", "created_at", "producer_version", "run_id"]

        init() {}

        init(_ f: GoFields) throws {
            schemaID = try f.string("schema_id")
            schemaVersion = try f.string("schema_version")
            createdAt = try f.time("created_at")
            producerVersion = try f.string("producer_version")
            runID = try f.string("run_id")
        }

        func put(into o: inout GoObject) {
            o.put("schema_id", schemaID)
            o.put("schema_version", schemaVersion)
            o.put("created_at", createdAt)
            o.put("producer_version", producerVersion)
            o.put("run_id", runID)
        }

        /// gait's `apply*Defaults`: what a child record inherits from its run.
        mutating func applyDefaults(schemaID defaultSchema: String, run: Run) {
            if schemaID.isEmpty { schemaID = defaultSchema }
            if schemaVersion.isEmpty { schemaVersion = Runpack.schemaVersion }
            if createdAt.isZero { createdAt = run.createdAt }
            if producerVersion.isEmpty { producerVersion = run.producerVersion }
            if runID.isEmpty { runID = run.runID }
        }
    }

    /// An intent and its result are one record shape: a header, the intent id, a label, a digest
    /// and an optional payload. Only the member names differ.
    struct LineShape {
        let goType: String, label: String, digest: String, payload: String

        static let intent = LineShape(goType: "IntentRecord", label: "tool_name", digest: "args_digest", payload: "args")
        static let result = LineShape(goType: "ResultRecord", label: "status", digest: "result_digest", payload: "result")

        func json(_ header: RecordHeader, _ intentID: String, _ label: String, _ digest: String, _ payload: JSONObject?) -> JSONValue {
            var o = GoObject()
            header.put(into: &o)
            o.put("intent_id", intentID)
            o.put(self.label, label)
            o.put(self.digest, digest)
            o.putOmitEmpty(self.payload, payload)
            return o.value
        }

        func decode(_ value: JSONValue) throws -> (RecordHeader, String, String, String, JSONObject?) {
            let f = try GoFields(value, type: goType, known: RecordHeader.fieldNames + ["intent_id", label, digest, payload], strict: false)
            return (try RecordHeader(f), try f.string("intent_id"), try f.string(label), try f.string(digest), try f.object(payload))
        }
    }

    public struct Intent: Sendable {
        public var header = RecordHeader()
        public var intentID = "", toolName = "", argsDigest = ""
        public var args: JSONObject?

        var json: JSONValue { LineShape.intent.json(header, intentID, toolName, argsDigest, args) }

        static func decode(_ value: JSONValue) throws -> Intent {
            let (header, intentID, toolName, digest, args) = try LineShape.intent.decode(value)
            return Intent(header: header, intentID: intentID, toolName: toolName, argsDigest: digest, args: args)
        }
    }

    public struct Result: Sendable {
        public var header = RecordHeader()
        public var intentID = "", status = "", resultDigest = ""
        public var result: JSONObject?

        var json: JSONValue { LineShape.result.json(header, intentID, status, resultDigest, result) }

        static func decode(_ value: JSONValue) throws -> Result {
            let (header, intentID, status, digest, result) = try LineShape.result.decode(value)
            return Result(header: header, intentID: intentID, status: status, resultDigest: digest, result: result)
        }
    }

    public struct Receipt: Sendable, Equatable {
        public var refID = "", sourceType = "", sourceLocator = "", queryDigest = "", contentDigest = ""
        public var retrievedAt = GoTime.zero
        public var redactionMode = "", immutability = ""
        public var freshnessSLASeconds = 0
        public var sensitivityLabel = ""
        public var retrievalParams: JSONObject?

        var json: JSONValue {
            var o = GoObject()
            o.put("ref_id", refID)
            o.put("source_type", sourceType)
            o.put("source_locator", sourceLocator)
            o.put("query_digest", queryDigest)
            o.put("content_digest", contentDigest)
            o.put("retrieved_at", retrievedAt)
            o.put("redaction_mode", redactionMode)
            o.putOmitEmpty("immutability", immutability)
            o.putOmitEmpty("freshness_sla_seconds", freshnessSLASeconds)
            o.putOmitEmpty("sensitivity_label", sensitivityLabel)
            o.putOmitEmpty("retrieval_params", retrievalParams)
            return o.value
        }

        static func decode(_ value: JSONValue) throws -> Receipt {
            let f = try GoFields(value, type: "RefReceipt", known: [
                "ref_id", "source_type", "source_locator", "query_digest", "content_digest", "retrieved_at",
                "redaction_mode", "immutability", "freshness_sla_seconds", "sensitivity_label", "retrieval_params",
            ], strict: false)
            var r = Receipt()
            r.refID = try f.string("ref_id")
            r.sourceType = try f.string("source_type")
            r.sourceLocator = try f.string("source_locator")
            r.queryDigest = try f.string("query_digest")
            r.contentDigest = try f.string("content_digest")
            r.retrievedAt = try f.time("retrieved_at")
            r.redactionMode = try f.string("redaction_mode")
            r.immutability = try f.string("immutability")
            r.freshnessSLASeconds = try f.int("freshness_sla_seconds")
            r.sensitivityLabel = try f.string("sensitivity_label")
            r.retrievalParams = try f.object("retrieval_params")
            return r
        }
    }

    public struct Refs: Sendable {
        public var header = RecordHeader()
        public var contextSetDigest = "", contextEvidenceMode = ""
        public var contextRefCount = 0
        /// nil marshals as `null`; gait's defaults make it `[]` before anything is written.
        public var receipts: [Receipt]?

        var json: JSONValue {
            var o = GoObject()
            header.put(into: &o)
            o.putOmitEmpty("context_set_digest", contextSetDigest)
            o.putOmitEmpty("context_evidence_mode", contextEvidenceMode)
            o.putOmitEmpty("context_ref_count", contextRefCount)
            o.put("receipts", receipts.map { .array($0.map(\.json)) } ?? .null)
            return o.value
        }

        static func decode(_ value: JSONValue) throws -> Refs {
            let f = try GoFields(value, type: "Refs", known: RecordHeader.fieldNames + [
                "context_set_digest", "context_evidence_mode", "context_ref_count", "receipts"], strict: false)
            var r = Refs()
            r.header = try RecordHeader(f)
            r.contextSetDigest = try f.string("context_set_digest")
            r.contextEvidenceMode = try f.string("context_evidence_mode")
            r.contextRefCount = try f.int("context_ref_count")
            r.receipts = try f.array("receipts")?.map(Receipt.decode)
            return r
        }

        /// `contextproof.NormalizeRefs` (evidence mode, digests, immutability, UTC times, order).
        func normalized() throws -> Refs {
            var out = self
            out.contextEvidenceMode = try ContextEvidence.normalizeMode(contextEvidenceMode)
            out.contextSetDigest = contextSetDigest.goTrimmed.lowercased()
            if !out.contextSetDigest.isEmpty && !ContextEvidence.isLowerDigest(out.contextSetDigest) {
                throw FormatError.invalid("refs context_set_digest must be sha256 hex")
            }
            if out.contextRefCount < 0 { throw FormatError.invalid("refs context_ref_count must be >= 0") }
            var receipts = out.receipts ?? []
            for i in receipts.indices {
                receipts[i].queryDigest = receipts[i].queryDigest.goTrimmed.lowercased()
                receipts[i].contentDigest = receipts[i].contentDigest.goTrimmed.lowercased()
                receipts[i].immutability = receipts[i].immutability.goTrimmed.lowercased()
                if receipts[i].immutability.isEmpty { receipts[i].immutability = "unknown" }
                receipts[i].retrievedAt = receipts[i].retrievedAt.isZero ? .deterministicEpoch : receipts[i].retrievedAt.utc
            }
            out.receipts = receipts.stableSorted { $0.refID.utf8.lexicographicallyPrecedes($1.refID.utf8) }
            if out.contextRefCount == 0 && !receipts.isEmpty { out.contextRefCount = receipts.count }
            return out
        }
    }

    public struct ManifestFile: Sendable, Equatable {
        public var path: String
        public var sha256: String
    }

    /// `manifest.json` of a runpack.
    public struct Manifest: Sendable {
        public var schemaID = "", schemaVersion = "", createdAt = GoTime.zero, producerVersion = "", runID = ""
        public var captureMode = ""
        public var files: [ManifestFile] = []
        public var manifestDigest = ""
        public var signatures: [ManifestSignature] = []

        func json(digest overrideDigest: String? = nil, includeSignatures: Bool = true) -> JSONValue {
            var o = GoObject()
            o.put("schema_id", schemaID)
            o.put("schema_version", schemaVersion)
            o.put("created_at", createdAt)
            o.put("producer_version", producerVersion)
            o.put("run_id", runID)
            o.put("capture_mode", captureMode)
            o.put("files", .array(files.map { ["path": .string($0.path), "sha256": .string($0.sha256)] }))
            o.put("manifest_digest", overrideDigest ?? manifestDigest)
            if includeSignatures { o.putOmitEmpty("signatures", signatures.map(\.json)) }
            return o.value
        }

        /// `manifest_digest`: sha256 of the canonical manifest with an empty digest, no signatures (§11.2).
        public func computeDigest() throws -> String {
            try CanonicalJSON.digest(json(digest: "", includeSignatures: false)).hex
        }

        static func decode(_ value: JSONValue) throws -> Manifest {
            let f = try GoFields(value, type: "Manifest", known: [
                "schema_id", "schema_version", "created_at", "producer_version", "run_id", "capture_mode", "files",
                "manifest_digest", "signatures"], strict: false)
            var m = Manifest()
            m.schemaID = try f.string("schema_id")
            m.schemaVersion = try f.string("schema_version")
            m.createdAt = try f.time("created_at")
            m.producerVersion = try f.string("producer_version")
            m.runID = try f.string("run_id")
            m.captureMode = try f.string("capture_mode")
            m.files = try (f.array("files") ?? []).map { item in
                let e = try GoFields(item, type: "ManifestFile", known: ["path", "sha256"], strict: false)
                return ManifestFile(path: try e.string("path"), sha256: try e.string("sha256"))
            }
            m.manifestDigest = try f.string("manifest_digest")
            m.signatures = try (f.array("signatures") ?? []).map {
                try ManifestSignature.decode($0, type: "Signature", strict: false)
            }
            return m
        }
    }
}

/// Context evidence rules shared by runpacks and run packs (gait `core/contextproof`).
enum ContextEvidence {
    static func normalizeMode(_ mode: String) throws -> String {
        let normalized = mode.goTrimmed.lowercased()
        guard normalized.isEmpty || normalized == "best_effort" || normalized == "required" else {
            throw FormatError.invalid("context evidence mode must be best_effort or required")
        }
        return normalized
    }

    static func isLowerDigest(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}

extension Array {
    /// Go's `sort.Slice` is not stable, but gait's inputs rarely tie; a stable sort is the only
    /// reproducible choice for ties.
    func stableSorted(by less: (Element, Element) -> Bool) -> [Element] {
        enumerated().sorted { a, b in
            if less(a.element, b.element) { return true }
            if less(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }
}

extension GoTime {
    /// Go's `time.RFC3339` (no fraction), which proof records hash.
    var rfc3339Seconds: String {
        let text = rfc3339Nano
        guard let dot = text.firstIndex(of: ".") else { return text }
        let rest = text[dot...].drop(while: { $0 == "." || $0.isNumber })
        return String(text[..<dot]) + rest
    }
}
