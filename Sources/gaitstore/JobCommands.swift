import ArgumentParser
import Foundation
import ObjectStore
import Refs

struct JobCommandGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job", abstract: "Durable jobs as signed branches, with gait's lifecycle and fencing leases.",
        subcommands: [JobSubmit.self, JobStatusCommand.self, JobList.self, JobCheckpointGroup.self, JobPause.self,
                      JobApprove.self, JobResume.self, JobCancel.self, JobStop.self, JobInspect.self, JobPackCommand.self,
                      JobLeaseGroup.self])
}

/// The output of a job command: gait's `gait.job.output` envelope, or gait's text line.
struct JobOutput {
    var operation: String
    var jobID: String
    /// The job after the command, every checkpoint in its state: what the envelope prints.
    var job: (state: Job.State, commit: GitOID, lease: JSONValue?)?
    var extra: [(String, JSONValue)] = []
    /// What the text line shows, which needs no checkpoints.
    var headline: Job.State?

    init(operation: String, jobID: String, snapshot: JobBranch.Snapshot?, extra: [(String, JSONValue)] = []) {
        self.operation = operation
        self.jobID = jobID
        job = snapshot.map { ($0.state, $0.commit, $0.lease) }
        self.extra = extra
        headline = snapshot?.state
    }

    /// After an append: the tip's stored checkpoints are decoded only for the envelope.
    init(operation: String, jobID: String, tip: JobBranch.Tip?, json: Bool, extra: [(String, JSONValue)]) throws {
        self.init(operation: operation, jobID: jobID, snapshot: nil, extra: extra)
        if json { job = try tip.map { (try $0.decodedState(), $0.commit, $0.lease) } }
        headline = tip?.state
    }

    func print(json: Bool) {
        if json {
            var o = JSONObject()
            o["schema_id"] = "gait.job.output"
            o["schema_version"] = "1.0.0"
            o["ok"] = true
            o["operation"] = .string(operation)
            o["correlation_id"] = .string(Envelope.correlationID)
            o["job_id"] = .string(jobID)
            if let job {
                o["job"] = job.state.json
                o["commit"] = .string(job.commit.hex)
                if let lease = job.lease { o["lease"] = lease }
            }
            for (k, v) in extra { o[k] = v }
            printJSON(.object(o))
        } else {
            var line = "job \(operation): id=\(jobID)"
            if let s = headline {
                line += " status=\(s.status) stop_reason=\(s.stopReason) reason_code=\(s.statusReasonCode) revision=\(s.revision)"
            }
            printLine(line)
            for (k, v) in extra {
                printLine("\(k)=\(v.stringValue ?? String(decoding: GoJSONOutput.encode(v), as: UTF8.self))")
            }
        }
    }
}

/// Options every mutating job command shares.
struct JobMutationOptions: ParsableArguments {
    @Option(help: "Who acts (recorded in the event).") var actor = ""
    @Option(help: "The lease this command acts under; required while a live lease is held.") var lease: String?
}

/// Opens the store and its signing identity, runs `command`, prints the result.
func runJob(_ operation: String, _ global: GlobalOptions, id: String, lease: String?, _ command: JobCommand,
            producerVersion: String = JobMachine.defaultProducerVersion, extra: (JobBranch.Tip?) -> [(String, JSONValue)] = { _ in [] }) throws {
    try perform("job \(operation)", json: global.json) {
        let store = try Store.open(at: global.storePath)
        let identity = try StoreIdentity.load(store: store.path)
        let tip = try JobService.run(command, jobID: id, presentedLease: lease, store: store, identity: identity,
                                          producerVersion: producerVersion)
        try JobOutput(operation: operation, jobID: Job.trimmed(id), tip: tip, json: global.json, extra: extra(tip)).print(json: global.json)
    }
}

struct JobSubmit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit", abstract: "Create a job (its first signed event).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Job id (gait's rule: [A-Za-z0-9][A-Za-z0-9._:-]{0,127}).") var id: String
    @Option(help: "Who submits.") var actor = ""
    @Option(help: "Environment fingerprint; computed for this host when not given.") var envFingerprint: String?
    @Option(help: "producer_version recorded in the job state.") var producerVersion = JobMachine.defaultProducerVersion

    func run() throws {
        try runJob("submit", global, id: id, lease: nil, .submit(actor: actor, fingerprint: envFingerprint), producerVersion: producerVersion)
    }
}

struct JobStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The job's current state (one commit read).")
    @OptionGroup var global: GlobalOptions
    @Argument var id: String

    func run() throws {
        try perform("job status", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let tip = try JobService.status(id, store: store)
            JobOutput(operation: "status", jobID: Job.trimmed(id), snapshot: tip,
                      extra: tip.lease.map { [("lease", $0)] } ?? []).print(json: global.json)
        }
    }
}

struct JobList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every job in the store.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try perform("job list", json: global.json) {
            let store = try Store.open(at: global.storePath)
            var rows: [JSONValue] = []
            for job in try JobService.list(store: store) {
                rows.append(["job_id": .string(job.jobID), "status": .string(job.status), "revision": .number(JSONNumber(job.revision))])
                if !global.json { printLine("\(job.jobID)\t\(job.status)\trevision=\(job.revision)") }
            }
            if global.json { printJSON(["ok": true, "operation": "list", "jobs": .array(rows)]) }
        }
    }
}

struct JobCheckpointGroup: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Checkpoints of a job.",
                                                    subcommands: [JobCheckpointAdd.self, JobCheckpointList.self, JobCheckpointShow.self])
}

struct JobCheckpointAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Record a checkpoint.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: JobMutationOptions
    @Argument var id: String
    @Option(help: "plan, progress, decision-needed, blocked or completed.") var type = "progress"
    @Option(help: "What happened (1 to 512 bytes).") var summary: String
    @Option(help: "What a person must do (required for decision-needed).") var requiredAction = ""

    func run() throws {
        try runJob("checkpoint add", global, id: id, lease: mutation.lease,
                   .checkpoint(type: type, summary: summary, requiredAction: requiredAction, actor: mutation.actor)) { tip in
            // The new checkpoint is the tip's last own one; the earlier ones are its stored ones.
            tip?.state.checkpoints.last.map { [("checkpoint", $0.json)] } ?? []
        }
    }
}

struct JobCheckpointList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a job's checkpoints.")
    @OptionGroup var global: GlobalOptions
    @Argument var id: String

    func run() throws {
        try perform("job checkpoint list", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let checkpoints = try JobService.checkpoints(id, store: store)
            if global.json {
                var extra: [(String, JSONValue)] = []
                if !checkpoints.isEmpty { extra.append(("checkpoints", .array(checkpoints.map(\.json)))) }
                JobOutput(operation: "checkpoint list", jobID: id, snapshot: nil, extra: extra).print(json: true)
            } else {
                for c in checkpoints { printLine("\(c.checkpointID)\t\(c.type)\t\(c.reasonCode)\t\(c.summary)") }
            }
        }
    }
}

struct JobCheckpointShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one checkpoint.")
    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Argument(help: "Checkpoint id, e.g. cp_0001.") var checkpointID: String

    func run() throws {
        try perform("job checkpoint show", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let checkpoint = try JobService.checkpoint(id, checkpointID, store: store)
            JobOutput(operation: "checkpoint show", jobID: id, snapshot: nil, extra: [("checkpoint", checkpoint.json)]).print(json: global.json)
        }
    }
}

struct JobPause: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a running job.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: JobMutationOptions
    @Argument var id: String
    func run() throws { try runJob("pause", global, id: id, lease: mutation.lease, .pause(actor: mutation.actor)) }
}

struct JobApprove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Record an approval.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The lease this command acts under; required while a live lease is held.") var lease: String?
    @Argument var id: String
    @Option(help: "Who approves.") var actor: String
    @Option(help: "Why.") var reason = "approved"
    func run() throws { try runJob("approve", global, id: id, lease: lease, .approve(actor: actor, reason: reason)) }
}

struct JobResume: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused or waiting job.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: JobMutationOptions
    @Argument var id: String
    @Option(help: "This environment's fingerprint; computed for this host when not given.") var envFingerprint: String?
    @Flag(help: "Resume although the fingerprint differs (needs --actor and --reason; recorded in the event).") var allowEnvMismatch = false
    @Option(help: "Why.") var reason = "resume"
    func run() throws {
        try runJob("resume", global, id: id, lease: mutation.lease,
                   .resume(fingerprint: envFingerprint, allowMismatch: allowEnvMismatch, actor: mutation.actor, reason: reason))
    }
}

struct JobCancel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: JobMutationOptions
    @Argument var id: String
    func run() throws { try runJob("cancel", global, id: id, lease: mutation.lease, .cancel(actor: mutation.actor)) }
}

struct JobStop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop",
                                                    abstract: "Emergency stop. Fenced like every mutation: present the live lease (shown by job status).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: JobMutationOptions
    @Argument var id: String
    func run() throws { try runJob("stop", global, id: id, lease: mutation.lease, .emergencyStop(actor: mutation.actor)) }
}

struct JobInspect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "The whole timeline; --verify replays it and checks signatures.")
    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Flag(help: "Check that every snapshot equals the replay of its history and every commit is signed by a trusted key.")
    var verify = false

    func run() throws {
        try perform("job inspect", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let (_, history, tip) = try JobService.fullRecord(id, store: store)
            let problems = verify ? try JobService.verify(id, store: store) : []
            var extra: [(String, JSONValue)] = [("events", .array(history.map(\.event.json)))]
            if verify { extra.append(("verify", ["ok": .bool(problems.isEmpty), "problems": .array(problems.map { .string($0) })])) }
            if global.json {
                JobOutput(operation: "inspect", jobID: id, snapshot: tip, extra: extra).print(json: true)
            } else {
                JobOutput(operation: "inspect", jobID: id, snapshot: tip).print(json: false)
                for s in history {
                    printLine("\(s.event.revision)\t\(s.event.createdAt.rfc3339Nano)\t\(s.event.type)\t\(s.event.reasonCode)\t\(s.event.actor)\t\(s.commit.hex)")
                }
                if verify { printLine(problems.isEmpty ? "verify: ok" : problems.map { "problem: \($0)" }.joined(separator: "\n")) }
            }
            if !problems.isEmpty {
                try failAfterOutput("job inspect", "\(problems.count) problem(s); first: \(problems[0])", exit: ExitStatus.verificationFailed)
            }
        }
    }
}

struct JobPackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pack", abstract: "Build a PackSpec job pack from the job's branch (gait's pack_id).")
    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Option(help: "Output zip.") var out: String
    @Option(help: "Signing key: gait base64 private key or unencrypted OpenSSH ed25519 key.") var key: String?
    @Option(help: "producer_version of the pack (part of pack_id).") var producerVersion = "0.0.0-dev"

    func run() throws {
        try perform("job pack", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let built = try JobService.pack(id, store: store, options: PackBuildOptions(producerVersion: producerVersion,
                                                                                       key: try KeySources.signingKey(path: key, env: nil)),
                                            outPath: out)
            emit(global.json, [("pack_id", .string(built.packID)), ("path", .string(built.path)), ("job_id", .string(id))])
        }
    }
}

struct JobLeaseGroup: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lease", abstract: "Worker leases that fence a job's mutations.",
                                                    subcommands: [JobLeaseAcquire.self, JobLeaseHeartbeat.self, JobLeaseRelease.self])
}

struct JobLeaseAcquire: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "acquire", abstract: "Take the job's lease (or an expired one).")
    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Option(help: "Worker id.") var worker: String
    @Option(help: "Seconds until the lease expires without a heartbeat (default 30).") var ttl: Int?
    func run() throws {
        try runJob("lease acquire", global, id: id, lease: nil, .acquireLease(worker: worker, ttlSeconds: ttl)) { tip in
            tip?.lease.map { [("lease", $0)] } ?? []
        }
    }
}

struct JobLeaseHeartbeat: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "heartbeat", abstract: "Extend the lease.")
    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Option(help: "Worker id.") var worker: String
    @Option(help: "Lease id.") var lease: String
    func run() throws { try runJob("lease heartbeat", global, id: id, lease: nil, .heartbeat(worker: worker, lease: lease)) }
}

struct JobLeaseRelease: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "release", abstract: "Give the lease up.")
    @OptionGroup var global: GlobalOptions
    @Argument var id: String
    @Option(help: "Worker id.") var worker: String
    @Option(help: "Lease id.") var lease: String
    func run() throws { try runJob("lease release", global, id: id, lease: nil, .releaseLease(worker: worker, lease: lease)) }
}
