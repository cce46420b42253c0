import Foundation

/// `gaitstore pack inspect`: identity, manifest, payload and lineage of a pack (packspec §15.3).
public enum PackInspector {
    public struct Inspection: Sendable {
        public var packID: String
        public var packType: String
        public var sourceRef: String
        /// The `inspect` object as gait prints it.
        public var json: JSONValue

        public init(packID: String, packType: String, sourceRef: String, json: JSONValue) {
            self.packID = packID
            self.packType = packType
            self.sourceRef = sourceRef
            self.json = json
        }
    }

    public static func inspect(path: String) throws -> Inspection {
        try inspect(archive: try PackFamily.open(path))
    }

    public static func inspect<A: PackArchive>(archive zip: A) throws -> Inspection {
        var o = GoObject()
        switch try PackFamily.detect(zip, strictOnly: true, allowGuard: true) {
        case .runpack:
            let contents = try RunpackReader.read(zip)
            let m = contents.manifest
            o.put("pack_id", m.manifestDigest)
            o.put("pack_type", "run")
            o.put("source_ref", m.runID)
            // gait synthesizes the payload without normalising created_at to UTC.
            o.put("run_payload", RunPack.payload(contents, createdAtInUTC: false))
            o.put("run_lineage", runLineage(contents))
            o.put("legacy_type", "runpack")
            return Inspection(packID: m.manifestDigest, packType: "run", sourceRef: m.runID, json: o.value)
        case .guardPack(let manifest):
            // gait's inspect refuses guard packs; showing the manifest is more useful and costs nothing.
            o.put("pack_id", manifest.packID)
            o.put("pack_type", "guard")
            o.put("source_ref", manifest.runID)
            if let raw = try? JSONParser.parse(try zip.read(zip.entry(named: PackManifest.fileName)!)) {
                o.put("manifest", raw)
            }
            o.put("legacy_type", "guard")
            return Inspection(packID: manifest.packID, packType: "guard", sourceRef: manifest.runID, json: o.value)
        case .packSpec(let manifest):
            o.put("pack_id", manifest.packID)
            o.put("pack_type", manifest.packType)
            o.put("source_ref", manifest.sourceRef)
            o.put("manifest", manifest.json())
            switch PackType(rawValue: manifest.packType) {
            case .run:
                if let payload = try? readJSON(zip, RunPack.payloadName) { o.put("run_payload", payload) }
                if let contents = try? embeddedRunpack(zip) { o.put("run_lineage", runLineage(contents)) }
            case .job:
                if let payload = try? readJSON(zip, JobPack.payloadName) { o.put("job_payload", payload) }
                if let lineage = try? jobLineage(zip) { o.put("job_lineage", lineage) }
            case .call:
                if let payload = try? readJSON(zip, CallPack.payloadName) { o.put("call_payload", payload) }
            case .authorization, .none:
                break
            }
            return Inspection(packID: manifest.packID, packType: manifest.packType, sourceRef: manifest.sourceRef,
                              json: o.value)
        }
    }

    static func readJSON<A: PackArchive>(_ zip: A, _ name: String) throws -> JSONValue {
        guard let entry = zip.entry(named: name) else { throw FormatError.invalid("missing \(name)") }
        return try JSONParser.parse(try zip.read(entry))
    }

    /// The runpack a run pack embeds, read from a temporary copy (the zip reader needs a file).
    static func embeddedRunpack<A: PackArchive>(_ zip: A) throws -> RunpackReader.Contents {
        guard let entry = zip.entry(named: RunPack.sourceName) else { throw FormatError.invalid("missing \(RunPack.sourceName)") }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("gaitstore-\(UUID().uuidString).zip").path
        defer { try? FileManager.default.removeItem(atPath: temp) }
        guard FileManager.default.createFile(atPath: temp, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temp) else { throw FormatError(.internalFailure, "create \(temp)") }
        do {
            try zip.stream(entry) { chunk in handle.write(Data(chunk)) }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        return try RunpackReader.read(ZipReader(path: temp))
    }

    static func runLineage(_ contents: RunpackReader.Contents) -> JSONValue {
        var statusByIntent: [String: String] = [:]
        for result in contents.results { statusByIntent[result.intentID] = result.status }
        var toolByIntent: [String: String] = [:]
        for intent in contents.intents { toolByIntent[intent.intentID] = intent.toolName }
        let ids = Set(toolByIntent.keys).union(statusByIntent.keys).sorted(by: bytewise)
        var o = GoObject()
        o.put("timeline_events", contents.run.timeline?.count ?? 0)
        o.put("receipt_count", contents.refs.receipts?.count ?? 0)
        o.putOmitEmpty("intent_results", ids.map { id -> JSONValue in
            var r = GoObject()
            r.put("intent_id", id)
            r.putOmitEmpty("tool_name", toolByIntent[id] ?? "")
            r.putOmitEmpty("status", statusByIntent[id] ?? "")
            return r.value
        })
        return o.value
    }

    static func jobLineage<A: PackArchive>(_ zip: A) throws -> JSONValue {
        guard let eventsEntry = zip.entry(named: JobPack.eventsName),
              let stateEntry = zip.entry(named: JobPack.stateName) else { throw FormatError.invalid("missing job files") }
        var events: [Job.Event] = []
        for line in JSONLines.split(try zip.read(eventsEntry)) {
            let trimmed = line.trimmedLine
            if trimmed.isEmpty { continue }
            events.append(try Job.Event.decode(try JSONParser.parse(trimmed), strict: false))
        }
        let state = try Job.State.decode(try JSONParser.parse(try zip.read(stateEntry)), strict: false)
        var o = GoObject()
        o.put("event_count", events.count)
        o.putOmitEmpty("last_event_type", events.last?.type.goTrimmed ?? "")
        o.putOmitEmpty("checkpoint_refs", state.checkpoints.sorted { bytewise($0.checkpointID, $1.checkpointID) }.map {
            ["checkpoint_id": .string($0.checkpointID), "type": .string($0.type), "reason_code": .string($0.reasonCode)]
        })
        return o.value
    }
}
