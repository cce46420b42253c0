import ObjectStore

/// wrkr's lease rules (job-runtime §5.3, §12): acquire, heartbeat, release. They apply to a job
/// in any status, as in wrkr, so a worker can always let go of a job that has ended.
extension JobMachine {
    /// A live lease refuses every acquire, whoever holds it. wrkr re-grants a live lease to the
    /// same (worker, lease id) pair, but here the lease id is made by the grant, so the holder
    /// extends its lease with a heartbeat instead. An expired lease is taken over, and the event
    /// says whose it was.
    static func acquireLease(_ record: inout JobRecord, _ step: Step, worker rawWorker: String,
                             ttlSeconds: Int?) throws(JobRefusal) -> JobEventDraft {
        let worker = Job.trimmed(rawWorker)
        guard !worker.isEmpty else { throw .leaseWorkerMissing(job: step.jobID) }
        let ttl = ttlSeconds.flatMap { $0 > 0 ? $0 : nil } ?? JobLease.defaultTTLSeconds
        guard ttl <= JobLease.maxTTLSeconds else { throw .leaseTTLTooLong(ttl, job: step.jobID) }
        if let live = record.liveLease(at: step.now) { throw .leaseHeld(live, requester: worker, job: step.jobID) }

        let previous = record.lease
        let lease = JobLease(leaseID: JobLease.deriveID(jobID: step.jobID, revision: step.revision, workerID: worker,
                                                        at: step.now),
                             workerID: worker, acquiredAt: step.now, heartbeatAt: step.now,
                             expiresAt: JobLease.expiry(from: step.now, ttlSeconds: ttl), ttlSeconds: ttl)
        record.lease = lease
        var payload = lease.recordMembers
        if let previous {
            payload += [("previous_worker_id", .string(previous.workerID)),
                        ("previous_lease_id", .string(previous.leaseID)),
                        ("previous_expires_at", .string(previous.expiresAt.rfc3339Nano))]
        }
        return JobEventDraft(type: .leaseAcquired, actor: worker,
                             reasonCode: previous == nil ? "lease_acquired" : "lease_taken_over", payload: payload)
    }

    /// Extends the lease to now + its TTL. As in wrkr, expiry is not checked: a holder whose
    /// lease lapsed and was not taken over gets it back.
    static func heartbeat(_ record: inout JobRecord, _ step: Step, worker rawWorker: String,
                          lease rawLease: String) throws(JobRefusal) -> JobEventDraft {
        let (worker, leaseID) = try leaseArguments(rawWorker, rawLease, step)
        guard var lease = record.lease else { throw .noActiveLease(job: step.jobID) }
        guard lease.workerID == worker, lease.leaseID == leaseID else {
            throw .leasePairMismatch("heartbeat", current: lease, worker: worker, lease: leaseID, job: step.jobID)
        }
        lease.heartbeatAt = step.now
        lease.expiresAt = JobLease.expiry(from: step.now, ttlSeconds: lease.ttlSeconds)
        record.lease = lease
        return JobEventDraft(type: .leaseHeartbeat, actor: worker, reasonCode: "lease_heartbeat",
                             payload: lease.recordMembers)
    }

    /// Frees the job. With no lease held it succeeds without an event (nil); expiry is not checked.
    static func releaseLease(_ record: inout JobRecord, _ step: Step, worker rawWorker: String,
                             lease rawLease: String) throws(JobRefusal) -> JobEventDraft? {
        let (worker, leaseID) = try leaseArguments(rawWorker, rawLease, step)
        guard let lease = record.lease else { return nil }
        guard lease.workerID == worker, lease.leaseID == leaseID else {
            throw .leasePairMismatch("release", current: lease, worker: worker, lease: leaseID, job: step.jobID)
        }
        record.lease = nil
        return JobEventDraft(type: .leaseReleased, actor: worker, reasonCode: "lease_released",
                             payload: [("worker_id", .string(worker)), ("lease_id", .string(leaseID))])
    }

    private static func leaseArguments(_ rawWorker: String, _ rawLease: String,
                                       _ step: Step) throws(JobRefusal) -> (worker: String, lease: String) {
        let worker = Job.trimmed(rawWorker), lease = Job.trimmed(rawLease)
        guard !worker.isEmpty else { throw .leaseWorkerMissing(job: step.jobID) }
        guard !lease.isEmpty else { throw .leaseIDMissing(job: step.jobID) }
        return (worker, lease)
    }
}
