import ObjectStore

/// gait's job state machine (job-runtime §2, §4, §6, §7.1) with wrkr's leases (§5.3) and lease
/// fencing: given a record and a command, the next record and its event, or a refusal. Pure:
/// no I/O, no clock, no git. The only outside input it may read is this host's environment
/// fingerprint, and only when a submit or resume leaves the fingerprint to it, as gait does.
///
/// Where gait lets an invalid change through, the machine refuses it: a completed, cancelled
/// or emergency-stopped job takes no checkpoint and no approval. Everything else follows gait's
/// transition table, resume gates and wording.
///
/// **Fencing.** While a job holds a live lease, every command that changes gait's state (see
/// `JobCommand.isFenced`) must present that lease; one without it or with another is refused,
/// naming the holder. A lease that is presented must be live: an expired or released one is
/// refused, so a worker learns it lost its lease at its next write. Lease ids are recorded in
/// the event (under `JobPayload.extensionKey`), so replay re-checks the fence.
public enum JobMachine {
    /// gait's limit on a checkpoint summary, in UTF-8 bytes after trimming.
    public static let maxSummaryBytes = 512
    /// gait's library default when no producer version is given.
    public static let defaultProducerVersion = "0.0.0-dev"

    /// The record after `command` at `now`, carrying `presentedLease` (nil or blank: none), and
    /// the event to commit. The event is nil only for a release when no lease is held, which
    /// succeeds without changing anything (wrkr's idempotent release); then `record` is returned
    /// as it was. `presentedLease` matters to fenced commands only (the lease commands name their
    /// lease themselves); `producerVersion` is used by submit alone.
    ///
    /// `storedCheckpoints` are checkpoints of the job that precede `record.state.checkpoints` and
    /// stay encoded (an append decides one step on them counted, not decoded: see
    /// `Job.State.decodeForAppend`); the step never changes them.
    public static func apply(_ command: JobCommand, to record: JobRecord?, storedCheckpoints: Job.StoredCheckpoints = .empty,
                             jobID rawJobID: String, now rawNow: GoTime, presentedLease: String?, producerVersion: String)
        throws(JobRefusal) -> (record: JobRecord, event: Job.Event?)
    {
        var next = record
        let event = try advance(&next, by: command, storedCheckpoints: storedCheckpoints, jobID: rawJobID, now: rawNow,
                                presentedLease: presentedLease, producerVersion: producerVersion)
        guard let event, let next else {
            // Only a release with no lease held makes no event; it leaves an existing record as it was.
            guard let record else { throw .unknownJob(Job.trimmed(rawJobID)) }
            return (record, nil)
        }
        return (next, event)
    }

    /// `apply` in place: steps `record` (nil: no job yet) and returns the event, nil when nothing
    /// changes. The record and its arrays are mutated where they are, not copied, so a replay that
    /// owns its record steps through a long history in linear time. On a refusal `record` may be
    /// left part-way changed: callers that cannot discard it use `apply`.
    static func advance(_ record: inout JobRecord?, by command: JobCommand, storedCheckpoints: Job.StoredCheckpoints = .empty,
                        jobID rawJobID: String, now rawNow: GoTime, presentedLease: String?,
                        producerVersion: String) throws(JobRefusal) -> Job.Event?
    {
        let jobID = Job.trimmed(rawJobID)
        guard !jobID.isEmpty else { throw .jobIDRequired() }
        guard Job.isValidID(jobID) else { throw .invalidJobID(jobID) }
        let now = rawNow.utc
        let presented = presentedLease.map(Job.trimmed).flatMap { $0.isEmpty ? nil : $0 }

        guard var current = record else {
            guard case .submit(let actor, let fingerprint) = command else { throw .unknownJob(jobID) }
            if let presented { throw .leaseNotHeld(presented: presented, job: jobID) }
            let submitted = submit(jobID: jobID, actor: actor, fingerprint: fingerprint, now: now,
                                   producerVersion: producerVersion)
            record = submitted
            return submitted.events.last
        }
        // `current` is then the only owner of the record's storage, so the changes below need no copy.
        record = nil
        defer { record = current }
        guard current.state.jobID == jobID else { throw .recordMismatch(record: current.state.jobID, requested: jobID) }
        if case .submit = command { throw .jobExists(jobID) }
        guard let status = JobStatus(rawValue: current.state.status) else {
            throw .unknownStatus(current.state.status, job: jobID)
        }
        if command.isFenced { try checkFence(current, presented: presented, now: now) }

        let step = Step(jobID: jobID, status: status, now: now, revision: current.state.revision + 1,
                        storedCheckpoints: storedCheckpoints)
        guard var draft = try change(&current, by: command, step) else { return nil }
        if command.isFenced, let presented { draft.additions.append(("lease_id", .string(presented))) }
        current.state.updatedAt = now
        current.state.revision = step.revision
        let event = draft.event(jobID: jobID, revision: step.revision, at: now)
        current.events.append(event)
        return event
    }

    /// What every change needs to know besides the record.
    struct Step {
        let jobID: String
        let status: JobStatus
        let now: GoTime
        /// The revision of the event being made.
        let revision: Int
        /// The job's checkpoints that precede `state.checkpoints`, still encoded (see `apply`).
        let storedCheckpoints: Job.StoredCheckpoints
    }

    private static func checkFence(_ record: JobRecord, presented: String?, now: GoTime) throws(JobRefusal) {
        let jobID = record.state.jobID
        if let live = record.liveLease(at: now) {
            guard let presented else { throw .leaseRequired(live, job: jobID) }
            guard presented == live.leaseID else { throw .leaseMismatch(presented: presented, live: live, job: jobID) }
            return
        }
        guard let presented else { return }
        if let stale = record.lease, stale.leaseID == presented { throw .leaseExpired(stale, job: jobID) }
        throw .leaseNotHeld(presented: presented, job: jobID)
    }

    /// Applies every command but submit to `record`'s state or lease; returns its event draft.
    private static func change(_ record: inout JobRecord, by command: JobCommand, _ step: Step)
        throws(JobRefusal) -> JobEventDraft?
    {
        switch command {
        case .submit:
            throw .jobExists(step.jobID)
        case .pause(let actor):
            return try simpleTransition(&record.state, step, .paused, actor: actor, allowedFrom: [.running, .decisionNeeded],
                                        to: .paused, stopReason: JobStopReason.pausedByUser, reasonCode: "paused")
        case .cancel(let actor):
            return try simpleTransition(&record.state, step, .cancelled, actor: actor,
                                        allowedFrom: [.running, .paused, .decisionNeeded, .blocked, .emergencyStopped],
                                        to: .cancelled, stopReason: JobStopReason.cancelledByUser, reasonCode: "cancelled")
        case .emergencyStop(let actor):
            return try simpleTransition(&record.state, step, .emergencyStopAcknowledged, actor: actor,
                                        allowedFrom: [.running, .paused, .decisionNeeded, .blocked], to: .emergencyStopped,
                                        stopReason: JobStopReason.emergencyStopped, reasonCode: "emergency_stop_preempted")
        case .checkpoint(let type, let summary, let requiredAction, let actor):
            return try addCheckpoint(&record.state, step, type: type, summary: summary, requiredAction: requiredAction,
                                     actor: actor)
        case .approve(let actor, let reason):
            return try approve(&record.state, step, actor: actor, reason: reason)
        case .resume(let fingerprint, let allowMismatch, let actor, let reason):
            return try resume(&record.state, step, fingerprint: fingerprint, allowMismatch: allowMismatch, actor: actor,
                              reason: reason)
        case .blockedDispatch(let actor, let path, let reasonCode):
            return try recordBlockedDispatch(record.state, step, actor: actor, path: path, reasonCode: reasonCode)
        case .acquireLease(let worker, let ttlSeconds):
            return try acquireLease(&record, step, worker: worker, ttlSeconds: ttlSeconds)
        case .heartbeat(let worker, let lease):
            return try heartbeat(&record, step, worker: worker, lease: lease)
        case .releaseLease(let worker, let lease):
            return try releaseLease(&record, step, worker: worker, lease: lease)
        }
    }

    /// gait's `Submit`: a running job at revision 1 with its safety-invariant ledger.
    private static func submit(jobID: String, actor rawActor: String, fingerprint: String?, now: GoTime,
                               producerVersion: String) -> JobRecord {
        let actor = Job.trimmed(rawActor)
        let producer = Job.trimmed(producerVersion)
        var state = Job.State()
        state.schemaID = Job.stateSchemaID
        state.schemaVersion = Job.schemaVersion
        state.createdAt = now
        state.updatedAt = now
        state.producerVersion = producer.isEmpty ? defaultProducerVersion : producer
        state.jobID = jobID
        state.status = JobStatus.running.rawValue
        state.stopReason = JobStopReason.none
        state.statusReasonCode = "submitted"
        state.environmentFingerprint = Job.environmentFingerprint(override: fingerprint ?? "")
        state.identity = actor  // gait: identity defaults to the actor when no identity is given
        state.revision = 1
        state.ensureSafetyInvariantLedger()

        var payload: [(String, JSONValue)] = [("environment_fingerprint", .string(state.environmentFingerprint))]
        if !state.identity.isEmpty { payload.append(("identity", .string(state.identity))) }
        let draft = JobEventDraft(type: .submitted, actor: actor, reasonCode: "submitted", payload: payload,
                                  additions: [("producer_version", .string(state.producerVersion))])
        let event = draft.event(jobID: jobID, revision: 1, at: now)
        return JobRecord(state: state, lease: nil, events: [event])
    }
}

/// What a command contributes to its event; `JobMachine.apply` adds the envelope.
struct JobEventDraft {
    var type: JobEventType
    var actor: String
    var reasonCode: String
    /// gait's payload members.
    var payload: [(String, JSONValue)] = []
    /// gaitstore's, nested under `JobPayload.extensionKey`.
    var additions: [(String, JSONValue)] = []

    func event(jobID: String, revision: Int, at now: GoTime) -> Job.Event {
        var members = payload
        if !additions.isEmpty { members.append((JobPayload.extensionKey, .object(JobPayload.object(additions)))) }
        var event = Job.Event()
        event.schemaID = Job.eventSchemaID
        event.schemaVersion = Job.schemaVersion
        event.createdAt = now
        event.jobID = jobID
        event.revision = revision
        event.type = type.rawValue
        event.actor = actor
        event.reasonCode = reasonCode
        event.payload = members.isEmpty ? nil : JobPayload.object(members)
        return event
    }
}
