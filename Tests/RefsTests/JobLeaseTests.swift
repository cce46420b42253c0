import XCTest
import ObjectStore
@testable import Refs

/// wrkr's lease rules (job-runtime §5.3) and the fencing gaitstore adds, at and around expiry.
final class JobLeaseTests: XCTestCase {
    /// A submitted job on which `worker` holds a lease taken at `jobEpoch` + 1 s for `ttl` seconds.
    private func leased(by worker: String = "w1", ttl: Int? = 30) -> (JobDriver, JobLease) {
        var job = JobDriver.submitted()
        job.advance(seconds: 1)
        job.mustRun(.acquireLease(worker: worker, ttlSeconds: ttl))
        guard let lease = job.lease else {
            XCTFail("no lease")
            return (job, JobLease(leaseID: "", workerID: "", acquiredAt: .zero, heartbeatAt: .zero, expiresAt: .zero,
                                  ttlSeconds: 1))
        }
        return (job, lease)
    }

    func testAcquireRecordsWrkrsLeaseRecord() {
        let (job, lease) = leased(ttl: nil)
        let grantedAt = GoTime(unixSeconds: jobEpoch.unixSeconds + 1)
        XCTAssertEqual(lease.workerID, "w1")
        XCTAssertEqual(lease.acquiredAt, grantedAt)
        XCTAssertEqual(lease.heartbeatAt, grantedAt)
        XCTAssertEqual(lease.expiresAt, GoTime(unixSeconds: grantedAt.unixSeconds + 30), "wrkr's default TTL")
        XCTAssertEqual(lease.ttlSeconds, 30)
        XCTAssertEqual(lease.leaseID, JobLease.deriveID(jobID: "job-1", revision: 2, workerID: "w1", at: grantedAt))
        XCTAssertTrue(lease.leaseID.hasPrefix("lease_") && lease.leaseID.count == 38, lease.leaseID)

        let event = job.record?.events.last
        XCTAssertEqual(event?.type, "lease_acquired")
        XCTAssertEqual(event?.reasonCode, "lease_acquired")
        XCTAssertEqual(event?.actor, "w1")
        XCTAssertEqual(event?.revision, 2)
        XCTAssertEqual(event?.payload, ["acquired_at": "2026-01-01T00:00:01Z", "expires_at": "2026-01-01T00:00:31Z",
                                        "heartbeat_at": "2026-01-01T00:00:01Z", "lease_id": .string(lease.leaseID),
                                        "ttl_seconds": 30, "worker_id": "w1"])
        XCTAssertEqual(job.state.revision, 2, "a lease event is a revision of the job")
        XCTAssertEqual(job.state.statusReasonCode, "submitted", "and changes nothing else of gait's state")
    }

    func testLeaseIDsAreDistinctPerGrant() {
        let at = jobEpoch
        let base = JobLease.deriveID(jobID: "j", revision: 2, workerID: "w", at: at)
        XCTAssertEqual(base, JobLease.deriveID(jobID: "j", revision: 2, workerID: "w", at: at))
        let others = [JobLease.deriveID(jobID: "k", revision: 2, workerID: "w", at: at),
                      JobLease.deriveID(jobID: "j", revision: 3, workerID: "w", at: at),
                      JobLease.deriveID(jobID: "j", revision: 2, workerID: "v", at: at),
                      JobLease.deriveID(jobID: "j", revision: 2, workerID: "w",
                                        at: GoTime(unixSeconds: at.unixSeconds, nanoseconds: 1))]
        XCTAssertEqual(Set(others + [base]).count, 5)
    }

    func testTTLDefaultsAndBounds() {
        for ttl in [nil, 0, -5] as [Int?] {
            XCTAssertEqual(leased(ttl: ttl).1.ttlSeconds, 30, "\(String(describing: ttl))")
        }
        XCTAssertEqual(leased(ttl: 1).1.ttlSeconds, 1)
        let longest = leased(ttl: JobLease.maxTTLSeconds).1
        XCTAssertEqual(longest.expiresAt.unixSeconds, jobEpoch.unixSeconds + 1 + 9_223_372_036)
        var job = JobDriver.submitted()
        let refusal = job.refusal(.acquireLease(worker: "w", ttlSeconds: JobLease.maxTTLSeconds + 1))
        XCTAssertEqual(refusal?.reasonCode, "lease_ttl_out_of_range")
        XCTAssertEqual(refusal?.exitCode, 6)
    }

    /// A live lease fences every gait command; the holder's lease opens it; expiry at `expires_at` exactly.
    func testFencingAtAndAroundExpiry() {
        var (job, lease) = leased()
        job.now = GoTime(unixSeconds: lease.expiresAt.unixSeconds - 1, nanoseconds: 999_999_999)

        let without = job.refusal(.checkpoint("progress"))
        XCTAssertEqual(without?.reasonCode, "lease_required")
        XCTAssertEqual(without?.exitCode, 6)
        XCTAssertEqual(without?.message,
                       "job job-1 is leased to worker w1 until 2026-01-01T00:00:31Z: a change must carry that lease")
        let wrong = job.refusal(.checkpoint("progress"), lease: "lease_forged")
        XCTAssertEqual(wrong?.reasonCode, "lease_mismatch")
        XCTAssertEqual(wrong?.message,
                       "lease lease_forged is not the live lease of job job-1: worker w1 holds it until 2026-01-01T00:00:31Z")
        for command: JobCommand in [.pause(actor: "op"), .approve(actor: "b", reason: ""), .cancel(actor: "op"),
                                    .emergencyStop(actor: "op"), .decision,
                                    .resume(fingerprint: "envfp:host-a", allowMismatch: false, actor: "", reason: "")] {
            XCTAssertEqual(job.refusal(command)?.reasonCode, "lease_required", "\(command)")
        }

        let event = job.mustRun(.checkpoint("progress"), lease: " \(lease.leaseID) ")
        XCTAssertEqual(event?.payload?["gaitstore"]?["lease_id"], .string(lease.leaseID), "the carried lease is recorded")

        job.now = lease.expiresAt  // the boundary: expired
        XCTAssertNil(job.record?.liveLease(at: job.now))
        XCTAssertNotNil(job.mustRun(.checkpoint("progress")), "no live lease, no fence")
        let stale = job.refusal(.checkpoint("progress"), lease: lease.leaseID)
        XCTAssertEqual(stale?.reasonCode, "lease_expired")
        XCTAssertEqual(stale?.message, "lease \(lease.leaseID) of job job-1 expired at 2026-01-01T00:00:31Z: "
                       + "renew it with a heartbeat or acquire a new one")
        XCTAssertEqual(job.refusal(.checkpoint("progress"), lease: "lease_other")?.reasonCode, "lease_not_held")
    }

    func testAcquireWhileLiveIsRefusedNamingTheHolder() {
        var (job, lease) = leased()
        job.now = GoTime(unixSeconds: lease.expiresAt.unixSeconds - 1)
        let other = job.refusal(.acquireLease(worker: "w2", ttlSeconds: nil))
        XCTAssertEqual(other?.reasonCode, "lease_held")
        XCTAssertEqual(other?.exitCode, 6)
        XCTAssertEqual(other?.message, "job lease already held: worker w1 holds it until 2026-01-01T00:00:31Z (job job-1)")
        let same = job.refusal(.acquireLease(worker: "w1", ttlSeconds: nil))
        XCTAssertEqual(same?.message, "job lease already held: worker w1 holds it until 2026-01-01T00:00:31Z; "
                       + "it is the requester's own, extend it with a heartbeat (job job-1)")
    }

    func testExpiredLeaseIsTakenOver() {
        var (job, first) = leased()
        job.now = first.expiresAt
        guard let event = job.mustRun(.acquireLease(worker: "w2", ttlSeconds: 10)), let second = job.lease else { return }
        XCTAssertEqual(event.reasonCode, "lease_taken_over")
        XCTAssertEqual(event.payload?["previous_worker_id"], "w1")
        XCTAssertEqual(event.payload?["previous_lease_id"], .string(first.leaseID))
        XCTAssertEqual(event.payload?["previous_expires_at"], "2026-01-01T00:00:31Z")
        XCTAssertEqual(second.workerID, "w2")
        XCTAssertNotEqual(second.leaseID, first.leaseID)
        XCTAssertEqual(second.expiresAt, GoTime(unixSeconds: first.expiresAt.unixSeconds + 10))

        // The old holder is out: its lease fences nothing, its heartbeat and release are refused.
        XCTAssertEqual(job.refusal(.pause(actor: "w1"), lease: first.leaseID)?.reasonCode, "lease_mismatch")
        let beat = job.refusal(.heartbeat(worker: "w1", lease: first.leaseID))
        XCTAssertEqual(beat?.reasonCode, "heartbeat_lease_mismatch")
        XCTAssertEqual(beat?.message, "heartbeat lease mismatch: job job-1 is leased to worker w2, not to worker w1 "
                       + "with lease \(first.leaseID)")
        XCTAssertEqual(job.refusal(.releaseLease(worker: "w1", lease: first.leaseID))?.reasonCode,
                       "release_lease_mismatch")
        XCTAssertNotNil(job.mustRun(.pause(actor: "w2"), lease: second.leaseID))
    }

    func testHeartbeatExtendsAndRevivesAnUntakenLease() {
        var (job, lease) = leased()
        job.advance(seconds: 20)
        guard let event = job.mustRun(.heartbeat(worker: "w1", lease: lease.leaseID)), let beaten = job.lease else { return }
        XCTAssertEqual(event.type, "lease_heartbeat")
        XCTAssertEqual(event.reasonCode, "lease_heartbeat")
        XCTAssertEqual(beaten.acquiredAt, lease.acquiredAt, "acquired_at is kept")
        XCTAssertEqual(beaten.heartbeatAt, job.now)
        XCTAssertEqual(beaten.expiresAt, GoTime(unixSeconds: job.now.unixSeconds + 30))
        XCTAssertEqual(beaten.leaseID, lease.leaseID)

        job.now = GoTime(unixSeconds: beaten.expiresAt.unixSeconds - 1)
        XCTAssertEqual(job.refusal(.acquireLease(worker: "w2", ttlSeconds: nil))?.reasonCode, "lease_held",
                       "still live past the first expiry")

        job.now = GoTime(unixSeconds: beaten.expiresAt.unixSeconds + 100)  // lapsed, nobody took it
        job.mustRun(.heartbeat(worker: "w1", lease: lease.leaseID))
        XCTAssertNotNil(job.record?.liveLease(at: job.now), "wrkr lets the holder revive a lapsed lease")
    }

    func testHeartbeatAndReleaseChecks() {
        var job = JobDriver.submitted()
        let none = job.refusal(.heartbeat(worker: "w1", lease: "lease_x"))
        XCTAssertEqual(none?.reasonCode, "no_active_lease")
        XCTAssertEqual(none?.message, "no active lease on job job-1")
        XCTAssertEqual(job.refusal(.heartbeat(worker: " ", lease: "lease_x"))?.reasonCode, "lease_worker_required")
        XCTAssertEqual(job.refusal(.heartbeat(worker: "w1", lease: ""))?.reasonCode, "lease_id_required")
        XCTAssertEqual(job.refusal(.acquireLease(worker: "", ttlSeconds: nil))?.reasonCode, "lease_worker_required")

        var (leasedJob, lease) = leased()
        XCTAssertEqual(leasedJob.refusal(.heartbeat(worker: "w1", lease: "lease_x"))?.reasonCode,
                       "heartbeat_lease_mismatch", "right worker, wrong lease")
        XCTAssertEqual(leasedJob.refusal(.heartbeat(worker: "w9", lease: lease.leaseID))?.reasonCode,
                       "heartbeat_lease_mismatch", "right lease, wrong worker")
        XCTAssertEqual(leasedJob.refusal(.releaseLease(worker: "w9", lease: lease.leaseID))?.reasonCode,
                       "release_lease_mismatch")
    }

    func testReleaseFreesAndSecondReleaseIsANoOp() {
        var (job, lease) = leased()
        job.advance(seconds: 2)
        let event = job.mustRun(.releaseLease(worker: "w1", lease: lease.leaseID))
        XCTAssertEqual(event?.type, "lease_released")
        XCTAssertEqual(event?.payload, ["lease_id": .string(lease.leaseID), "worker_id": "w1"])
        XCTAssertNil(job.lease)
        XCTAssertNotNil(job.mustRun(.checkpoint("progress")), "free again without a lease")

        let before = job.record
        let again = try? JobMachine.apply(.releaseLease(worker: "w1", lease: lease.leaseID), to: before, jobID: "job-1",
                                          now: job.now, presentedLease: nil, producerVersion: "")
        XCTAssertNil(again?.event ?? nil, "nothing to release: no event")
        XCTAssertEqual(again?.record, before)

        guard let next = job.mustRun(.acquireLease(worker: "w2", ttlSeconds: nil)) else { return }
        XCTAssertEqual(next.reasonCode, "lease_acquired", "a released lease leaves nothing to take over")
        XCTAssertNil(next.payload?["previous_worker_id"])
    }

    /// Emergency stop is fenced like every change (as the issue asks); the holder can stop, and
    /// leases still work on the stopped job so the worker can let go.
    func testLeasesOnStoppedJobs() {
        var (job, lease) = leased()
        XCTAssertEqual(job.refusal(.emergencyStop(actor: "operator"))?.reasonCode, "lease_required")
        job.mustRun(.emergencyStop(actor: "w1"), lease: lease.leaseID)
        XCTAssertEqual(job.state.status, "emergency_stopped")
        job.mustRun(.heartbeat(worker: "w1", lease: lease.leaseID))
        job.mustRun(.releaseLease(worker: "w1", lease: lease.leaseID))
        job.mustRun(.cancel(actor: "operator"))
        job.mustRun(.acquireLease(worker: "w2", ttlSeconds: nil))
        XCTAssertEqual(job.state.status, "cancelled")
    }

    func testSubmitCannotCarryALease() {
        var job = JobDriver()
        XCTAssertEqual(job.refusal(.submit(actor: "a", fingerprint: "f"), lease: "lease_x")?.reasonCode, "lease_not_held")
    }

    func testLeaseFileRoundTripsAndIsReadStrictly() throws {
        let (_, lease) = leased(ttl: 45)
        let bytes = try CanonicalJSON.encode(lease.json)
        XCTAssertEqual(try JobLease.decode(try JSONParser.parse(bytes)), lease)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), """
        {"acquired_at":"2026-01-01T00:00:01Z","expires_at":"2026-01-01T00:00:46Z",\
        "heartbeat_at":"2026-01-01T00:00:01Z","lease_id":"\(lease.leaseID)","schema_id":"gaitstore.job.lease",\
        "schema_version":"1.0.0","ttl_seconds":45,"worker_id":"w1"}
        """)

        guard case .object(let good) = lease.json else { return XCTFail("not an object") }
        func refusal(_ edit: (inout JSONObject) -> Void) -> String? {
            var object = good
            edit(&object)
            do {
                _ = try JobLease.decode(.object(object))
                return nil
            } catch { return error.description }
        }
        XCTAssertEqual(refusal { $0["extra"] = 1 }, "invalid job_lease.json: unknown field \"extra\"")
        XCTAssertEqual(refusal { $0["worker_id"] = nil }, "invalid job_lease.json: field \"worker_id\" must be a string")
        XCTAssertEqual(refusal { $0["expires_at"] = "tomorrow" },
                       "invalid job_lease.json: field \"expires_at\" must be an RFC 3339 time")
        XCTAssertEqual(refusal { $0["schema_id"] = "wrkr.lease" },
                       "invalid job_lease.json: schema must be gaitstore.job.lease 1.0.0")
        XCTAssertNotNil(refusal { $0["ttl_seconds"] = 0 })
        XCTAssertNotNil(refusal { $0["ttl_seconds"] = 1.5 })
        XCTAssertNotNil(refusal { $0["lease_id"] = "" })
        XCTAssertThrowsError(try JobLease.decode(try JSONParser.parse(#"{"lease_id":"a","lease_id":"b"}"#)))
        XCTAssertThrowsError(try JobLease.decode(["not", "an", "object"]))
    }
}
