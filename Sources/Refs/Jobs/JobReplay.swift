import ObjectStore

extension JobMachine {
    /// Rebuilds a job's record from its events alone.
    ///
    /// Each event is turned back into the command that made it and run through `apply` at the
    /// event's own time and with the lease it carried; the event `apply` makes must equal the
    /// stored one, field by field, in canonical JSON. So replay does more than fold the events:
    /// it refuses a history with a gap, a foreign event, an illegal step (a paused job paused
    /// again, a write past another worker's lease) or an event whose content was altered (a
    /// lease id, a fingerprint, a status reason). The result equals the snapshot committed with
    /// the last event if nothing was tampered with; `onEach` sees the record after every event,
    /// to compare with every snapshot.
    public static func replay(_ events: [Job.Event],
                              onEach: (JobRecord) -> Void = { _ in }) throws(JobReplayError) -> JobRecord {
        guard let first = events.first else { throw .empty }
        let jobID = first.jobID
        var record: JobRecord?
        for (index, stored) in events.enumerated() {
            let revision = index + 1
            guard stored.revision == revision else {
                throw .revision(job: jobID, position: revision, found: stored.revision)
            }
            guard stored.jobID == jobID else { throw .foreignEvent(job: jobID, revision: revision, found: stored.jobID) }
            guard stored.schemaID == Job.eventSchemaID, stored.schemaVersion == Job.schemaVersion else {
                throw .schema(job: jobID, revision: revision, found: "\(stored.schemaID) \(stored.schemaVersion)")
            }
            guard let type = JobEventType(rawValue: stored.type) else {
                throw .unknownType(job: jobID, revision: revision, type: stored.type)
            }
            let command: JobCommand
            do { command = try JobCommandReading.command(of: stored, type: type) } catch {
                throw .malformed(job: jobID, revision: revision, type: stored.type, reason: error.reason)
            }
            let extras = JobPayload.extensionObject(stored.payload)
            let made: Job.Event?
            do {
                // In place: the record (its events, its checkpoints) grows without being copied at
                // each step, which made a replay quadratic in the history's length.
                made = try advance(&record, by: command, jobID: jobID, now: stored.createdAt,
                                   presentedLease: JobPayload.string(extras, "lease_id"),
                                   producerVersion: JobPayload.string(extras, "producer_version") ?? "")
            } catch {
                throw .illegal(job: jobID, revision: revision, type: stored.type, refusal: error)
            }
            guard let made else {
                throw .differs(job: jobID, revision: revision, type: stored.type, field: "type (no lease was held to release)")
            }
            if let field = firstDifference(made, stored) {
                throw .differs(job: jobID, revision: revision, type: stored.type, field: field)
            }
            record?.events.removeLast()
            record?.events.append(stored)
            if let record { onEach(record) }
        }
        guard let record else { throw .empty }
        return record
    }

    /// The first top-level event field (or payload member) whose canonical JSON differs.
    private static func firstDifference(_ made: Job.Event, _ stored: Job.Event) -> String? {
        guard let a = made.json.objectValue, let b = stored.json.objectValue else { return "event" }
        for key in Set(a.keys + b.keys).sorted() where !canonicallyEqual(a[key], b[key]) {
            guard key == "payload", let pa = a[key]?.objectValue, let pb = b[key]?.objectValue else { return key }
            let member = Set(pa.keys + pb.keys).sorted().first { !canonicallyEqual(pa[$0], pb[$0]) }
            return "payload." + (member ?? "")
        }
        return nil
    }

    private static func canonicallyEqual(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        guard let x = try? CanonicalJSON.encode(a), let y = try? CanonicalJSON.encode(b) else { return false }
        return x == y
    }
}

/// Turns a stored event back into the command that made it.
enum JobCommandReading {
    struct Failure: Error {
        let reason: String
    }

    static func command(of event: Job.Event, type: JobEventType) throws(Failure) -> JobCommand {
        let payload = event.payload
        func string(_ key: String) throws(Failure) -> String {
            guard let value = JobPayload.string(payload, key) else { throw Failure(reason: "payload has no string \(key)") }
            return value
        }
        switch type {
        case .submitted:
            return .submit(actor: event.actor, fingerprint: try string("environment_fingerprint"))
        case .checkpointAdded:
            guard let summary = JobPayload.string(JobPayload.extensionObject(payload), "summary") else {
                throw Failure(reason: "payload has no \(JobPayload.extensionKey).summary")
            }
            return .checkpoint(type: try string("checkpoint_type"), summary: summary,
                               requiredAction: try string("required_action"), actor: event.actor)
        case .paused:
            return .pause(actor: event.actor)
        case .cancelled:
            return .cancel(actor: event.actor)
        case .emergencyStopAcknowledged:
            return .emergencyStop(actor: event.actor)
        case .approved:
            return .approve(actor: event.actor, reason: try string("reason"))
        case .resumed:
            return .resume(fingerprint: try string("actual_fingerprint"),
                           allowMismatch: event.reasonCode.hasPrefix("resumed_with_env_override"),
                           actor: event.actor, reason: try string("reason"))
        case .dispatchBlocked:
            return .blockedDispatch(actor: event.actor, path: try string("dispatch_path"), reasonCode: event.reasonCode)
        case .leaseAcquired:
            guard let ttl = JobPayload.int(payload, "ttl_seconds") else { throw Failure(reason: "payload has no ttl_seconds") }
            return .acquireLease(worker: try string("worker_id"), ttlSeconds: ttl)
        case .leaseHeartbeat:
            return .heartbeat(worker: try string("worker_id"), lease: try string("lease_id"))
        case .leaseReleased:
            return .releaseLease(worker: try string("worker_id"), lease: try string("lease_id"))
        }
    }
}

/// A job history that does not replay; each description names the job and the event's revision.
public enum JobReplayError: Error, Equatable, CustomStringConvertible {
    case empty
    /// The event at 1-based `position` carries another revision.
    case revision(job: String, position: Int, found: Int)
    case foreignEvent(job: String, revision: Int, found: String)
    case schema(job: String, revision: Int, found: String)
    case unknownType(job: String, revision: Int, type: String)
    case malformed(job: String, revision: Int, type: String, reason: String)
    /// The machine refuses the step the event records.
    case illegal(job: String, revision: Int, type: String, refusal: JobRefusal)
    /// The step is legal but the stored event is not the one the machine makes.
    case differs(job: String, revision: Int, type: String, field: String)

    public var description: String {
        switch self {
        case .empty:
            return "job history is empty: a job starts with its submitted event"
        case .revision(let job, let position, let found):
            return "job \(job): event \(position) has revision \(found), expected \(position)"
        case .foreignEvent(let job, let revision, let found):
            return "job \(job): event revision \(revision) belongs to job \(found)"
        case .schema(let job, let revision, let found):
            return "job \(job): event revision \(revision) has schema \(found), expected \(Job.eventSchemaID) \(Job.schemaVersion)"
        case .unknownType(let job, let revision, let type):
            return "job \(job): event revision \(revision) has unknown type \"\(type)\""
        case .malformed(let job, let revision, let type, let reason):
            return "job \(job): \(type) event revision \(revision) is malformed: \(reason)"
        case .illegal(let job, let revision, let type, let refusal):
            return "job \(job): \(type) event revision \(revision) is not a legal step: \(refusal.message)"
        case .differs(let job, let revision, let type, let field):
            return "job \(job): \(type) event revision \(revision) does not match its command: \(field) differs"
        }
    }
}
