extension Voice {
    /// `callpack_manifest.json` (`schemavoice.CallpackManifest`): the call's own summary, written
    /// beside the PackSpec payload and required to agree with it.
    public struct CallpackManifest: Sendable, Equatable {
        public static let schemaID = "gait.voice.callpack_manifest"
        public static let schemaVersion = "1.0.0"
        public static let fileName = "callpack_manifest.json"

        public var schemaID = CallpackManifest.schemaID
        public var schemaVersion = CallpackManifest.schemaVersion
        public var createdAt = GoTime.zero
        public var producerVersion = "", callID = "", privacyMode = ""
        public var counts = CallCounts()
        public var environmentFingerprint = ""

        public init() {}

        static let fieldNames = ["schema_id", "schema_version", "created_at", "producer_version", "call_id",
                                 "privacy_mode"] + CallCounts.fieldNames + ["environment_fingerprint"]

        public var json: JSONValue {
            var o = GoObject()
            o.put("schema_id", schemaID)
            o.put("schema_version", schemaVersion)
            o.put("created_at", createdAt)
            o.put("producer_version", producerVersion)
            o.put("call_id", callID)
            o.put("privacy_mode", privacyMode)
            counts.put(into: &o)
            o.putOmitEmpty("environment_fingerprint", environmentFingerprint)
            return o.value
        }

        static func decode(_ value: JSONValue) throws -> CallpackManifest {
            let f = try GoFields(value, type: "CallpackManifest", known: fieldNames, strict: true)
            var m = CallpackManifest()
            m.schemaID = try f.string("schema_id")
            m.schemaVersion = try f.string("schema_version")
            m.createdAt = try f.time("created_at")
            m.producerVersion = try f.string("producer_version")
            m.callID = try f.string("call_id")
            m.privacyMode = try f.string("privacy_mode")
            m.counts = try CallCounts(f)
            m.environmentFingerprint = try f.string("environment_fingerprint")
            return m
        }

        /// gait's `validateCallpackManifest`.
        func validate() throws {
            func fail(_ message: String) -> FormatError { .invalid("callpack manifest " + message) }
            if schemaID != Self.schemaID { throw fail("schema_id must be \(Self.schemaID)") }
            if schemaVersion != Self.schemaVersion { throw fail("schema_version must be \(Self.schemaVersion)") }
            if createdAt.isZero { throw fail("created_at is required") }
            if producerVersion.goTrimmed.isEmpty { throw fail("producer_version is required") }
            if callID.goTrimmed.isEmpty { throw fail("call_id is required") }
            if !CallPrivacy.modes.contains(privacyMode) { throw fail("privacy_mode must be hash_only or dispute_encrypted") }
            if counts.hasNegative { throw fail("counts must be >= 0") }
        }
    }
}
