import Foundation
import XCTest
@testable import ObjectStore

/// `pack verify` on call packs: gait's `verifyCallPayloadContracts` re-checked on packs whose
/// manifest and hashes are consistent, so only the call contract can catch them (exit 2).
final class CallPackVerifyTests: XCTestCase {
    private var scratch: CallPackScratch!
    private var pack: String!
    private var files: [String: [UInt8]]!

    override func setUpWithError() throws {
        scratch = try CallPackScratch()
        pack = try scratch.build().path
        files = try CallPackScratch.payloadFiles(of: pack)
    }

    override func tearDown() {
        scratch = nil
    }

    private func text(_ name: String) -> String { files[name]!.callPackText }

    private func lines(_ name: String) -> [String] { text(name).split(separator: "\n").map(String.init) }

    private func jsonl(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\n" }.joined().utf8) }

    private func edited(_ name: String, _ key: String, _ value: JSONValue) throws -> [UInt8] {
        try CanonicalJSON.encode(try JSONParser.parse(files[name]!).setting(key, value))
    }

    private func assertContractFails(_ changes: [String: [UInt8]?], sourceRef: String = "call_tck", _ message: String,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let forged = try scratch.forge(pack, changes, sourceRef: sourceRef)
        XCTAssertThrowsError(try PackVerifier.verify(path: forged, options: VerifyOptions()), file: file, line: line) { error in
            XCTAssertEqual(error as? FormatError, .verification(message), file: file, line: line)
        }
    }

    func testAnUnchangedForgeryStillVerifies() throws {
        let forged = try scratch.forge(pack, [:])
        let result = try PackVerifier.verify(path: forged, options: VerifyOptions())
        XCTAssertTrue(result.ok(requireSignature: false))
        XCTAssertEqual(result.packType, "call")
    }

    func testMissingEventTypeAndUnsortedEvents() throws {
        try assertContractFails(["call_events.jsonl": jsonl(lines("call_events.jsonl").filter { !$0.contains("tool.result") })],
                                "call events missing required type: tool.result")
        try assertContractFails(["call_events.jsonl": jsonl(lines("call_events.jsonl").reversed())],
                                "call events must be sorted by call_seq")
        try assertContractFails(["call_events.jsonl": []], "call record events are required")
    }

    func testUngatedSpeechAndBrokenReceipts() throws {
        try assertContractFails(["speak_receipts.jsonl": []],
                                "gated tts.emitted event missing speak receipt for call_seq=7 turn_index=1 class=quote")
        let receipt = try JSONParser.parse(files["speak_receipts.jsonl"]!)
        try assertContractFails(["speak_receipts.jsonl": jsonl([try CanonicalJSON.encode(receipt.setting("say_token_id", "")).callPackText])],
                                "normalize speak receipt: speak receipt say_token_id is required")
        try assertContractFails(["speak_receipts.jsonl": jsonl([try CanonicalJSON.encode(receipt.setting("say_token_id", "say_x")).callPackText])],
                                "gated tts.emitted event say_token_id mismatch for call_seq=7 turn_index=1 class=quote")
        let blocked = lines("gate_decisions.jsonl").map { $0.replacingOccurrences(of: #""verdict":"allow""#, with: #""verdict":"block""#) }
        try assertContractFails(["gate_decisions.jsonl": jsonl(blocked)],
                                "speak receipt latest prior gate verdict is block (expected allow) for turn_index=1 call_seq=7 class=quote")
    }

    func testCountMismatches() throws {
        try assertContractFails(["call_payload.json": try edited("call_payload.json", "event_count", 9)],
                                "call payload event_count does not match call_events")
        try assertContractFails(["call_payload.json": try edited("call_payload.json", "reference_digest_count", 0)],
                                "call payload reference_digest_count does not match reference_digests")
        try assertContractFails(["callpack_manifest.json": try edited("callpack_manifest.json", "decision_count", 1)],
                                "callpack manifest counts do not match call payload")
        try assertContractFails(["call_payload.json": try edited("call_payload.json", "commitment_count", -1)],
                                "call payload counts must be >= 0")
        // Reference digests are re-normalised before counting: a dropped invalid entry does not count.
        let padded = Array((text("reference_digests.json").dropLast() + #",{"ref_id":"","sha256":"zz"}]"#).utf8)
        XCTAssertTrue(try PackVerifier.verify(path: try scratch.forge(pack, ["reference_digests.json": padded]),
                                              options: VerifyOptions()).ok(requireSignature: false))
    }

    func testPrivacyModeAndCreatedAtMustAgree() throws {
        try assertContractFails(["call_payload.json": try edited("call_payload.json", "privacy_mode", "cleartext")],
                                "call payload privacy_mode must be hash_only or dispute_encrypted")
        try assertContractFails(["callpack_manifest.json": try edited("callpack_manifest.json", "privacy_mode", "dispute_encrypted")],
                                "callpack manifest privacy_mode does not match call payload")
        try assertContractFails(["callpack_manifest.json": try edited("callpack_manifest.json", "created_at", "2026-02-15T10:00:01Z")],
                                "callpack manifest created_at does not match call payload")
        try assertContractFails(["callpack_manifest.json": try edited("callpack_manifest.json", "environment_fingerprint", "other")],
                                "callpack manifest environment_fingerprint does not match call payload")
        // Go's time.Equal: the same instant written with another offset agrees.
        let shifted = try edited("callpack_manifest.json", "created_at", "2026-02-15T12:00:00+02:00")
        XCTAssertTrue(try PackVerifier.verify(path: try scratch.forge(pack, ["callpack_manifest.json": shifted]),
                                              options: VerifyOptions()).ok(requireSignature: false))
    }

    func testIdentityAndShapeOfTheFiles() throws {
        try assertContractFails([:], sourceRef: "call_other", "call payload call_id does not match manifest source_ref")
        try assertContractFails(["callpack_manifest.json": try edited("callpack_manifest.json", "call_id", "call_other")],
                                "callpack manifest call_id does not match call payload")
        try assertContractFails(["call_payload.json": try edited("call_payload.json", "extra", 1)],
                                #"parse call_payload.json: json: unknown field "extra""#)
        try assertContractFails(["call_payload.json": try edited("call_payload.json", "schema_id", "gait.pack.run")],
                                "call payload schema_id must be gait.pack.call")
        try assertContractFails(["callpack_manifest.json": try edited("callpack_manifest.json", "producer_version", " ")],
                                "callpack manifest producer_version is required")
        try assertContractFails(["reference_digests.json": nil], "missing reference_digests.json")
        try assertContractFails(["source/runpack.zip": nil], "missing source/runpack.zip")
        try assertContractFails(["reference_digests.json": Array("{}".utf8)],
                                "parse reference_digests.json: json: cannot unmarshal object into Go value of type []voice.ReferenceDigest")
        var events = lines("call_events.jsonl")
        events[1] = events[1].replacingOccurrences(of: "{", with: #"{"unexpected":true,"#)
        try assertContractFails(["call_events.jsonl": jsonl(events)], #"parse call_events.jsonl line 2: json: unknown field "unexpected""#)
        let otherCommitment = lines("commitments.jsonl").map { $0.replacingOccurrences(of: #""call_id":"call_tck""#, with: #""call_id":"call_other""#) }
        try assertContractFails(["commitments.jsonl": jsonl(otherCommitment)], "commitment call_id does not match payload")
        let badCommitment = lines("commitments.jsonl").map { $0.replacingOccurrences(of: #""commitment_class":"quote""#, with: #""commitment_class":"gift""#) }
        try assertContractFails(["commitments.jsonl": jsonl(badCommitment)], "parse commitments.jsonl line 1: unsupported commitment_class: gift")
    }

    /// A tampered embedded runpack no longer matches its declared hash: a failed verdict (exit 2)
    /// reported in the result, before any contract is looked at.
    func testATamperedEmbeddedRunpackFailsVerification() throws {
        let original = try ZipReader(path: pack)
        var runpack = try original.read(original.entry(named: "source/runpack.zip")!)
        runpack[runpack.count / 2] ^= 0x01
        let entries = original.entries.map { entry in
            entry.name == "source/runpack.zip"
                ? ZipWriteEntry(path: entry.name, content: .bytes(runpack))
                : ZipWriteEntry(path: entry.name, content: .zipEntry(original, entry))
        }
        let tampered = scratch.path("tampered-runpack.zip")
        _ = try DeterministicZip.write(entries, to: tampered)
        let result = try PackVerifier.verify(path: tampered, options: VerifyOptions())
        XCTAssertFalse(result.ok(requireSignature: false))
        XCTAssertEqual(result.hashMismatches.map(\.path), ["source/runpack.zip"])
        XCTAssertEqual(result.hashMismatches.first?.actual, SHA256Digest.of(runpack).hex)
    }

    /// The command-line path: build and verify through the real binary, with the exit codes
    /// DESIGN.md §4 promises (0 ok, 2 verification failed, 6 bad input).
    func testTheCommandLineBuildsAndVerifiesWithTheRightExitCodes() throws {
        let binary = CallPackScratch.fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/gaitstore").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("run swift build first: no \(binary)") }
        let out = scratch.path("cli.zip")
        let build = try ZipTool.run(binary, ["pack", "build", "--type", "call", "--from", scratch.recordPath, "--out", out, "--json"])
        XCTAssertEqual(build.status, 0, build.stderr)
        let envelope = try JSONParser.parse(build.stdout)
        XCTAssertEqual(envelope["pack_type"], "call")
        XCTAssertEqual(envelope["source_ref"], "call_tck")
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: out))),
                       Array(try Data(contentsOf: URL(fileURLWithPath: pack))), "the CLI writes the library's bytes")
        XCTAssertEqual(try ZipTool.run(binary, ["pack", "verify", out]).status, 0)

        let forged = try scratch.forge(pack, ["speak_receipts.jsonl": []])
        let refused = try ZipTool.run(binary, ["pack", "verify", forged])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("gated tts.emitted event missing speak receipt"), refused.stderr)

        let badRecord = try scratch.writeRecord(scratch.record.setting("privacy_mode", "cleartext"), as: "bad.json")
        let invalid = try ZipTool.run(binary, ["pack", "build", "--type", "call", "--from", badRecord, "--out", scratch.path("bad.zip")])
        XCTAssertEqual(invalid.status, 6)
        XCTAssertTrue(invalid.stderr.contains("call record privacy_mode must be hash_only or dispute_encrypted"), invalid.stderr)
    }
}
