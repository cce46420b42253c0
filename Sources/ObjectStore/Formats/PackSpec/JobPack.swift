import Foundation

/// Job packs (`pack_type` job, packspec §9): the job's state and event log, deflate-independent,
/// so a job pack gets exactly the `pack_id` gait computes for the same state and events.
public enum JobPack {
    public static let payloadName = "job_payload.json"
    public static let stateName = "job_state.json"
    public static let eventsName = "job_events.jsonl"

    /// Reads a gait job directory (`state.json`, `events.jsonl`) or a path to its `state.json`.
    public static func readJobDirectory(_ path: String) throws -> (state: Job.State, events: [Job.Event]) {
        let directory = path.hasSuffix("state.json") ? (path as NSString).deletingLastPathComponent : path
        let statePath = (directory as NSString).appendingPathComponent("state.json")
        guard FileBytes.exists(statePath) else { throw FormatError.invalid("job state not found: \(statePath)") }
        var state: Job.State
        do {
            state = try Job.State.decode(try JSONParser.parse(try FileBytes.read(statePath)), strict: false)
        } catch { throw FormatError.wrap(error, "read job state \(statePath)") }
        if state.jobID.isEmpty { throw FormatError.invalid("invalid job state: missing job_id") }
        state.ensureSafetyInvariantLedger()

        let eventsPath = (directory as NSString).appendingPathComponent("events.jsonl")
        var events: [Job.Event] = []
        if FileBytes.exists(eventsPath) {
            var lineNumber = 0
            for line in JSONLines.split(try FileBytes.read(eventsPath)) {
                lineNumber += 1
                let trimmed = line.trimmedLine
                if trimmed.isEmpty { continue }
                do { events.append(try Job.Event.decode(try JSONParser.parse(trimmed), strict: false)) } catch {
                    throw FormatError.wrap(error, "parse \(eventsPath) line \(lineNumber)")
                }
            }
        }
        return (state, events)
    }

    /// gait's `BuildJobPack` from a state snapshot and its events.
    public static func files(state input: Job.State, events: [Job.Event]) throws -> [PackFile] {
        var state = input
        if state.status.isEmpty { state.status = "running" }
        if state.stopReason.isEmpty { state.stopReason = "none" }
        if state.statusReasonCode.isEmpty { state.statusReasonCode = "submitted" }
        if state.environmentFingerprint.isEmpty { state.environmentFingerprint = Job.environmentFingerprint() }
        return [
            PackFile.bytes(eventsName, try CanonicalJSON.encodeLines(events.map(\.json))),
            PackFile.bytes(payloadName, try CanonicalJSON.encode(payload(state))),
            PackFile.bytes(stateName, try CanonicalJSON.encode(state.json)),
        ]
    }

    public static func build(state: Job.State, events: [Job.Event], options: PackBuildOptions,
                             outPath: String?, defaultDirectory: String = "./gait-out") throws -> BuiltPack {
        try PackBuilder.build(type: .job, sourceRef: state.jobID.goTrimmed, files: try files(state: state, events: events),
                              options: options, outPath: outPath, defaultDirectory: defaultDirectory)
    }

    static func payload(_ state: Job.State) -> JSONValue {
        var o = GoObject()
        o.put("schema_id", "gait.pack.job")
        o.put("schema_version", "1.0.0")
        o.put("created_at", state.createdAt.isZero ? GoTime.deterministicEpoch : state.createdAt.utc)
        o.put("job_id", state.jobID)
        o.put("status", state.status)
        o.put("stop_reason", state.stopReason)
        o.put("status_reason_code", state.statusReasonCode)
        o.put("environment_fingerprint", state.environmentFingerprint)
        o.putOmitEmpty("safety_invariant_version", state.safetyInvariantVersion.goTrimmed)
        o.putOmitEmpty("safety_invariant_hash", state.safetyInvariantHash.goTrimmed)
        o.put("checkpoint_count", state.checkpoints.count)
        o.put("approval_count", state.approvals.count)
        return o.value
    }

    static let payloadFields = ["schema_id", "schema_version", "created_at", "job_id", "status", "stop_reason",
                                "status_reason_code", "environment_fingerprint", "safety_invariant_version",
                                "safety_invariant_hash", "checkpoint_count", "approval_count"]

    /// What verify and inspect read back from a job pack.
    public struct Parsed: Sendable {
        public var payload: JSONValue
        public var state: Job.State
        public var events: [Job.Event]
    }

    /// The job-pack checks of `verifyPayloadContracts` (§9.2). Every failure is a verification error.
    static func checkContract<A: PackArchive>(_ zip: A, manifest: PackManifest) throws -> Parsed {
        do {
            return try parseAndCheck(zip, manifest: manifest)
        } catch let error as FormatError {
            throw error.relabeled(.verification)
        }
    }

    static func parseAndCheck<A: PackArchive>(_ zip: A, manifest: PackManifest) throws -> Parsed {
        func fail(_ message: String) -> FormatError { .verification(message) }
        for name in [payloadName, stateName, eventsName] where zip.entry(named: name) == nil { throw fail("missing \(name)") }
        let payloadValue: JSONValue
        let p: GoFields
        do {
            payloadValue = try JSONParser.parse(try zip.read(zip.entry(named: payloadName)!))
            p = try GoFields(payloadValue, type: "JobPayload", known: payloadFields, strict: true)
        } catch { throw FormatError.wrap(error, "parse job payload") }
        let state: Job.State
        do { state = try Job.State.decode(try JSONParser.parse(try zip.read(zip.entry(named: stateName)!)), strict: true) } catch {
            throw FormatError.wrap(error, "parse job state")
        }
        var events: [Job.Event] = []
        var lineNumber = 0
        for line in JSONLines.split(try zip.read(zip.entry(named: eventsName)!)) {
            lineNumber += 1
            let trimmed = line.trimmedLine
            if trimmed.isEmpty { continue }
            do { events.append(try Job.Event.decode(try JSONParser.parse(trimmed), strict: true)) } catch {
                throw FormatError.wrap(error, "parse job_events.jsonl line \(lineNumber)")
            }
        }

        if try p.string("schema_id") != "gait.pack.job" { throw fail("invalid job payload schema_id") }
        if try p.string("schema_version") != "1.0.0" { throw fail("invalid job payload schema_version") }
        if try p.time("created_at").isZero { throw fail("job payload missing created_at") }
        let jobID = try p.string("job_id")
        if jobID.goTrimmed.isEmpty { throw fail("job payload missing job_id") }
        try checkStatusFields(status: try p.string("status"), stopReason: try p.string("stop_reason"),
                              reasonCode: try p.string("status_reason_code"),
                              fingerprint: try p.string("environment_fingerprint"),
                              invariantVersion: try p.string("safety_invariant_version"),
                              invariantHash: try p.string("safety_invariant_hash"), what: "job payload")
        for count in ["checkpoint_count", "approval_count"] where try p.int(count) < 0 {
            throw fail("job payload \(count) must be >= 0")
        }
        try checkStatusFields(status: state.status, stopReason: state.stopReason, reasonCode: state.statusReasonCode,
                              fingerprint: state.environmentFingerprint, invariantVersion: state.safetyInvariantVersion,
                              invariantHash: state.safetyInvariantHash, what: "job state")
        if jobID != manifest.sourceRef.goTrimmed { throw fail("job payload job_id does not match manifest source_ref") }
        if state.jobID != jobID { throw fail("job state job_id does not match payload") }
        if try p.int("checkpoint_count") != state.checkpoints.count { throw fail("job payload checkpoint_count mismatch") }
        if try p.int("approval_count") != state.approvals.count { throw fail("job payload approval_count mismatch") }
        for event in events where event.jobID.goTrimmed != jobID {
            throw fail("job event job_id does not match payload")
        }
        return Parsed(payload: payloadValue, state: state, events: events)
    }

    private static func checkStatusFields(status: String, stopReason: String, reasonCode: String, fingerprint: String,
                                          invariantVersion: String, invariantHash: String, what: String) throws {
        func fail(_ message: String) -> FormatError { .verification("\(what) \(message)") }
        if !Job.statuses.contains(status) { throw fail("has invalid status: \(status)") }
        if stopReason.goTrimmed.isEmpty { throw fail("missing stop_reason") }
        if reasonCode.goTrimmed.isEmpty { throw fail("missing status_reason_code") }
        if fingerprint.goTrimmed.isEmpty { throw fail("missing environment_fingerprint") }
        if !invariantVersion.goTrimmed.isEmpty && !Hex.isSHA256(invariantHash.goTrimmed) {
            throw fail("safety_invariant_hash must be sha256 hex")
        }
    }
}
