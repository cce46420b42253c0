/// gait's voice-call records (`core/schema/v1/voice`): the call events, commitments, gate
/// decisions and speak receipts a call pack carries.
///
/// Every record is decoded strictly (gait's `decodeStrictJSON`: unknown members are errors) and
/// normalised exactly as gait does before it is hashed, because the normalised form is what goes
/// into the pack.
public enum Voice {
    /// What a voice agent may commit to on a call (gait `core/gate/voice.go`).
    public static let commitmentClasses: Set<String> = ["refund", "quote", "eligibility", "schedule", "cancel",
                                                        "account_change"]
    public static let verdicts: Set<String> = ["allow", "block", "dry_run", "require_approval"]

    /// gait's `normalizeCommitmentClass`: trimmed and lower-cased.
    static func normalizedClass(_ value: String) -> String { GoCase.lower(value.goTrimmed) }

    /// gait's `IsCommitmentClass`.
    static func isCommitmentClass(_ value: String) -> Bool { commitmentClasses.contains(normalizedClass(value)) }

    /// gait's `isSHA256Hex` / `isDigestHex` for a value already trimmed and lower-cased.
    static func isDigest(_ value: String) -> Bool { Hex.isSHA256(value) }

    /// A `[]string` member: nil when absent or null; a null element is Go's zero string.
    static func strings(_ fields: GoFields, _ key: String) throws -> [String]? {
        try fields.array(key)?.map { item in
            if item.isNull { return "" }
            guard let text = item.stringValue else {
                throw FormatError.invalid("json: cannot unmarshal \(JSONValue.goKindName(item)) into Go struct field \(fields.typeName).\(key) of type string")
            }
            return text
        }
    }

    /// A `map[string]any` member as Go holds it: a repeated key keeps its last value, at every level.
    static func goMap(_ object: JSONObject?) -> JSONObject? {
        guard let object else { return nil }
        var out = JSONObject()
        for member in object { out[member.key] = goValue(member.value) }
        return out
    }

    private static func goValue(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object): return .object(goMap(object)!)
        case .array(let items): return .array(items.map(goValue))
        default: return value
        }
    }

    /// gait's `normalizeReasonCodes` and the gate's `normalizeStringList`: trimmed, blanks and
    /// repeats dropped, sorted bytewise; nil when nothing is left.
    static func trimmedSortedSet(_ values: [String]?) -> [String]? {
        var seen = Set<String>()
        let kept = (values ?? []).map(\.goTrimmed).filter { !$0.isEmpty && seen.insert($0).inserted }
        return kept.isEmpty ? nil : kept.sorted(by: bytewise)
    }

    static func jsonStrings(_ values: [String]?) -> [JSONValue]? { values?.map { .string($0) } }
}
