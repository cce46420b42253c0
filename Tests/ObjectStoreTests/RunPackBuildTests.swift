import Foundation
import XCTest
@testable import ObjectStore
import TestSupport

/// `RunPack.build` reads the runpack while it re-zips it. These runpacks are damaged in the ways
/// a build must refuse, some with two problems at once, so that the one reported is the one gait's
/// reader meets first (its member order, not the zip's name order). The messages are the ones the
/// two-pass build printed before the runpack was read in one pass.
final class RunPackBuildTests: XCTestCase {
    private var scratch: ZipScratchDirectory!
    private let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/packspec_tck/v1/runpack_run_tck.zip").path

    override func setUpWithError() throws {
        scratch = try ZipScratchDirectory()
    }

    override func tearDown() {
        scratch = nil
    }

    func testAnIntactRunpackBuildsAndVerifies() throws {
        let built = try build(try runpack("intact") { _, _ in })
        XCTAssertTrue(try PackVerifier.verify(path: built.path, options: VerifyOptions()).ok(requireSignature: false))
        XCTAssertEqual(built.manifest.sourceRef, "run_tck")
    }

    func testTheCopyAloneReadsAnIntactRunpackAsGaitsReaderDoes() throws {
        for name in ["intact", "stale"] {
            let path = try runpack(name) { members, _ in
                if name == "stale" { members["results.jsonl"]! += Array("{}\n".utf8) }
            }
            let zip = try ZipReader(path: path)
            let reader = try RunpackTeeReader(zip)
            _ = try RunPack.normalize(zip, to: scratch.path("\(name)-copy.zip"), observer: reader.observer(for:))
            if name == "intact" {
                let contents = try reader.finish()
                XCTAssertTrue(reader.vouchesForEveryMember)
                let reference = try RunpackReader.read(zip)
                XCTAssertEqual(contents.intents.map(\.intentID), reference.intents.map(\.intentID))
                XCTAssertEqual(contents.intents.map(\.toolName), reference.intents.map(\.toolName))
                XCTAssertEqual(contents.results.map(\.status), reference.results.map(\.status))
                XCTAssertEqual(contents.run.runID, "run_tck")
                XCTAssertEqual(contents.refs.receipts?.count, reference.refs.receipts?.count)
                XCTAssertFalse(contents.intents.isEmpty)
            } else {
                XCTAssertThrowsError(try reader.finish())
                XCTAssertFalse(reader.vouchesForEveryMember)
            }
        }
    }

    func testAMemberChangedAfterRecordingIsAHashMismatch() throws {
        let path = try runpack("changed") { members, _ in members["intents.jsonl"]! += Array("{}\n".utf8) }
        try assertBuildFails(path, .verification, "read runpack: runpack hash mismatch: intents.jsonl")
    }

    func testAMalformedLineIsReportedAfterItsHashIsKnown() throws {
        let consistent = try runpack("bad-line", redigest: true) { members, _ in
            members["results.jsonl"]! += Array("{not json\n".utf8)
        }
        try assertBuildFails(consistent, .invalidInput, "read runpack: parse results.jsonl: invalid character 'n' looking for beginning of object key string")
        // The same line with a stale digest: the mismatch wins, as in gait.
        let stale = try runpack("bad-line-stale") { members, _ in members["results.jsonl"]! += Array("{not json\n".utf8) }
        try assertBuildFails(stale, .verification, "read runpack: runpack hash mismatch: results.jsonl")
    }

    func testMalformedRefsAreReportedAfterEveryMemberIsHashed() throws {
        let path = try runpack("bad-refs", redigest: true) { members, _ in members["refs.json"] = Array("[1]".utf8) }
        try assertBuildFails(path, .invalidInput, "read runpack: read runpack: json: cannot unmarshal array into Go value of type Refs")
    }

    func testACorruptMemberNamesTheZipProblem() throws {
        let path = try runpack("corrupt") { _, _ in }
        try corrupt(path, entry: "run.json")
        try assertBuildFails(path, .invalidInput, "read runpack: \(path): truncated or corrupt zip (run.json: bad deflate data: invalid distance too far back)")
    }

    func testAnExtraDeclaredFileIsCheckedBeforeTheMembersAsGaitDoes() throws {
        // zz.txt sorts last, so a pass in name order meets the corrupt intents.jsonl first.
        let path = try runpack("two-problems", redigest: true) { members, manifest in
            members["zz.txt"] = Array("notes".utf8)
            manifest.files.append(Runpack.ManifestFile(path: "zz.txt", sha256: String(repeating: "0", count: 64)))
        }
        try corrupt(path, entry: "intents.jsonl")
        try assertBuildFails(path, .verification, "read runpack: runpack hash mismatch: zz.txt")
    }

    func testACorruptUndeclaredEntryFailsTheCopy() throws {
        let path = try runpack("undeclared") { members, _ in members["notes.txt"] = ZipTestData.text(50_000) }
        try corrupt(path, entry: "notes.txt")
        try assertBuildFails(path, .invalidInput, "\(path): truncated or corrupt zip (notes.txt: bad deflate data: invalid distance too far back)")
    }

    func testAMissingMemberIsNamed() throws {
        let path = try runpack("missing") { members, _ in members["refs.json"] = nil }
        try assertBuildFails(path, .verification, "read runpack: missing runpack files: refs.json")
    }

    func testAnOverlongLineStopsTheRead() throws {
        let path = try runpack("long-line", redigest: true) { members, _ in
            members["intents.jsonl"]! += [UInt8](repeating: UInt8(ascii: "a"), count: LineSplitter.maxLineBytes + 1)
        }
        try assertBuildFails(path, .invalidInput, "read runpack: intents.jsonl: bufio.Scanner: token too long")
    }

    func testADeclaredDirectoryEntryIsHashedLikeGaitAndLeftOutOfTheCopy() throws {
        let path = try runpack("directory", redigest: true) { members, manifest in
            members["docs/"] = []
            manifest.files.append(Runpack.ManifestFile(path: "docs/", sha256: SHA256Digest.of([UInt8]()).hex))
        }
        let built = try build(path)
        let source = try ZipReader(path: built.path)
        let inner = scratch.path("inner.zip")
        try Data(try source.read(try XCTUnwrap(source.entry(named: RunPack.sourceName)))).write(to: URL(fileURLWithPath: inner))
        XCTAssertEqual(try ZipReader(path: inner).entries.map(\.name), ["intents.jsonl", "manifest.json", "refs.json", "results.jsonl", "run.json"])
    }

    // MARK: - Helpers

    private func build(_ runpack: String) throws -> BuiltPack {
        try FileManager.default.createDirectory(atPath: scratch.path("out"), withIntermediateDirectories: true)
        return try RunPack.build(runpackPath: runpack, options: PackBuildOptions(), outPath: scratch.path("out/pack.zip"))
    }

    /// The build throws exactly this, and leaves nothing behind: no pack, no scratch copy.
    private func assertBuildFails(_ runpack: String, _ kind: FormatError.Kind, _ message: String,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let out = scratch.path("out")
        XCTAssertThrowsError(try build(runpack), file: file, line: line) { error in
            let format = error as? FormatError
            XCTAssertEqual(format?.message ?? String(describing: error), message, file: file, line: line)
            if let format { XCTAssertEqual(format.kind, kind, file: file, line: line) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], file: file, line: line)
    }

    /// The fixture runpack with its members edited; `redigest` re-declares every member's hash and the
    /// manifest digest, so only the deliberate problems remain.
    private func runpack(_ name: String, redigest: Bool = false,
                         _ edit: (inout [String: [UInt8]], inout Runpack.Manifest) throws -> Void) throws -> String {
        let source = try ZipReader(path: fixture)
        var members: [String: [UInt8]] = [:]
        for entry in source.entries { members[entry.name] = try source.read(entry) }
        var manifest = try Runpack.Manifest.decode(try JSONParser.parse(members["manifest.json"]!))
        try edit(&members, &manifest)
        if redigest {
            for (index, file) in manifest.files.enumerated() where Runpack.memberNames.contains(file.path) {
                if let bytes = members[file.path] { manifest.files[index].sha256 = SHA256Digest.of(bytes).hex }
            }
            manifest.manifestDigest = try manifest.computeDigest()
        }
        members["manifest.json"] = try CanonicalJSON.encode(manifest.json())
        let path = scratch.path("\(name).zip")
        let directories = members.keys.filter { $0.hasSuffix("/") }.sorted()
        _ = try DeterministicZip.write(members.filter { !$0.key.hasSuffix("/") }
            .map { ZipWriteEntry(path: $0.key, content: .bytes($0.value)) }, to: path)
        // The deterministic writer refuses directory entries; other zip tools write them.
        for directory in directories {
            try ToolShell.check(["python3", "-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'a').writestr(sys.argv[2], b'')",
                                 path, directory])
        }
        return path
    }

    /// Flips bytes in the middle of an entry's compressed data.
    private func corrupt(_ path: String, entry name: String) throws {
        let entry = try XCTUnwrap(try ZipReader(path: path).entry(named: name))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let header = Int(entry.localHeaderOffset)
        let nameLength = Int(bytes[header + 26]) | Int(bytes[header + 27]) << 8
        let extraLength = Int(bytes[header + 28]) | Int(bytes[header + 29]) << 8
        let start = header + 30 + nameLength + extraLength
        for offset in 0..<min(4, Int(entry.compressedSize)) { bytes[start + offset] ^= 0xff }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
