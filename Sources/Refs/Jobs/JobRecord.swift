import ObjectStore

/// Everything a job's ref says at one commit: gait's state, the lease if any, and the events
/// that led there (the last one is the commit's own).
public struct JobRecord: Equatable, Sendable {
    public var state: Job.State
    /// The last lease granted and not released; it may have expired (see `liveLease(at:)`).
    public var lease: JobLease?
    public var events: [Job.Event]

    public init(state: Job.State, lease: JobLease?, events: [Job.Event]) {
        self.state = state
        self.lease = lease
        self.events = events
    }

    /// The lease, if it has not expired at `now`.
    public func liveLease(at now: GoTime) -> JobLease? {
        lease.flatMap { $0.isLive(at: now) ? $0 : nil }
    }

    /// gait's `ListCheckpoints`: the checkpoints sorted by id, bytewise.
    public var sortedCheckpoints: [Job.Checkpoint] {
        state.checkpoints.sorted { $0.checkpointID.utf8.lexicographicallyPrecedes($1.checkpointID.utf8) }
    }

    /// gait's `GetCheckpoint`: the checkpoint with the trimmed `id`, or `checkpoint not found: <id>` (exit 6).
    public func checkpoint(id: String) throws(JobRefusal) -> Job.Checkpoint {
        let needle = Job.trimmed(id)
        guard let found = state.checkpoints.first(where: { $0.checkpointID == needle }) else {
            throw JobRefusal(.invalid, "checkpoint_not_found", "checkpoint not found: \(needle) (job \(state.jobID))")
        }
        return found
    }
}

/// The state and events gait would hold after the same gait commands at the same times.
public struct JobGaitView: Equatable, Sendable {
    public var state: Job.State
    public var events: [Job.Event]
}

extension JobRecord {
    /// What a job pack is built from (see `JobEventType`): the lease events dropped, gaitstore's
    /// payload additions removed, revisions renumbered 1...n, and the state's `revision` and
    /// `updated_at` those of the last gait event. Lease events change nothing else in the state,
    /// so this is exactly gait's snapshot and journal for the same commands.
    public var gaitView: JobGaitView {
        var kept: [Job.Event] = []
        for event in events where JobEventType(rawValue: event.type)?.isGaitEvent ?? true {
            var gaitEvent = event
            gaitEvent.revision = kept.count + 1
            if var payload = gaitEvent.payload {
                payload[JobPayload.extensionKey] = nil
                gaitEvent.payload = payload.isEmpty ? nil : payload
            }
            kept.append(gaitEvent)
        }
        var gaitState = state
        gaitState.revision = kept.count
        if let last = kept.last { gaitState.updatedAt = last.createdAt }
        return JobGaitView(state: gaitState, events: kept)
    }
}
