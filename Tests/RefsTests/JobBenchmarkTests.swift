import Foundation
import ObjectStore
import TestSupport
import XCTest
@testable import Refs

/// Issue 4's job benchmark, in-process: `JobService.run` appends (one signed commit and two
/// filesystem syncs per event) against gait's design, a JSONL line appended under `flock` with
/// and without `fsync`, with 1 and 4 writers; then `job status` and `job inspect` as the history
/// grows to 10,000 events. bench/jobs.sh runs it and times the CLI beside it:
///
///     GAITSTORE_JOB_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter JobBenchmarkTests
///
/// Knobs: GAITSTORE_JOB_BENCH_EVENTS (events per append measurement, 400), GAITSTORE_JOB_BENCH_HISTORY
/// (longest history, 10000), GAITSTORE_JOB_BENCH_CHECKPOINT_HISTORY (longest checkpoint-only history,
/// 2000: every checkpoint stays in gait's state, so each append rewrites them all), GAITSTORE_JOB_BENCH_OUT
/// (a directory for the results as JSON and the history stores, kept for the CLI timings).
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

    func testAppendsAgainstFlockedJSONL() throws {
        let scratch = try RefsScratchDirectory()
        defer { scratch.remove() }
        let events = settings.events
        var rows: [AppendRow] = []

        rows.append(try gaitstoreAppends(writers: 1, jobs: 1, events: events, in: scratch.path("one")))
        rows.append(try gaitstoreAppends(writers: 4, jobs: 1, events: events, in: scratch.path("four")))
        rows.append(try gaitstoreAppends(writers: 4, jobs: 4, events: events, in: scratch.path("four-jobs")))
        for sync in [true, false] {
            let name = sync ? "sync" : "nosync"
            rows.append(try flockAppends(writers: 1, events: events, sync: sync, path: scratch.path("one-\(name).jsonl")))
            rows.append(try flockAppends(writers: 4, events: events, sync: sync, path: scratch.path("four-\(name).jsonl")))
        }
        let floor = try syncFloor(in: scratch)
        for row in rows { print("bench-jobs: \(row.line)") }
        print(String(format: "bench-jobs: floor: syncfs %.3f ms, fsync of a 1-line append %.3f ms (medians of 100)",
                     floor.syncfsMs, floor.fsyncMs))
        try settings.save(AppendResults(load: BenchSettings.loadAverage(), rows: rows, floor: floor), as: "inprocess-appends.json")
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

    /// `writers` threads, each with its own store handle and identity, share `events` checkpoint
    /// appends on `jobs` jobs (writer w writes to job w % jobs).
    private func gaitstoreAppends(writers: Int, jobs: Int, events: Int, in path: String) throws -> AppendRow {
        _ = try StoreSetup.initialize(at: path, key: nil, principal: "bench@gaitstore")
        let jobIDs = (0..<jobs).map { "bench-\($0)" }
        do {
            let store = try Store.open(at: path)
            let identity = try StoreIdentity.load(store: path)
            for id in jobIDs {
                try JobService.run(.submit(actor: "bench", fingerprint: "envfp:bench"), jobID: id, presentedLease: nil,
                                   store: store, identity: identity)
            }
        }
        let commitsBefore = try commitObjectCount(path)
        let share = events / writers
        let timing = try onThreads(writers) { writer in
            let store = try Store.open(at: path)
            let identity = try StoreIdentity.load(store: path)
            let jobID = jobIDs[writer % jobs]
            return try (0..<share).map { n in
                try timed {
                    try JobService.run(.checkpoint(type: "progress", summary: "writer \(writer) step \(n)", requiredAction: "", actor: "bench"),
                                       jobID: jobID, presentedLease: nil, store: store, identity: identity)
                }
            }
        }

        let store = try Store.open(at: path)
        var landed = 0
        for id in jobIDs {
            let checkpoints = try JobService.checkpoints(id, store: store)
            XCTAssertEqual(checkpoints.count, share * writers / jobs, "job \(id) lost checkpoints")
            XCTAssertEqual(Set(checkpoints.map(\.checkpointID)).count, checkpoints.count, "job \(id) repeats a checkpoint id")
            landed += checkpoints.count
        }
        if writers > 1 {
            for id in jobIDs { XCTAssertEqual(try JobService.verify(id, store: store), [], "job \(id)") }
        }
        // Every attempt that lost its compare-and-swap left its signed commit behind, unreferenced.
        let lostRaces = try commitObjectCount(path) - commitsBefore - landed
        return AppendRow(tool: "gaitstore", writers: writers, jobs: jobs, events: landed, seconds: timing.wall,
                         latencies: timing.latencies, lostRaces: lostRaces)
    }

    /// gait's append: open, `flock`, write one line, `fsync` (when `sync`), unlock, close; every
    /// writer on the same file.
    private func flockAppends(writers: Int, events: Int, sync: Bool, path: String) throws -> AppendRow {
        let share = events / writers
        let lines = eventLines(share)
        let timing = try onThreads(writers) { _ in
            try lines.map { line in try timed { try FlockedAppend.append(line, to: path, sync: sync) } }
        }
        let written = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(written.count, share * writers + 1, "\(path): lines lost or torn")
        for line in written.dropLast() { XCTAssertNoThrow(try JSONParser.parse(Array(line.utf8)), "\(path): torn line") }
        return AppendRow(tool: sync ? "flock+fsync" : "flock", writers: writers, jobs: 1, events: share * writers,
                         seconds: timing.wall, latencies: timing.latencies, lostRaces: nil)
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
        let path = settings.keptPath("history-\(shape.rawValue)") ?? scratch.path("history-\(shape.rawValue)")
        try? FileManager.default.removeItem(atPath: path)
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
            let status = try (0..<20).map { _ in
                try timed {
                    let tip = try JobService.status(jobID, store: try Store.open(at: path))
                    XCTAssertEqual(tip.state.revision, milestone)
                }
            }
            let inspect = try (0..<3).map { _ in
                try timed {
                    let (record, _) = try JobService.fullRecord(jobID, store: try Store.open(at: path))
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
        if settings.out == nil { try FileManager.default.removeItem(atPath: path) }
        return rows
    }

    private func directoryBytes(_ path: String) throws -> Int {
        let out = try RefsTestShell.check(["du", "-sb", path])
        return Int(out.split(separator: "\t").first ?? "") ?? 0
    }
}

// MARK: - Measuring

private func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    return start.duration(to: .now).seconds
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

private extension Array where Element == Double {
    var mean: Double { isEmpty ? 0 : reduce(0, +) / Double(count) }
    var median: Double { percentile(50) }
    func percentile(_ p: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        return sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * p / 100).rounded()))]
    }
}

/// Runs `body(i)` on `count` threads of their own at once (not a pool bounded by the 2 cores) and
/// returns the wall time from first start to last finish, and each thread's per-event latencies.
private func onThreads(_ count: Int, _ body: @escaping (Int) throws -> [Double]) throws -> (wall: Double, latencies: [Double]) {
    final class Results: @unchecked Sendable {
        let lock = NSLock()
        var latencies: [Double] = []
        var errors: [Error] = []
    }
    let results = Results()
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        let thread = Thread {
            start.wait()
            do {
                let latencies = try body(index)
                results.lock.withLock { results.latencies += latencies }
            } catch {
                results.lock.withLock { results.errors.append(error) }
            }
            done.leave()
        }
        thread.start()
    }
    let began = ContinuousClock.now
    for _ in 0..<count { start.signal() }
    done.wait()
    if let error = results.errors.first { throw error }
    return (began.duration(to: .now).seconds, results.latencies)
}

/// gait's append (job-runtime §4.4) reduced to its core: one line under an exclusive `flock`.
private enum FlockedAppend {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func append(_ line: [UInt8], to path: String, sync: Bool) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw Failure(description: "flock \(path): \(String(cString: strerror(errno)))") }
        defer { flock(fd, LOCK_UN) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw Failure(description: "write \(path): short or failed write") }
        if sync, fsync(fd) != 0 { throw Failure(description: "fsync \(path): \(String(cString: strerror(errno)))") }
    }
}

// MARK: - Results

private struct BenchSettings {
    let events: Int
    let history: Int
    let checkpointHistory: Int
    let out: String?

    init() {
        let env = ProcessInfo.processInfo.environment
        events = env["GAITSTORE_JOB_BENCH_EVENTS"].flatMap(Int.init) ?? 400
        history = env["GAITSTORE_JOB_BENCH_HISTORY"].flatMap(Int.init) ?? 10_000
        checkpointHistory = env["GAITSTORE_JOB_BENCH_CHECKPOINT_HISTORY"].flatMap(Int.init) ?? 2_000
        out = env["GAITSTORE_JOB_BENCH_OUT"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Where to keep `name` for the CLI timings, or nil when nothing is kept.
    func keptPath(_ name: String) -> String? { out.map { ($0 as NSString).appendingPathComponent(name) } }

    func save<T: Encodable>(_ value: T, as name: String) throws {
        guard let path = keptPath(name) else { return }
        try FileManager.default.createDirectory(atPath: out!, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: URL(fileURLWithPath: path))
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }
}

private struct AppendRow: Codable {
    var tool: String
    var writers: Int
    var jobs: Int
    var events: Int
    var seconds: Double
    var eventsPerSecond: Double
    var p50Ms: Double
    var p99Ms: Double
    var lostRaces: Int?

    init(tool: String, writers: Int, jobs: Int, events: Int, seconds: Double, latencies: [Double], lostRaces: Int?) {
        self.tool = tool
        self.writers = writers
        self.jobs = jobs
        self.events = events
        self.seconds = seconds
        eventsPerSecond = Double(events) / seconds
        p50Ms = latencies.median * 1e3
        p99Ms = latencies.percentile(99) * 1e3
        self.lostRaces = lostRaces
    }

    var line: String {
        String(format: "%@ writers=%d jobs=%d events=%d %.3f s %.1f events/s p50 %.2f ms p99 %.2f ms%@",
               tool, writers, jobs, events, seconds, eventsPerSecond, p50Ms, p99Ms, lostRaces.map { " lost races \($0)" } ?? "")
    }
}

private struct SyncFloor: Codable {
    var syncfsMs: Double
    var fsyncMs: Double
}

private struct AppendResults: Codable {
    var load: String
    var rows: [AppendRow]
    var floor: SyncFloor
}

private struct HistoryRow: Codable {
    var shape: String
    var events: Int
    var stateBytes: Int
    var statusMs: Double
    var inspectMs: Double
    var verifyMs: Double
    var lastAppendsMs: Double
    var storeBytes: Int
    var buildSeconds: Double

    var line: String {
        String(format: "history %@ events=%d state %d B: status %.2f ms, inspect %.1f ms, inspect --verify %.1f ms, last appends %.2f ms each, store %d B, built in %.0f s",
               shape, events, stateBytes, statusMs, inspectMs, verifyMs, lastAppendsMs, storeBytes, buildSeconds)
    }
}

private struct HistoryResults: Codable {
    var load: String
    var rows: [HistoryRow]
}
