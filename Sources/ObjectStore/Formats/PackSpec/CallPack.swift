/// Call packs (`pack_type` call, packspec §10). Placeholder until the call-pack work lands.
public enum CallPack {
    public static let payloadName = "call_payload.json"

    public static func build(recordPath: String, options: PackBuildOptions, outPath: String?) throws -> BuiltPack {
        throw FormatError.invalid("call packs are not supported yet")
    }

    static func checkContract<A: PackArchive>(_ zip: A, manifest: PackManifest) throws -> JSONValue? {
        throw FormatError.verification("call packs are not supported yet")
    }
}
