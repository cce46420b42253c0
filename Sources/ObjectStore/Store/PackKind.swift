/// What kind of artifact a stored pack is; decides how it is verified and exported.
public enum PackKind: String, Sendable, CaseIterable {
    case packSpec = "packspec"
    case runpack = "gait-runpack"
    case evidencePack = "gait-evidence-pack"
    case decisionGateRunpack = "decision-gate-runpack"
    case agsMemoryPack = "ags-memory-pack"

    /// Exported as a zip (gait's artifacts) or as a directory (the rest).
    public var exportsAsZip: Bool {
        switch self {
        case .packSpec, .runpack, .evidencePack: return true
        case .decisionGateRunpack, .agsMemoryPack: return false
        }
    }
}

/// `meta/<id>.json`: what a pack is, where it came from, how big it is. A pure function of the
/// imported bytes and name (no clock), so two stores that import the same pack agree.
public struct PackMeta: Sendable, Equatable {
    public var id: String
    public var kind: PackKind
    public var packType: String
    public var sourceRef: String
    public var sourceName: String
    /// sha256 of the imported zip; empty for directories.
    public var sourceSHA256: String
    public var sourceSize: Int
    public var fileCount: Int
    public var totalBytes: Int

    public var json: JSONValue {
        var o = JSONObject()
        o["schema_id"] = "gaitstore.pack.meta"
        o["schema_version"] = "1"
        o["id"] = .string(id)
        o["kind"] = .string(kind.rawValue)
        o["pack_type"] = .string(packType)
        o["source_ref"] = .string(sourceRef)
        o["source_name"] = .string(sourceName)
        o["source_sha256"] = .string(sourceSHA256)
        o["source_size"] = .number(JSONNumber(sourceSize))
        o["files"] = .number(JSONNumber(fileCount))
        o["bytes"] = .number(JSONNumber(totalBytes))
        return .object(o)
    }

    public static func parse(_ bytes: [UInt8]) throws -> PackMeta {
        let value = try JSONParser.parse(bytes)
        func string(_ key: String) -> String { value[key]?.stringValue ?? "" }
        func int(_ key: String) -> Int { value[key]?.numberValue?.int64Value.map { Int($0) } ?? 0 }
        guard let kind = PackKind(rawValue: string("kind")) else {
            throw FormatError.invalid("pack meta has unknown kind \"\(string("kind"))\"")
        }
        return PackMeta(id: string("id"), kind: kind, packType: string("pack_type"), sourceRef: string("source_ref"),
                        sourceName: string("source_name"), sourceSHA256: string("source_sha256"),
                        sourceSize: int("source_size"), fileCount: int("files"), totalBytes: int("bytes"))
    }
}
