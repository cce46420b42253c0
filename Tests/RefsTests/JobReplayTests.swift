import Foundation
import XCTest
import ObjectStore
@testable import Refs

/// Replay rebuilds every snapshot from the stored events, and refuses histories that were altered.
final class JobReplayTests: XCTestCase {
    // MARK: Random histories

    /// What the random runs saw, so the test fails if they stop exercising the machine.
    private struct Coverage {
        var eventTypes: Set<String> = []
        var reasonCodes: Set<String> = []
        var refusals: Set<String> = []
    }

    func testReplayOfRandomHistoriesEqualsEverySnapshot() {
        var seeds: [UInt64] = Array(1...30)
        if let given = ProcessInfo.processInfo.environment["GAITSTORE_JOB_SEED"].flatMap(UInt64.init) {
            seeds = [given]
        } else {
            seeds.append(UInt64.random(in: 31...UInt64.max))
        }
        var coverage = Coverage()
        for seed in seeds { runRandomHistory(seed: seed, steps: 200, coverage: &coverage) }
        guard seeds.count > 1 else { return }

        XCTAssertEqual(coverage.eventTypes, Set(JobEventType.allCases.map(\.rawValue)), "every event type occurred")
        for code in ["lease_taken_over", "resumed_with_env_override", "checkpoint_decision_needed"] {
            XCTAssertTrue(coverage.reasonCodes.contains(code), code)
        }
        for code in ["lease_required", "lease_mismatch", "lease_expired", "lease_not_held", "lease_held",
                     "approval_required", "env_fingerprint_mismatch", "invalid_transition",
                     "heartbeat_lease_mismatch", "checkpoint_summary_required"] {
            XCTAssertTrue(coverage.refusals.contains(code), "no run was refused with \(code)")
        }
    }

    private func runRandomHistory(seed: UInt64, steps: Int, coverage: inout Coverage) {
        let context = "seed \(seed) (rerun with GAITSTORE_JOB_SEED=\(seed))"
        var rng = SeededGenerator(seed: seed)
        var job = JobDriver.submitted(jobID: "job:\(seed)")
        var snapshots: [JobRecord] = job.record.map { [$0] } ?? []
        coverage.eventTypes.formUnion(snapshots.flatMap(\.events).map(\.type))
        var leaseIDs: [String] = []
        var gaitSteps: [(command: JobCommand, at: GoTime)] = []

        for _ in 0..<steps {
            job.advance(seconds: Int64.random(in: 0...12, using: &rng), nanoseconds: Int32.random(in: 0..<1_000_000_000, using: &rng))
            let (command, lease) = randomCommand(&rng, job: job, knownLeases: leaseIDs)
            do {
                guard let event = try job.run(command, lease: lease) else { continue }
                if JobEventType(rawValue: event.type)?.isGaitEvent == true { gaitSteps.append((command, job.now)) }
                coverage.eventTypes.insert(event.type)
                coverage.reasonCodes.insert(event.reasonCode)
                if let id = job.lease?.leaseID, !leaseIDs.contains(id) { leaseIDs.append(id) }
                guard let record = job.record else { return XCTFail(context) }
                snapshots.append(record)
            } catch {
                coverage.refusals.insert(error.reasonCode)
            }
        }

        // Store every event and snapshot as JSON and read them back, as the ref does.
        let stored = snapshots.last?.events.map { roundTrip($0, context) } ?? []
        XCTAssertEqual(stored, snapshots.last?.events, "events survive canonical JSON: \(context)")
        for snapshot in snapshots {
            let state = try? Job.State.decode(JSONParser.parse(CanonicalJSON.encode(snapshot.state.json)), strict: true)
            XCTAssertEqual(state, snapshot.state, context)
            if let lease = snapshot.lease {
                XCTAssertEqual(try? JobLease.decode(JSONParser.parse(CanonicalJSON.encode(lease.json))), lease, context)
            }
        }

        // The same gait commands at the same times, with no lease anywhere, make the gait view.
        var unleased = JobDriver.submitted(jobID: job.jobID)
        for step in gaitSteps {
            unleased.now = step.at
            unleased.mustRun(step.command)
        }
        XCTAssertEqual(unleased.record?.gaitView, snapshots.last?.gaitView, context)

        var replayed: [JobRecord] = []
        do {
            let final = try JobMachine.replay(stored) { replayed.append($0) }
            XCTAssertEqual(final, snapshots.last, context)
        } catch {
            return XCTFail("\(context): \(error)")
        }
        XCTAssertEqual(replayed.count, snapshots.count, context)
        for (index, (mine, theirs)) in zip(replayed, snapshots).enumerated() where mine != theirs {
            return XCTFail("\(context): replay differs from the snapshot at revision \(index + 1)")
        }
    }

    private func roundTrip(_ event: Job.Event, _ context: String) -> Job.Event {
        do { return try Job.Event.decode(try JSONParser.parse(try CanonicalJSON.encode(event.json)), strict: true) } catch {
            XCTFail("\(context): \(error)")
            return event
        }
    }

    private func randomCommand(_ rng: inout SeededGenerator, job: JobDriver,
                               knownLeases: [String]) -> (JobCommand, String?) {
        let workers = ["w1", "w2", "w3"]
        let worker = workers.randomElement(using: &rng)!
        let actor = ["", "alice", "bob", " carol "].randomElement(using: &rng)!
        let currentLease = job.lease?.leaseID ?? ""
        let someLease = Bool.random(using: &rng) ? currentLease : (knownLeases.randomElement(using: &rng) ?? "lease_none")
        let presented: String?
        switch Int.random(in: 0..<20, using: &rng) {
        case 0..<12: presented = job.lease?.leaseID
        case 12..<17: presented = nil
        case 17..<19: presented = knownLeases.randomElement(using: &rng)
        default: presented = "lease_garbage"
        }
        let roll = Int.random(in: 0..<200, using: &rng)
        let command: JobCommand
        switch roll {
        case 0..<30:
            let type = ["plan", "progress", "progress", "blocked", "decision-needed", "bogus"].randomElement(using: &rng)!
            let summary = ["did work", "  trimmed  ", "", String(repeating: "ü", count: 200)].randomElement(using: &rng)!
            let action = ["", "approve it", "  "].randomElement(using: &rng)!
            command = .checkpoint(type: type, summary: summary, requiredAction: action, actor: actor)
        case 30..<32: command = .checkpoint(type: "completed", summary: "done", requiredAction: "", actor: actor)
        case 32..<50: command = .pause(actor: actor)
        case 50..<60: command = .decision
        case 60..<70: command = .approve(actor: actor, reason: ["", "ok", "looks right"].randomElement(using: &rng)!)
        case 70..<100:
            let fingerprint = ["envfp:host-a", "envfp:host-a", "envfp:host-b", " envfp:host-a "].randomElement(using: &rng)!
            command = .resume(fingerprint: fingerprint, allowMismatch: Bool.random(using: &rng), actor: actor,
                              reason: ["", "moved hosts"].randomElement(using: &rng)!)
        case 100..<102: command = .cancel(actor: actor)
        case 102..<105: command = .emergencyStop(actor: actor)
        case 105..<110: command = .blockedDispatch(actor: actor, path: ["", "mcp.proxy"].randomElement(using: &rng)!,
                                                   reasonCode: "")
        case 110..<140: command = .acquireLease(worker: worker, ttlSeconds: [nil, 5, 20, 60, 0].randomElement(using: &rng)!)
        case 140..<175:
            let holder = Int.random(in: 0..<4, using: &rng) == 0 ? worker : (job.lease?.workerID ?? worker)
            command = .heartbeat(worker: holder, lease: someLease)
        default:
            let holder = Int.random(in: 0..<4, using: &rng) == 0 ? worker : (job.lease?.workerID ?? worker)
            command = .releaseLease(worker: holder, lease: someLease)
        }
        return (command, presented)
    }

    // MARK: Altered histories

    /// submit, lease, decision under the lease, approval, resume, release, cancel.
    private func history() -> [Job.Event] {
        var job = JobDriver.submitted()
        job.advance(seconds: 1)
        job.mustRun(.acquireLease(worker: "w1", ttlSeconds: 60))
        let lease = job.lease?.leaseID
        job.advance(seconds: 1)
        job.mustRun(.decision, lease: lease)
        job.advance(seconds: 1)
        job.mustRun(.approve(actor: "boss", reason: "fine"), lease: lease)
        job.advance(seconds: 1)
        job.mustRun(.resume(fingerprint: "envfp:host-a", allowMismatch: false, actor: "w1", reason: ""), lease: lease)
        job.advance(seconds: 1)
        job.mustRun(.releaseLease(worker: "w1", lease: lease ?? ""))
        job.advance(seconds: 1)
        job.mustRun(.cancel(actor: "op"))
        return job.record?.events ?? []
    }

    private func replayError(_ events: [Job.Event], file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try JobMachine.replay(events)
            XCTFail("the altered history replayed", file: file, line: line)
            return nil
        } catch { return error.description }
    }

    func testUnalteredHistoryReplays() throws {
        let events = history()
        XCTAssertEqual(events.count, 7)
        let record = try JobMachine.replay(events)
        XCTAssertEqual(record.state.status, "cancelled")
        XCTAssertNil(record.lease)
        XCTAssertEqual(record.events, events)
    }

    func testStructuralDamageIsNamed() {
        let events = history()
        XCTAssertEqual(replayError([]), "job history is empty: a job starts with its submitted event")
        XCTAssertEqual(replayError(events.enumerated().filter { $0.offset != 2 }.map(\.element)),
                       "job job-1: event 3 has revision 4, expected 3")
        var foreign = events
        foreign[3].jobID = "job-2"
        XCTAssertEqual(replayError(foreign), "job job-1: event revision 4 belongs to job job-2")
        var unknown = events
        unknown[3].type = "teleported"
        XCTAssertEqual(replayError(unknown), "job job-1: event revision 4 has unknown type \"teleported\"")
        var schema = events
        schema[1].schemaVersion = "2.0.0"
        XCTAssertEqual(replayError(schema),
                       "job job-1: event revision 2 has schema gait.job.event 2.0.0, expected gait.job.event 1.0.0")
        var noSummary = events
        noSummary[2].payload?["gaitstore"] = nil
        XCTAssertEqual(replayError(noSummary),
                       "job job-1: checkpoint_added event revision 3 is malformed: payload has no gaitstore.summary")
        XCTAssertEqual(replayError(Array(events.dropFirst()).enumerated().map { index, event in
            var renumbered = event
            renumbered.revision = index + 1
            return renumbered
        }), "job job-1: lease_acquired event revision 1 is not a legal step: job not found: job-1")
    }

    func testIllegalStepsAreRefused() {
        let events = history()
        // A pause appended to a cancelled job.
        var pause = events[6]
        pause.type = "paused"
        pause.reasonCode = "paused"
        pause.revision = 8
        XCTAssertEqual(replayError(events + [pause]),
                       "job job-1: paused event revision 8 is not a legal step: invalid transition: paused from cancelled (job job-1)")
        // The decision written past the lease: drop the lease it carried.
        var unfenced = events
        unfenced[2].payload?["gaitstore"] = ["summary": "need a decision"]
        XCTAssertEqual(replayError(unfenced), "job job-1: checkpoint_added event revision 3 is not a legal step: "
                       + "job job-1 is leased to worker w1 until 2026-01-01T00:01:01Z: a change must carry that lease")
        // A release by another worker.
        var thief = events
        thief[5].payload?["worker_id"] = "w2"
        XCTAssertTrue(replayError(thief)?.contains("release lease mismatch") ?? false)
    }

    func testAlteredContentIsRefused() {
        let events = history()
        var forgedLease = events
        forgedLease[1].payload?["lease_id"] = "lease_00000000000000000000000000000000"
        XCTAssertEqual(replayError(forgedLease),
                       "job job-1: lease_acquired event revision 2 does not match its command: payload.lease_id differs")
        var longerLease = events
        longerLease[1].payload?["expires_at"] = "2026-01-01T01:00:01Z"
        XCTAssertEqual(replayError(longerLease),
                       "job job-1: lease_acquired event revision 2 does not match its command: payload.expires_at differs")
        // A different fingerprint at submit is only an input, but the resume that compared against it no longer matches.
        var otherHost = events
        otherHost[0].payload?["environment_fingerprint"] = "envfp:host-z"
        XCTAssertEqual(replayError(otherHost), "job job-1: resumed event revision 5 is not a legal step: "
                       + "environment fingerprint mismatch: expected=envfp:host-z actual=envfp:host-a (job job-1)")
        var overridden = events
        overridden[4].reasonCode = "resumed_with_env_override"
        XCTAssertEqual(replayError(overridden),
                       "job job-1: resumed event revision 5 does not match its command: reason_code differs")
        var checkpointID = events
        checkpointID[2].payload?["checkpoint_id"] = "cp_0007"
        XCTAssertEqual(replayError(checkpointID),
                       "job job-1: checkpoint_added event revision 3 does not match its command: payload.checkpoint_id differs")
        var extraRelease = events
        extraRelease.insert(events[5], at: 6)
        for index in 6..<extraRelease.count { extraRelease[index].revision = index + 1 }
        XCTAssertEqual(replayError(extraRelease),
                       "job job-1: lease_released event revision 7 does not match its command: type (no lease was held to release) differs")
    }
}
