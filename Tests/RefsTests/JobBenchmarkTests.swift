import Foundation
import ObjectStore
import TestSupport
import XCTest
@testable import Refs

/// Issue 4's job benchmark, in-process: `JobService.run` appends (one signed commit and two
/// filesystem syncs per event) against gait's design, a JSONL line appended under `flock` with
/// and without `fsync`, with 1 and 4 writers, and the floor of git's layout (`JobLayoutFloor`: the
/// files and syncs of the 1-writer appends with no CPU work); then `job status` and `job inspect`
/// as the history grows to 10,000 events. bench/jobs.sh runs it and times the CLI beside it:
///
///     GAITSTORE_JOB_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter JobBenchmarkTests
///
/// Knobs: GAITSTORE_JOB_BENCH_EVENTS (events per append measurement, 400, fed in 8 rounds),
/// GAITSTORE_JOB_BENCH_HISTORY (longest pause/resume history, 10000),
/// GAITSTORE_JOB_BENCH_CHECKPOINT_HISTORY (longest checkpoint-only history, 1000: gait's state holds
/// every checkpoint, so each append rewrites them all), GAITSTORE_JOB_BENCH_OUT (a directory for the
/// results as JSON and the history stores, kept for the CLI timings).
///
/// Skipped otherwise. Nothing is asserted about speed, which depends on the machine; what is
/// asserted is that every measured write landed: every event on the branch, signed, every line
/// in the file, whole.
final class JobBenchmarkTests: XCTestCase {
    private let settings = BenchSettings()

    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["GAITSTORE_JOB_BENCH"] == "1",
                          "set GAITSTORE_JOB_BENCH=1 (release build) to run")
    }

    /// Every writer setup is fed in rounds, in turn, so that all of them see the same disk: on a
    /// shared machine the cost of a sync changes by orders of magnitude from one minute to the next.
    func testAppendsAgainstFlockedJSONL() throws {
        let scratch = try RefsScratchDirectory()
        defer { scratch.remove() }
        let rounds = 8
        let before = try syncFloor(in: scratch)
        var contenders: [Contender] = []
        for (writers, jobs) in [(1, 1), (4, 1), (4, 4)] {
            contenders.append(try gaitstoreContender(writers: writers, jobs: jobs, in: scratch.path("store-\(writers)w\(jobs)j")))
        }
        contenders.append(try layoutFloorContender(rounds: rounds, in: scratch))
        for writers in [1, 4] {
            for sync in [true, false] {
                contenders.append(flockContender(writers: writers, sync: sync,
                                                 path: scratch.path("\(writers)w-\(sync ? "fsync" : "nosync").jsonl")))
            }
        }
        for round in 0..<rounds {
            for index in contenders.indices.map({ ($0 + round) % contenders.count }) {
                try contenders[index].runRound(round, perWriter: settings.events / contenders[index].writers / rounds)
            }
        }
        let rows = try contenders.map { try $0.finish() }
        let after = try syncFloor(in: scratch)
        for row in rows { print("bench-jobs: \(row.line)") }
        for (name, floor) in [("before", before), ("after", after)] {
            print(String(format: "bench-jobs: sync floor %@: syncfs %.3f ms, fsync of a 1-line append %.3f ms (medians of 100)",
                         name, floor.syncfsMs, floor.fsyncMs))
        }
        try settings.save(AppendResults(load: BenchSettings.loadAverage(), rows: rows, floorBefore: before, floorAfter: after),
                          as: "inprocess-appends.json")
    }

    func testStatusAndInspectAgainstHistoryLength() throws {
        let scratch = try RefsScratchDirectory()
        defer { scratch.remove() }
        var rows: [HistoryRow] = []
        rows += try history(.pauseResume, upTo: settings.history, in: scratch)
        rows += try history(.checkpoints, upTo: settings.checkpointHistory, in: scratch)
        for row in rows { print("bench-jobs: \(row.line)") }
        try settings.save(HistoryResults(load: BenchSettings.loadAverage(), rows: rows), as: "inprocess-history.json")
    }

    // MARK: Appends

    /// `writers` threads, each with its own store handle and identity, append checkpoints to `jobs`
    /// jobs (writer w writes to job w % jobs).
    private func gaitstoreContender(writers: Int, jobs: Int, in path: String) throws -> Contender {
        _ = try StoreSetup.initialize(at: path, key: nil, principal: "bench@gaitstore")
        let jobIDs = (0..<jobs).map { "bench-\($0)" }
        let handles = try (0..<writers).map { _ in (store: try Store.open(at: path), identity: try StoreIdentity.load(store: path)) }
        for id in jobIDs {
            try JobService.run(.submit(actor: "bench", fingerprint: "envfp:bench"), jobID: id, presentedLease: nil,
                               store: handles[0].store, identity: handles[0].identity)
        }
        let commitsBefore = try commitObjectCount(path)
        return Contender(tool: "gaitstore", writers: writers, jobs: jobs) { round, perWriter in
            try onThreads(writers) { writer in
                let (store, identity) = handles[writer]
                return try (0..<perWriter).map { n in
                    try timed {
                        try JobService.run(Self.checkpoint(writer: writer, round: round, step: n),
                                           jobID: jobIDs[writer % jobs], presentedLease: nil, store: store, identity: identity)
                    }
                }
            }
        } finish: { events in
            let store = try Store.open(at: path)
            var landed = 0
            for id in jobIDs {
                let checkpoints = try JobService.checkpoints(id, store: store)
                XCTAssertEqual(checkpoints.count, events / jobs, "job \(id) lost checkpoints")
                XCTAssertEqual(Set(checkpoints.map(\.checkpointID)).count, checkpoints.count, "job \(id) repeats a checkpoint id")
                landed += checkpoints.count
            }
            if writers > 1 {
                for id in jobIDs { XCTAssertEqual(try JobService.verify(id, store: store), [], "job \(id)") }
            }
            // Every attempt that lost its compare-and-swap left its signed commit behind, unreferenced.
            return try self.commitObjectCount(path) - commitsBefore - landed
        }
    }

    /// The files of the 1-writer appends and nothing else (`JobLayoutFloor`): the same commands
    /// are first run on a template store, untimed, and the rounds write that job's loose objects
    /// and move its ref, with both syncs.
    private func layoutFloorContender(rounds: Int, in scratch: RefsScratchDirectory) throws -> Contender {
        let template = scratch.path("floor-template")
        _ = try StoreSetup.initialize(at: template, key: nil, principal: "bench@gaitstore")
        let store = try Store.open(at: template), identity = try StoreIdentity.load(store: template)
        let jobID = "bench-0", perWriter = settings.events / rounds
        try JobService.run(.submit(actor: "bench", fingerprint: "envfp:bench"), jobID: jobID, presentedLease: nil,
                           store: store, identity: identity)
        for round in 0..<rounds {
            for n in 0..<perWriter {
                try JobService.run(Self.checkpoint(writer: 0, round: round, step: n),
                                   jobID: jobID, presentedLease: nil, store: store, identity: identity)
            }
        }
        let events = try JobLayoutFloor.events(ofJob: jobID, in: template)
        let floor = try JobLayoutFloor(creating: scratch.path("floor"), jobID: jobID, first: events[0])
        return Contender(tool: "git-files", writers: 1, jobs: 1) { round, perWriter in
            try onThreads(1) { _ in
                try (0..<perWriter).map { n in
                    let index = round * perWriter + n + 1  // events[0] is the submit, written at creation
                    return try timed { try floor.append(events[index], after: events[index - 1].commit) }
                }
            }
        } finish: { events in
            let perEvent = { (seconds: Double) in String(format: "%.0f", seconds * 1e6 / Double(events)) }
            print("bench-jobs: git-files µs per event: objects \(perEvent(floor.phases.objects)), first sync \(perEvent(floor.phases.firstSync)),"
                  + " ref \(perEvent(floor.phases.ref)), second sync \(perEvent(floor.phases.secondSync))")
            let count = try RefsTestShell.check(["git", "--git-dir", floor.store, "rev-list", "--count", floor.ref])
            XCTAssertEqual(Int(count.trimmingCharacters(in: .whitespacesAndNewlines)), events + 1, "the floor's job lost events")
            _ = try RefsTestShell.check(["git", "--git-dir", floor.store, "fsck", "--strict", "--no-dangling"])
            return nil
        }
    }

    /// The checkpoint every measured append adds (the floor's template adds the same ones).
    private static func checkpoint(writer: Int, round: Int, step: Int) -> JobCommand {
        .checkpoint(type: "progress", summary: "writer \(writer) round \(round) step \(step)", requiredAction: "", actor: "bench")
    }

    /// gait's append: open, `flock`, write one line, `fsync` (when `sync`), unlock, close; every
    /// writer on the same file.
    private func flockContender(writers: Int, sync: Bool, path: String) -> Contender {
        let lines = eventLines(settings.events / writers)
        return Contender(tool: sync ? "flock+fsync" : "flock", writers: writers, jobs: 1) { round, perWriter in
            try onThreads(writers) { _ in
                try lines[(round * perWriter)..<((round + 1) * perWriter)].map { line in
                    try timed { try FlockedAppend.append(line, to: path, sync: sync) }
                }
            }
        } finish: { events in
            let written = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(written.count, events + 1, "\(path): lines lost or torn")
            for line in written.dropLast() { XCTAssertNoThrow(try JSONParser.parse(Array(line.utf8)), "\(path): torn line") }
            return nil
        }
    }

    /// gait's own event lines for `count` checkpoints (canonical JSON, as gaitstore stores them).
    private func eventLines(_ count: Int) -> [[UInt8]] {
        var driver = JobDriver.submitted(jobID: "bench-0")
        return (0..<count).map { n in
            let event = driver.mustRun(.checkpoint("progress", "writer 0 step \(n)", actor: "bench"))!
            return ((try? CanonicalJSON.encode(event.json)) ?? []) + [0x0A]
        }
    }

    /// What the two kinds of sync cost on this filesystem with nothing of ours to write.
    private func syncFloor(in scratch: RefsScratchDirectory) throws -> SyncFloor {
        let syncfs = try (0..<100).map { _ in try timed { try Durability.syncFileSystem(containing: scratch.url.path) } }
        let line = Array("{}\n".utf8)
        let fsync = try (0..<100).map { _ in try timed { try FlockedAppend.append(line, to: scratch.path("floor.jsonl"), sync: true) } }
        let nosync = try (0..<100).map { _ in try timed { try FlockedAppend.append(line, to: scratch.path("floor.jsonl"), sync: false) } }
        return SyncFloor(syncfsMs: syncfs.median * 1e3, fsyncMs: (fsync.median - nosync.median) * 1e3)
    }

    private func commitObjectCount(_ store: String) throws -> Int {
        let out = try RefsTestShell.check(["git", "--git-dir", store, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype)"])
        return out.split(separator: "\n").filter { $0 == "commit" }.count
    }

    // MARK: History

    enum HistoryShape: String {
        /// pause, resume, pause, ...: gait's state stays the same size however long the history.
        case pauseResume = "pause-resume"
        /// progress checkpoints: gait's state holds every checkpoint, so it grows with the history.
        case checkpoints
    }

    /// Builds one job of `shape` to each milestone up to `longest` events and times, at each,
    /// the reads behind `job status`, `job inspect` and `job inspect --verify`, and the last appends.
    private func history(_ shape: HistoryShape, upTo longest: Int, in scratch: RefsScratchDirectory) throws -> [HistoryRow] {
        let path = scratch.path("history-\(shape.rawValue)")
        _ = try StoreSetup.initialize(at: path, key: nil, principal: "bench@gaitstore")
        let store = try Store.open(at: path)
        let identity = try StoreIdentity.load(store: path)
        let jobID = "bench"
        func append(_ command: JobCommand) throws {
            try JobService.run(command, jobID: jobID, presentedLease: nil, store: store, identity: identity)
        }
        try append(.submit(actor: "bench", fingerprint: "envfp:bench"))

        var rows: [HistoryRow] = []
        var events = 1
        var appendTimes: [Double] = []
        let buildStart = ContinuousClock.now
        for milestone in [100, 1_000].filter({ $0 < longest }) + [longest] {
            appendTimes.removeAll(keepingCapacity: true)
            while events < milestone {
                let command: JobCommand
                switch shape {
                case .pauseResume:
                    command = events % 2 == 1 ? .pause(actor: "bench")
                        : .resume(fingerprint: "envfp:bench", allowMismatch: false, actor: "bench", reason: "")
                case .checkpoints:
                    command = .checkpoint(type: "progress", summary: "step \(events)", requiredAction: "", actor: "bench")
                }
                appendTimes.append(try timed { try append(command) })
                events += 1
            }
            let status = try (0..<50).map { _ in
                try timed {
                    let tip = try JobService.status(jobID, store: try Store.open(at: path))
                    XCTAssertEqual(tip.state.revision, milestone)
                }
            }
            let inspect = try (0..<3).map { _ in
                try timed {
                    let record = try JobService.fullRecord(jobID, store: try Store.open(at: path)).record
                    XCTAssertEqual(record.events.count, milestone)
                }
            }
            var problems: [String] = []
            let verify = try timed { problems = try JobService.verify(jobID, store: try Store.open(at: path)) }
            XCTAssertEqual(problems, [], "\(shape.rawValue) at \(milestone) events")
            let stateBytes = try CanonicalJSON.encode(try JobService.status(jobID, store: store).state.json).count
            let lastAppends = Array(appendTimes.suffix(100))
            rows.append(HistoryRow(shape: shape.rawValue, events: milestone, stateBytes: stateBytes,
                                   statusMs: status.median * 1e3, inspectMs: inspect.median * 1e3, verifyMs: verify * 1e3,
                                   lastAppendsMs: lastAppends.mean * 1e3, storeBytes: try directoryBytes(path),
                                   buildSeconds: buildStart.duration(to: .now).seconds))
            if let kept = settings.keptPath("history-\(shape.rawValue)-\(milestone)") {
                try? FileManager.default.removeItem(atPath: kept)
                try FileManager.default.copyItem(atPath: path, toPath: kept)
            }
        }
        try FileManager.default.removeItem(atPath: path)
        return rows
    }

    private func directoryBytes(_ path: String) throws -> Int {
        let out = try RefsTestShell.check(["du", "-sb", path])
        return Int(out.split(separator: "\t").first ?? "") ?? 0
    }
}
