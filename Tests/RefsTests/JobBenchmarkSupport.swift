import Foundation
@testable import ObjectStore
import XCTest

// What JobBenchmarkTests measures with and reports: timing, the flock baseline, writer setups fed
// in rounds, and the results written for bench/jobs_table.py.

// MARK: - Measuring

func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    return start.duration(to: .now).seconds
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Array where Element == Double {
    var mean: Double { isEmpty ? 0 : reduce(0, +) / Double(count) }
    var median: Double { percentile(50) }
    func percentile(_ p: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        return sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * p / 100).rounded()))]
    }
}

/// CPU time this thread has used (user and system), to split an append's wall time into work
/// and waiting (for the disk, for the lock).
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Runs `body(i)` on `count` threads of their own at once (not a pool bounded by the 2 cores) and
/// returns the wall time from first start to last finish, and each thread's per-event latencies.
func onThreads(_ count: Int, _ body: @escaping (Int) throws -> [Double]) throws
    -> (wall: Double, latencies: [Double], cpu: Double)
{
    final class Results: @unchecked Sendable {
        let lock = NSLock()
        var latencies: [Double] = []
        var cpu = 0.0
        var errors: [Error] = []
    }
    let results = Results()
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        let thread = Thread {
            start.wait()
            let cpuStart = threadCPUSeconds()
            do {
                let latencies = try body(index)
                let cpu = threadCPUSeconds() - cpuStart
                results.lock.withLock {
                    results.latencies += latencies
                    results.cpu += cpu
                }
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
    return (began.duration(to: .now).seconds, results.latencies, results.cpu)
}

/// A system call of the benchmark's own file work that failed.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String

    /// `operation` and the current errno's text.
    static func os(_ operation: String) -> BenchFailure {
        BenchFailure(description: "\(operation): \(String(cString: strerror(errno)))")
    }
}

/// gait's append (job-runtime §4.4) reduced to its core: one line under an exclusive `flock`.
enum FlockedAppend {
    static func append(_ line: [UInt8], to path: String, sync: Bool) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BenchFailure.os("open \(path)") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw BenchFailure.os("flock \(path)") }
        defer { flock(fd, LOCK_UN) }
        if let code = line.withUnsafeBytes({ writeAll(fd, $0) }) {
            throw BenchFailure(description: "write \(path): \(String(cString: strerror(code)))")
        }
        if sync, fsync(fd) != 0 { throw BenchFailure.os("fsync \(path)") }
    }
}

// MARK: - Results

struct BenchSettings {
    let events: Int
    let history: Int
    let checkpointHistory: Int
    let out: String?

    init() {
        let env = ProcessInfo.processInfo.environment
        events = env["GAITSTORE_JOB_BENCH_EVENTS"].flatMap(Int.init) ?? 400
        history = env["GAITSTORE_JOB_BENCH_HISTORY"].flatMap(Int.init) ?? 10_000
        checkpointHistory = env["GAITSTORE_JOB_BENCH_CHECKPOINT_HISTORY"].flatMap(Int.init) ?? 1_000
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

struct AppendRow: Codable {
    var tool: String
    var writers: Int
    var jobs: Int
    var events: Int
    var seconds: Double
    var eventsPerSecond: Double
    var p50Ms: Double
    var p99Ms: Double
    /// CPU time of the writing threads per event; the rest of an event's wall time is waiting.
    var cpuMsPerEvent: Double
    var lostRaces: Int?

    init(tool: String, writers: Int, jobs: Int, events: Int, seconds: Double, latencies: [Double], cpuSeconds: Double, lostRaces: Int?) {
        self.tool = tool
        self.writers = writers
        self.jobs = jobs
        self.events = events
        self.seconds = seconds
        eventsPerSecond = Double(events) / seconds
        p50Ms = latencies.median * 1e3
        p99Ms = latencies.percentile(99) * 1e3
        cpuMsPerEvent = cpuSeconds * 1e3 / Double(events)
        self.lostRaces = lostRaces
    }

    var line: String {
        String(format: "%@ writers=%d jobs=%d events=%d %.3f s %.1f events/s p50 %.2f ms p99 %.2f ms cpu %.2f ms/event%@",
               tool, writers, jobs, events, seconds, eventsPerSecond, p50Ms, p99Ms, cpuMsPerEvent,
               lostRaces.map { " lost races \($0)" } ?? "")
    }
}

/// One writer setup: runs its rounds and adds them up, then checks what it wrote.
final class Contender {
    let tool: String
    let writers: Int
    let jobs: Int
    private let round: (_ round: Int, _ perWriter: Int) throws -> (wall: Double, latencies: [Double], cpu: Double)
    /// Checks that all `events` landed; returns the lost races, when they can be counted.
    private let check: (_ events: Int) throws -> Int?
    private var wall = 0.0
    private var latencies: [Double] = []
    private var cpu = 0.0

    init(tool: String, writers: Int, jobs: Int,
         round: @escaping (Int, Int) throws -> (wall: Double, latencies: [Double], cpu: Double),
         finish check: @escaping (Int) throws -> Int?) {
        self.tool = tool
        self.writers = writers
        self.jobs = jobs
        self.round = round
        self.check = check
    }

    func runRound(_ index: Int, perWriter: Int) throws {
        let timing = try round(index, perWriter)
        wall += timing.wall
        latencies += timing.latencies
        cpu += timing.cpu
    }

    func finish() throws -> AppendRow {
        let lostRaces = try check(latencies.count)
        return AppendRow(tool: tool, writers: writers, jobs: jobs, events: latencies.count, seconds: wall,
                         latencies: latencies, cpuSeconds: cpu, lostRaces: lostRaces)
    }
}

struct SyncFloor: Codable {
    var syncfsMs: Double
    var fsyncMs: Double
}

struct AppendResults: Codable {
    var load: String
    var rows: [AppendRow]
    var floorBefore: SyncFloor
    var floorAfter: SyncFloor
}

struct HistoryRow: Codable {
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
        String(format: "history %@ events=%d state %d B: status %.2f ms, inspect %.1f ms, inspect --verify %.1f ms, "
                   + "last appends %.2f ms each, store %d B, built in %.0f s", shape, events, stateBytes, statusMs, inspectMs, verifyMs, lastAppendsMs, storeBytes, buildSeconds)
    }
}

struct HistoryResults: Codable {
    var load: String
    var rows: [HistoryRow]
}
