import XCTest
import ObjectStore
@testable import Refs

/// 2026-01-01T00:00:00Z: the clock every job test starts from.
let jobEpoch = GoTime(unixSeconds: 1_767_225_600)

/// A job driven through `JobMachine.apply` by a test, on a clock the test moves.
struct JobDriver {
    let jobID: String
    var record: JobRecord?
    var now: GoTime
    var producerVersion = "9.9.9-test"

    init(jobID: String = "job-1", now: GoTime = jobEpoch) {
        self.jobID = jobID
        self.now = now
    }

    /// Submits the job with a fixed fingerprint, so no test depends on the host's.
    static func submitted(jobID: String = "job-1", actor: String = "alice", fingerprint: String = "envfp:host-a",
                          file: StaticString = #filePath, line: UInt = #line) -> JobDriver {
        var driver = JobDriver(jobID: jobID)
        driver.mustRun(.submit(actor: actor, fingerprint: fingerprint), file: file, line: line)
        return driver
    }

    mutating func advance(seconds: Int64, nanoseconds: Int32 = 0) {
        now = GoTime(unixSeconds: now.unixSeconds + seconds, nanoseconds: now.nanoseconds + nanoseconds)
    }

    /// Applies `command`; on success the record moves on, on refusal it stays as it was.
    @discardableResult
    mutating func run(_ command: JobCommand, lease: String? = nil) throws(JobRefusal) -> Job.Event? {
        let result = try JobMachine.apply(command, to: record, jobID: jobID, now: now, presentedLease: lease,
                                          producerVersion: producerVersion)
        record = result.record
        return result.event
    }

    @discardableResult
    mutating func mustRun(_ command: JobCommand, lease: String? = nil,
                          file: StaticString = #filePath, line: UInt = #line) -> Job.Event? {
        do { return try run(command, lease: lease) } catch {
            XCTFail("\(command) refused: \(error.message)", file: file, line: line)
            return nil
        }
    }

    /// The refusal of `command`, after checking it left the record alone; nil (and a failure) if it was accepted.
    mutating func refusal(_ command: JobCommand, lease: String? = nil,
                          file: StaticString = #filePath, line: UInt = #line) -> JobRefusal? {
        let before = record
        do {
            try run(command, lease: lease)
            XCTFail("\(command) was accepted", file: file, line: line)
            return nil
        } catch {
            XCTAssertEqual(record, before, "a refused command changed the record", file: file, line: line)
            return error
        }
    }

    var state: Job.State { record?.state ?? Job.State() }
    var lease: JobLease? { record?.lease }
}

extension JobCommand {
    static func checkpoint(_ type: String, _ summary: String = "step", action: String = "",
                           actor: String = "agent") -> JobCommand {
        .checkpoint(type: type, summary: summary, requiredAction: action, actor: actor)
    }

    static let decision = JobCommand.checkpoint("decision-needed", "need a decision", action: "approve the plan")
}

/// Canonical JSON text of a value, for readable comparisons.
func canonicalText(_ value: JSONValue, file: StaticString = #filePath, line: UInt = #line) -> String {
    do { return String(decoding: try CanonicalJSON.encode(value), as: UTF8.self) } catch {
        XCTFail("cannot canonicalize: \(error)", file: file, line: line)
        return ""
    }
}

/// SplitMix64: a small PRNG whose whole state is its seed, so a failing run is replayed from the printed seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
