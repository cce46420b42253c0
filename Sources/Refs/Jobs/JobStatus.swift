import ObjectStore

/// gait's job statuses (job-runtime §2.1). `Job.State.status` stays a string so a snapshot
/// round-trips byte for byte; the machine reads it through this type so every switch over a
/// status is exhaustive and an unknown status fails closed.
public enum JobStatus: String, CaseIterable, Sendable {
    case running
    case paused
    case decisionNeeded = "decision_needed"
    case blocked
    case completed
    case cancelled
    case emergencyStopped = "emergency_stopped"

    /// Statuses gait can still leave through `cancel` or a checkpoint, but which gaitstore closes
    /// to checkpoints and approvals (gait lets both through, §2.2 "observed quirks").
    public var isTerminal: Bool {
        switch self {
        case .completed, .cancelled, .emergencyStopped: return true
        case .running, .paused, .decisionNeeded, .blocked: return false
        }
    }
}

/// gait's `stop_reason` values (job-runtime §2.1). `env_fingerprint_mismatch` is declared by gait
/// but never assigned, so it is absent here too.
public enum JobStopReason {
    public static let none = "none"
    public static let pausedByUser = "paused_by_user"
    public static let decisionNeeded = "decision_needed"
    public static let blocked = "blocked"
    public static let completed = "completed"
    public static let cancelledByUser = "cancelled_by_user"
    public static let emergencyStopped = "emergency_stopped"
}

/// gait's checkpoint taxonomy (job-runtime §6.1) with the reason code and status effect of each.
public enum JobCheckpointType: String, CaseIterable, Sendable {
    case plan
    case progress
    case decisionNeeded = "decision-needed"
    case blocked
    case completed

    /// `checkpoint_<type>`, with `-` turned into `_`.
    public var reasonCode: String {
        switch self {
        case .plan: return "checkpoint_plan"
        case .progress: return "checkpoint_progress"
        case .decisionNeeded: return "checkpoint_decision_needed"
        case .blocked: return "checkpoint_blocked"
        case .completed: return "checkpoint_completed"
        }
    }

    /// The status, stop reason and status reason code the checkpoint moves the job to; nil
    /// for plan and progress, which leave all three alone.
    var statusEffect: (status: JobStatus, stopReason: String, reasonCode: String)? {
        switch self {
        case .plan, .progress: return nil
        case .decisionNeeded: return (.decisionNeeded, JobStopReason.decisionNeeded, "decision_needed")
        case .blocked: return (.blocked, JobStopReason.blocked, "blocked")
        case .completed: return (.completed, JobStopReason.completed, "completed")
        }
    }
}
