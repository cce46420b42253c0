import XCTest
import ObjectStore
@testable import Refs

/// job-runtime §6.2 checkpoint rules and reason codes, approvals, and submit's own checks.
final class JobCheckpointRuleTests: XCTestCase {
    func testReasonCodesAndStatusEffectsOfEveryType() {
        let expectations: [(type: String, reason: String, status: String, stop: String, statusReason: String)] = [
            ("plan", "checkpoint_plan", "running", "none", "submitted"),
            ("progress", "checkpoint_progress", "running", "none", "submitted"),
            ("decision-needed", "checkpoint_decision_needed", "decision_needed", "decision_needed", "decision_needed"),
            ("blocked", "checkpoint_blocked", "blocked", "blocked", "blocked"),
            ("completed", "checkpoint_completed", "completed", "completed", "completed"),
        ]
        for expected in expectations {
            var job = JobDriver.submitted()
            job.advance(seconds: 5)
            guard let event = job.mustRun(.checkpoint(type: "  \(expected.type)\n", summary: "  did a thing \t",
                                                      requiredAction: "  decide  ", actor: " agent ")) else { continue }
            let checkpoint = job.state.checkpoints.last
            XCTAssertEqual(checkpoint?.checkpointID, "cp_0001")
            XCTAssertEqual(checkpoint?.type, expected.type)
            XCTAssertEqual(checkpoint?.summary, "did a thing", "summary is trimmed")
            XCTAssertEqual(checkpoint?.reasonCode, expected.reason)
            XCTAssertEqual(checkpoint?.actor, "agent")
            XCTAssertEqual(checkpoint?.createdAt, job.now)
            // gait keeps a required action only on a decision
            XCTAssertEqual(checkpoint?.requiredAction, expected.type == "decision-needed" ? "decide" : "")
            XCTAssertEqual([job.state.status, job.state.stopReason, job.state.statusReasonCode],
                           [expected.status, expected.stop, expected.statusReason], expected.type)
            XCTAssertEqual(event.reasonCode, expected.reason)
            XCTAssertEqual(event.actor, "agent")
            XCTAssertEqual(event.payload?["checkpoint_id"], "cp_0001")
            XCTAssertEqual(event.payload?["checkpoint_type"], .string(expected.type))
            XCTAssertEqual(event.payload?["required_action"], .string(checkpoint?.requiredAction ?? "?"),
                           "required_action is always in the payload, empty unless a decision")
            XCTAssertEqual(event.payload?["gaitstore"]?["summary"], "did a thing", "replay needs the summary")
        }
    }

    func testCheckpointIDsCountUpWithFourDigits() {
        var job = JobDriver.submitted()
        for _ in 1...12 { job.mustRun(.checkpoint("progress")) }
        XCTAssertEqual(job.state.checkpoints.map(\.checkpointID).prefix(2), ["cp_0001", "cp_0002"])
        XCTAssertEqual(job.state.checkpoints.last?.checkpointID, "cp_0012")
        XCTAssertEqual(JobMachine.checkpointID(number: 10_000), "cp_10000")
        XCTAssertEqual(job.record?.sortedCheckpoints.map(\.checkpointID), job.state.checkpoints.map(\.checkpointID))
        XCTAssertEqual(try job.record?.checkpoint(id: " cp_0012 ").summary, "step")
        XCTAssertThrowsError(try job.record?.checkpoint(id: "cp_0013")) { error in
            XCTAssertEqual((error as? JobRefusal)?.message, "checkpoint not found: cp_0013 (job job-1)")
            XCTAssertEqual((error as? JobRefusal)?.exitCode, 6)
        }
    }

    func testSummaryBoundsCountUTF8BytesAfterTrimming() {
        var job = JobDriver.submitted()
        let fits = String(repeating: "é", count: 256)  // 512 bytes
        XCTAssertNotNil(job.mustRun(.checkpoint("plan", "  \(fits)  ")))
        XCTAssertEqual(job.state.checkpoints.last?.summary.utf8.count, 512)

        let over = job.refusal(.checkpoint("plan", fits + "x"))
        XCTAssertEqual(over?.reasonCode, "checkpoint_summary_too_long")
        XCTAssertEqual(over?.exitCode, 6)
        XCTAssertEqual(over?.message, "invalid checkpoint: summary exceeds max length 512 (513 bytes, job job-1)")
        XCTAssertEqual(job.refusal(.checkpoint("plan", String(repeating: "a", count: 513)))?.reasonCode,
                       "checkpoint_summary_too_long")

        for blank in ["", "   ", "\n\t "] {
            let refusal = job.refusal(.checkpoint("progress", blank))
            XCTAssertEqual(refusal?.reasonCode, "checkpoint_summary_required")
            XCTAssertEqual(refusal?.message, "invalid checkpoint: summary is required (job job-1)")
        }
    }

    func testTypeMustBeOneOfGaitsFive() {
        var job = JobDriver.submitted()
        for bad in ["", "Plan", "decision_needed", "done", "progress!"] {
            let refusal = job.refusal(.checkpoint(bad))
            XCTAssertEqual(refusal?.reasonCode, "checkpoint_type_invalid", bad)
            XCTAssertTrue(refusal?.message.hasPrefix(
                "invalid checkpoint: type must be one of plan|progress|decision-needed|blocked|completed") ?? false)
        }
    }

    func testDecisionNeedsARequiredAction() {
        var job = JobDriver.submitted()
        for blank in ["", "  "] {
            let refusal = job.refusal(.checkpoint("decision-needed", "pick one", action: blank))
            XCTAssertEqual(refusal?.reasonCode, "checkpoint_required_action_required")
            XCTAssertEqual(refusal?.message,
                           "invalid checkpoint: required_action is required for decision-needed checkpoints (job job-1)")
        }
    }

    /// gait's order: type, then summary, then length, then required action; a terminal job is refused before any.
    func testRulesApplyInGaitsOrder() {
        var job = JobDriver.submitted()
        XCTAssertEqual(job.refusal(.checkpoint(type: "nope", summary: "", requiredAction: "", actor: ""))?.reasonCode,
                       "checkpoint_type_invalid")
        XCTAssertEqual(job.refusal(.checkpoint(type: "decision-needed", summary: "", requiredAction: "", actor: ""))?
            .reasonCode, "checkpoint_summary_required")
        XCTAssertEqual(job.refusal(.checkpoint(type: "decision-needed", summary: String(repeating: "s", count: 600),
                                               requiredAction: "", actor: ""))?.reasonCode, "checkpoint_summary_too_long")
        job.mustRun(.cancel(actor: "op"))
        XCTAssertEqual(job.refusal(.checkpoint(type: "nope", summary: "", requiredAction: "", actor: ""))?.message,
                       "invalid transition: checkpoint_added from cancelled (job job-1)")
    }

    func testApprovalNeedsAnActorAndDefaultsItsReason() {
        var job = JobDriver.submitted()
        job.mustRun(.decision)
        for blank in ["", "  "] {
            let refusal = job.refusal(.approve(actor: blank, reason: "fine"))
            XCTAssertEqual(refusal?.reasonCode, "approval_actor_required")
            XCTAssertEqual(refusal?.message, "approval actor is required (job job-1)")
        }
        job.advance(seconds: 3)
        let event = job.mustRun(.approve(actor: " bob ", reason: "  "))
        XCTAssertEqual(job.state.approvals.map(\.actor), ["bob"])
        XCTAssertEqual(job.state.approvals.map(\.reason), ["approved"])
        XCTAssertEqual(job.state.approvals.map(\.createdAt), [job.now])
        XCTAssertEqual(event?.payload, ["reason": "approved"])
        XCTAssertEqual(event?.actor, "bob")
        XCTAssertEqual(event?.reasonCode, "approval_recorded")
        XCTAssertEqual(job.state.status, "decision_needed", "an approval does not resume")
    }

    func testSubmitMakesGaitsInitialState() {
        var job = JobDriver(jobID: " job:1..x.lock ")  // trimmed; every gait id must work
        job.producerVersion = ""
        guard let event = job.mustRun(.submit(actor: "  ", fingerprint: " envfp:given ")) else { return }
        let state = job.state
        XCTAssertEqual(state.jobID, "job:1..x.lock")
        XCTAssertEqual([state.schemaID, state.schemaVersion], ["gait.job.runtime", "1.0.0"])
        XCTAssertEqual([state.status, state.stopReason, state.statusReasonCode], ["running", "none", "submitted"])
        XCTAssertEqual(state.environmentFingerprint, "envfp:given")
        XCTAssertEqual(state.producerVersion, "0.0.0-dev")
        XCTAssertEqual(state.identity, "", "no actor, no identity")
        XCTAssertEqual(state.revision, 1)
        XCTAssertEqual(state.createdAt, jobEpoch)
        XCTAssertEqual(state.updatedAt, jobEpoch)
        XCTAssertEqual(state.checkpoints, [])
        XCTAssertEqual(state.safetyInvariants, ["control_boundary=runtime_go", "default_privacy=reference_receipts",
                                                "fail_closed=true"])
        XCTAssertEqual(event.revision, 1)
        XCTAssertEqual(event.actor, "")
        XCTAssertEqual(event.payload, ["environment_fingerprint": "envfp:given",
                                       "gaitstore": ["producer_version": "0.0.0-dev"]])
    }

    func testSubmitWithoutFingerprintUsesGaitsHostFingerprint() {
        var job = JobDriver()
        job.mustRun(.submit(actor: "alice", fingerprint: nil))
        let fingerprint = job.state.environmentFingerprint
        XCTAssertEqual(fingerprint, Job.environmentFingerprint())
        XCTAssertTrue(fingerprint.hasPrefix("envfp:") && Hex.isSHA256(String(fingerprint.dropFirst(6))), fingerprint)
        var blank = JobDriver()
        blank.mustRun(.submit(actor: "alice", fingerprint: "  "))
        XCTAssertEqual(blank.state.environmentFingerprint, fingerprint)
    }

    func testSubmitRefusals() {
        var empty = JobDriver(jobID: "  ")
        XCTAssertEqual(empty.refusal(.submit(actor: "a", fingerprint: "f"))?.message, "job_id is required")
        for bad in ["bad/id", "-leading", ".dot", "a b", String(repeating: "x", count: 129), "é"] {
            var job = JobDriver(jobID: bad)
            let refusal = job.refusal(.submit(actor: "a", fingerprint: "f"))
            XCTAssertEqual(refusal?.reasonCode, "invalid_job_id", bad)
            XCTAssertEqual(refusal?.exitCode, 6)
        }
        var job = JobDriver.submitted()
        let duplicate = job.refusal(.submit(actor: "a", fingerprint: "f"))
        XCTAssertEqual(duplicate?.message, "job already exists: job-1")
        XCTAssertEqual(duplicate?.exitCode, 6)

        guard let record = job.record else { return XCTFail("no record") }
        XCTAssertThrowsError(try JobMachine.apply(.pause(actor: ""), to: record, jobID: "job-2", now: jobEpoch,
                                                  presentedLease: nil, producerVersion: "")) { error in
            XCTAssertEqual((error as? JobRefusal)?.reasonCode, "job_id_mismatch")
        }
    }

    func testAnUnknownStatusFailsClosed() {
        var job = JobDriver.submitted()
        job.record?.state.status = "queued"
        XCTAssertEqual(job.refusal(.cancel(actor: "op"))?.message, "job job-1 has unknown status \"queued\"")
    }

    func testNonUTCClockIsRecordedInUTC() {
        var job = JobDriver()
        job.now = GoTime(unixSeconds: jobEpoch.unixSeconds, nanoseconds: 120_000_000, offsetSeconds: 7200)
        guard let event = job.mustRun(.submit(actor: "a", fingerprint: "f")) else { return }
        XCTAssertEqual(event.createdAt.rfc3339Nano, "2026-01-01T00:00:00.12Z")
        XCTAssertEqual(job.state.createdAt.rfc3339Nano, "2026-01-01T00:00:00.12Z")
    }
}
