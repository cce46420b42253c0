import Foundation
import XCTest

/// The JSON Schemas in `schemas/v1/pack`, checked with Python's `jsonschema` against the TCK packs,
/// against what `pack diff` and `pack verify` print, and against the verifier's own verdicts.
final class SchemaTests: TemporaryDirectoryTestCase {
    static let schemaDirectory = CLI.packageRoot.appendingPathComponent("schemas/v1/pack")
    static let tck = CLI.packageRoot.appendingPathComponent("fixtures/packspec_tck/v1")

    static let schemaNames: Set<String> = ["manifest", "run", "job", "call", "diff", "proof_record", "verify_output",
                                           "job_state", "job_event", "context_envelope"]

    /// The schema that covers each JSON file a pack may hold (docs/contracts/schemas.md).
    static let schemaForPackFile = [
        "pack_manifest.json": "manifest", "run_payload.json": "run", "job_payload.json": "job",
        "call_payload.json": "call", "job_state.json": "job_state", "job_events.jsonl": "job_event",
        "proof_records.jsonl": "proof_record", "context_envelope.json": "context_envelope",
    ]

    /// Call-pack record files that no schema here covers (gait's voice record formats).
    static let uncoveredPackFiles: Set<String> = ["callpack_manifest.json", "call_events.jsonl", "commitments.jsonl",
                                                  "gate_decisions.jsonl", "speak_receipts.jsonl", "reference_digests.json"]

    // MARK: - The schemas themselves

    func testEverySchemaIsADraft202012SchemaThatSaysHowItDepartsFromGait() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.schemaDirectory.path)
        XCTAssertEqual(Set(names), Set(Self.schemaNames.map { "\($0).schema.json" }))
        for name in Self.schemaNames {
            let schema = try jsonObject(at: Self.schemaDirectory.appendingPathComponent("\(name).schema.json"))
            XCTAssertEqual(schema["$schema"] as? String, "https://json-schema.org/draft/2020-12/schema", name)
            XCTAssertTrue((schema["description"] as? String ?? "").contains("gait"), "\(name): description must relate it to gait's")
        }
        // check_schema against the 2020-12 meta-schema happens for every --schema the script loads.
        XCTAssertTrue(try validate(Self.schemaNames.sorted().map { ($0, []) }).isEmpty)
    }

    // MARK: - Real documents validate

    func testEveryJSONFileInTheValidTCKPacksMatchesItsSchema() throws {
        var packs = ["pack_run.zip", "pack_job.zip", "pack_run_signed.zip", "pack_run_retrieved_later.zip"]
        if FileManager.default.fileExists(atPath: Self.tck.appendingPathComponent("pack_call.zip").path) {
            packs.append("pack_call.zip")
        }
        var groups: [String: [String]] = [:]
        var documentCount = 0
        for pack in packs {
            let directory = tmp.appendingPathComponent(pack)
            let unzip = try CLI.run(["-q", Self.tck.appendingPathComponent(pack).path, "-d", directory.path],
                                    executable: URL(fileURLWithPath: "/usr/bin/unzip"))
            XCTAssertEqual(unzip.status, 0, unzip.stderr)
            for name in try FileManager.default.subpathsOfDirectory(atPath: directory.path).sorted()
            where name.hasSuffix(".json") || name.hasSuffix(".jsonl") {
                let file = directory.appendingPathComponent(name)
                if let schema = Self.schemaForPackFile[name] {
                    groups[schema, default: []].append(file.path)
                    documentCount += name.hasSuffix(".jsonl") ? try nonBlankLineCount(file) : 1
                } else if !Self.uncoveredPackFiles.contains(name) {
                    XCTFail("\(pack): no schema covers \(name)")
                }
            }
        }
        XCTAssertTrue(Set(groups.keys).isSuperset(of: ["manifest", "run", "job", "job_state", "job_event", "proof_record",
                                                       "context_envelope"]))
        let verdicts = try validate(groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        XCTAssertEqual(verdicts.count, documentCount, "every document, every JSONL line, gets a verdict")
        for verdict in verdicts where !verdict.valid { XCTFail("\(verdict.label): \(verdict.error ?? "")") }
    }

    func testDiffOutputFileAndJSONResultMatchTheDiffSchema() throws {
        func pack(_ name: String) -> String { Self.tck.appendingPathComponent(name).path }
        let pairs: [(String, String, Int32)] = [
            (pack("pack_run.zip"), pack("pack_job.zip"), 2), (pack("pack_run.zip"), pack("pack_run_retrieved_later.zip"), 2),
            (pack("pack_job.zip"), pack("pack_job.zip"), 0), (pack("runpack_run_tck.zip"), pack("pack_run.zip"), 2),
            (pack("pack_run.zip"), try runPackWithOtherContext(), 2),
        ]
        var files: [String] = []
        var classifications: Set<String> = []
        for (i, (left, right, status)) in pairs.enumerated() {
            let output = path("diff-\(i).json")
            let r = try CLI.run(["pack", "diff", "--json", "--output", output, left, right])
            XCTAssertEqual(r.status, status, "\(left) vs \(right): \(r.stderr)")
            let result = try XCTUnwrap((try json(r.stdout)["diff"] as? [String: Any])?["Result"] as? [String: Any])
            XCTAssertEqual(NSDictionary(dictionary: result), NSDictionary(dictionary: try jsonObject(at: URL(fileURLWithPath: output))))
            let printed = path("diff-\(i)-stdout.json")
            try JSONSerialization.data(withJSONObject: result).write(to: URL(fileURLWithPath: printed))
            files += [output, printed]
            if let c = (result["summary"] as? [String: Any])?["context_drift_classification"] as? String { classifications.insert(c) }
        }
        XCTAssertEqual(classifications, ["none", "runtime_only", "semantic"], "every context branch of the schema is exercised")
        for verdict in try validate([("diff", files)]) { XCTAssertTrue(verdict.valid, "\(verdict.label): \(verdict.error ?? "")") }
    }

    /// A run pack of the TCK run whose receipt retrieved different content: semantic context drift.
    func runPackWithOtherContext() throws -> String {
        var input = try jsonObject(at: URL(fileURLWithPath: fixture("fixtures/inputs/run_record_input.json")))
        var refs = try XCTUnwrap(input["refs"] as? [String: Any])
        var receipts = try XCTUnwrap(refs["receipts"] as? [[String: Any]])
        receipts[0]["content_digest"] = String(repeating: "5", count: 64)
        refs["receipts"] = receipts
        input["refs"] = refs
        try write(input, to: path("other_context_input.json"))
        let recorded = try CLI.run(["run", "record", "--input", path("other_context_input.json"), "--out-dir", path("other")])
        XCTAssertEqual(recorded.status, 0, recorded.stderr)
        let built = try CLI.run(["pack", "build", "--type", "run", "--from", path("other/runpack_run_tck.zip"),
                                 "--out", path("other_context.zip")])
        XCTAssertEqual(built.status, 0, built.stderr)
        return path("other_context.zip")
    }

    func testEveryKindOfVerifyEnvelopeMatchesTheVerifyOutputSchema() throws {
        let keys = Self.tck.appendingPathComponent("keys").path
        func pack(_ name: String) -> String { Self.tck.appendingPathComponent(name).path }
        let evidencePack = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: Self.tck.path)
            .first { $0.hasPrefix("evidence_pack_") })
        var runs: [([String], Int32)] = [
            ([pack("pack_run.zip")], 0), ([pack("pack_job.zip")], 0), ([pack("pack_run_signed.zip")], 0),
            (["--require-signature", "--public-key", "\(keys)/signer_public.key", pack("pack_run_signed.zip")], 0),
            (["--public-key", "\(keys)/other_public.key", pack("pack_run_signed.zip")], 2),
            (["--require-signature", "--public-key", "\(keys)/signer_public.key", pack("pack_run.zip")], 2),
            ([pack("tampered_hash.zip")], 2), ([pack("undeclared_file.zip")], 2), ([pack("missing_file.zip")], 2),
            ([pack("schema_invalid.zip")], 2), ([pack("unknown_field.zip")], 2), ([pack("duplicate_entry.zip")], 2),
            ([pack("traversal_entry.zip")], 2), ([pack("runpack_run_tck.zip")], 0), ([pack(evidencePack)], 0),
            ([fixture("fixtures/inputs/run_record_input.json")], 6), (["--profile", "strict", pack("pack_run.zip")], 6),
        ]
        if FileManager.default.fileExists(atPath: pack("pack_call.zip")) { runs.append(([pack("pack_call.zip")], 0)) }
        var files: [String] = []
        var statuses: Set<String> = [], errorCodes: Set<String> = [], legacyTypes: Set<String> = []
        for (i, (arguments, status)) in runs.enumerated() {
            let r = try CLI.run(["pack", "verify", "--json"] + arguments)
            XCTAssertEqual(r.status, status, "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stdout.filter { $0 == "\n" }.count, 1, "one line: \(r.stdout)")
            let envelope = try json(r.stdout)
            let verify = envelope["verify"] as? [String: Any]
            if let s = verify?["signature_status"] as? String { statuses.insert(s) }
            if let l = verify?["legacy_type"] as? String { legacyTypes.insert(l) }
            if let e = envelope["error_code"] as? String { errorCodes.insert(e) }
            let file = path("verify-\(i).json")
            try r.stdoutBytes.write(to: URL(fileURLWithPath: file))
            files.append(file)
        }
        XCTAssertEqual(statuses, ["missing", "skipped", "verified", "failed"])
        XCTAssertEqual(errorCodes, ["invalid_input", "verification_failed"])
        XCTAssertEqual(legacyTypes, ["runpack", "guard"])
        for verdict in try validate([("verify_output", files)]) {
            XCTAssertTrue(verdict.valid, "\(verdict.label): \(verdict.error ?? "")")
        }
    }

    // MARK: - Hand-made documents are rejected

    typealias Edit = (inout [String: Any]) -> Void

    /// Documents no verifier reads back (outputs, the call payload before call packs land, the
    /// context envelope): a valid base, then one defect at a time, each of which must be rejected.
    func testHandMadeInvalidDocumentsAreRejected() throws {
        let diffFile = path("base-diff.json")
        _ = try CLI.run(["pack", "diff", "--output", diffFile, Self.tck.appendingPathComponent("pack_run.zip").path,
                         Self.tck.appendingPathComponent("pack_run_retrieved_later.zip").path])
        let mismatch = try json(try CLI.run(["pack", "verify", "--json", Self.tck.appendingPathComponent("tampered_hash.zip").path]).stdout)
        let failure = try json(try CLI.run(["pack", "verify", "--json", Self.tck.appendingPathComponent("schema_invalid.zip").path]).stdout)
        let unzip = try CLI.run(["-q", Self.tck.appendingPathComponent("pack_run.zip").path, "context_envelope.json", "-d", tmp.path],
                                executable: URL(fileURLWithPath: "/usr/bin/unzip"))
        XCTAssertEqual(unzip.status, 0, unzip.stderr)

        let call: [String: Any] = [
            "schema_id": "gait.pack.call", "schema_version": "1.0.0", "created_at": "2026-02-14T00:00:00Z",
            "call_id": "call_tck", "run_id": "run_tck", "privacy_mode": "hash_only", "event_count": 7,
            "commitment_count": 1, "decision_count": 1, "speak_receipt_count": 1, "reference_digest_count": 0,
        ]
        let bases: [(schema: String, base: [String: Any], defects: [(String, Edit)])] = [
            ("call", call, [
                ("unknown field", { $0["caller"] = "alice" }),
                ("missing required call_id", { $0["call_id"] = nil }),
                ("blank call_id", { $0["call_id"] = "  " }),
                ("privacy_mode outside the enum", { $0["privacy_mode"] = "plaintext" }),
                ("negative count", { $0["event_count"] = -1 }),
                ("wrong schema_id", { $0["schema_id"] = "gait.pack.run" }),
                ("zero created_at", { $0["created_at"] = "0001-01-01T00:00:00Z" }),
            ]),
            ("diff", try jsonObject(at: URL(fileURLWithPath: diffFile)), [
                ("unknown field", { $0["verdict"] = "changed" }),
                ("missing required right_pack_id", { $0["right_pack_id"] = nil }),
                ("pack type outside the enum", { $0["left_pack_type"] = "guard" }),
                ("unknown summary field", summary { $0["drift"] = true }),
                ("unchanged but files changed", summary { $0["changed"] = false }),
                ("changed without a reason", summary { $0 = ["changed": true, "manifest_delta": false] }),
                ("drift outside the enum", summary { $0["context_drift_classification"] = "partial" }),
                ("runtime-only flag with semantic drift", summary { $0["context_drift_classification"] = "semantic" }),
                ("empty file list", summary { $0["added_files"] = [String]() }),
            ]),
            ("verify_output", mismatch, [
                ("unknown field", { $0["verdict"] = "failed" }),
                ("ok with a hash mismatch", { $0["ok"] = true }),
                ("verdict and error together", { $0["error"] = "boom" }),
                ("wrong operation", { $0["operation"] = "diff" }),
                ("short correlation_id", { $0["correlation_id"] = "abc" }),
                ("unknown verify field", nested("verify") { $0["hash_ok"] = false }),
                ("missing files_checked", nested("verify") { $0["files_checked"] = nil }),
                ("signature_status outside the enum", nested("verify") { $0["signature_status"] = "unknown" }),
                ("upper-case actual digest", nested("verify") { v in
                    var m = (v["hash_mismatches"] as! [[String: Any]])[0]
                    m["actual"] = (m["actual"] as! String).uppercased()
                    v["hash_mismatches"] = [m]
                }),
            ]),
            ("verify_output", failure, [
                ("error without its hint", { $0["hint"] = nil }),
                ("hint of another error code", { $0["hint"] = "check command usage and input schema" }),
                ("ok error", { $0["ok"] = true }),
                ("retryable error", { $0["retryable"] = true }),
            ]),
            ("context_envelope", try jsonObject(at: tmp.appendingPathComponent("context_envelope.json")), [
                ("unknown field", { $0["context_set_size"] = 1 }),
                ("upper-case digest", { $0["context_set_digest"] = ($0["context_set_digest"] as! String).uppercased() }),
                ("evidence_mode outside the enum", { $0["evidence_mode"] = "" }),
                ("immutability outside the enum", firstRecord { $0["immutability"] = "frozen" }),
                ("untrimmed ref_id", firstRecord { $0["ref_id"] = " ref_1" }),
                ("retrieved_at not in UTC", firstRecord { $0["retrieved_at"] = "2026-02-14T02:00:00+02:00" }),
            ]),
        ]

        var groups: [(String, [String])] = []
        var expectations: [String: (valid: Bool, what: String)] = [:]
        for (i, entry) in bases.enumerated() {
            var files: [String] = []
            let basePath = path("hand-\(i)-base.json")
            try write(entry.base, to: basePath)
            files.append(basePath)
            expectations[basePath] = (true, "\(entry.schema) base document")
            for (j, (what, edit)) in entry.defects.enumerated() {
                var document = entry.base
                edit(&document)
                let file = path("hand-\(i)-\(j).json")
                try write(document, to: file)
                files.append(file)
                expectations[file] = (false, "\(entry.schema): \(what)")
            }
            groups.append((entry.schema, files))
        }
        let verdicts = try validate(groups)
        XCTAssertEqual(verdicts.count, expectations.count)
        for verdict in verdicts {
            let expected = try XCTUnwrap(expectations[verdict.file])
            XCTAssertEqual(verdict.valid, expected.valid, "\(expected.what): \(verdict.error ?? "accepted")")
        }
    }

    // MARK: - The schemas say what the verifier enforces

    /// One changed document: the verdict both `pack verify` and the schema must give, and the
    /// change as a `scripts/schema_mutate.py` case (`set` / `delete` / `upper` paths).
    struct Change {
        let valid: Bool
        let what: String
        let edit: String

        init(_ valid: Bool, _ what: String, _ edit: String) {
            self.valid = valid
            self.what = what
            self.edit = edit
        }
    }

    /// The changes of one document of one TCK pack. Each variant is resealed (new sha256, new
    /// pack_id), so the change is its only defect.
    struct Document {
        let pack: String
        let file: String
        var line: Int? = nil
        let changes: [Change]
    }

    static let changedDocuments: [Document] = [
        Document(pack: "pack_run.zip", file: "pack_manifest.json", changes: [
            Change(true, "unchanged", #"{}"#),
            Change(false, "unknown field", #"{"set":[[["extra_field"],"x"]]}"#),
            Change(false, "unknown entry field", #"{"set":[[["contents",0,"size"],1]]}"#),
            Change(true, "pack_type authorization", #"{"set":[[["pack_type"],"authorization"]]}"#),
            Change(false, "pack_type guard", #"{"set":[[["pack_type"],"guard"]]}"#),
            Change(true, "upper-case pack_id", #"{"after_reseal":true,"upper":[["pack_id"]]}"#),
            Change(false, "pack_id not hex", #"{"after_reseal":true,"set":[[["pack_id"],"pack_123"]]}"#),
            Change(false, "entry sha256 not hex", #"{"set":[[["contents",0,"sha256"],"zz"]]}"#),
            Change(false, "missing source_ref", #"{"delete":[["source_ref"]]}"#),
            Change(false, "blank source_ref", #"{"set":[[["source_ref"]," "]]}"#),
            Change(false, "missing contents", #"{"delete":[["contents"]]}"#),
            Change(false, "empty producer_version", #"{"set":[[["producer_version"],""]]}"#),
            Change(false, "schema_version 1.0", #"{"set":[[["schema_version"],"1.0"]]}"#),
            Change(false, "zero created_at", #"{"set":[[["created_at"],"0001-01-01T00:00:00Z"]]}"#),
            Change(false, "created_at with a space", #"{"set":[[["created_at"],"1980-01-01 00:00:00Z"]]}"#),
            Change(true, "created_at with an offset", #"{"set":[[["created_at"],"1980-01-01T02:00:00+02:00"]]}"#),
            Change(true, "empty signatures", #"{"set":[[["signatures"],[]]]}"#),
            Change(true, "signature without signed_digest", #"{"set":[[["signatures"],[{"alg":"ed25519","key_id":"k","sig":"s"}]]]}"#),
            Change(true, "empty signed_digest", #"{"set":[[["signatures"],[{"alg":"a","key_id":"k","sig":"s","signed_digest":""}]]]}"#),
            Change(false, "signed_digest not hex", #"{"set":[[["signatures"],[{"alg":"a","key_id":"k","sig":"s","signed_digest":"x"}]]]}"#),
            Change(false, "signature without sig", #"{"set":[[["signatures"],[{"alg":"ed25519","key_id":"k"}]]]}"#),
        ]),
        Document(pack: "pack_run.zip", file: "run_payload.json", changes: [
            Change(true, "unchanged", #"{}"#),
            Change(false, "unknown field", #"{"set":[[["extra"],1]]}"#),
            Change(false, "manifest_digest not hex", #"{"set":[[["manifest_digest"],"nothex"]]}"#),
            Change(false, "missing run_id", #"{"delete":[["run_id"]]}"#),
            Change(false, "wrong schema_id", #"{"set":[[["schema_id"],"gait.pack.job"]]}"#),
            Change(false, "capture_mode streamed", #"{"set":[[["capture_mode"],"streamed"]]}"#),
            Change(false, "evidence mode sometimes", #"{"set":[[["context_evidence_mode"],"sometimes"]]}"#),
            Change(true, "empty evidence mode", #"{"set":[[["context_evidence_mode"],""]]}"#),
            Change(true, "empty privacy mode", #"{"set":[[["context_privacy_mode"],""]]}"#),
            Change(true, "no privacy mode", #"{"delete":[["context_privacy_mode"]]}"#),
            Change(true, "no intents_count", #"{"delete":[["intents_count"]]}"#),
            Change(false, "negative count", #"{"set":[[["intents_count"],-1]]}"#),
            Change(false, "fractional count", #"{"set":[[["results_count"],1.5]]}"#),
            Change(true, "empty context_set_digest", #"{"set":[[["context_set_digest"],""]]}"#),
            Change(false, "short context_set_digest", #"{"set":[[["context_set_digest"],"abc"]]}"#),
            Change(true, "created_at with an offset", #"{"set":[[["created_at"],"2026-02-14T02:00:00+02:00"]]}"#),
        ]),
        Document(pack: "pack_run.zip", file: "proof_records.jsonl", line: 1, changes: [
            Change(true, "unchanged", #"{}"#),
            Change(true, "unknown field", #"{"set":[[["note"],"x"]]}"#),
            Change(true, "unknown integrity field", #"{"set":[[["integrity","note"],"x"]]}"#),
            Change(false, "empty previous_record_hash", #"{"set":[[["integrity","previous_record_hash"],""]]}"#),
            Change(false, "no controls", #"{"delete":[["controls"]]}"#),
            Change(false, "controls flag not a bool", #"{"set":[[["controls","permissions_enforced"],"no"]]}"#),
            Change(false, "signature prefix", #"{"set":[[["integrity","signature"],"rsa:xyz"]]}"#),
            Change(false, "agent_id not a string", #"{"set":[[["agent_id"],5]]}"#),
            Change(false, "unknown record_type", #"{"set":[[["record_type"],"bogus"]]}"#),
            Change(false, "missing integrity", #"{"delete":[["integrity"]]}"#),
            Change(false, "upper-case record_hash", #"{"upper":[["integrity","record_hash"]]}"#),
            Change(false, "event not an object", #"{"set":[[["event"],"x"]]}"#),
        ]),
        Document(pack: "pack_job.zip", file: "job_payload.json", changes: [
            Change(true, "unchanged", #"{}"#),
            Change(true, "status emergency_stopped", #"{"set":[[["status"],"emergency_stopped"]]}"#),
            Change(false, "status exploded", #"{"set":[[["status"],"exploded"]]}"#),
            Change(false, "invariant hash not hex", #"{"set":[[["safety_invariant_hash"],"abc"]]}"#),
            Change(true, "invariant hash unchecked without version",
                   #"{"set":[[["safety_invariant_hash"],"abc"]],"delete":[["safety_invariant_version"]]}"#),
            Change(false, "blank stop_reason", #"{"set":[[["stop_reason"]," "]]}"#),
            Change(false, "missing environment_fingerprint", #"{"delete":[["environment_fingerprint"]]}"#),
            Change(false, "unknown field", #"{"set":[[["extra"],true]]}"#),
            Change(false, "lower-case z", #"{"set":[[["created_at"],"2026-02-14T00:00:00.123456z"]]}"#),
        ]),
        Document(pack: "pack_job.zip", file: "job_state.json", changes: [
            Change(true, "any schema_id", #"{"set":[[["schema_id"],"anything"]]}"#),
            Change(false, "unknown field", #"{"set":[[["extra"],1]]}"#),
            Change(false, "unknown checkpoint field", #"{"set":[[["checkpoints",0,"extra"],1]]}"#),
            Change(false, "status bogus", #"{"set":[[["status"],"bogus"]]}"#),
            Change(false, "revision as text", #"{"set":[[["revision"],"4"]]}"#),
            Change(false, "approval time not RFC 3339", #"{"set":[[["approvals",0,"created_at"],"yesterday"]]}"#),
        ]),
        Document(pack: "pack_job.zip", file: "job_events.jsonl", line: 1, changes: [
            Change(true, "any type", #"{"set":[[["type"],"anything_goes"]]}"#),
            Change(false, "unknown field", #"{"set":[[["extra"],1]]}"#),
            Change(false, "revision as text", #"{"set":[[["revision"],"1"]]}"#),
            Change(false, "payload not an object", #"{"set":[[["payload"],"text"]]}"#),
        ]),
    ]

    func testSchemasAndTheVerifierGiveTheSameVerdictOnChangedDocuments() throws {
        let mutator = CLI.packageRoot.appendingPathComponent("scripts/schema_mutate.py").path
        var groups: [String: [String]] = [:]
        var expectations: [String: (what: String, valid: Bool, verifierSaysValid: Bool)] = [:]
        for pack in Set(Self.changedDocuments.map(\.pack)).sorted() {
            let directory = tmp.appendingPathComponent(pack)
            var specs: [[String: Any]] = []
            var named: [(name: String, what: String, valid: Bool, schema: String)] = []
            for document in Self.changedDocuments where document.pack == pack {
                let schema = try XCTUnwrap(Self.schemaForPackFile[document.file])
                for change in document.changes {
                    var spec = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(change.edit.utf8)) as? [String: Any])
                    let name = "case-\(specs.count)"
                    spec["name"] = name
                    spec["file"] = document.file
                    if let line = document.line { spec["line"] = line }
                    specs.append(spec)
                    named.append((name, "\(document.file): \(change.what)", change.valid, schema))
                }
            }
            let casesFile = path("\(pack)-cases.json")
            try JSONSerialization.data(withJSONObject: specs).write(to: URL(fileURLWithPath: casesFile))
            let made = try CLI.run(["python3", mutator, Self.tck.appendingPathComponent(pack).path, casesFile, directory.path],
                                   executable: URL(fileURLWithPath: "/usr/bin/env"))
            XCTAssertEqual(made.status, 0, made.stderr)

            for entry in named {
                let verified = try CLI.run(["pack", "verify", directory.appendingPathComponent("\(entry.name).zip").path])
                XCTAssertTrue([0, 2].contains(verified.status), "\(entry.what): exit \(verified.status) \(verified.stderr)")
                let document = directory.appendingPathComponent("\(entry.name).json").path
                groups[entry.schema, default: []].append(document)
                expectations[document] = (entry.what, entry.valid, verified.status == 0)
            }
        }
        let verdicts = try validate(groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        XCTAssertEqual(verdicts.count, Self.changedDocuments.map(\.changes.count).reduce(0, +))
        for verdict in verdicts {
            let expected = try XCTUnwrap(expectations[verdict.file])
            XCTAssertEqual(expected.verifierSaysValid, expected.valid, "\(expected.what): pack verify disagrees")
            XCTAssertEqual(verdict.valid, expected.valid, "\(expected.what): schema says \(verdict.error ?? "valid")")
        }
    }

    // MARK: - Helpers

    struct Verdict: Decodable {
        var file: String
        var line: Int?
        var valid: Bool
        var error: String?

        var label: String { line.map { "\(file):\($0)" } ?? file }
    }

    struct ValidatorUnavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Validates each group's files against `schemas/v1/pack/<schema>.schema.json`; one verdict
    /// per document. Without the jsonschema package this fails (it never skips).
    func validate(_ groups: [(schema: String, files: [String])]) throws -> [Verdict] {
        var arguments = ["python3", CLI.packageRoot.appendingPathComponent("scripts/json_schema_check.py").path]
        for group in groups {
            arguments += ["--schema", Self.schemaDirectory.appendingPathComponent("\(group.schema).schema.json").path] + group.files
        }
        let r = try CLI.run(arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
        if r.status == 3 || r.stderr.contains("No module named") {
            let detail = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            let message = "the Python jsonschema package is missing: pip install jsonschema (\(detail))"
            XCTFail(message)
            throw ValidatorUnavailable(description: message)
        }
        guard r.status == 0 || r.status == 1 else {
            XCTFail("json_schema_check.py failed (exit \(r.status)): \(r.stderr)")
            throw ValidatorUnavailable(description: r.stderr)
        }
        return try r.stdout.split(separator: "\n").map { try JSONDecoder().decode(Verdict.self, from: Data($0.utf8)) }
    }

    func jsonObject(at url: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], url.path)
    }

    func write(_ object: [String: Any], to file: String) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: file))
    }

    func nonBlankLineCount(_ url: URL) throws -> Int {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
    }

    func nested(_ key: String, _ edit: @escaping Edit) -> Edit {
        { document in
            var inner = document[key] as? [String: Any] ?? [:]
            edit(&inner)
            document[key] = inner
        }
    }

    func summary(_ edit: @escaping Edit) -> Edit { nested("summary", edit) }

    func firstRecord(_ edit: @escaping Edit) -> Edit {
        { document in
            var records = document["records"] as? [[String: Any]] ?? []
            edit(&records[0])
            document["records"] = records
        }
    }
}
