import XCTest
@testable import ObjectStore

/// The worked examples of packspec-v1.md §5 and §7: bytes gait produced, reproduced exactly.
final class PackSpecExampleTests: XCTestCase {
    static let exampleA = #"{"contents":[{"path":"job_events.jsonl","sha256":"05f1727755904c86256feb5b3285a779b6b164f4d122cd194134a0babd7a7032","type":"jsonl"},{"path":"job_payload.json","sha256":"2e96e9b2fdd43745feb299ee2a3e8b68eb7d10977791cfa19685b428ec810c55","type":"json"},{"path":"job_state.json","sha256":"5b4d08d6c2d07545a53d62ee9ea0c63d680ee9e66df6ee24a90048bd6c0bdef9","type":"json"},{"path":"proof_records.jsonl","sha256":"e293d81ac9fee0053125b858f2fa4a6b9410821ab56c7d5a4c4f9ebaf204b5b8","type":"jsonl"}],"created_at":"1980-01-01T00:00:00Z","pack_id":"49546248a4bff020239f47b322ff56d6c36d96317ca56cf813b9e64085e03c31","pack_type":"job","producer_version":"0.0.0-dev","schema_id":"gait.pack.manifest","schema_version":"1.0.0","source_ref":"job_tck"}"#

    static let exampleBHashed = #"{"contents":[{"path":"job_events.jsonl","sha256":"05f1727755904c86256feb5b3285a779b6b164f4d122cd194134a0babd7a7032","type":"jsonl"},{"path":"job_payload.json","sha256":"2e96e9b2fdd43745feb299ee2a3e8b68eb7d10977791cfa19685b428ec810c55","type":"json"},{"path":"job_state.json","sha256":"5b4d08d6c2d07545a53d62ee9ea0c63d680ee9e66df6ee24a90048bd6c0bdef9","type":"json"},{"path":"proof_records.jsonl","sha256":"a694e99d8bce7458416637e7a3b81615ec77499b808ed99abf08d507e3bdb1d0","type":"jsonl"}],"created_at":"1980-01-01T00:00:00Z","pack_id":"","pack_type":"job","producer_version":"0.0.0-dev","schema_id":"gait.pack.manifest","schema_version":"1.0.0","source_ref":"job_tck"}"#

    static let firstProofLine = #"{"agent_id":"gait","controls":{"permissions_enforced":false},"event":{"entry_path":"job_events.jsonl","entry_permissions":420,"entry_sha256":"05f1727755904c86256feb5b3285a779b6b164f4d122cd194134a0babd7a7032","entry_size_bytes":1196,"entry_type":"jsonl","pack_type":"job","producer_version":"0.0.0-dev","source_ref":"job_tck"},"integrity":{"record_hash":"sha256:5dbcb8ea53eaa11ab65b125e5fab5332832d85def4df94fcfff4d2e3b0207743"},"metadata":{"artifact_kind":"gait.pack.entry"},"record_id":"prf-1980-01-01T00:00:00Z-57039c2d","record_type":"tool_invocation","record_version":"1.0","source":"gait.pack","source_product":"gait","timestamp":"1980-01-01T00:00:00Z"}"#

    func testExampleAManifestRoundTripsAndItsPackIDIsRecomputed() throws {
        let manifest = try PackManifest.parse(Array(Self.exampleA.utf8))
        XCTAssertEqual(try manifest.computePackID(), "49546248a4bff020239f47b322ff56d6c36d96317ca56cf813b9e64085e03c31")
        XCTAssertEqual(String(decoding: try manifest.canonicalBytes(), as: UTF8.self), Self.exampleA)
    }

    func testExampleBPackIDFromTheManifestWeBuild() throws {
        let entries = [("job_events.jsonl", "05f1727755904c86256feb5b3285a779b6b164f4d122cd194134a0babd7a7032"),
                       ("job_payload.json", "2e96e9b2fdd43745feb299ee2a3e8b68eb7d10977791cfa19685b428ec810c55"),
                       ("job_state.json", "5b4d08d6c2d07545a53d62ee9ea0c63d680ee9e66df6ee24a90048bd6c0bdef9"),
                       ("proof_records.jsonl", "a694e99d8bce7458416637e7a3b81615ec77499b808ed99abf08d507e3bdb1d0")]
            .map { PackEntry(path: $0.0, sha256: $0.1, type: PackEntry.type(forPath: $0.0)) }
        let manifest = PackManifest(producerVersion: "0.0.0-dev", packType: .job, sourceRef: "job_tck", contents: entries)
        XCTAssertEqual(String(decoding: try CanonicalJSON.encode(manifest.json(packID: "", includeSignatures: false)), as: UTF8.self),
                       Self.exampleBHashed)
        XCTAssertEqual(try manifest.computePackID(), "c873c892e1c4c404fdfd94f45c8b7480af88dff847b9c119d58a989d67a6a254")
    }

    func testFirstProofRecordIsByteIdenticalToGaits() throws {
        let subject = ProofRecords.Subject(path: "job_events.jsonl", type: "jsonl",
                                           sha256: "05f1727755904c86256feb5b3285a779b6b164f4d122cd194134a0babd7a7032", size: 1196)
        let bytes = try ProofRecords.build([subject], packType: "job", sourceRef: "job_tck", producerVersion: "0.0.0-dev", key: nil)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), Self.firstProofLine)
        XCTAssertEqual(try ProofRecords.verify(bytes, key: nil, requireSignature: false).recordsVerified, 1)
    }

    func testProofRecordChainDetectsTamperingAndSignaturesVerify() throws {
        let key = Ed25519PrivateKey.generate()
        let subjects = ["a.json", "b.jsonl", "c.zip"].map {
            ProofRecords.Subject(path: $0, type: PackEntry.type(forPath: $0), sha256: String(repeating: "a", count: 64), size: 3)
        }
        let bytes = try ProofRecords.build(subjects, packType: "run", sourceRef: "r", producerVersion: "1.0.0", key: key)
        XCTAssertNotEqual(bytes.last, 0x0a, "no trailing newline")
        let checked = try ProofRecords.verify(bytes, key: key.publicKey, requireSignature: true)
        XCTAssertEqual(checked.recordsVerified, 3)
        XCTAssertEqual(checked.signatureErrors, [])
        let other = Ed25519PrivateKey.generate().publicKey
        XCTAssertEqual(try ProofRecords.verify(bytes, key: other, requireSignature: true).signatureErrors.count, 3)

        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        lines.swapAt(0, 1)
        XCTAssertThrowsError(try ProofRecords.verify(Array(lines.joined(separator: "\n").utf8), key: nil, requireSignature: false))
        let tampered = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\"entry_size_bytes\":3", with: "\"entry_size_bytes\":4")
        XCTAssertThrowsError(try ProofRecords.verify(Array(tampered.utf8), key: nil, requireSignature: false)) { error in
            XCTAssertTrue(String(describing: error).contains("record hash mismatch"), "\(error)")
        }
    }

    func testManifestParseErrorsUseGaitsWordsInGaitsOrder() {
        func message(_ edit: (inout [String: Any]) -> Void) -> String {
            var object = try! JSONSerialization.jsonObject(with: Data(Self.exampleA.utf8)) as! [String: Any]
            edit(&object)
            let data = try! JSONSerialization.data(withJSONObject: object)
            do { _ = try PackManifest.parse(Array(data)); return "no error" } catch { return String(describing: error) }
        }
        XCTAssertEqual(message { $0["schema_id"] = "gait.pack.invalid" }, "unsupported manifest schema_id: gait.pack.invalid")
        XCTAssertEqual(message { $0["pack_type"] = "guard" }, "invalid pack_type: guard")
        XCTAssertEqual(message { $0["source_ref"] = "  " }, "manifest missing source_ref")
        XCTAssertEqual(message { $0["pack_id"] = "xyz" }, "manifest pack_id must be sha256 hex")
        XCTAssertEqual(message { $0["contents"] = nil }, "manifest missing contents")
        XCTAssertEqual(message { $0["extra_field"] = 1 }, "parse pack manifest: json: unknown field \"extra_field\"")
        XCTAssertEqual(message { $0["Schema_ID"] = $0.removeValue(forKey: "schema_id") }, "no error", "Go matches names case-insensitively")
    }
}
