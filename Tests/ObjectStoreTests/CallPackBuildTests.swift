import Foundation
import XCTest
@testable import ObjectStore

/// `pack build --type call`: a call record and its runpack become a call pack exactly as gait's
/// `BuildCallPack` writes it, and every record rule refuses bad input with gait's message (exit 6).
final class CallPackBuildTests: XCTestCase {
    func testBuiltPackVerifiesAndHoldsEveryCallFile() throws {
        let scratch = try CallPackScratch()
        let built = try scratch.build()
        XCTAssertEqual(built.manifest.packType, "call")
        XCTAssertEqual(built.manifest.sourceRef, "call_tck")

        let result = try PackVerifier.verify(path: built.path, options: VerifyOptions())
        XCTAssertTrue(result.ok(requireSignature: false), "\(result.json)")
        XCTAssertEqual(result.packID, built.packID)
        XCTAssertEqual(result.filesChecked, 9)
        XCTAssertEqual(result.proofRecordsVerified, 8)

        let zip = try ZipReader(path: built.path)
        XCTAssertEqual(zip.entries.map(\.name), [
            "call_events.jsonl", "call_payload.json", "callpack_manifest.json", "commitments.jsonl", "gate_decisions.jsonl",
            "pack_manifest.json", "proof_records.jsonl", "reference_digests.json", "source/runpack.zip", "speak_receipts.jsonl",
        ])
        let files = try CallPackScratch.payloadFiles(of: built.path)
        XCTAssertEqual(files["source/runpack.zip"], Array(try Data(contentsOf: URL(fileURLWithPath: scratch.runpackPath))),
                       "the runpack is embedded byte for byte, not re-zipped")

        let payload = try JSONParser.parse(files["call_payload.json"]!)
        XCTAssertEqual(payload["run_id"], "run_call_tck", "run_id comes from the verified runpack's manifest")
        XCTAssertEqual(payload["event_count"], 10)
        XCTAssertEqual(payload["decision_count"], 2)
        let callManifest = try JSONParser.parse(files["callpack_manifest.json"]!)
        XCTAssertEqual(callManifest["producer_version"], "0.0.0-dev")
        XCTAssertNil(callManifest["run_id"])
        for key in ["call_id", "created_at", "privacy_mode", "environment_fingerprint", "event_count", "commitment_count",
                    "decision_count", "speak_receipt_count", "reference_digest_count"] {
            XCTAssertEqual(callManifest[key], payload[key], key)
        }
        let events = try files["call_events.jsonl"]!.callPackJSONLines()
        XCTAssertEqual(events.compactMap { $0["call_seq"]?.numberValue?.int64Value }, Array(1...10))
        XCTAssertEqual(files["reference_digests.json"]!.callPackText,
                       #"[{"ref_id":"ref_refund_policy","sha256":"7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e"}]"#)
        XCTAssertEqual(try CallPack.checkContract(zip, manifest: built.manifest), payload)
    }

    /// Independent of our JSON layer: Python re-serialises every document in the JCS shape (sorted
    /// keys, no spaces) and recomputes each entry hash and the pack_id from the manifest.
    func testPythonAgreesOnCanonicalFilesHashesAndPackID() throws {
        let scratch = try CallPackScratch()
        let built = try scratch.build()
        let script = #"""
        import hashlib, json, sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        canon = lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        manifest = json.loads(z.read("pack_manifest.json"))
        for entry in manifest["contents"]:
            data = z.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
            if entry["path"].endswith(".json"):
                assert canon(json.loads(data)) == data, entry["path"]
            elif entry["path"].endswith(".jsonl") and entry["path"] != "proof_records.jsonl":
                assert data.endswith(b"\n"), entry["path"]
                for line in data.splitlines():
                    assert canon(json.loads(line)) == line, entry["path"]
        assert z.read("source/runpack.zip") == open(sys.argv[2], "rb").read()
        hashed = dict(manifest, pack_id="")
        hashed.pop("signatures", None)
        print(hashlib.sha256(canon(hashed)).hexdigest())
        """#
        XCTAssertEqual(try ZipTool.python(script, [built.path, scratch.runpackPath]), built.packID + "\n")
    }

    func testBuildingTwiceGivesIdenticalBytesAndTheDefaultPathIsBesideTheRecord() throws {
        let scratch = try CallPackScratch()
        let first = try scratch.build(out: scratch.path("one.zip"))
        let second = try scratch.build(out: scratch.path("two.zip"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first.path)), try Data(contentsOf: URL(fileURLWithPath: second.path)))
        XCTAssertEqual(first.zip, second.zip)

        let defaulted = try CallPack.build(recordPath: scratch.recordPath, options: PackBuildOptions(), outPath: nil)
        XCTAssertEqual(defaulted.path, scratch.path("pack_\(first.packID).zip"))
        XCTAssertEqual(defaulted.zip, first.zip)

        let other = try scratch.build(out: scratch.path("three.zip"), options: PackBuildOptions(producerVersion: "1.4.0"))
        XCTAssertNotEqual(other.packID, first.packID, "producer_version is part of pack_id")
    }

    /// Messy but equivalent input (case, white space, offsets, order) normalises to the very same
    /// pack as the clean fixture.
    func testNormalisationMakesEquivalentRecordsTheSamePack() throws {
        let scratch = try CallPackScratch()
        let clean = try scratch.build()
        let events = scratch.record["events"]!.arrayValue!
        var messy = scratch.record
            .setting("call_id", " call_tck\t")
            .setting("privacy_mode", " Hash_Only ")
            .setting("producer_version", "  ")
            .setting("created_at", "2026-02-15T12:00:00+02:00")
            .setting("schema_id", "")
            .setting("environment_fingerprint", " voice-edge-eu1 ")
            .setting("events", .array(events.reversed()))
            .setting("events.0.commitment_class", "  ")
            .setting("events.3.commitment_class", " QUOTE ")
            .setting("events.3.say_token_id", " say_7f3a9c2e41d05b86e2a1c4d9 ")
            .setting("events.3.payload_digest", "2607EFFD21A6A61C155AF07837384C3401D1CF003030E655A075EF6E9AC130D7")
            .setting("events.3.created_at", "2026-02-15T11:00:06.500+01:00")
            .setting("events.3.schema_version", nil)
            .setting("commitments.0.currency", " usd ")
            .setting("commitments.0.context.risk_class", "MEDIUM")
            .setting("commitments.0.evidence_reference_digests",
                     ["7D6C5B4A39281706F5E4D3C2B1A09F8E7D6C5B4A39281706F5E4D3C2B1A09F8E", "not-a-digest",
                      " 7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e"])
            .setting("gate_decisions.0.verdict", " ALLOW ")
            .setting("gate_decisions.0.reason_codes", [" quote_within_policy_bounds ", "quote_within_policy_bounds", ""])
            .setting("speak_receipts.0.spoken_digest", "2607EFFD21A6A61C155AF07837384C3401D1CF003030E655A075EF6E9AC130D7")
            .setting("speak_receipts.0.emitted_at", "2026-02-15T05:00:06.5-05:00")
            .setting("speak_receipts.0.commitment_class", "Quote")
            .setting("reference_digests", [
                ["ref_id": " ref_refund_policy ", "sha256": "7D6C5B4A39281706F5E4D3C2B1A09F8E7D6C5B4A39281706F5E4D3C2B1A09F8E"],
                ["ref_id": "ref_refund_policy", "sha256": "7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e"],
                ["ref_id": "", "sha256": "7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e"],
                ["ref_id": "ref_bad", "sha256": "zz"],
            ])
        // Go maps keep the last of repeated keys; the canonical text is known, so repeat one by hand.
        var text = try CanonicalJSON.encode(messy).callPackText
        let attributes = #""attributes":{"intent_id":"intent_order_lookup","tool_name":"orders.lookup"}"#
        XCTAssertTrue(text.contains(attributes))
        text = text.replacingOccurrences(
            of: attributes, with: #""attributes":{"tool_name":"other","intent_id":"intent_order_lookup","tool_name":"orders.lookup"}"#)
        messy = try JSONParser.parse(text)
        let messyPath = try scratch.directory.write("messy.json", Array(text.utf8))

        let built = try scratch.build(messyPath, out: scratch.path("messy.zip"))
        let messyFiles = try CallPackScratch.payloadFiles(of: built.path)
        for (name, bytes) in try CallPackScratch.payloadFiles(of: clean.path) where name.hasSuffix(".json") || name.hasSuffix(".jsonl") {
            XCTAssertEqual(messyFiles[name]?.callPackText, bytes.callPackText, name)
        }
        XCTAssertEqual(built.packID, clean.packID)
    }

    /// Fields the fixture leaves out: sorted sets, omitted empties, the `null` reference list.
    func testNormalisedListsAndEmptyReferenceDigests() throws {
        let scratch = try CallPackScratch()
        let record = scratch.record
            .setting("commitments.0.approval_artifact_refs", [" ticket/9 ", "ticket/10", "ticket/9", " "])
            .setting("commitments.0.approval_required", true)
            .setting("commitments.0.quote_min_cents", 0)
            .setting("gate_decisions.1.reason_codes", ["z_rule", " a_rule", "z_rule"])
            .setting("gate_decisions.1.approval_ref", "   ")
            .setting("events.0.attributes", .object(JSONObject()))
            .setting("reference_digests", nil)
        let built = try scratch.build(try scratch.writeRecord(record))
        let files = try CallPackScratch.payloadFiles(of: built.path)

        let commitment = try files["commitments.jsonl"]!.callPackJSONLines()[0]
        XCTAssertEqual(commitment["approval_artifact_refs"], ["ticket/10", "ticket/9"])
        XCTAssertEqual(commitment["approval_required"], true)
        XCTAssertNil(commitment["quote_min_cents"], "zero bounds are omitted")
        let decision = try files["gate_decisions.jsonl"]!.callPackJSONLines()[1]
        XCTAssertEqual(decision["reason_codes"], ["a_rule", "z_rule"])
        XCTAssertNil(decision["approval_ref"])
        XCTAssertNil(try files["call_events.jsonl"]!.callPackJSONLines()[0]["attributes"], "an empty map is omitted")

        XCTAssertEqual(files["reference_digests.json"]!.callPackText, "null")
        XCTAssertEqual(try JSONParser.parse(files["call_payload.json"]!)["reference_digest_count"], 0)
        XCTAssertTrue(try PackVerifier.verify(path: built.path, options: VerifyOptions()).ok(requireSignature: false))

        let allInvalid = scratch.record.setting("reference_digests", [["ref_id": "r", "sha256": "short"]])
        let rebuilt = try scratch.build(try scratch.writeRecord(allInvalid, as: "invalid-refs.json"), out: scratch.path("r.zip"))
        XCTAssertEqual(try CallPackScratch.payloadFiles(of: rebuilt.path)["reference_digests.json"]!.callPackText, "null")
    }

    func testEveryRecordRuleRefusesTheBuildWithGaitsMessage() throws {
        let scratch = try CallPackScratch()
        let blockAfterAllow: JSONValue = ["call_id": "call_tck", "call_seq": 6, "turn_index": 1, "commitment_class": "quote",
                                          "verdict": "block"]
        let cases: [(String, JSONValue, String)] = [
            ("schema", scratch.record.setting("schema_id", "bad"), "unsupported call record schema_id: bad"),
            ("version", scratch.record.setting("schema_version", "2.0.0"), "unsupported call record schema_version: 2.0.0"),
            ("created_at", scratch.record.setting("created_at", nil), "call record created_at is required"),
            ("call_id", scratch.record.setting("call_id", "  "), "call record call_id is required"),
            ("runpack_path", scratch.record.setting("runpack_path", ""), "call record runpack_path is required"),
            ("privacy", scratch.record.setting("privacy_mode", "cleartext"),
             "call record privacy_mode must be hash_only or dispute_encrypted"),
            ("unknown field", scratch.record.setting("extra", 1), #"parse call record: json: unknown field "extra""#),
            ("unknown nested field", scratch.record.setting("events.0.extra", 1), #"parse call record: json: unknown field "extra""#),
            ("no events", scratch.record.setting("events", []), "call record events are required"),
            ("missing event type", scratch.record.setting("events.3", nil), "call events missing required type: tool.result"),
            ("event call_id", scratch.record.setting("events.1.call_id", "call_other"), "call event call_id must match call record"),
            ("event call_seq", scratch.record.setting("events.1.call_seq", 0), "call event call_seq must be >= 1"),
            ("event class", scratch.record.setting("events.1.commitment_class", "bogus"),
             "unsupported call event commitment_class: bogus"),
            ("event digest", scratch.record.setting("events.0.payload_digest", "xyz"), "call event payload_digest must be sha256 hex"),
            ("commitment call_id", scratch.record.setting("commitments.0.call_id", "call_other"),
             "commitment call_id does not match call record"),
            ("commitment context", scratch.record.setting("commitments.0.context", nil),
             "normalize commitment: context identity, workspace, and risk_class are required"),
            ("commitment bounds", scratch.record.setting("commitments.0.quote_min_cents", 6000),
             "normalize commitment: quote_max_cents must be >= quote_min_cents"),
            ("verdict", scratch.record.setting("gate_decisions.0.verdict", "maybe"), "unsupported gate decision verdict: maybe"),
            ("ungated speak", scratch.record.setting("speak_receipts", []),
             "gated tts.emitted event missing speak receipt for call_seq=7 turn_index=1 class=quote"),
            ("speak without token", scratch.record.setting("events.6.say_token_id", nil),
             "gated tts.emitted event missing say_token_id for call_seq=7 turn_index=1"),
            ("token mismatch", scratch.record.setting("speak_receipts.0.say_token_id", "say_other"),
             "gated tts.emitted event say_token_id mismatch for call_seq=7 turn_index=1 class=quote"),
            ("decision after speech", scratch.record.setting("gate_decisions.0.call_seq", 8),
             "speak receipt missing prior gate decision for turn_index=1 call_seq=7 class=quote"),
            ("block after allow", scratch.record.appending("gate_decisions", blockAfterAllow),
             "speak receipt latest prior gate verdict is block (expected allow) for turn_index=1 call_seq=7 class=quote"),
            ("spoken digest", scratch.record.setting("speak_receipts.0.spoken_digest", "abc"),
             "speak receipt spoken_digest must be sha256 hex"),
        ]
        for (name, record, message) in cases {
            let path = try scratch.writeRecord(record, as: "case.json")
            XCTAssertThrowsError(try scratch.build(path), name) { error in
                XCTAssertEqual(error as? FormatError, .invalid(message), name)
            }
        }
    }

    func testASourceRunpackThatFailsIntegrityRefusesTheBuild() throws {
        let scratch = try CallPackScratch()
        let original = try ZipReader(path: scratch.runpackPath)
        let entries = try original.entries.map { entry -> ZipWriteEntry in
            guard entry.name == "run.json" else { return ZipWriteEntry(path: entry.name, content: .zipEntry(original, entry)) }
            let edited = try original.read(entry).callPackText.replacingOccurrences(of: "\"linux\"", with: "\"plan9\"")
            return ZipWriteEntry(path: entry.name, content: .bytes(Array(edited.utf8)))
        }
        _ = try DeterministicZip.write(entries, to: scratch.path("tampered.zip"))
        let record = try scratch.writeRecord(scratch.record.setting("runpack_path", "tampered.zip"), as: "tampered.json")
        XCTAssertThrowsError(try scratch.build(record)) { error in
            XCTAssertEqual(error as? FormatError, .invalid("source runpack failed integrity checks"))
        }

        let missing = try scratch.writeRecord(scratch.record.setting("runpack_path", "nowhere.zip"), as: "missing.json")
        XCTAssertThrowsError(try scratch.build(missing)) { error in
            let failure = error as? FormatError
            XCTAssertEqual(failure?.kind, .invalidInput)
            XCTAssertTrue(failure?.message.hasPrefix("verify source runpack: open zip: ") == true, "\(error)")
            XCTAssertTrue(failure?.message.contains("nowhere.zip") == true, "\(error)")
        }
        _ = try scratch.directory.write("not-a-zip.zip", Array("plain text".utf8))
        let notZip = try scratch.writeRecord(scratch.record.setting("runpack_path", "not-a-zip.zip"), as: "notzip.json")
        XCTAssertThrowsError(try scratch.build(notZip)) { error in
            XCTAssertEqual((error as? FormatError)?.kind, .invalidInput)
        }
    }

    func testAnAbsoluteRunpackPathAndUnreadableRecords() throws {
        let scratch = try CallPackScratch()
        let elsewhere = try CallPackScratch()
        let record = try elsewhere.writeRecord(scratch.record.setting("runpack_path", .string(scratch.runpackPath)))
        try FileManager.default.removeItem(atPath: elsewhere.runpackPath)
        XCTAssertEqual(try elsewhere.build(record).packID, try scratch.build().packID)

        XCTAssertThrowsError(try scratch.build(scratch.path("absent.json"))) { error in
            XCTAssertEqual(error as? FormatError, .invalid("read call record: open \(scratch.path("absent.json")): no such file or directory"))
        }
        XCTAssertThrowsError(try scratch.build("  ")) { error in
            XCTAssertEqual(error as? FormatError, .invalid("call record path is required"))
        }
        let broken = try scratch.directory.write("broken.json", Array("{\"call_id\":".utf8))
        XCTAssertThrowsError(try scratch.build(broken)) { error in
            XCTAssertTrue((error as? FormatError)?.message.hasPrefix("parse call record: ") == true, "\(error)")
        }
    }
}
