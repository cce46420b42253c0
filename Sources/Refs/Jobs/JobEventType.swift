/// The `type` of every event on a job's ref.
///
/// The first eight are gait's (job-runtime §4.1). The lease events are gaitstore's additions:
/// gait has no leases, and wrkr keeps them in a separate store. Leases change who may write, so
/// they are history too and each is one commit like any other event; they do not touch gait's
/// fields of `job_state.json` beyond `revision` and `updated_at`.
///
/// **Job packs** should be built from `JobRecord.gaitView`, which drops the lease events and
/// gaitstore's payload additions and numbers the rest as gait numbers them. Replay needs the
/// lease events, so they cannot stay out of the ref; but a pack is gait's artifact, and from this
/// view a gaitstore job gets the very `pack_id` gait computes for the same commands at the same
/// times, leases or no leases. A pack of the raw events would still verify under gait (it ignores
/// unknown event types and payload keys) but its `pack_id` would be gaitstore's own.
public enum JobEventType: String, CaseIterable, Sendable {
    case submitted
    case checkpointAdded = "checkpoint_added"
    case paused
    case cancelled
    case emergencyStopAcknowledged = "emergency_stop_acknowledged"
    case approved
    case resumed
    case dispatchBlocked = "dispatch_blocked"
    /// Payload: the lease record (`worker_id`, `lease_id`, `acquired_at`, `heartbeat_at`,
    /// `expires_at`, `ttl_seconds`), plus `previous_worker_id`, `previous_lease_id` and
    /// `previous_expires_at` when an expired lease was taken over (reason `lease_taken_over`).
    case leaseAcquired = "lease_acquired"
    /// Payload: the extended lease record.
    case leaseHeartbeat = "lease_heartbeat"
    /// Payload: `worker_id`, `lease_id`.
    case leaseReleased = "lease_released"

    /// Whether gait itself writes this event type, i.e. whether it belongs in a job pack.
    public var isGaitEvent: Bool {
        switch self {
        case .leaseAcquired, .leaseHeartbeat, .leaseReleased: return false
        default: return true
        }
    }
}
