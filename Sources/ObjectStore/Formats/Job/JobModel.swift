import Foundation

/// gait's durable-job records (job-runtime §1): the state snapshot and the event log lines.
/// Shared by job packs here and by jobs-as-branches in `Refs`.
public enum Job {
    public static let stateSchemaID = "gait.job.runtime"
    public static let eventSchemaID = "gait.job.event"
    public static let schemaVersion = "1.0.0"
    public static let statuses: Set<String> = ["running", "paused", "decision_needed", "blocked", "completed",
                                               "cancelled", "emergency_stopped"]
    /// gait's job id rule; anything else is refused before it reaches a path or a ref.
    public static func isValidID(_ id: String) -> Bool {
        let u = Array(id.utf8)
        guard (1...128).contains(u.count), isAlnum(u[0]) else { return false }
        return u.dropFirst().allSatisfy { isAlnum($0) || $0 == 0x2e || $0 == 0x5f || $0 == 0x3a || $0 == 0x2d }
    }

    /// Go's `strings.TrimSpace`, which gait applies to every id, actor and flag value it reads;
    /// exposed so job logic outside this module trims exactly as gait does.
    public static func trimmed(_ text: String) -> String { text.goTrimmed }

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
    }

    public struct Checkpoint: Sendable, Equatable {
        public var checkpointID = "", createdAt = GoTime.zero, type = "", summary = "", requiredAction = ""
        public var reasonCode = "", actor = ""

        public init() {}

        public var json: JSONValue {
            var o = GoObject()
            o.put("checkpoint_id", checkpointID)
            o.put("created_at", createdAt)
            o.put("type", type)
            o.put("summary", summary)
            o.putOmitEmpty("required_action", requiredAction)
            o.put("reason_code", reasonCode)
            o.putOmitEmpty("actor", actor)
            return o.value
        }

        static func decode(_ value: JSONValue, strict: Bool) throws -> Checkpoint {
            let f = try GoFields(value, type: "Checkpoint", known: ["checkpoint_id", "created_at", "type", "summary",
                                                                     "required_action", "reason_code", "actor"], strict: strict)
            var c = Checkpoint()
            c.checkpointID = try f.string("checkpoint_id")
            c.createdAt = try f.time("created_at")
            c.type = try f.string("type")
            c.summary = try f.string("summary")
            c.requiredAction = try f.string("required_action")
            c.reasonCode = try f.string("reason_code")
            c.actor = try f.string("actor")
            return c
        }
    }

    public struct Approval: Sendable, Equatable {
        public var createdAt = GoTime.zero, actor = "", reason = ""

        public init() {}

        public var json: JSONValue {
            ["created_at": .string(createdAt.rfc3339Nano), "actor": .string(actor), "reason": .string(reason)]
        }

        static func decode(_ value: JSONValue, strict: Bool) throws -> Approval {
            let f = try GoFields(value, type: "Approval", known: ["created_at", "actor", "reason"], strict: strict)
            var a = Approval()
            a.createdAt = try f.time("created_at")
            a.actor = try f.string("actor")
            a.reason = try f.string("reason")
            return a
        }
    }

    /// `state.json` / `job_state.json`.
    public struct State: Sendable, Equatable {
        public var schemaID = "", schemaVersion = "", createdAt = GoTime.zero, updatedAt = GoTime.zero
        public var producerVersion = "", jobID = "", status = "", stopReason = "", statusReasonCode = ""
        public var environmentFingerprint = "", safetyInvariantVersion = "", safetyInvariantHash = ""
        public var safetyInvariants: [String] = []
        public var policyDigest = "", policyRef = "", identity = ""
        public var revision = 0
        public var checkpoints: [Checkpoint] = []
        public var approvals: [Approval] = []

        public init() {}

        static let fieldNames = ["schema_id", "schema_version", "created_at", "updated_at", "producer_version", "job_id",
                                 "status", "stop_reason", "status_reason_code", "environment_fingerprint",
                                 "safety_invariant_version", "safety_invariant_hash", "safety_invariants",
                                 "policy_digest", "policy_ref", "identity", "revision", "checkpoints", "approvals"]

        public var json: JSONValue {
            var o = GoObject()
            o.put("schema_id", schemaID)
            o.put("schema_version", schemaVersion)
            o.put("created_at", createdAt)
            o.put("updated_at", updatedAt)
            o.put("producer_version", producerVersion)
            o.put("job_id", jobID)
            o.put("status", status)
            o.put("stop_reason", stopReason)
            o.put("status_reason_code", statusReasonCode)
            o.put("environment_fingerprint", environmentFingerprint)
            o.putOmitEmpty("safety_invariant_version", safetyInvariantVersion)
            o.putOmitEmpty("safety_invariant_hash", safetyInvariantHash)
            o.putOmitEmpty("safety_invariants", safetyInvariants.map { .string($0) })
            o.putOmitEmpty("policy_digest", policyDigest)
            o.putOmitEmpty("policy_ref", policyRef)
            o.putOmitEmpty("identity", identity)
            o.put("revision", revision)
            o.put("checkpoints", .array(checkpoints.map(\.json)))
            o.putOmitEmpty("approvals", approvals.map(\.json))
            return o.value
        }

        public static func decode(_ value: JSONValue, strict: Bool) throws -> State {
            let f = try GoFields(value, type: "JobState", known: fieldNames, strict: strict)
            var s = State()
            s.schemaID = try f.string("schema_id")
            s.schemaVersion = try f.string("schema_version")
            s.createdAt = try f.time("created_at")
            s.updatedAt = try f.time("updated_at")
            s.producerVersion = try f.string("producer_version")
            s.jobID = try f.string("job_id")
            s.status = try f.string("status")
            s.stopReason = try f.string("stop_reason")
            s.statusReasonCode = try f.string("status_reason_code")
            s.environmentFingerprint = try f.string("environment_fingerprint")
            s.safetyInvariantVersion = try f.string("safety_invariant_version")
            s.safetyInvariantHash = try f.string("safety_invariant_hash")
            s.safetyInvariants = try (f.array("safety_invariants") ?? []).map { item in
                guard let text = item.stringValue else {
                    throw FormatError.invalid("json: cannot unmarshal \(JSONValue.goKindName(item)) into Go struct field JobState.safety_invariants of type string")
                }
                return text
            }
            s.policyDigest = try f.string("policy_digest")
            s.policyRef = try f.string("policy_ref")
            s.identity = try f.string("identity")
            s.revision = try f.int("revision")
            s.checkpoints = try (f.array("checkpoints") ?? []).map { try Checkpoint.decode($0, strict: strict) }
            s.approvals = try (f.array("approvals") ?? []).map { try Approval.decode($0, strict: strict) }
            return s
        }

        /// gait's `ensureSafetyInvariantLedger`: fills the ledger only where it is empty.
        public mutating func ensureSafetyInvariantLedger() {
            if safetyInvariantVersion.goTrimmed.isEmpty { safetyInvariantVersion = "1" }
            if safetyInvariants.isEmpty {
                var invariants = ["control_boundary=runtime_go", "default_privacy=reference_receipts", "fail_closed=true"]
                if !policyDigest.goTrimmed.isEmpty { invariants.append("policy_digest=\(policyDigest.goTrimmed)") }
                if !policyRef.goTrimmed.isEmpty { invariants.append("policy_ref=\(policyRef.goTrimmed)") }
                if !identity.goTrimmed.isEmpty { invariants.append("identity=\(identity.goTrimmed)") }
                safetyInvariants = invariants.sorted(by: bytewise)
            }
            if safetyInvariantHash.goTrimmed.isEmpty {
                let parts = safetyInvariants.map(\.goTrimmed).filter { !$0.isEmpty }.sorted(by: bytewise)
                safetyInvariantHash = SHA256Digest.of(parts.joined(separator: "|")).hex
            }
        }
    }

    /// One line of `events.jsonl` / `job_events.jsonl`.
    public struct Event: Sendable, Equatable {
        public var schemaID = "", schemaVersion = "", createdAt = GoTime.zero, jobID = ""
        public var revision = 0
        public var type = "", actor = "", reasonCode = ""
        public var payload: JSONObject?

        public init() {}

        public var json: JSONValue {
            var o = GoObject()
            o.put("schema_id", schemaID)
            o.put("schema_version", schemaVersion)
            o.put("created_at", createdAt)
            o.put("job_id", jobID)
            o.put("revision", revision)
            o.put("type", type)
            o.putOmitEmpty("actor", actor)
            o.putOmitEmpty("reason_code", reasonCode)
            o.putOmitEmpty("payload", payload)
            return o.value
        }

        public static func decode(_ value: JSONValue, strict: Bool) throws -> Event {
            let f = try GoFields(value, type: "Event", known: ["schema_id", "schema_version", "created_at", "job_id",
                                                                "revision", "type", "actor", "reason_code", "payload"], strict: strict)
            var e = Event()
            e.schemaID = try f.string("schema_id")
            e.schemaVersion = try f.string("schema_version")
            e.createdAt = try f.time("created_at")
            e.jobID = try f.string("job_id")
            e.revision = try f.int("revision")
            e.type = try f.string("type")
            e.actor = try f.string("actor")
            e.reasonCode = try f.string("reason_code")
            e.payload = try f.object("payload")
            return e
        }
    }

    /// gait's environment fingerprint (job-runtime §7.1). Go's runtime version has no meaning
    /// here, so that slot names our runtime; an explicit override is used verbatim.
    public static func environmentFingerprint(override: String = "") -> String {
        let trimmed = override.goTrimmed
        if !trimmed.isEmpty { return trimmed }
        let shell = (ProcessInfo.processInfo.environment["SHELL"] ?? "").goTrimmed
        let parts = ["goos=\(HostPlatform.goOS)", "goarch=\(HostPlatform.goArch)", "goversion=swift", "shell=\(shell)"]
        return "envfp:" + SHA256Digest.of(parts.sorted(by: bytewise).joined(separator: "|")).hex
    }
}
