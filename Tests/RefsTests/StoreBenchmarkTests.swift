import Foundation
@testable import ObjectStore
import Refs
import XCTest

/// `ls`, `show` and `pack diff` latency with 10,000 packs in the catalog (issue 3, performance),
/// measured in-process through the library. Run by hand in a release build; figures go to
/// docs/performance.md (bench/store.sh runs it):
///
///     GAITSTORE_STORE_BENCH=1 swift test -c release -Xswiftc -enable-testing \
///         --scratch-path .build-reltest --filter StoreBenchmarkTests
///
/// Skipped otherwise: building the catalog takes a while and timings depend on the machine, so
/// nothing is asserted about speed. What the timed calls return is checked against the packs as
/// they were built. `GAITSTORE_STORE_BENCH_KEEP=DIR` keeps the store at `DIR/store` (with the
/// pack ids in `DIR/ids.txt`) so that the script can time the same calls through the CLI;
/// `GAITSTORE_STORE_BENCH_PACKS=N` builds N packs instead of 10,000 (a quick check of the test).
final class StoreBenchmarkTests: XCTestCase {
    private let batchSize = 500

    func testListShowAndDiffWithTenThousandPacks() throws {
        let environment = ProcessInfo.processInfo.environment
        try XCTSkipUnless(environment["GAITSTORE_STORE_BENCH"] != nil, "set GAITSTORE_STORE_BENCH=1 (release build) to run")
        let scratch = try RefsScratchDirectory()
        defer { scratch.remove() }
        let packCount = environment["GAITSTORE_STORE_BENCH_PACKS"].flatMap { Int($0) } ?? 10_000
        let keep = environment["GAITSTORE_STORE_BENCH_KEEP"]
        let storePath = keep.map { ($0 as NSString).appendingPathComponent("store") } ?? scratch.path("store")
        if let keep {
            try? FileManager.default.removeItem(atPath: storePath)
            try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
        }
        _ = try StoreSetup.initialize(at: storePath, key: nil, principal: "bench@example")
        let identity = try StoreIdentity.load(store: storePath)

        // Build and import in batches, as packs would arrive; only one batch of zips is on disk at a time.
        var built: [BenchPack] = []
        var buildSeconds = 0.0, importSeconds = 0.0
        for first in stride(from: 0, to: packCount, by: batchSize) {
            let batchDirectory = scratch.path("batch")
            try FileManager.default.createDirectory(atPath: batchDirectory, withIntermediateDirectories: true)
            var start = Date()
            let batch = try (first..<min(first + batchSize, packCount)).map { try BenchPack.build(number: $0, in: batchDirectory) }
            buildSeconds += Date().timeIntervalSince(start)
            start = Date()
            let result = try Importer.importPaths(batch.map(\.zipPath), store: try Store.open(at: storePath), identity: identity)
            importSeconds += Date().timeIntervalSince(start)
            XCTAssertEqual(Set(result.packs.map(\.id)), Set(batch.map(\.id)))
            // Two packs kept as zips: the reference for the diff check below.
            for pack in batch where pack.number < 2 {
                try FileManager.default.copyItem(atPath: pack.zipPath, toPath: scratch.path("kept-\(pack.number).zip"))
            }
            built += batch.map { pack in var kept = pack; kept.zipPath = scratch.path("kept-\(pack.number).zip"); return kept }
            try FileManager.default.removeItem(atPath: batchDirectory)
        }
        report("built %d packs in %.1f s, imported them in %d commits in %.1f s", packCount, buildSeconds,
               (packCount + batchSize - 1) / batchSize, importSeconds)
        if let keep {
            try Data(built.map(\.id).joined(separator: "\n").appending("\n").utf8)
                .write(to: URL(fileURLWithPath: (keep as NSString).appendingPathComponent("ids.txt")))
        }

        // Loose objects, as the imports left them; then packed, as after `gaitstore gc`.
        var generator = SeededGenerator(seed: 3)
        try measureQueries(storePath: storePath, built: built, state: "loose objects", generator: &generator)
        let gcSeconds = try timed { try Store.open(at: storePath).collectGarbage(gracePeriod: 0) }
        report("gc of the catalog: %.1f s", gcSeconds)
        try measureQueries(storePath: storePath, built: built, state: "after gc", generator: &generator)
    }

    /// Times ls, show and diff the way the CLI runs them, checking what each returns.
    private func measureQueries(storePath: String, built: [BenchPack], state: String, generator: inout SeededGenerator) throws {
        // ls: open the store and read every pack's metadata, as `gaitstore ls` does.
        var listed: [PackMeta] = []
        let ls = try Timings.measure(runs: 20) {
            let store = try Store.open(at: storePath)
            listed = try store.allMeta(in: try store.catalogTree())
        }
        XCTAssertEqual(listed.map(\.id), built.map(\.id).sorted())
        report("ls of %d packs, %@: %@", listed.count, state, ls.summary)

        // show: open, resolve a 12-character prefix, read the meta and the file list with digests.
        let shown = (0..<200).map { _ in built[Int(generator.next() % UInt64(built.count))] }
        var shownIndex = 0
        let show = try Timings.measure(runs: shown.count) {
            let pack = shown[shownIndex]
            shownIndex += 1
            let store = try Store.open(at: storePath)
            let tree = try store.catalogTree()
            let id = try store.resolvePackID(String(pack.id.prefix(12)), in: tree)
            XCTAssertEqual(id, pack.id)
            XCTAssertEqual(try store.meta(id, in: tree)?.fileCount, pack.files.count + 2)
            let files = try store.files(of: id, in: tree)
            for (path, digest) in pack.files {
                XCTAssertEqual(files.first { $0.path == path }?.sha256, digest, path)
            }
        }
        report("show by 12-char prefix, %@: %@", state, show.summary)
        let showFull = try Timings.measure(runs: 50) {
            let store = try Store.open(at: storePath)
            let tree = try store.catalogTree()
            _ = try store.meta(built[7].id, in: tree)
            _ = try store.files(of: built[7].id, in: tree)
        }
        report("show by full id, %@: %@", state, showFull.summary)

        // diff: two stored packs on an open store, checked against the same diff of their zips.
        let store = try Store.open(at: storePath)
        let expected = try PackDiff.diff(try PackDiff.side(path: built[0].zipPath), try PackDiff.side(path: built[1].zipPath))
        let stored = try store.diff(built[0].id, built[1].id)
        XCTAssertEqual(stored, expected)
        XCTAssertEqual(Set(stored.changedFiles), Set(BenchPack.perPackPaths + [ProofRecords.fileName]))
        XCTAssertTrue(stored.added.isEmpty && stored.removed.isEmpty)
        let pairs = (0..<1_000).map { _ in (built[Int(generator.next() % UInt64(built.count))].id, built[Int(generator.next() % UInt64(built.count))].id) }
        var pairIndex = 0
        var changed = 0
        let diff = try Timings.measure(runs: pairs.count) {
            let (a, b) = pairs[pairIndex]
            pairIndex += 1
            if try store.diff(a, b).changed { changed += 1 }
        }
        XCTAssertEqual(changed, pairs.filter { $0.0 != $0.1 }.count)
        report("diff of two stored packs (open store), %@: %@", state, diff.summary)
        // The same with nothing cached: a fresh handle per diff, as one CLI call has.
        let cold = try Timings.measure(runs: 200) {
            let (a, b) = pairs[pairIndex % pairs.count]
            pairIndex += 1
            _ = try Store.open(at: storePath).diff(a, b)
        }
        report("diff of two stored packs (fresh Store.open each), %@: %@", state, cold.summary)

        // Where a diff's time goes: the public steps `Store.diff` is made of, timed one by one.
        var steps: [(String, [Double])] = [("catalog tree", []), ("storedPack x2 (meta and pack tree)", []),
                                           ("manifest sides x2", []), ("diffTrees", [])]
        func step(_ index: Int, _ body: () throws -> Void) rethrows {
            steps[index].1.append(try timed(body) * 1e3)
        }
        for (a, b) in pairs.prefix(300) {
            var catalog: GitOID?, sides: [StoredGaitPack] = []
            try step(0) { catalog = try store.catalogTree() }
            try step(1) {
                sides = try [a, b].map { id in
                    guard case .gait(let pack) = try store.storedPack(id, in: catalog).reader else { throw BenchFailure(description: "\(id) is not a gait pack") }
                    return pack
                }
            }
            try step(2) { for side in sides { _ = try side.manifestSide() } }
            try step(3) { _ = try store.repository.diffTrees(sides[0].tree, sides[1].tree) }
        }
        report("diff steps, %@ (median ms): %@", state,
               steps.map { String(format: "%@ %.3f", $0.0, $0.1.median) }.joined(separator: ", "))
    }

    private func report(_ format: String, _ arguments: CVarArg...) {
        print("bench: " + String(format: format, arguments: arguments))
    }
}

/// A small PackSpec job pack, like one agent step's evidence: the job's own three files, two
/// evidence files every pack shares (stored once), one shared by a group of 50 packs, and two
/// unique to the pack.
private struct BenchPack {
    /// The files that differ between any two packs (the job's id is in its payload and state).
    static let perPackPaths = ["run/transcript.jsonl", "run/metrics.json", JobPack.payloadName, JobPack.stateName]

    var number: Int
    var id: String
    var zipPath: String
    /// path -> sha256 hex of the files given to the builder.
    var files: [String: String]

    static func build(number: Int, in directory: String) throws -> BenchPack {
        let unique = 1_000 + UInt64(number)
        let contents: [(String, [UInt8])] = [
            ("context/policy.json", text("policy", lines: 40, seed: 1)),
            ("context/tools_schema.json", text("schema", lines: 120, seed: 2)),
            ("context/task_spec.json", text("task", lines: 20, seed: 10 + UInt64(number / 50))),
            ("run/transcript.jsonl", text("step \(number)", lines: 30 + number % 40, seed: unique)),
            ("run/metrics.json", Array("{\"pack\":\(number),\"score\":\(unique * 7_919 % 1_000)}\n".utf8)),
        ]
        var state = Job.State()
        state.jobID = "job_bench_\(number)"
        state.environmentFingerprint = "bench"
        let files = try JobPack.files(state: state, events: []) + contents.map { PackFile.bytes($0.0, $0.1) }
        let out = (directory as NSString).appendingPathComponent("pack-\(number).zip")
        let pack = try PackBuilder.build(type: .job, sourceRef: state.jobID, files: files,
                                         options: PackBuildOptions(), outPath: out, defaultDirectory: directory)
        return BenchPack(number: number, id: pack.packID.lowercased(), zipPath: out,
                         files: Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.sha256.hex) }))
    }

    private static func text(_ prefix: String, lines: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        let words = ["the", "tool", "returned", "exit", "code", "file", "path", "test", "build", "error", "value", "run"]
        var out = ""
        for line in 0..<lines {
            out += "{\"line\":\(line),\"note\":\"\(prefix)"
            for _ in 0..<8 { out += " " + words[Int(generator.next() % UInt64(words.count))] }
            out += "\"}\n"
        }
        return Array(out.utf8)
    }
}

/// Wall-clock samples of one operation, summarized by median, 95th percentile and minimum (the
/// same median and percentile as the job benchmark's figures).
private struct Timings {
    var seconds: [Double]

    static func measure(runs: Int, _ body: () throws -> Void) throws -> Timings {
        var seconds: [Double] = []
        for _ in 0..<runs { seconds.append(try timed(body)) }
        return Timings(seconds: seconds)
    }

    var summary: String {
        String(format: "median %.3f ms, p95 %.3f ms, min %.3f ms (%d runs)",
               seconds.median * 1e3, seconds.percentile(95) * 1e3, (seconds.min() ?? 0) * 1e3, seconds.count)
    }
}
