import XCTest
import ObjectStore
@testable import Refs

/// The records are gait's: the snapshot and journal after submit → decision-needed → approve →
/// resume, field by field against job-runtime §1.2, §1.7, §4.1, §4.2 and §6.2; and the gait view
/// of a leased history gives the job pack (and pack_id) of the same history without leases.
final class JobGaitShapeTests: XCTestCase {
    private static let t1 = GoTime(unixSeconds: jobEpoch.unixSeconds)
    private static let t2 = GoTime(unixSeconds: jobEpoch.unixSeconds + 61, nanoseconds: 500_000_000)
    private static let t3 = GoTime(unixSeconds: jobEpoch.unixSeconds + 3600)
    private static let t4 = GoTime(unixSeconds: jobEpoch.unixSeconds + 3600, nanoseconds: 123_456_789)

    /// The scenario, with a lease held throughout when `leased`.
    private func decisionCycle(leased: Bool) -> JobRecord? {
        var job = JobDriver(jobID: "job-42")
        job.producerVersion = "0.4.2"
        job.mustRun(.submit(actor: "alice", fingerprint: "envfp:test-a"))
        var lease: String?
        if leased {
            job.mustRun(.acquireLease(worker: "w1", ttlSeconds: 7200))
            lease = job.lease?.leaseID
        }
        job.now = Self.t2
        job.mustRun(.checkpoint(type: "decision-needed", summary: "Deploy to production?",
                                requiredAction: "approve the deploy", actor: "agent"), lease: lease)
        job.now = Self.t3
        job.mustRun(.approve(actor: "bob", reason: "ship it"), lease: lease)
        if leased {
            job.mustRun(.heartbeat(worker: "w1", lease: lease ?? ""))
        }
        job.now = Self.t4
        job.mustRun(.resume(fingerprint: "envfp:test-a", allowMismatch: false, actor: "agent", reason: ""), lease: lease)
        if leased {
            job.advance(seconds: 5)
            job.mustRun(.releaseLease(worker: "w1", lease: lease ?? ""))
        }
        return job.record
    }

    /// Compares member by member so a failure names the field.
    private func assertFields(_ actual: JSONValue, _ expectedJSON: String, _ what: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        guard let expected = try? JSONParser.parse(expectedJSON).objectValue, let object = actual.objectValue else {
            return XCTFail("\(what): not objects", file: file, line: line)
        }
        XCTAssertEqual(Set(object.keys), Set(expected.keys), "\(what): field names", file: file, line: line)
        for key in expected.keys {
            XCTAssertEqual(canonicalText(object[key] ?? .null), canonicalText(expected[key] ?? .null),
                           "\(what).\(key)", file: file, line: line)
        }
    }

    func testSnapshotAfterDecisionCycleIsGaits() {
        guard let record = decisionCycle(leased: false) else { return XCTFail("scenario refused") }
        // sha256("control_boundary=runtime_go|default_privacy=reference_receipts|fail_closed=true|identity=alice"),
        // computed with sha256sum.
        assertFields(record.state.json, """
        {"schema_id": "gait.job.runtime", "schema_version": "1.0.0",
         "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T01:00:00.123456789Z",
         "producer_version": "0.4.2", "job_id": "job-42",
         "status": "running", "stop_reason": "none", "status_reason_code": "resumed",
         "environment_fingerprint": "envfp:test-a",
         "safety_invariant_version": "1",
         "safety_invariant_hash": "cd3ea32a49ae78e7a7d5970ac28d89266422a320d761f169e39fad9268e4ce5d",
         "safety_invariants": ["control_boundary=runtime_go", "default_privacy=reference_receipts",
                               "fail_closed=true", "identity=alice"],
         "identity": "alice",
         "revision": 4,
         "checkpoints": [{"checkpoint_id": "cp_0001", "created_at": "2026-01-01T00:01:01.5Z", "type": "decision-needed",
                          "summary": "Deploy to production?", "required_action": "approve the deploy",
                          "reason_code": "checkpoint_decision_needed", "actor": "agent"}],
         "approvals": [{"created_at": "2026-01-01T01:00:00Z", "actor": "bob", "reason": "ship it"}]}
        """, "job_state")
        XCTAssertEqual(record.gaitView.state, record.state, "a history without leases is its own gait view")
    }

    func testJournalAfterDecisionCycleIsGaits() {
        guard let events = decisionCycle(leased: false)?.gaitView.events, events.count == 4 else {
            return XCTFail("scenario refused")
        }
        let envelope = #""schema_id": "gait.job.event", "schema_version": "1.0.0", "job_id": "job-42""#
        assertFields(events[0].json, """
        {\(envelope), "created_at": "2026-01-01T00:00:00Z", "revision": 1, "type": "submitted", "actor": "alice",
         "reason_code": "submitted", "payload": {"environment_fingerprint": "envfp:test-a", "identity": "alice"}}
        """, "event 1")
        assertFields(events[1].json, """
        {\(envelope), "created_at": "2026-01-01T00:01:01.5Z", "revision": 2, "type": "checkpoint_added", "actor": "agent",
         "reason_code": "checkpoint_decision_needed",
         "payload": {"checkpoint_id": "cp_0001", "checkpoint_type": "decision-needed",
                     "required_action": "approve the deploy"}}
        """, "event 2")
        assertFields(events[2].json, """
        {\(envelope), "created_at": "2026-01-01T01:00:00Z", "revision": 3, "type": "approved", "actor": "bob",
         "reason_code": "approval_recorded", "payload": {"reason": "ship it"}}
        """, "event 3")
        assertFields(events[3].json, """
        {\(envelope), "created_at": "2026-01-01T01:00:00.123456789Z", "revision": 4, "type": "resumed", "actor": "agent",
         "reason_code": "resumed",
         "payload": {"reason": "resume", "expected_fingerprint": "envfp:test-a", "actual_fingerprint": "envfp:test-a",
                     "identity_validation_required": true, "identity": "alice"}}
        """, "event 4")
    }

    /// gaitstore's additions live under one payload key and nowhere else.
    func testStoredEventsDifferFromGaitsOnlyByTheExtensionKey() {
        guard let record = decisionCycle(leased: false) else { return XCTFail("scenario refused") }
        for (stored, gait) in zip(record.events, record.gaitView.events) {
            var stripped = stored
            stripped.payload?["gaitstore"] = nil
            XCTAssertEqual(stripped, gait)
        }
        XCTAssertEqual(record.events[0].payload?["gaitstore"], ["producer_version": "0.4.2"])
        XCTAssertEqual(record.events[1].payload?["gaitstore"], ["summary": "Deploy to production?"])
    }

    func testGaitViewOfLeasedHistoryIsTheUnleasedHistory() throws {
        guard let plain = decisionCycle(leased: false), let leased = decisionCycle(leased: true) else {
            return XCTFail("scenario refused")
        }
        XCTAssertEqual(leased.events.count, 7)
        XCTAssertEqual(leased.state.revision, 7)
        XCTAssertNotEqual(leased.state, plain.state)
        XCTAssertEqual(leased.gaitView, plain.gaitView)

        let leasedFiles = try JobPack.files(state: leased.gaitView.state, events: leased.gaitView.events)
        let plainFiles = try JobPack.files(state: plain.state, events: plain.events.map {
            var event = $0
            event.payload?["gaitstore"] = nil
            return event
        })
        XCTAssertEqual(leasedFiles.map(\.path), plainFiles.map(\.path))
        XCTAssertEqual(leasedFiles.map(\.sha256), plainFiles.map(\.sha256), "same files, so the same pack_id")
    }

    /// gait's TestCLIV24JobPackLifecycle: submit → decision → pause → approve → resume with an
    /// override → cancel; the job pack built from the gait view verifies clean.
    func testOverrideLifecyclePackVerifies() throws {
        var job = JobDriver(jobID: "job-v24")
        job.mustRun(.submit(actor: "alice", fingerprint: "envfp:host-a"))
        job.mustRun(.acquireLease(worker: "w1", ttlSeconds: nil))
        let lease = job.lease?.leaseID
        job.mustRun(.decision, lease: lease)
        job.mustRun(.pause(actor: "alice"), lease: lease)
        job.mustRun(.approve(actor: "bob", reason: ""), lease: lease)
        job.mustRun(.resume(fingerprint: "envfp:override", allowMismatch: true, actor: "carol", reason: "new host"),
                    lease: lease)
        job.mustRun(.cancel(actor: "alice"), lease: lease)
        guard let record = job.record else { return XCTFail("scenario refused") }
        XCTAssertEqual([record.state.status, record.state.stopReason, record.state.statusReasonCode],
                       ["cancelled", "cancelled_by_user", "cancelled"])
        XCTAssertEqual(record.events.map(\.reasonCode), ["submitted", "lease_acquired", "checkpoint_decision_needed",
                                                         "paused", "approval_recorded", "resumed_with_env_override",
                                                         "cancelled"])

        let scratch = try RefsScratchDirectory()
        defer { scratch.remove() }
        let view = record.gaitView
        XCTAssertEqual(view.events.map(\.revision), [1, 2, 3, 4, 5, 6])
        let built = try JobPack.build(state: view.state, events: view.events, options: PackBuildOptions(),
                                      outPath: scratch.path("job.zip"))
        let verified = try PackVerifier.verify(path: built.path, options: VerifyOptions())
        XCTAssertTrue(verified.ok(requireSignature: false))
        XCTAssertEqual(verified.packID, built.packID)
        XCTAssertEqual(verified.sourceRef, "job-v24")
    }
}
