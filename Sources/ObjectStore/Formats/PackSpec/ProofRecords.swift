import Foundation

/// `proof_records.jsonl`: one hash-chained proof record per pack file (packspec §7), in the
/// layout of Clyra's proof library, which gait uses to produce them.
public enum ProofRecords {
    public static let fileName = "proof_records.jsonl"

    /// What a record says about one pack file.
    public struct Subject: Sendable {
        public var path: String
        public var type: String
        public var sha256: String
        public var size: Int
        public var permissions: Int

        public init(path: String, type: String, sha256: String, size: Int, permissions: Int = 0o644) {
            self.path = path
            self.type = type
            self.sha256 = sha256
            self.size = size
            self.permissions = permissions
        }
    }

    static let timestamp = "1980-01-01T00:00:00Z"

    /// The file's bytes: records for `subjects` (sorted by path), joined by `\n`, no trailing newline.
    public static func build(_ subjects: [Subject], packType: String, sourceRef: String,
                             producerVersion: String, key: Ed25519PrivateKey?) throws -> [UInt8] {
        var previousHash = ""
        var lines: [[UInt8]] = []
        for subject in subjects.sorted(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) })
        where !subject.path.goTrimmed.isEmpty && subject.path != fileName {
            let event: JSONValue = [
                "pack_type": .string(packType), "source_ref": .string(sourceRef),
                "producer_version": .string(producerVersion), "entry_path": .string(subject.path),
                "entry_type": .string(subject.type), "entry_sha256": .string(subject.sha256),
                "entry_size_bytes": .number(JSONNumber(subject.size)),
                "entry_permissions": .number(JSONNumber(subject.permissions)),
            ]
            var record = Record(recordID: "", timestamp: timestamp, event: event)
            record.recordID = try record.deterministicID()
            record.previousRecordHash = previousHash
            record.recordHash = try record.computeHash()
            if let key {
                let signature = key.sign(Array(record.recordHash.utf8))
                record.signingKeyID = key.publicKey.keyID
                record.signature = "base64:" + Data(signature).base64EncodedString()
            }
            lines.append(try CanonicalJSON.encode(record.json))
            previousHash = record.recordHash
        }
        return Array(lines.joined(separator: [0x0a]))
    }

    /// The outcome of `verify`: how many records were checked and the (non-fatal) signature errors.
    public struct Verification: Sendable {
        public var recordsVerified = 0
        public var signatureErrors: [String] = []
    }

    /// gait's `verifyProofRecordsJSONL`: structural, hash and chain errors throw (verification
    /// failures); signature problems are collected, and only when `key` is given and required.
    public static func verify(_ bytes: [UInt8], key: Ed25519PublicKey?, requireSignature: Bool) throws -> Verification {
        var result = Verification()
        var previousHash = ""
        var lineNumber = 0
        for rawLine in JSONLines.split(bytes) {
            lineNumber += 1
            let line = rawLine.trimmedLine
            if line.isEmpty { continue }
            func fail(_ message: String) -> FormatError { .verification("line \(lineNumber) \(message)") }
            let record: Record
            do {
                record = try Record.decode(line)
            } catch {
                throw fail("parse record: \(error)")
            }
            if let missing = record.missingRequiredField { throw fail("validate record: \(missing) is required") }
            if let problem = record.schemaProblem { throw fail("schema: \(problem)") }
            let computed = try record.computeHash()
            if computed != record.recordHash {
                throw fail("record hash mismatch: expected \(record.recordHash) got \(computed)")
            }
            if record.previousRecordHash != previousHash {
                throw fail(previousHash.isEmpty ? "previous_record_hash must be empty for the first record"
                                                : "previous_record_hash does not match the previous record")
            }
            previousHash = record.recordHash
            result.recordsVerified += 1
            if requireSignature, let key {
                if let problem = record.signatureProblem(key: key) {
                    result.signatureErrors.append("proof_records line \(lineNumber) \(problem)")
                }
            }
        }
        return result
    }

    /// The decoded fields of one record that take part in its hash (proof `core/record`).
    struct Record {
        var recordID: String
        var recordVersion = "1.0"
        var timestamp: String
        var timestampIsZero = false
        var source = "gait.pack"
        var sourceProduct = "gait"
        var agentID = "gait"
        var recordType = "tool_invocation"
        var event: JSONValue
        var controls: JSONValue = ["permissions_enforced": false]
        var metadata: JSONValue = ["artifact_kind": "gait.pack.entry"]
        var recordHash = ""
        var previousRecordHash = ""
        var signingKeyID = ""
        var signature = ""
        /// What the stored line spelled out, for proof's record schema (absent and empty differ there).
        var hasControls = true
        var hasPreviousHash = false
        var hasSignature = false

        init(recordID: String, timestamp: String, event: JSONValue) {
            self.recordID = recordID
            self.timestamp = timestamp
            self.event = event
        }

        /// `prf-<timestamp>-<8 hex>` over the record's identity fields.
        func deterministicID() throws -> String {
            let payload: JSONValue = [
                "timestamp": .string(timestamp), "source": .string(source), "source_product": .string(sourceProduct),
                "agent_id": .string(agentID), "record_type": .string(recordType), "event": event,
            ]
            return "prf-\(timestamp)-" + String(try CanonicalJSON.digest(payload).hex.prefix(8))
        }

        func computeHash() throws -> String {
            let payload: JSONValue = [
                "record_id": .string(recordID), "record_version": .string(recordVersion),
                "timestamp": .string(timestamp), "source": .string(source),
                "source_product": .string(sourceProduct), "agent_id": .string(agentID),
                "record_type": .string(recordType), "event": event, "controls": controls, "metadata": metadata,
                "integrity": ["previous_record_hash": .string(previousRecordHash)],
            ]
            return "sha256:" + (try CanonicalJSON.digest(payload).hex)
        }

        var json: JSONValue {
            var integrity = GoObject()
            integrity.put("record_hash", recordHash)
            integrity.putOmitEmpty("previous_record_hash", previousRecordHash)
            integrity.putOmitEmpty("signing_key_id", signingKeyID)
            integrity.putOmitEmpty("signature", signature)
            var o = GoObject()
            o.put("record_id", recordID)
            o.put("record_version", recordVersion)
            o.put("timestamp", timestamp)
            o.put("source", source)
            o.put("source_product", sourceProduct)
            o.putOmitEmpty("agent_id", agentID)
            o.put("record_type", recordType)
            o.put("event", event)
            o.put("controls", controls)
            if !metadata.isNull { o.put("metadata", metadata) }
            o.put("integrity", integrity.value)
            return o.value
        }

        var missingRequiredField: String? {
            if recordVersion.goTrimmed.isEmpty { return "record_version" }
            if timestampIsZero { return "timestamp" }
            if source.goTrimmed.isEmpty { return "source" }
            if sourceProduct.goTrimmed.isEmpty { return "source_product" }
            if recordType.goTrimmed.isEmpty { return "record_type" }
            if event.isNull { return "event" }
            return nil
        }

        static let knownRecordTypes: Set<String> = [
            "tool_invocation", "decision", "guardrail_activation", "permission_check", "human_oversight",
            "policy_enforcement", "scan_finding", "risk_assessment", "deployment", "model_change", "test_result",
            "incident", "data_pipeline_run", "replay_certification", "approval", "compiled_action",
        ]

        /// The checks of proof's base record schema that gait's data can violate.
        var schemaProblem: String? {
            if recordID.isEmpty { return "record_id is required" }
            if event.objectValue == nil { return "event must be an object" }
            if !hasControls || controls.objectValue == nil { return "controls is required and must be an object" }
            if !Record.isPrefixedDigest(recordHash) { return "integrity.record_hash must match ^sha256:[a-f0-9]{64}$" }
            if hasPreviousHash && !Record.isPrefixedDigest(previousRecordHash) {
                return "integrity.previous_record_hash must match ^sha256:[a-f0-9]{64}$"
            }
            if hasSignature && !((signature.hasPrefix("base64:") || signature.hasPrefix("cosign:")) && signature.count > 7) {
                return "integrity.signature must match ^(base64|cosign):.+"
            }
            if !Record.knownRecordTypes.contains(recordType) { return "unknown record type: \(recordType)" }
            return nil
        }

        static func isPrefixedDigest(_ s: String) -> Bool { SHA256Digest(prefixed: s) != nil }

        func signatureProblem(key: Ed25519PublicKey) -> String? {
            if signature.isEmpty { return "missing signature" }
            if signingKeyID.isEmpty { return "missing signing_key_id" }
            guard signature.hasPrefix("base64:") else { return "unsupported signature prefix" }
            guard let raw = Data(base64Encoded: String(signature.dropFirst("base64:".count))) else {
                return "signature verification: decode sig: illegal base64 data"
            }
            if raw.count != 64 { return "signature verification: invalid signature length: \(raw.count)" }
            if signingKeyID != key.keyID { return "signature verification: key id mismatch" }
            return key.verify(signature: Array(raw), message: Array(recordHash.utf8)) ? nil : "signature verification failed"
        }

        /// Lenient decode (unknown members ignored), then the values Go would re-marshal.
        static func decode(_ line: [UInt8]) throws -> Record {
            let value = try JSONParser.parse(line)
            let f = try GoFields(value, type: "Record", known: [
                "record_id", "record_version", "timestamp", "source", "source_product", "agent_id", "record_type",
                "event", "controls", "metadata", "integrity",
            ], strict: false)
            let time = try f.time("timestamp")
            var r = Record(recordID: try f.string("record_id"), timestamp: time.utc.rfc3339Seconds,
                           event: try f.object("event").map(JSONValue.object) ?? .null)
            r.timestampIsZero = time.isZero
            r.recordVersion = try f.string("record_version")
            r.source = try f.string("source")
            r.sourceProduct = try f.string("source_product")
            r.agentID = try f.string("agent_id")
            r.recordType = try f.string("record_type")
            r.hasControls = f.has("controls")
            r.controls = try Controls.normalize(f.raw("controls"))
            r.metadata = try f.object("metadata").map(JSONValue.object) ?? .null
            if let integrity = f.raw("integrity") {
                let i = try GoFields(integrity, type: "Integrity",
                                     known: ["record_hash", "previous_record_hash", "signing_key_id", "signature"], strict: false)
                r.recordHash = try i.string("record_hash")
                r.previousRecordHash = try i.string("previous_record_hash")
                r.signingKeyID = try i.string("signing_key_id")
                r.signature = try i.string("signature")
                r.hasPreviousHash = i.has("previous_record_hash")
                r.hasSignature = i.has("signature")
            }
            return r
        }
    }

    /// proof's `Controls` struct, re-marshalled as Go would after decoding it.
    enum Controls {
        static func normalize(_ value: JSONValue?) throws -> JSONValue {
            guard let value else { return ["permissions_enforced": false] }
            let f = try GoFields(value, type: "Controls", known: [
                "permissions_enforced", "approved_scope", "within_scope", "guardrails_active", "human_oversight",
            ], strict: false)
            var o = GoObject()
            o.put("permissions_enforced", try f.bool("permissions_enforced"))
            o.putOmitEmpty("approved_scope", try f.string("approved_scope"))
            if f.has("within_scope") { o.put("within_scope", try f.bool("within_scope")) }
            if let guardrails = try f.array("guardrails_active"), !guardrails.isEmpty {
                o.put("guardrails_active", .array(try guardrails.map { g in
                    let gf = try GoFields(g, type: "GuardrailStatus", known: ["name", "status", "triggered"], strict: false)
                    return ["name": .string(try gf.string("name")), "status": .string(try gf.string("status")),
                            "triggered": .bool(try gf.bool("triggered"))]
                }))
            }
            if let oversight = f.raw("human_oversight") {
                let hf = try GoFields(oversight, type: "HumanOversight",
                                      known: ["approval_required", "last_review", "reviewer"], strict: false)
                var h = GoObject()
                h.put("approval_required", try hf.bool("approval_required"))
                h.putOmitEmpty("last_review", try hf.string("last_review"))
                h.putOmitEmpty("reviewer", try hf.string("reviewer"))
                o.put("human_oversight", h.value)
            }
            return o.value
        }
    }
}

/// JSON Lines splitting as gait's `bufio.Scanner` readers do it.
public enum JSONLines {
    /// Splits on `\n`; a final line without newline counts, an empty tail does not.
    public static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines
    }
}

extension ArraySlice where Element == UInt8 {
    /// `bytes.TrimSpace` for ASCII white space (what JSONL lines carry in practice), as an array.
    var trimmedLine: [UInt8] {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d || b == 0x0b || b == 0x0c }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return [] }
        let end = lastIndex(where: { !isSpace($0) })!
        return Array(self[start...end])
    }
}
