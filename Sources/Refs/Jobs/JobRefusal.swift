import ObjectStore

/// Why the machine refused a command. Nothing was changed; the CLI prints `description` on
/// stderr and exits with `exitCode`.
///
/// `reasonCode` is stable, for scripts and `--json`; `message` is for people and keeps gait's
/// wording where gait has one, followed by the job it concerns.
public struct JobRefusal: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// Bad input, an invalid transition, a failed resume gate or a lease conflict: exit 6.
        case invalid
        /// Resume needs an approval first: exit 4 (gait's documented code; gait itself exits 6).
        case approvalRequired
        /// No job with that id: exit 6 (gait exits 1 for some commands, an accident of its lock files).
        case unknownJob
    }

    public let kind: Kind
    public let reasonCode: String
    public let message: String

    public init(_ kind: Kind, _ reasonCode: String, _ message: String) {
        self.kind = kind
        self.reasonCode = reasonCode
        self.message = message
    }

    public var exitCode: Int32 {
        switch kind {
        case .invalid, .unknownJob: return 6
        case .approvalRequired: return 4
        }
    }

    public var description: String { message }
}

// MARK: - The refusals, one constructor each, so wording and codes live in one place.

extension JobRefusal {
    static let jobIDPattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"

    static func jobIDRequired() -> JobRefusal {
        JobRefusal(.invalid, "job_id_required", "job_id is required")
    }

    static func invalidJobID(_ id: String) -> JobRefusal {
        JobRefusal(.invalid, "invalid_job_id", "invalid job_id \"\(id)\": job_id must match \(jobIDPattern)")
    }

    static func unknownJob(_ id: String) -> JobRefusal {
        JobRefusal(.unknownJob, "job_not_found", "job not found: \(id)")
    }

    static func jobExists(_ id: String) -> JobRefusal {
        JobRefusal(.invalid, "job_exists", "job already exists: \(id)")
    }

    static func recordMismatch(record: String, requested: String) -> JobRefusal {
        JobRefusal(.invalid, "job_id_mismatch", "job record holds job \(record), not job \(requested)")
    }

    static func unknownStatus(_ status: String, job: String) -> JobRefusal {
        JobRefusal(.invalid, "unknown_status", "job \(job) has unknown status \"\(status)\"")
    }

    /// gait's `invalid transition: <event_type> from <status>`.
    static func invalidTransition(_ eventType: JobEventType, from status: JobStatus, job: String) -> JobRefusal {
        JobRefusal(.invalid, "invalid_transition",
                   "invalid transition: \(eventType.rawValue) from \(status.rawValue) (job \(job))")
    }

    static func resumeNotStopped(_ status: JobStatus, job: String) -> JobRefusal {
        JobRefusal(.invalid, "invalid_transition",
                   "invalid transition: resume requires paused, decision_needed, or blocked state (job \(job) is \(status.rawValue))")
    }

    static func dispatchNotStopped(_ status: JobStatus, job: String) -> JobRefusal {
        JobRefusal(.invalid, "invalid_transition",
                   "invalid transition: blocked dispatch requires emergency stopped state (job \(job) is \(status.rawValue))")
    }

    // Checkpoint rules (job-runtime §6.2), in gait's order and words.

    static func checkpointType(_ type: String, job: String) -> JobRefusal {
        JobRefusal(.invalid, "checkpoint_type_invalid",
                   "invalid checkpoint: type must be one of plan|progress|decision-needed|blocked|completed (got \"\(type)\", job \(job))")
    }

    static func checkpointSummaryMissing(job: String) -> JobRefusal {
        JobRefusal(.invalid, "checkpoint_summary_required", "invalid checkpoint: summary is required (job \(job))")
    }

    static func checkpointSummaryTooLong(bytes: Int, job: String) -> JobRefusal {
        JobRefusal(.invalid, "checkpoint_summary_too_long",
                   "invalid checkpoint: summary exceeds max length \(JobMachine.maxSummaryBytes) (\(bytes) bytes, job \(job))")
    }

    static func checkpointRequiredActionMissing(job: String) -> JobRefusal {
        JobRefusal(.invalid, "checkpoint_required_action_required",
                   "invalid checkpoint: required_action is required for decision-needed checkpoints (job \(job))")
    }

    static func approvalActorMissing(job: String) -> JobRefusal {
        JobRefusal(.invalid, "approval_actor_required", "approval actor is required (job \(job))")
    }

    // Resume gates (job-runtime §2.4).

    static func approvalRequired(decisions: Int, approvals: Int, job: String) -> JobRefusal {
        JobRefusal(.approvalRequired, "approval_required",
                   "approval required: approval required before resume (job \(job) has \(decisions) decision-needed checkpoint(s) and \(approvals) approval(s))")
    }

    static func policyEvaluationRequired(job: String) -> JobRefusal {
        JobRefusal(.invalid, "policy_evaluation_required",
                   "policy evaluation required: policy digest is required when policy evaluation is enabled (job \(job))")
    }

    static func environmentMismatch(expected: String, actual: String, job: String) -> JobRefusal {
        JobRefusal(.invalid, "env_fingerprint_mismatch",
                   "environment fingerprint mismatch: expected=\(expected) actual=\(actual) (job \(job))")
    }

    static func overrideUnattributed(expected: String, actual: String, job: String) -> JobRefusal {
        JobRefusal(.invalid, "env_override_unattributed",
                   "environment fingerprint override needs an actor and a reason (job \(job): expected=\(expected) actual=\(actual))")
    }

    // Leases (job-runtime §5.3 and §12, with fencing added).

    static func leaseRequired(_ lease: JobLease, job: String) -> JobRefusal {
        JobRefusal(.invalid, "lease_required",
                   "job \(job) is leased to worker \(lease.workerID) until \(lease.expiresAt): a change must carry that lease")
    }

    static func leaseMismatch(presented: String, live: JobLease, job: String) -> JobRefusal {
        JobRefusal(.invalid, "lease_mismatch",
                   "lease \(presented) is not the live lease of job \(job): worker \(live.workerID) holds it until \(live.expiresAt)")
    }

    static func leaseExpired(_ lease: JobLease, job: String) -> JobRefusal {
        JobRefusal(.invalid, "lease_expired",
                   "lease \(lease.leaseID) of job \(job) expired at \(lease.expiresAt): renew it with a heartbeat or acquire a new one")
    }

    static func leaseNotHeld(presented: String, job: String) -> JobRefusal {
        JobRefusal(.invalid, "lease_not_held", "lease \(presented) is not held on job \(job)")
    }

    static func leaseHeld(_ lease: JobLease, requester: String, job: String) -> JobRefusal {
        let hint = lease.workerID == requester ? "; it is the requester's own, extend it with a heartbeat" : ""
        return JobRefusal(.invalid, "lease_held",
                          "job lease already held: worker \(lease.workerID) holds it until \(lease.expiresAt)\(hint) (job \(job))")
    }

    static func noActiveLease(job: String) -> JobRefusal {
        JobRefusal(.invalid, "no_active_lease", "no active lease on job \(job)")
    }

    static func leasePairMismatch(_ operation: String, current: JobLease, worker: String, lease: String,
                                  job: String) -> JobRefusal {
        JobRefusal(.invalid, "\(operation)_lease_mismatch",
                   "\(operation) lease mismatch: job \(job) is leased to worker \(current.workerID), not to worker \(worker) with lease \(lease)")
    }

    static func leaseWorkerMissing(job: String) -> JobRefusal {
        JobRefusal(.invalid, "lease_worker_required", "lease worker is required (job \(job))")
    }

    static func leaseIDMissing(job: String) -> JobRefusal {
        JobRefusal(.invalid, "lease_id_required", "lease id is required (job \(job))")
    }

    static func leaseTTLTooLong(_ seconds: Int, job: String) -> JobRefusal {
        JobRefusal(.invalid, "lease_ttl_out_of_range",
                   "lease ttl \(seconds) seconds is out of range: at most \(JobLease.maxTTLSeconds) (job \(job))")
    }
}
