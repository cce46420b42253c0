import XCTest
import ObjectStore
@testable import Refs

/// job-runtime §2.4 resume gates in gait's order, §4.2 payloads, §7.1 fingerprint rules.
final class JobResumeGateTests: XCTestCase {
    private func resume(_ fingerprint: String? = "envfp:host-a", allow: Bool = false, actor: String = "op",
                        reason: String = "") -> JobCommand {
        .resume(fingerprint: fingerprint, allowMismatch: allow, actor: actor, reason: reason)
    }

    /// Gate 1 before gate 2: a completed job with an unapproved decision is an invalid transition (6), not exit 4.
    func testStatusGateComesFirst() {
        var job = JobDriver.submitted()
        job.mustRun(.decision)
        job.mustRun(.checkpoint("completed"))
        let refusal = job.refusal(resume("envfp:elsewhere"))
        XCTAssertEqual(refusal?.exitCode, 6)
        XCTAssertEqual(refusal?.message,
                       "invalid transition: resume requires paused, decision_needed, or blocked state (job job-1 is completed)")
    }

    func testApprovalGateBeforeEnvironmentGate() {
        var job = JobDriver.submitted()
        job.mustRun(.decision)
        // A mismatching fingerprint without override: the approval gate speaks first, with exit 4.
        let refusal = job.refusal(resume("envfp:elsewhere"))
        XCTAssertEqual(refusal?.kind, .approvalRequired)
        XCTAssertEqual(refusal?.exitCode, 4)
        XCTAssertEqual(refusal?.message,
                       "approval required: approval required before resume (job job-1 has 1 decision-needed checkpoint(s) and 0 approval(s))")
        // An override does not get past a missing approval either (wrkr's TestResumeCoverageMorePaths).
        XCTAssertEqual(job.refusal(resume("envfp:elsewhere", allow: true, reason: "moved"))?.exitCode, 4)

        job.mustRun(.approve(actor: "boss", reason: ""))
        let mismatch = job.refusal(resume("envfp:elsewhere"))
        XCTAssertEqual(mismatch?.reasonCode, "env_fingerprint_mismatch")
        XCTAssertEqual(mismatch?.exitCode, 6)
        XCTAssertEqual(mismatch?.message,
                       "environment fingerprint mismatch: expected=envfp:host-a actual=envfp:elsewhere (job job-1)")
        XCTAssertNotNil(job.mustRun(resume()))
        XCTAssertEqual(job.state.status, "running")
    }

    /// Approvals are counted globally: one per decision, and one given early covers a later decision.
    func testEachDecisionNeedsItsOwnApprovalAndEarlyApprovalsCount() {
        var job = JobDriver.submitted()
        job.mustRun(.decision)
        job.mustRun(.approve(actor: "boss", reason: ""))
        job.mustRun(resume())
        job.mustRun(.decision)
        XCTAssertEqual(job.refusal(resume())?.message,
                       "approval required: approval required before resume (job job-1 has 2 decision-needed checkpoint(s) and 1 approval(s))")
        job.mustRun(.approve(actor: "boss", reason: ""))
        job.mustRun(resume())

        var early = JobDriver.submitted()
        early.mustRun(.approve(actor: "boss", reason: "pre-approved"))
        early.mustRun(.decision)
        XCTAssertNotNil(early.mustRun(resume()), "gait counts an approval given before the decision")
    }

    /// Pausing a decision does not bypass it: resume from paused still needs the approval.
    func testPausedDecisionStillNeedsApproval() {
        var job = JobDriver.submitted()
        job.mustRun(.decision)
        job.mustRun(.pause(actor: "op"))
        XCTAssertEqual(job.refusal(resume())?.kind, .approvalRequired)
        job.mustRun(.approve(actor: "boss", reason: ""))
        XCTAssertNotNil(job.mustRun(resume()))
    }

    /// gait's second condition: decision_needed with no decision checkpoint (only reachable from a
    /// hand-made state) still needs approval.
    func testDecisionStatusWithoutDecisionCheckpointNeedsApproval() {
        var job = JobDriver.submitted()
        job.record?.state.status = "decision_needed"
        job.record?.state.approvals = [Job.Approval()]
        XCTAssertEqual(job.refusal(resume())?.kind, .approvalRequired)
    }

    /// Gate 3: a job bound to a policy fails closed, since gaitstore's resume takes no policy; and
    /// it does so after the approval gate and before the environment gate.
    func testPolicyBoundJobFailsClosedBetweenApprovalAndEnvironment() {
        var job = JobDriver.submitted()
        job.mustRun(.pause(actor: "op"))
        job.record?.state.policyRef = "policies/base.yaml"
        let refusal = job.refusal(resume("envfp:elsewhere"))
        XCTAssertEqual(refusal?.reasonCode, "policy_evaluation_required")
        XCTAssertEqual(refusal?.message,
                       "policy evaluation required: policy digest is required when policy evaluation is enabled (job job-1)")
        job.mustRun(.decision)
        XCTAssertEqual(job.refusal(resume("envfp:elsewhere"))?.kind, .approvalRequired)
    }

    func testOverrideIsRecordedWithActorAndReasonAndDoesNotRePin() {
        var job = JobDriver.submitted()
        job.mustRun(.checkpoint("blocked"))
        job.advance(seconds: 10)
        guard let event = job.mustRun(resume(" envfp:new-host ", allow: true, actor: " carol ", reason: " host moved ")) else {
            return
        }
        XCTAssertEqual(event.type, "resumed")
        XCTAssertEqual(event.actor, "carol")
        XCTAssertEqual(event.reasonCode, "resumed_with_env_override")
        XCTAssertEqual(event.payload, ["actual_fingerprint": "envfp:new-host", "expected_fingerprint": "envfp:host-a",
                                       "identity": "alice", "identity_validation_required": true,
                                       "reason": "host moved"])
        XCTAssertEqual([job.state.status, job.state.stopReason, job.state.statusReasonCode],
                       ["running", "none", "resumed_with_env_override"])
        XCTAssertEqual(job.state.environmentFingerprint, "envfp:host-a", "gait does not re-pin the fingerprint")

        job.mustRun(.pause(actor: "op"))
        XCTAssertEqual(job.refusal(resume("envfp:new-host"))?.reasonCode, "env_fingerprint_mismatch",
                       "the next resume on the new host mismatches again")
    }

    func testOverrideMustNameActorAndReason() {
        var job = JobDriver.submitted()
        job.mustRun(.pause(actor: "op"))
        for (actor, reason) in [("", "moved"), ("carol", ""), ("  ", "  ")] {
            let refusal = job.refusal(resume("envfp:other", allow: true, actor: actor, reason: reason))
            XCTAssertEqual(refusal?.reasonCode, "env_override_unattributed")
            XCTAssertEqual(refusal?.message,
                           "environment fingerprint override needs an actor and a reason (job job-1: expected=envfp:host-a actual=envfp:other)")
        }
        // Without a mismatch the override flag changes nothing and asks for nothing.
        let event = job.mustRun(resume("envfp:host-a", allow: true, actor: "", reason: ""))
        XCTAssertEqual(event?.reasonCode, "resumed")
        XCTAssertEqual(event?.payload?["reason"], "resume")
    }

    func testPlainResumePayloadIsGaits() {
        var job = JobDriver.submitted(actor: "")
        job.mustRun(.pause(actor: "op"))
        let event = job.mustRun(resume(actor: "op", reason: ""))
        XCTAssertEqual(event?.payload, ["actual_fingerprint": "envfp:host-a", "expected_fingerprint": "envfp:host-a",
                                        "reason": "resume"],
                       "no identity bound: no identity fields")
    }

    func testResumeWithoutFingerprintComparesThisHost() {
        var here = JobDriver()
        here.mustRun(.submit(actor: "a", fingerprint: nil))
        here.mustRun(.pause(actor: "a"))
        XCTAssertNotNil(here.mustRun(resume(nil)))

        var elsewhere = JobDriver.submitted()
        elsewhere.mustRun(.pause(actor: "a"))
        XCTAssertEqual(elsewhere.refusal(resume(nil))?.message,
                       "environment fingerprint mismatch: expected=envfp:host-a actual=\(Job.environmentFingerprint()) (job job-1)")
    }
}
