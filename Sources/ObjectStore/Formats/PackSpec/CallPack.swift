import Foundation

/// Call packs (`pack_type` call, packspec §10): a voice call's records, normalised, beside the raw
/// bytes of the runpack of the agent run behind the call. Nothing in a call pack depends on the
/// deflate implementation (the runpack is embedded as it is), so its `pack_id` is gait's.
public enum CallPack {
    public static let payloadName = "call_payload.json"
    public static let eventsName = "call_events.jsonl"
    public static let commitmentsName = "commitments.jsonl"
    public static let decisionsName = "gate_decisions.jsonl"
    public static let receiptsName = "speak_receipts.jsonl"
    public static let referencesName = "reference_digests.json"
    public static let sourceName = "source/runpack.zip"

    /// Every file a call pack must contain besides the PackSpec manifest and proof records, in the
    /// order gait's verify looks for them.
    static let requiredNames = [payloadName, Voice.CallpackManifest.fileName, eventsName, commitmentsName, decisionsName,
                                receiptsName, referencesName, sourceName]

    /// gait's `BuildCallPack`. `runpack_path` is relative to the record's directory; the default
    /// output is `<record dir>/pack_<pack_id>.zip`.
    public static func build(recordPath: String, options: PackBuildOptions, outPath: String?) throws -> BuiltPack {
        let recordPath = recordPath.goTrimmed
        if recordPath.isEmpty { throw FormatError.invalid("call record path is required") }
        let content: [UInt8]
        do { content = try FileBytes.read(recordPath, limit: 64 << 20) } catch { throw FormatError.wrap(error, "read call record") }
        var record: Voice.CallRecord
        do { record = try Voice.CallRecord.decode(try JSONParser.parse(content)) } catch {
            throw FormatError.wrap(error, "parse call record")
        }
        record = try record.normalized()

        let recordDirectory = (recordPath as NSString).deletingLastPathComponent
        let runpackPath = record.runpackPath.hasPrefix("/")
            ? record.runpackPath : (recordDirectory as NSString).appendingPathComponent(record.runpackPath)
        let runID = try verifiedRunID(runpackPath)
        let source = try FileStreaming.sha256(runpackPath)

        var payload = CallPayload()
        payload.createdAt = record.createdAt
        payload.callID = record.callID
        payload.runID = runID
        payload.privacyMode = record.privacyMode
        payload.counts = record.counts
        payload.environmentFingerprint = record.environmentFingerprint

        var callManifest = Voice.CallpackManifest()
        callManifest.createdAt = record.createdAt
        callManifest.producerVersion = record.producerVersion
        callManifest.callID = record.callID
        callManifest.privacyMode = record.privacyMode
        callManifest.counts = record.counts
        callManifest.environmentFingerprint = record.environmentFingerprint

        func encode(_ what: String, _ body: () throws -> [UInt8]) throws -> [UInt8] {
            do { return try body() } catch { throw FormatError.wrap(error, "encode \(what)") }
        }
        let references: JSONValue = record.referenceDigests.map { .array($0.map(\.json)) } ?? .null
        let files = [
            PackFile.bytes(payloadName, try encode("call payload") { try CanonicalJSON.encode(payload.json) }),
            PackFile.bytes(Voice.CallpackManifest.fileName,
                           try encode("callpack manifest") { try CanonicalJSON.encode(callManifest.json) }),
            PackFile.bytes(eventsName, try encode("call events") { try CanonicalJSON.encodeLines(record.events!.map(\.json)) }),
            PackFile.bytes(commitmentsName,
                           try encode("commitments") { try CanonicalJSON.encodeLines(record.commitments!.map(\.json)) }),
            PackFile.bytes(decisionsName,
                           try encode("gate decisions") { try CanonicalJSON.encodeLines(record.gateDecisions!.map(\.json)) }),
            PackFile.bytes(receiptsName,
                           try encode("speak receipts") { try CanonicalJSON.encodeLines(record.speakReceipts!.map(\.json)) }),
            PackFile.bytes(referencesName, try encode("reference digests") { try CanonicalJSON.encode(references) }),
            PackFile(path: sourceName, content: .file(runpackPath), sha256: source.digest, size: source.size),
        ]
        return try PackBuilder.build(type: .call, sourceRef: record.callID, files: files, options: options, outPath: outPath,
                                     defaultDirectory: recordDirectory.isEmpty ? "." : recordDirectory)
    }

    /// gait's `runpack.VerifyZip` gate on the source: any missing or altered member refuses the build.
    static func verifiedRunID(_ path: String) throws -> String {
        let zip: ZipReader
        do { zip = try ZipReader(path: path) } catch { throw FormatError.invalid("verify source runpack: open zip: \(error)") }
        let check: RunpackReader.Verification
        do { check = try RunpackReader.verify(zip, key: nil, requireSignature: false) } catch {
            throw FormatError.wrap(error, "verify source runpack")
        }
        if !check.missingFiles.isEmpty || !check.hashMismatches.isEmpty {
            throw FormatError.invalid("source runpack failed integrity checks")
        }
        return check.manifest.runID.goTrimmed
    }


    /// gait's `verifyCallPayloadContracts`, every check in gait's order. Every failure is a
    /// verification error (exit 2). Returns the payload as stored.
    static func checkContract<A: PackArchive>(_ zip: A, manifest: PackManifest) throws -> JSONValue? {
        do {
            return try CallPackContract(zip: zip, manifest: manifest).check()
        } catch let error as FormatError {
            throw error.relabeled(.verification)
        }
    }
}
