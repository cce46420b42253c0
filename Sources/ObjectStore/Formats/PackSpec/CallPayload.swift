/// `call_payload.json` (`schemapack.CallPayload`): the PackSpec summary of a call pack.
public struct CallPayload: Sendable, Equatable {
    public static let schemaID = "gait.pack.call"
    public static let schemaVersion = "1.0.0"

    public var schemaID = CallPayload.schemaID
    public var schemaVersion = CallPayload.schemaVersion
    public var createdAt = GoTime.zero
    public var callID = "", runID = "", privacyMode = ""
    public var counts = Voice.CallCounts()
    public var environmentFingerprint = ""

    public init() {}

    static let fieldNames = ["schema_id", "schema_version", "created_at", "call_id", "run_id", "privacy_mode"]
        + Voice.CallCounts.fieldNames + ["environment_fingerprint"]

    public var json: JSONValue {
        var o = GoObject()
        o.put("schema_id", schemaID)
        o.put("schema_version", schemaVersion)
        o.put("created_at", createdAt)
        o.put("call_id", callID)
        o.putOmitEmpty("run_id", runID)
        o.put("privacy_mode", privacyMode)
        counts.put(into: &o)
        o.putOmitEmpty("environment_fingerprint", environmentFingerprint)
        return o.value
    }

    static func decode(_ value: JSONValue) throws -> CallPayload {
        let f = try GoFields(value, type: "CallPayload", known: fieldNames, strict: true)
        var p = CallPayload()
        p.schemaID = try f.string("schema_id")
        p.schemaVersion = try f.string("schema_version")
        p.createdAt = try f.time("created_at")
        p.callID = try f.string("call_id")
        p.runID = try f.string("run_id")
        p.privacyMode = try f.string("privacy_mode")
        p.counts = try Voice.CallCounts(f)
        p.environmentFingerprint = try f.string("environment_fingerprint")
        return p
    }

    /// gait's `validateCallPayload` (`run_id` is not checked: gait leaves it out when the runpack has none).
    func validate() throws {
        func fail(_ message: String) -> FormatError { .invalid("call payload " + message) }
        if schemaID != Self.schemaID { throw fail("schema_id must be \(Self.schemaID)") }
        if schemaVersion != Self.schemaVersion { throw fail("schema_version must be \(Self.schemaVersion)") }
        if createdAt.isZero { throw fail("created_at is required") }
        if callID.goTrimmed.isEmpty { throw fail("call_id is required") }
        if !Voice.CallPrivacy.modes.contains(privacyMode) { throw fail("privacy_mode must be hash_only or dispute_encrypted") }
        if counts.hasNegative { throw fail("counts must be >= 0") }
    }
}
