import Foundation
@testable import ObjectStore
import XCTest
@testable import Refs

/// An append keeps the tip's checkpoints as their stored canonical JSON and copies them into the
/// next state (`Job.StoredCheckpoints`). What it writes must be exactly what decoding the whole
/// state, applying the command and re-encoding it writes, whatever the checkpoints hold.
final class JobStoredCheckpointsTests: XCTestCase {
    // MARK: On a store

    /// A job with checkpoints of every type, approvals, resumes, a lease and awkward summaries:
    /// every state blob on the branch is the canonical JSON of the state that replaying its events
    /// makes (the full decode/apply/encode path), and the appends did take the stored path.
    func testEveryWrittenStateIsTheFullPathsBytes() throws {
        let scratch = try RefsScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("store")
        _ = try StoreSetup.initialize(at: path, key: nil, principal: "test@gaitstore")
        let store = try Store.open(at: path)
        let identity = try StoreIdentity.load(store: path)
        var cacheMismatches: [String] = []
        func run(_ command: JobCommand, lease: String? = nil) throws -> JobBranch.Tip? {
            let tip = try JobService.run(command, jobID: "splice", presentedLease: lease, store: store, identity: identity)
            // The tip this process keeps for its next append is what reading the commit gives.
            if let commit = tip?.commit {
                let read = try JobBranch.appendTip(commit, in: store.repository)
                if let kept = JobTipCache.shared.tip(commit) {
                    if kept.state != read.state || kept.storedCheckpoints != read.storedCheckpoints || kept.lease != read.lease {
                        cacheMismatches.append("revision \(read.state.revision)")
                    }
                } else {
                    cacheMismatches.append("revision \(read.state.revision) not kept")
                }
            }
            return tip
        }

        _ = try run(.submit(actor: "alice", fingerprint: "envfp:test"))
        var rng = SeededGenerator(seed: 4)
        var added = 0
        for round in 0..<12 {
            for type in ["plan", "progress", "blocked", "progress"] {
                _ = try run(.checkpoint(type, Self.awkwardSummary(&rng, round), actor: round % 2 == 0 ? "agent" : ""))
                added += 1
            }
            _ = try run(.checkpoint("decision-needed", "decide \(round)", action: "approve \"step\" \(round)"))
            added += 1
            // The decision checkpoint is now one of the tip's stored ones: the gate must count it.
            XCTAssertThrowsError(try run(.resume(fingerprint: "envfp:test", allowMismatch: false, actor: "bob", reason: "")),
                                 "round \(round): resume before the approval") { error in
                XCTAssertEqual((error as? FormatError)?.kind, .approvalRequired, "\(error)")
            }
            _ = try run(.approve(actor: "carol", reason: "ok \(round)"))
            _ = try run(.resume(fingerprint: "envfp:test", allowMismatch: false, actor: "bob", reason: ""))
            if round == 5 {
                let lease = try XCTUnwrap(try run(.acquireLease(worker: "w1", ttlSeconds: 600))?.lease?["lease_id"]?.stringValue)
                _ = try run(.checkpoint("progress", "under lease", actor: "w1"), lease: lease)
                added += 1
                _ = try run(.releaseLease(worker: "w1", lease: lease))
            }
        }
        let last = try XCTUnwrap(try run(.checkpoint("completed", "done \u{2028} \u{7f}")))
        added += 1

        // The new tip's own checkpoint is the one just added; all earlier ones stayed stored.
        XCTAssertEqual(last.storedCheckpoints.count, added - 1)
        XCTAssertEqual(last.state.checkpoints.map(\.checkpointID), [JobMachine.checkpointID(number: added)])
        let ids = try JobService.checkpoints("splice", store: store).map(\.checkpointID)
        XCTAssertEqual(ids, (1...added).map { JobMachine.checkpointID(number: $0) })

        let history = try JobBranch.timeline("splice", in: store)
        var written: [[UInt8]] = []
        for entry in history {
            let tree = try store.repository.readCommit(entry.commit).tree
            let blob = try XCTUnwrap(try store.repository.treeEntry(tree, path: JobBranch.stateFile))
            written.append(try store.repository.readBlob(blob.oid))
        }
        var position = 0
        var mismatches: [Int] = []
        _ = try JobMachine.replay(history.map(\.event)) { record in
            if (try? CanonicalJSON.encode(record.state.json)) != written[position] { mismatches.append(position + 1) }
            position += 1
        }
        XCTAssertEqual(position, history.count)
        XCTAssertEqual(mismatches, [], "revisions whose state blob is not the full path's bytes")
        XCTAssertEqual(try JobService.verify("splice", store: store), [])
        XCTAssertEqual(cacheMismatches, [], "kept tips that differ from the store's")

        // The appends read the tip the stored way: the whole of it, not a fallback.
        let tip = try Job.State.decodeForAppend(try XCTUnwrap(written.last))
        XCTAssertEqual(tip.stored.count, added)
        XCTAssertTrue(tip.state.checkpoints.isEmpty)
        XCTAssertEqual(tip.stored.count(ofType: "decision-needed"), 12)
        XCTAssertEqual(tip.stored.count(ofType: "progress"), 25)
        XCTAssertEqual(tip.stored.count(ofType: "completed"), 1)
    }

    // MARK: The state codec

    /// Random states: decoding for an append keeps every checkpoint stored, they decode to what the
    /// full decode gives, and the state after one more checkpoint (or none) encodes to the bytes
    /// of the full state.
    func testStoredPathEncodesTheFullStatesBytes() throws {
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<40 {
            let state = Self.randomState(&rng, checkpoints: trial == 0 ? 0 : Int.random(in: 1...60, using: &rng))
            let bytes = try CanonicalJSON.encode(state.json)
            let read = try Job.State.decodeForAppend(bytes)
            XCTAssertEqual(read.stored.count, state.checkpoints.count, "trial \(trial): every checkpoint stays stored")
            XCTAssertEqual(try read.state.prepending(read.stored), state, "trial \(trial)")
            XCTAssertEqual(read.stored.count(ofType: "decision-needed"),
                           state.checkpoints.filter { $0.type == "decision-needed" }.count, "trial \(trial)")
            XCTAssertEqual(utf8Text(try read.state.encodedForAppend(after: read.stored).bytes), utf8Text(bytes), "trial \(trial): unchanged state")

            var next = read.state
            next.revision += 1
            next.updatedAt = GoTime(unixSeconds: next.updatedAt.unixSeconds + 7, nanoseconds: 120_000_000)
            next.checkpoints.append(Self.randomCheckpoint(&rng, number: state.checkpoints.count + 1))
            var full = state
            full.revision = next.revision
            full.updatedAt = next.updatedAt
            full.checkpoints += next.checkpoints
            XCTAssertEqual(utf8Text(try next.encodedForAppend(after: read.stored).bytes), utf8Text(try CanonicalJSON.encode(full.json)),
                           "trial \(trial): one checkpoint appended")
            // The new checkpoint is one the scan keeps encoded, so the kept read-back is built
            // from it (not from the fallback, which reads the whole state back).
            let added = [UInt8(ascii: ",")] + (try CanonicalJSON.encode(next.checkpoints[0].json)) + [UInt8(ascii: "]")]
            XCTAssertNotNil(CanonicalCheckpointScan.commaLedCheckpoints(in: added, from: 0), "trial \(trial)")
            // What an appending writer keeps is what reading its bytes back gives.
            for candidate in [read.state, next] {
                let written = try candidate.encodedForAppend(after: read.stored)
                let readBack = try Job.State.decodeForAppend(written.bytes)
                XCTAssertEqual(written.readBack.state, readBack.state, "trial \(trial)")
                XCTAssertTrue(written.readBack.stored == readBack.stored, "trial \(trial): stored checkpoints")
            }
        }
    }

    /// Checkpoints that are not exactly as `Checkpoint.json` encodes them are decoded the full way
    /// (nothing stored), so what gets written is still the full path's: canonical bytes.
    func testNonCanonicalCheckpointsAreDecodedInFull() throws {
        var rng = SeededGenerator(seed: 5)
        var state = Self.randomState(&rng, checkpoints: 3)
        state.checkpoints[1].summary = "plain"
        state.checkpoints[1].actor = "agent"
        state.checkpoints[1].createdAt = GoTime(unixSeconds: 1_767_225_600, nanoseconds: 500_000_000)
        let canonical = String(decoding: try CanonicalJSON.encode(state.json), as: UTF8.self)
        let second = String(decoding: try CanonicalJSON.encode(state.checkpoints[1].json), as: UTF8.self)
        XCTAssertEqual(try Job.State.decodeForAppend(Array(canonical.utf8)).stored.count, 3, "the canonical form is stored")

        func replacing(_ old: String, _ new: String) -> String {
            XCTAssertTrue(second.contains(old), old)
            return canonical.replacingOccurrences(of: second, with: second.replacingOccurrences(of: old, with: new))
        }
        let variants: [(String, String)] = [
            ("white space between members", replacing(",\"created_at\"", ", \"created_at\"")),
            ("white space inside the array", canonical.replacingOccurrences(of: "\"checkpoints\":[", with: "\"checkpoints\":[ ")),
            ("a non-canonical escape", replacing("\"plain\"", "\"pl\\u0061in\"")),
            ("an escaped slash", replacing("\"plain\"", "\"pl\\/ain\"")),
            ("an upper-case hex escape", replacing("\"plain\"", "\"pl\\u001Fain\"")),
            ("a short control escaped long", replacing("\"plain\"", "\"pl\\u000aain\"")),
            ("an empty omitempty member", replacing("\"actor\":\"agent\"", "\"actor\":\"\"")),
            ("a time with trailing zeros", replacing(".5Z\"", ".500Z\"")),
            ("a time with a zero offset", replacing(".5Z\"", ".5+00:00\"")),
            ("members out of order", replacing("{\"actor\":\"agent\",", "{").replacingOccurrences(of: "\"plain\",", with: "\"plain\",\"actor\":\"agent\",")),
            ("an unknown member", replacing("{\"actor\"", "{\"aardvark\":\"x\",\"actor\"")),
            ("a missing member", replacing(",\"reason_code\":\"\(state.checkpoints[1].reasonCode)\"", "")),
            ("a number where a string goes", replacing("\"summary\":\"plain\"", "\"summary\":5")),
            ("two checkpoints arrays", canonical.replacingOccurrences(of: "\"created_at\":\"\(state.createdAt.rfc3339Nano)\"",
                                                                        with: "\"created_at\":\"\(state.createdAt.rfc3339Nano)\",\"checkpoints\":[]")),
            ("white space after the document", canonical + " "),
            ("a case-folded checkpoints member", String(canonical.dropLast()) + ",\"CHECKPOINTS\":[]}"),
            ("a Kelvin-sign checkpoints member", String(canonical.dropLast()) + ",\"chec\u{212A}points\":[]}"),
        ]
        for (name, text) in variants {
            XCTAssertNotEqual(text, canonical, name)
            let bytes = Array(text.utf8)
            let full = Result { try Job.State.decode(JSONParser.parse(bytes), strict: true) }
            let read = Result { try Job.State.decodeForAppend(bytes) }
            switch (full, read) {
            case (.success(let fullState), .success(let read)):
                XCTAssertEqual(read.stored.count, 0, "\(name): nothing is kept stored")
                XCTAssertEqual(read.state, fullState, name)
                XCTAssertEqual(utf8Text(try read.state.encodedForAppend(after: read.stored).bytes), utf8Text(try CanonicalJSON.encode(fullState.json)), name)
            case (.failure(let a), .failure(let b)):
                XCTAssertEqual(String(describing: a), String(describing: b), "\(name): the full decode's error")
            default:
                XCTFail("\(name): full decode \(full), decode for append \(read)")
            }
        }
    }

    private func utf8Text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Random content

    /// A summary of up to 80 pieces: quotes, backslashes, controls, `<>&`, U+2028, non-ASCII text;
    /// trimmed as gait trims it (so the machine keeps it as given) and far below gait's 512 bytes.
    static func awkwardSummary(_ rng: inout SeededGenerator, _ round: Int) -> String {
        let pieces = ["a", "Z", " ", "\"", "\\", "\t", "\n", "\u{1}", "\u{1f}", "<", ">", "&", "\u{2028}", "é", "日本", "🦀", "/", "\u{7f}"]
        var text = "r\(round)-"
        for _ in 0..<Int.random(in: 1...80, using: &rng) { text += pieces.randomElement(using: &rng)! }
        return Job.trimmed(text)
    }

    static func randomCheckpoint(_ rng: inout SeededGenerator, number: Int) -> Job.Checkpoint {
        var c = Job.Checkpoint()
        c.checkpointID = JobMachine.checkpointID(number: number)
        c.createdAt = GoTime(unixSeconds: 1_767_225_600 + Int64.random(in: 0...9_999_999, using: &rng),
                             nanoseconds: Bool.random(using: &rng) ? 0 : Int32.random(in: 0..<1_000_000_000, using: &rng))
        c.type = ["plan", "progress", "decision-needed", "blocked", "completed"].randomElement(using: &rng)!
        c.summary = awkwardSummary(&rng, number)
        c.requiredAction = Bool.random(using: &rng) ? "" : awkwardSummary(&rng, number)
        c.reasonCode = "checkpoint_" + c.type
        c.actor = Bool.random(using: &rng) ? "" : "agent-\(number)"
        return c
    }

    static func randomState(_ rng: inout SeededGenerator, checkpoints: Int) -> Job.State {
        var driver = JobDriver.submitted(jobID: "random-\(checkpoints)")
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            driver.advance(seconds: 3)
            driver.mustRun(.approve(actor: "carol", reason: awkwardSummary(&rng, 0)))
        }
        var state = driver.state
        state.checkpoints = (0..<checkpoints).map { randomCheckpoint(&rng, number: $0 + 1) }
        return state
    }
}
