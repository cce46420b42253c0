import XCTest
import ObjectStore
@testable import Refs

/// job-runtime §2.2, cell by cell, with gait's two quirks closed: a completed, cancelled or
/// emergency-stopped job takes no checkpoint and no approval. The table is written out here
/// from the spec, not derived from the code under test.
final class JobTransitionTableTests: XCTestCase {
    /// What one (state, command) cell expects.
    enum Cell {
        /// status / stop_reason / status_reason_code after the command.
        case to(String, String, String)
        /// Nothing but revision and updated_at changes (plan and progress checkpoints, blocked dispatch).
        case same
        /// Status and stop reason unchanged, status_reason_code becomes this (approve).
        case reasonOnly(String)
        /// Refused with exit 6 and a message starting with this.
        case refused(String)
        /// Refused with exit 4.
        case approvalRequired
    }

    /// The columns: gait's commands, with the event type each writes.
    static let columns: [(name: String, command: JobCommand, eventType: String)] = [
        ("pause", .pause(actor: "op"), "paused"),
        ("stop", .emergencyStop(actor: "op"), "emergency_stop_acknowledged"),
        ("cancel", .cancel(actor: "op"), "cancelled"),
        ("resume", .resume(fingerprint: "envfp:host-a", allowMismatch: false, actor: "op", reason: ""), "resumed"),
        ("checkpoint decision-needed", .decision, "checkpoint_added"),
        ("checkpoint blocked", .checkpoint("blocked"), "checkpoint_added"),
        ("checkpoint completed", .checkpoint("completed"), "checkpoint_added"),
        ("checkpoint plan", .checkpoint("plan"), "checkpoint_added"),
        ("checkpoint progress", .checkpoint("progress"), "checkpoint_added"),
        ("approve", .approve(actor: "boss", reason: ""), "approved"),
        ("blocked dispatch", .blockedDispatch(actor: "proxy", path: "", reasonCode: ""), "dispatch_blocked"),
    ]

    static let paused = Cell.to("paused", "paused_by_user", "paused")
    static let stopped = Cell.to("emergency_stopped", "emergency_stopped", "emergency_stop_preempted")
    static let cancelled = Cell.to("cancelled", "cancelled_by_user", "cancelled")
    static let resumed = Cell.to("running", "none", "resumed")
    static let decided = Cell.to("decision_needed", "decision_needed", "decision_needed")
    static let blocked = Cell.to("blocked", "blocked", "blocked")
    static let completed = Cell.to("completed", "completed", "completed")
    static let approved = Cell.reasonOnly("approval_recorded")
    static let resumeRefused = Cell.refused("invalid transition: resume requires paused, decision_needed, or blocked state")
    static let dispatchRefused = Cell.refused("invalid transition: blocked dispatch requires emergency stopped state")
    static func refused(_ event: String, from status: String) -> Cell { .refused("invalid transition: \(event) from \(status)") }

    /// The rows: how a job gets to the state, then one cell per column in the order above.
    static let rows: [(state: String, path: [JobCommand], cells: [Cell])] = [
        ("running", [], [
            paused, stopped, cancelled, resumeRefused, decided, blocked, completed, .same, .same, approved, dispatchRefused,
        ]),
        ("paused", [.pause(actor: "op")], [
            refused("paused", from: "paused"), stopped, cancelled, resumed, decided, blocked, completed, .same, .same,
            approved, dispatchRefused,
        ]),
        ("decision_needed", [.decision, .approve(actor: "boss", reason: "ok")], [
            paused, stopped, cancelled, resumed, decided, blocked, completed, .same, .same, approved, dispatchRefused,
        ]),
        ("decision_needed", [.decision], [
            paused, stopped, cancelled, .approvalRequired, decided, blocked, completed, .same, .same, approved,
            dispatchRefused,
        ]),
        ("blocked", [.checkpoint("blocked")], [
            refused("paused", from: "blocked"), stopped, cancelled, resumed, decided, blocked, completed, .same, .same,
            approved, dispatchRefused,
        ]),
        ("completed", [.checkpoint("completed")], [
            refused("paused", from: "completed"), refused("emergency_stop_acknowledged", from: "completed"),
            refused("cancelled", from: "completed"), resumeRefused,
            refused("checkpoint_added", from: "completed"), refused("checkpoint_added", from: "completed"),
            refused("checkpoint_added", from: "completed"), refused("checkpoint_added", from: "completed"),
            refused("checkpoint_added", from: "completed"), refused("approved", from: "completed"), dispatchRefused,
        ]),
        ("cancelled", [.cancel(actor: "op")], [
            refused("paused", from: "cancelled"), refused("emergency_stop_acknowledged", from: "cancelled"),
            refused("cancelled", from: "cancelled"), resumeRefused,
            refused("checkpoint_added", from: "cancelled"), refused("checkpoint_added", from: "cancelled"),
            refused("checkpoint_added", from: "cancelled"), refused("checkpoint_added", from: "cancelled"),
            refused("checkpoint_added", from: "cancelled"), refused("approved", from: "cancelled"), dispatchRefused,
        ]),
        ("emergency_stopped", [.emergencyStop(actor: "op")], [
            refused("paused", from: "emergency_stopped"), refused("emergency_stop_acknowledged", from: "emergency_stopped"),
            cancelled, resumeRefused,
            refused("checkpoint_added", from: "emergency_stopped"), refused("checkpoint_added", from: "emergency_stopped"),
            refused("checkpoint_added", from: "emergency_stopped"), refused("checkpoint_added", from: "emergency_stopped"),
            refused("checkpoint_added", from: "emergency_stopped"), refused("approved", from: "emergency_stopped"),
            .same,
        ]),
    ]

    func testTableCoversEveryStatusAndCommand() {
        XCTAssertEqual(Set(Self.rows.map(\.state)), Set(JobStatus.allCases.map(\.rawValue)))
        for row in Self.rows { XCTAssertEqual(row.cells.count, Self.columns.count, row.state) }
    }

    func testEveryCell() {
        var checked = 0
        for row in Self.rows {
            for (column, cell) in zip(Self.columns, row.cells) {
                let where_ = "\(row.state) after \(row.path.count) step(s), \(column.name)"
                var job = JobDriver.submitted()
                for command in row.path {
                    job.advance(seconds: 1)
                    job.mustRun(command)
                }
                XCTAssertEqual(job.state.status, row.state, where_)
                job.advance(seconds: 1)
                let before = job.state
                check(cell, &job, column: column, before: before, where_)
                checked += 1
            }
        }
        XCTAssertEqual(checked, Self.rows.count * Self.columns.count)
    }

    private func check(_ cell: Cell, _ job: inout JobDriver, column: (name: String, command: JobCommand, eventType: String),
                       before: Job.State, _ where_: String) {
        switch cell {
        case .refused(let prefix):
            guard let refusal = job.refusal(column.command) else { return XCTFail(where_) }
            XCTAssertEqual(refusal.exitCode, 6, where_)
            XCTAssertEqual(refusal.reasonCode, "invalid_transition", where_)
            XCTAssertTrue(refusal.message.hasPrefix(prefix), "\(where_): \(refusal.message)")
            XCTAssertTrue(refusal.message.contains("job-1"), "\(where_): the message names the job")
        case .approvalRequired:
            guard let refusal = job.refusal(column.command) else { return XCTFail(where_) }
            XCTAssertEqual(refusal.exitCode, 4, where_)
            XCTAssertEqual(refusal.reasonCode, "approval_required", where_)
        case .to(let status, let stopReason, let reasonCode):
            guard accepted(&job, column, before: before, where_) else { return }
            XCTAssertEqual([job.state.status, job.state.stopReason, job.state.statusReasonCode],
                           [status, stopReason, reasonCode], where_)
        case .same:
            guard accepted(&job, column, before: before, where_) else { return }
            XCTAssertEqual([job.state.status, job.state.stopReason, job.state.statusReasonCode],
                           [before.status, before.stopReason, before.statusReasonCode], where_)
        case .reasonOnly(let reasonCode):
            guard accepted(&job, column, before: before, where_) else { return }
            XCTAssertEqual([job.state.status, job.state.stopReason, job.state.statusReasonCode],
                           [before.status, before.stopReason, reasonCode], where_)
        }
    }

    /// Runs the column's command, expecting success, and checks what every success shares.
    private func accepted(_ job: inout JobDriver, _ column: (name: String, command: JobCommand, eventType: String),
                          before: Job.State, _ where_: String) -> Bool {
        guard let event = job.mustRun(column.command) else { return false }
        XCTAssertEqual(event.type, column.eventType, where_)
        XCTAssertEqual(event.revision, before.revision + 1, where_)
        XCTAssertEqual(job.state.revision, before.revision + 1, where_)
        XCTAssertEqual(event.createdAt, job.now, where_)
        XCTAssertEqual(job.state.updatedAt, job.now, where_)
        XCTAssertEqual(job.state.createdAt, before.createdAt, where_)
        XCTAssertEqual(job.record?.events.last, event, where_)
        return true
    }

    func testEveryCommandOnAMissingJobIsUnknown() {
        for column in Self.columns {
            var job = JobDriver()
            let refusal = job.refusal(column.command)
            XCTAssertEqual(refusal?.kind, .unknownJob, column.name)
            XCTAssertEqual(refusal?.exitCode, 6, column.name)
            XCTAssertEqual(refusal?.message, "job not found: job-1", column.name)
        }
        var job = JobDriver()
        XCTAssertEqual(job.refusal(.acquireLease(worker: "w", ttlSeconds: nil))?.reasonCode, "job_not_found")
    }
}
