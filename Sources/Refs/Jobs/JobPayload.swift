import ObjectStore

/// Event payloads as gait writes them, and the reads replay makes of them.
public enum JobPayload {
    /// The payload key under which gaitstore adds to gait's own events what replay needs and gait
    /// does not record: `producer_version` (submitted), `summary` (checkpoint_added) and
    /// `lease_id` (any command that carried a lease). One namespaced key leaves gait's payload
    /// keys untouched and lets `JobRecord.gaitView` take the additions out in one step.
    public static let extensionKey = "gaitstore"

    /// An object with its members sorted bytewise by key, as Go's `json.Marshal` writes a
    /// `map[string]any`; so an event decoded from stored JSON equals the one the machine built.
    static func object(_ members: [(String, JSONValue)]) -> JSONObject {
        JSONObject(members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) })
    }

    static func string(_ payload: JSONObject?, _ key: String) -> String? {
        payload?[key]?.stringValue
    }

    static func int(_ payload: JSONObject?, _ key: String) -> Int? {
        payload?[key]?.numberValue?.int64Value.flatMap { Int(exactly: $0) }
    }

    static func time(_ payload: JSONObject?, _ key: String) -> GoTime? {
        string(payload, key).flatMap { GoTime(rfc3339: $0) }
    }

    static func extensionObject(_ payload: JSONObject?) -> JSONObject? {
        payload?[extensionKey]?.objectValue
    }
}
