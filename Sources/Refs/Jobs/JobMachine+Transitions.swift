import ObjectStore

/// gait's status commands, checkpoints and approvals (job-runtime §2.2, §2.3, §6.2).
extension JobMachine {
    /// gait's `simpleTransition`: pause, cancel and emergency stop, each allowed from a fixed list.
    static func simpleTransition(_ state: inout Job.State, _ step: Step, _ eventType: JobEventType, actor: String,
                                 allowedFrom: Set<JobStatus>, to status: JobStatus, stopReason: String,
                                 reasonCode: String) throws(JobRefusal) -> JobEventDraft {
        guard allowedFrom.contains(step.status) else {
            throw .invalidTransition(eventType, from: step.status, job: step.jobID)
        }
        state.status = status.rawValue
        state.stopReason = stopReason
        state.statusReasonCode = reasonCode
        return JobEventDraft(type: eventType, actor: Job.trimmed(actor), reasonCode: reasonCode)
    }

    /// gait's `AddCheckpoint`, closed to terminal jobs. Checks, in order: status, type, summary
    /// present, summary length, required action of a decision.
    static func addCheckpoint(_ state: inout Job.State, _ step: Step, type rawType: String, summary rawSummary: String,
                              requiredAction rawAction: String, actor rawActor: String) throws(JobRefusal) -> JobEventDraft {
        if step.status.isTerminal { throw .invalidTransition(.checkpointAdded, from: step.status, job: step.jobID) }
        let typeText = Job.trimmed(rawType)
        guard let type = JobCheckpointType(rawValue: typeText) else { throw .checkpointType(typeText, job: step.jobID) }
        let summary = Job.trimmed(rawSummary)
        guard !summary.isEmpty else { throw .checkpointSummaryMissing(job: step.jobID) }
        guard summary.utf8.count <= maxSummaryBytes else {
            throw .checkpointSummaryTooLong(bytes: summary.utf8.count, job: step.jobID)
        }
        var requiredAction = Job.trimmed(rawAction)
        if type == .decisionNeeded {
            guard !requiredAction.isEmpty else { throw .checkpointRequiredActionMissing(job: step.jobID) }
        } else {
            requiredAction = ""
        }

        let actor = Job.trimmed(rawActor)
        var checkpoint = Job.Checkpoint()
        checkpoint.checkpointID = checkpointID(number: step.storedCheckpoints.count + state.checkpoints.count + 1)
        checkpoint.createdAt = step.now
        checkpoint.type = type.rawValue
        checkpoint.summary = summary
        checkpoint.requiredAction = requiredAction
        checkpoint.reasonCode = type.reasonCode
        checkpoint.actor = actor
        state.checkpoints.append(checkpoint)
        if let effect = type.statusEffect {
            state.status = effect.status.rawValue
            state.stopReason = effect.stopReason
            state.statusReasonCode = effect.reasonCode
        }
        return JobEventDraft(type: .checkpointAdded, actor: actor, reasonCode: type.reasonCode,
                             payload: [("checkpoint_id", .string(checkpoint.checkpointID)),
                                       ("checkpoint_type", .string(type.rawValue)),
                                       ("required_action", .string(requiredAction))],
                             additions: [("summary", .string(summary))])
    }

    /// gait's `cp_%04d`: at least four digits, more when the count needs them.
    static func checkpointID(number: Int) -> String {
        let digits = String(number)
        return "cp_" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// gait's `Approve`, closed to terminal jobs. Approvals are counted, not tied to a checkpoint.
    static func approve(_ state: inout Job.State, _ step: Step, actor rawActor: String,
                        reason rawReason: String) throws(JobRefusal) -> JobEventDraft {
        if step.status.isTerminal { throw .invalidTransition(.approved, from: step.status, job: step.jobID) }
        let actor = Job.trimmed(rawActor)
        guard !actor.isEmpty else { throw .approvalActorMissing(job: step.jobID) }
        let given = Job.trimmed(rawReason)
        let reason = given.isEmpty ? "approved" : given
        var approval = Job.Approval()
        approval.createdAt = step.now
        approval.actor = actor
        approval.reason = reason
        state.approvals.append(approval)
        state.statusReasonCode = "approval_recorded"
        return JobEventDraft(type: .approved, actor: actor, reasonCode: "approval_recorded",
                             payload: [("reason", .string(reason))])
    }

    /// gait's `RecordBlockedDispatch`: an audit event only an emergency-stopped job takes.
    static func recordBlockedDispatch(_ state: Job.State, _ step: Step, actor: String, path rawPath: String,
                                      reasonCode rawCode: String) throws(JobRefusal) -> JobEventDraft {
        guard step.status == .emergencyStopped, Job.trimmed(state.stopReason) == JobStopReason.emergencyStopped else {
            throw .dispatchNotStopped(step.status, job: step.jobID)
        }
        let code = Job.trimmed(rawCode), path = Job.trimmed(rawPath)
        return JobEventDraft(type: .dispatchBlocked, actor: Job.trimmed(actor),
                             reasonCode: code.isEmpty ? "emergency_stop_preempted" : code,
                             payload: [("dispatch_path", .string(path.isEmpty ? "runtime.dispatch" : path))])
    }
}
