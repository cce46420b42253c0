import Foundation

/// Run packs (`pack_type` run, packspec §8): a legacy runpack re-zipped deterministically as
/// `source/runpack.zip`, with `run_payload.json` and, when the run has receipts, `context_envelope.json`.
public enum RunPack {
    public static let payloadName = "run_payload.json"
    public static let envelopeName = "context_envelope.json"
    public static let sourceName = "source/runpack.zip"

    /// Reads the runpack as gait's `ReadRunpack` does from the same pass that re-zips it.
    public static func build(runpackPath: String, options: PackBuildOptions, outPath: String?) throws -> BuiltPack {
        let zip = try ZipReader(path: runpackPath)
        let reader = try readingRunpack { try RunpackTeeReader(zip) }

        let outDirectory = outPath.map { ($0 as NSString).deletingLastPathComponent }
            ?? (runpackPath as NSString).deletingLastPathComponent
        // The copy is written beside the output, so the output's directory is made first (the
        // builder would make it anyway); a path the builder will refuse is left for it to refuse.
        if let outPath, (try? PackBuilder.checkedOutputPath(outPath)) != nil, !outDirectory.isEmpty {
            try FileBytes.makeDirectory(outDirectory)
        }
        let scratch = (outDirectory.isEmpty ? "." : outDirectory) + "/.gaitstore-runpack-\(UUID().uuidString).zip"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let source: ZipWriteSummary
        do {
            source = try normalize(zip, to: scratch, observer: reader.observer(for:))
        } catch {
            // The copy stops at the first problem in name order; gait's reader, going through the
            // members in its order, may meet another one first, and that is the one to report.
            _ = try readingRunpack { try RunpackReader.read(zip) }
            throw error
        }
        let contents = try readingRunpack { try reader.finish() }

        var files = [PackFile(path: sourceName, content: .file(scratch), sha256: source.sha256, size: source.size),
                     PackFile.bytes(payloadName, try CanonicalJSON.encode(payload(contents)))]
        if let receipts = contents.refs.receipts, !receipts.isEmpty {
            files.append(PackFile.bytes(envelopeName, try CanonicalJSON.encode(try ContextEnvelope.from(contents.refs))))
        }
        return try PackBuilder.build(type: .run, sourceRef: contents.run.runID.goTrimmed, files: files, options: options,
                                     outPath: outPath, defaultDirectory: outDirectory.isEmpty ? "." : outDirectory)
    }

    private static func readingRunpack<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw FormatError.wrap(error, "read runpack") }
    }

    /// gait's `normalizeZipArchiveBytes`: every file entry (directories skipped) in central-directory
    /// order, raw bytes and permissions kept, written by the deterministic writer. `observer` sees
    /// the bytes of the entries it asks for as they are inflated for the copy.
    static func normalize(_ zip: ZipReader, to path: String,
                          observer: (ZipEntry) -> RunpackTeeReader.Observer?) throws -> ZipWriteSummary {
        let entries = zip.entries.filter { !$0.isDirectory }.map { entry in
            let content: ZipWriteEntry.Content
            if let observe = observer(entry) {
                content = .stream(UnsafeSendable { push in
                    try zip.stream(entry) { bytes in
                        observe(bytes)
                        try push(bytes)
                    }
                })
            } else {
                content = .zipEntry(zip, entry)
            }
            return ZipWriteEntry(path: entry.name, mode: entry.mode == 0 ? 0o644 : entry.mode, content: content)
        }
        return try DeterministicZip.write(entries, to: path, fileMode: 0o600)
    }

    /// `run_payload.json` (`schemapack.RunPayload`).
    static func payload(_ contents: RunpackReader.Contents, createdAtInUTC: Bool = true) -> JSONValue {
        let receipts = contents.refs.receipts ?? []
        var o = GoObject()
        o.put("schema_id", "gait.pack.run")
        o.put("schema_version", "1.0.0")
        let created = contents.run.createdAt
        o.put("created_at", !createdAtInUTC ? created : created.isZero ? GoTime.deterministicEpoch : created.utc)
        o.put("run_id", contents.run.runID)
        o.put("capture_mode", contents.manifest.captureMode)
        o.put("manifest_digest", contents.manifest.manifestDigest)
        o.put("intents_count", contents.intents.count)
        o.put("results_count", contents.results.count)
        o.put("refs_count", receipts.count)
        o.putOmitEmpty("context_set_digest", contents.refs.contextSetDigest)
        o.putOmitEmpty("context_ref_count", receipts.count)
        o.putOmitEmpty("context_evidence_mode", contents.refs.contextEvidenceMode)
        o.putOmitEmpty("context_privacy_mode", privacyMode(receipts))
        return o.value
    }

    /// The receipts' common redaction mode, `mixed` when they differ, `unknown` for blanks.
    static func privacyMode(_ receipts: [Runpack.Receipt]) -> String {
        guard !receipts.isEmpty else { return "" }
        let modes = Set(receipts.map { mode -> String in
            let m = mode.redactionMode.goTrimmed.lowercased()
            return m.isEmpty ? "unknown" : m
        })
        return modes.count == 1 ? modes.first! : "mixed"
    }

    static let payloadFields = ["schema_id", "schema_version", "created_at", "run_id", "capture_mode", "manifest_digest",
                                "intents_count", "results_count", "refs_count", "context_set_digest",
                                "context_ref_count", "context_evidence_mode", "context_privacy_mode"]

    /// `validateRunPayload` plus the run-pack checks of `verifyPayloadContracts` (§8.5).
    static func checkContract<A: PackArchive>(_ zip: A, manifest: PackManifest) throws -> JSONValue {
        guard let payloadEntry = zip.entry(named: payloadName) else { throw FormatError.verification("missing \(payloadName)") }
        guard zip.entry(named: sourceName) != nil else { throw FormatError.verification("missing \(sourceName)") }
        let raw = try zip.read(payloadEntry)
        func fail(_ message: String) -> FormatError { .verification(message) }
        let value: JSONValue
        let f: GoFields
        do {
            value = try JSONParser.parse(raw)
            f = try GoFields(value, type: "RunPayload", known: payloadFields, strict: true)
        } catch { throw FormatError.wrap(error, "parse run payload", default: .verification).relabeled(.verification) }
        do {
            if try f.string("schema_id") != "gait.pack.run" { throw fail("invalid run payload schema_id") }
            if try f.string("schema_version") != "1.0.0" { throw fail("invalid run payload schema_version") }
            if try f.time("created_at").isZero { throw fail("run payload missing created_at") }
            let runID = try f.string("run_id")
            if runID.goTrimmed.isEmpty { throw fail("run payload missing run_id") }
            let capture = try f.string("capture_mode")
            if capture != "reference" && capture != "raw" { throw fail("run payload capture_mode must be reference or raw") }
            if !Hex.isSHA256(try f.string("manifest_digest")) { throw fail("run payload manifest_digest must be sha256 hex") }
            for count in ["intents_count", "results_count", "refs_count", "context_ref_count"] where try f.int(count) < 0 {
                throw fail("run payload \(count) must be >= 0")
            }
            let setDigest = try f.string("context_set_digest")
            if !setDigest.isEmpty && !Hex.isSHA256(setDigest) { throw fail("run payload context_set_digest must be sha256 hex") }
            let mode = try f.string("context_evidence_mode")
            if !["", "best_effort", "required"].contains(mode) {
                throw fail("run payload context_evidence_mode must be best_effort or required")
            }
            if runID != manifest.sourceRef.goTrimmed { throw fail("run payload run_id does not match manifest source_ref") }
        } catch let error as FormatError {
            throw error.relabeled(.verification)
        }
        return value
    }
}

/// `context_envelope.json` (gait `contextproof.EnvelopeFromRefs` + `NormalizeEnvelope`, §8.3).
enum ContextEnvelope {
    static func from(_ refs: Runpack.Refs) throws -> JSONValue {
        var records: [Runpack.Receipt] = []
        for receipt in refs.receipts ?? [] {
            var r = receipt
            r.refID = r.refID.goTrimmed
            r.sourceType = r.sourceType.goTrimmed
            r.sourceLocator = r.sourceLocator.goTrimmed
            r.queryDigest = r.queryDigest.goTrimmed.lowercased()
            r.contentDigest = r.contentDigest.goTrimmed.lowercased()
            r.redactionMode = r.redactionMode.goTrimmed
            r.immutability = r.immutability.goTrimmed.lowercased()
            if r.refID.isEmpty || r.sourceType.isEmpty || r.sourceLocator.isEmpty || r.redactionMode.isEmpty {
                throw FormatError.invalid("context record fields ref_id/source_type/source_locator/redaction_mode are required")
            }
            if !ContextEvidence.isLowerDigest(r.queryDigest) || !ContextEvidence.isLowerDigest(r.contentDigest) {
                throw FormatError.invalid("context record digests must be sha256 hex")
            }
            switch r.immutability {
            case "", "unknown": r.immutability = "unknown"
            case "mutable", "immutable": break
            default: throw FormatError.invalid("context record immutability must be unknown|mutable|immutable")
            }
            r.retrievedAt = r.retrievedAt.isZero ? .deterministicEpoch : r.retrievedAt.utc
            if r.freshnessSLASeconds < 0 { throw FormatError.invalid("context record freshness_sla_seconds must be >= 0") }
            records.append(r)
        }
        records = records.stableSorted { a, b in
            if a.refID != b.refID { return bytewise(a.refID, b.refID) }
            if a.sourceType != b.sourceType { return bytewise(a.sourceType, b.sourceType) }
            if a.sourceLocator != b.sourceLocator { return bytewise(a.sourceLocator, b.sourceLocator) }
            return bytewise(a.contentDigest, b.contentDigest)
        }
        let recordValues = records.map(recordJSON)
        let computed = try CanonicalJSON.digest(.array(recordValues)).hex
        let provided = refs.contextSetDigest.goTrimmed.lowercased()
        if !provided.isEmpty && provided != computed { throw FormatError.invalid("context_set_digest mismatch") }
        let producer = refs.header.producerVersion.goTrimmed
        var o = GoObject()
        o.put("schema_id", "gait.context.envelope")
        o.put("schema_version", "1.0.0")
        o.put("created_at", refs.header.createdAt.isZero ? GoTime.deterministicEpoch : refs.header.createdAt.utc)
        o.put("producer_version", producer.isEmpty ? "0.0.0-dev" : producer)
        o.put("context_set_id", refs.header.runID.goTrimmed)
        o.put("context_set_digest", computed)
        o.put("evidence_mode", refs.contextEvidenceMode.isEmpty ? "best_effort" : refs.contextEvidenceMode)
        o.put("records", .array(recordValues))
        return o.value
    }

    /// `schemacontext.ReferenceRecord`: like a receipt, but immutability is always present.
    static func recordJSON(_ r: Runpack.Receipt) -> JSONValue {
        var o = GoObject()
        o.put("ref_id", r.refID)
        o.put("source_type", r.sourceType)
        o.put("source_locator", r.sourceLocator)
        o.put("query_digest", r.queryDigest)
        o.put("content_digest", r.contentDigest)
        o.put("retrieved_at", r.retrievedAt)
        o.put("redaction_mode", r.redactionMode)
        o.put("immutability", r.immutability)
        o.putOmitEmpty("freshness_sla_seconds", r.freshnessSLASeconds)
        o.putOmitEmpty("sensitivity_label", r.sensitivityLabel)
        o.putOmitEmpty("retrieval_params", r.retrievalParams)
        return o.value
    }
}

extension FormatError {
    func relabeled(_ kind: Kind) -> FormatError { FormatError(kind, message) }
}
