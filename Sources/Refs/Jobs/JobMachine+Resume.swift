import ObjectStore

/// gait's `Resume` and its gates, in gait's order (job-runtime §2.4, §4.2, §7.1).
extension JobMachine {
    /// 1. status; 2. approvals; 3. policy; 4. identity; 5. environment fingerprint.
    ///
    /// gaitstore's resume takes no policy or identity input (the CLI has none), so gates
    /// 3 and 4 run as gait's do when those flags are absent: a job bound to a policy fails closed,
    /// and a bound identity (gait binds the submitting actor) validates itself. An override of a
    /// fingerprint mismatch must name its actor and give a reason, which gait leaves optional.
    static func resume(_ state: inout Job.State, _ step: Step, fingerprint: String?, allowMismatch: Bool,
                       actor rawActor: String, reason rawReason: String) throws(JobRefusal) -> JobEventDraft {
        guard [.paused, .decisionNeeded, .blocked].contains(step.status) else {
            throw .resumeNotStopped(step.status, job: step.jobID)
        }

        let decision = JobCheckpointType.decisionNeeded.rawValue
        let decisions = step.storedCheckpoints.count(ofType: decision) + state.checkpoints.filter { $0.type == decision }.count
        if decisions > state.approvals.count || (step.status == .decisionNeeded && decisions == 0) {
            throw .approvalRequired(decisions: decisions, approvals: state.approvals.count, job: step.jobID)
        }

        let current = Job.environmentFingerprint(override: fingerprint ?? "")
        let actor = Job.trimmed(rawActor)
        let givenReason = Job.trimmed(rawReason)
        let reason = givenReason.isEmpty ? "resume" : givenReason

        if !Job.trimmed(state.policyDigest).isEmpty || !Job.trimmed(state.policyRef).isEmpty {
            throw .policyEvaluationRequired(job: step.jobID)
        }
        state.ensureSafetyInvariantLedger()

        let identity = Job.trimmed(state.identity)

        var reasonCode = "resumed"
        let expected = state.environmentFingerprint
        if !expected.isEmpty && current != expected {
            guard allowMismatch else { throw .environmentMismatch(expected: expected, actual: current, job: step.jobID) }
            guard !actor.isEmpty, !givenReason.isEmpty else {
                throw .overrideUnattributed(expected: expected, actual: current, job: step.jobID)
            }
            reasonCode = "resumed_with_env_override"
        }

        state.status = JobStatus.running.rawValue
        state.stopReason = JobStopReason.none
        state.statusReasonCode = reasonCode

        var payload: [(String, JSONValue)] = [("reason", .string(reason))]
        if !expected.isEmpty { payload.append(("expected_fingerprint", .string(expected))) }
        if !current.isEmpty { payload.append(("actual_fingerprint", .string(current))) }
        if !identity.isEmpty {
            payload.append(("identity_validation_required", .bool(true)))
            payload.append(("identity", .string(identity)))
        }
        return JobEventDraft(type: .resumed, actor: actor, reasonCode: reasonCode, payload: payload)
    }
}
