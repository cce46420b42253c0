import Foundation
import ObjectStore

/// The job commands on a store: the state machine applied to a job's branch, one signed commit per
/// event, plus the reads (status, history, verification) and job packs.
public enum JobService {
    /// Runs `command` on the job's tip and appends its event. Returns the new tip, or the unchanged
    /// one when the command changes nothing (a release with no lease held).
    @discardableResult
    public static func run(_ command: JobCommand, jobID: String, presentedLease: String?, store: Store,
                           identity: StoreIdentity, producerVersion: String = JobMachine.defaultProducerVersion) throws -> JobBranch.Tip? {
        let id = Job.trimmed(jobID)
        return try JobBranch.append(id, in: store, identity: identity) { tip in
            let record = try tip.map(record(from:))
            let stored = tip?.storedCheckpoints ?? .empty
            let outcome: (record: JobRecord, event: Job.Event?)
            do {
                outcome = try JobMachine.apply(command, to: record, storedCheckpoints: stored, jobID: id, now: GoTime.now(),
                                               presentedLease: presentedLease, producerVersion: producerVersion)
            } catch {
                throw error.formatError
            }
            guard let event = outcome.event else { return nil }
            return JobBranch.Change(state: outcome.record.state, event: event, lease: outcome.record.lease?.json)
        }
    }

    /// The job's current snapshot: one commit read, whatever the history's length.
    public static func status(_ jobID: String, store: Store) throws -> JobBranch.Snapshot {
        guard let tip = try JobBranch.tip(Job.trimmed(jobID), in: store) else {
            throw JobRefusal.unknownJob(Job.trimmed(jobID)).formatError
        }
        return tip
    }

    /// Every job's id, status and revision, sorted by id. Each tip is read as an append reads it,
    /// its checkpoints left encoded, so a checkpoint-heavy job costs no more to list than another.
    public static func list(store: Store) throws -> [(jobID: String, status: String, revision: Int)] {
        try JobBranch.jobIDs(in: store).compactMap { id in
            guard let commit = try store.repository.resolveReference(JobRefName.reference(for: id)) else { return nil }
            let state = try JobBranch.appendTip(commit, in: store.repository).state
            return (id, state.status, state.revision)
        }
    }

    /// The record a snapshot stands for (events are not needed to decide the next step).
    static func record(from snapshot: JobBranch.Snapshot) throws -> JobRecord {
        JobRecord(state: snapshot.state, lease: try lease(snapshot.lease, commit: snapshot.commit), events: [])
    }

    /// The record an append decides on: no events, and the tip's checkpoints left encoded in
    /// `tip.storedCheckpoints`, passed to the machine beside it.
    static func record(from tip: JobBranch.Tip) throws -> JobRecord {
        JobRecord(state: tip.state, lease: try lease(tip.lease, commit: tip.commit), events: [])
    }

    private static func lease(_ stored: JSONValue?, commit: GitOID) throws -> JobLease? {
        do { return try stored.map(JobLease.decode) } catch {
            throw FormatError.verification("commit \(commit.hex): \(JobLease.fileName): \(error)")
        }
    }

    /// The whole record, events included, rebuilt from the branch: the tip's snapshot and every
    /// commit's event (not every commit's state).
    public static func fullRecord(_ jobID: String, store: Store) throws -> (record: JobRecord, history: [JobBranch.Entry], tip: JobBranch.Snapshot) {
        let history = try JobBranch.timeline(Job.trimmed(jobID), in: store)
        guard let last = history.last else { throw JobRefusal.unknownJob(Job.trimmed(jobID)).formatError }
        let tip = try JobBranch.snapshot(last.commit, in: store.repository)
        var record = try record(from: tip)
        record.events = history.map(\.event)
        return (record, history, tip)
    }

    /// Problems with a job's history: every snapshot must equal the replay of the events up to it,
    /// and every commit must carry a good signature from a trusted key.
    public static func verify(_ jobID: String, store: Store) throws -> [String] {
        let history = try JobBranch.history(Job.trimmed(jobID), in: store)
        if history.isEmpty { throw JobRefusal.unknownJob(Job.trimmed(jobID)).formatError }
        let verifier = try CommitVerifier(store: store.path)
        var problems: [String] = []
        for snapshot in history {
            let verdict = try verifier.verify(snapshot.commit, in: store.repository)
            if !verdict.isGood { problems.append("job \(jobID) commit \(snapshot.commit.hex) (revision \(snapshot.event.revision)): \(verdict.text)") }
        }
        problems += replayProblems(history, jobID: jobID)
        return problems
    }

    /// Throws unless replaying the history's events gives every snapshot in it.
    public static func verifyReplay(_ history: [JobBranch.Snapshot], jobID: String) throws {
        if let first = replayProblems(history, jobID: jobID).first { throw FormatError.verification(first) }
    }

    /// Where the history's snapshots differ from the replay of its events (state and lease), or why
    /// it does not replay at all.
    static func replayProblems(_ history: [JobBranch.Snapshot], jobID: String) -> [String] {
        func canonical(_ value: JSONValue?) -> [UInt8]? { value.flatMap { try? CanonicalJSON.encode($0) } }
        var problems: [String] = []
        var position = 0
        do {
            // Compared as each record is made, so no intermediate record (each with every event
            // so far) is kept.
            _ = try JobMachine.replay(history.map(\.event)) { record in
                let snapshot = history[position]
                position += 1
                let place = "job \(jobID) commit \(snapshot.commit.hex) (revision \(snapshot.event.revision))"
                if canonical(record.state.json) != canonical(snapshot.state.json) {
                    problems.append("\(place): \(JobBranch.stateFile) differs from the replay of its history")
                }
                if canonical(record.lease?.json) != canonical(snapshot.lease) {
                    problems.append("\(place): \(JobBranch.leaseFile) differs from the replay of its history")
                }
            }
        } catch {
            return ["job \(jobID): history does not replay: \(error)"]
        }
        return problems
    }

    /// One checkpoint of a job, or gait's `checkpoint not found` refusal.
    public static func checkpoint(_ jobID: String, _ checkpointID: String, store: Store) throws -> Job.Checkpoint {
        do { return try record(from: try status(jobID, store: store)).checkpoint(id: checkpointID) } catch {
            throw error.formatError
        }
    }

    /// A job's checkpoints in id order.
    public static func checkpoints(_ jobID: String, store: Store) throws -> [Job.Checkpoint] {
        try record(from: try status(jobID, store: store)).sortedCheckpoints
    }

    /// A PackSpec job pack of the job, as gait would build it for the same gait-visible history
    /// (lease events and gaitstore's payload additions left out), so the pack_id is gait's.
    public static func pack(_ jobID: String, store: Store, options: PackBuildOptions, outPath: String?) throws -> BuiltPack {
        let view = try fullRecord(jobID, store: store).record.gaitView
        return try JobPack.build(state: view.state, events: view.events, options: options, outPath: outPath)
    }
}

extension JobRefusal {
    var formatError: FormatError {
        switch kind {
        case .approvalRequired: return FormatError(.approvalRequired, message)
        case .invalid, .unknownJob: return FormatError.invalid(message)
        }
    }
}

extension Error {
    /// A job refusal as the CLI's error; anything else unchanged.
    var formatError: Error { (self as? JobRefusal)?.formatError ?? self }
}
