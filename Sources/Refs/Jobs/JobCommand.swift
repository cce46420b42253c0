/// One request to change a job, with its arguments as the user gave them (the machine trims
/// them as gait does). `job status`, `inspect` and `checkpoint list|show` read a `JobRecord`
/// and are not commands.
public enum JobCommand: Equatable, Sendable {
    /// `fingerprint` nil or blank: gait's own fingerprint of this host (job-runtime §7.1).
    case submit(actor: String, fingerprint: String?)
    /// `type`: plan, progress, decision-needed, blocked or completed; anything else is refused.
    case checkpoint(type: String, summary: String, requiredAction: String, actor: String)
    case pause(actor: String)
    /// `reason` blank: gait's default `approved`.
    case approve(actor: String, reason: String)
    /// `fingerprint` nil or blank: this host's. `reason` blank: gait's default `resume`, except
    /// that an override of a fingerprint mismatch must name its actor and reason.
    case resume(fingerprint: String?, allowMismatch: Bool, actor: String, reason: String)
    case cancel(actor: String)
    case emergencyStop(actor: String)
    /// gait's `RecordBlockedDispatch` (job-runtime §2.3): a dispatch refused because the job is
    /// emergency-stopped. Blank `path` and `reasonCode` take gait's defaults.
    case blockedDispatch(actor: String, path: String, reasonCode: String)
    /// `ttlSeconds` nil or not positive: wrkr's default of 30 seconds.
    case acquireLease(worker: String, ttlSeconds: Int?)
    case heartbeat(worker: String, lease: String)
    case releaseLease(worker: String, lease: String)

    /// Whether a live lease fences this command, i.e. whether it must carry that lease.
    ///
    /// Every command that changes gait's state is fenced, emergency stop included, as the issue
    /// asks: a stop by anyone but the lease holder waits for the lease to expire. The lease
    /// commands carry their lease (or, for acquire, are refused) by their own rules.
    public var isFenced: Bool {
        switch self {
        case .submit, .acquireLease, .heartbeat, .releaseLease: return false
        case .checkpoint, .pause, .approve, .resume, .cancel, .emergencyStop, .blockedDispatch: return true
        }
    }
}
