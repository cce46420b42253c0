/// DG's `verify_decisions` (spec §6 step 5): the decision log must deserialize as
/// `Vec<DecisionRecord>` and hold at most one decision per trigger.
enum DecisionLogCheck {
    static let path = "artifacts/decisions.json"

    /// DG's error text, or nil when the log passes.
    static func problem(in bytes: [UInt8]) -> String? {
        let triggers: [String]
        do {
            triggers = try Serde.array(try DecisionGateJSON.parse(bytes)).map(decodeDecision)
        } catch {
            return "invalid decision log: \(error)"
        }
        var seen = Set<[UInt8]>()
        for trigger in triggers where !seen.insert(Array(trigger.utf8)).inserted {
            return "duplicate decision for trigger \(trigger)"
        }
        return nil
    }

    /// Decodes one `DecisionRecord` as serde would and returns its trigger id.
    private static func decodeDecision(_ value: JSONValue) throws -> String {
        let fields = try SerdeStruct(value, type: "DecisionRecord", fields: [
            "decision_id", "seq", "trigger_id", "stage_id", "decided_at", "outcome", "correlation_id",
        ])
        _ = try fields.string("decision_id")
        _ = try fields.u64("seq")
        let trigger = try fields.string("trigger_id")
        _ = try fields.string("stage_id")
        _ = try DecisionGateRunpack.Timestamp.decode(fields.required("decided_at"))
        try decodeOutcome(fields.required("outcome"))
        _ = try fields.optionalString("correlation_id")
        return trigger
    }

    /// `DecisionOutcome`, internally tagged by `kind`.
    private static func decodeOutcome(_ value: JSONValue) throws {
        guard value.objectValue != nil else {
            throw Serde.mismatch(value, "internally tagged enum DecisionOutcome")
        }
        let tag = try SerdeStruct(value, type: "DecisionOutcome", fields: ["kind"])
        let kinds = ["start", "complete", "advance", "hold", "fail"]
        switch try Serde.variant(tag.required("kind"), of: kinds, type: "DecisionOutcome") {
        case "start", "complete":
            _ = try SerdeStruct(value, type: "DecisionOutcome", fields: ["stage_id"]).string("stage_id")
        case "advance":
            let fields = try SerdeStruct(value, type: "DecisionOutcome", fields: ["from_stage", "to_stage", "timeout"])
            _ = try fields.string("from_stage")
            _ = try fields.string("to_stage")
            _ = try fields.bool("timeout")
        case "hold":
            let fields = try SerdeStruct(value, type: "DecisionOutcome", fields: ["summary"])
            let summary = try SerdeStruct(fields.required("summary"), type: "SafeSummary",
                                          fields: ["status", "unmet_gates", "retry_hint", "policy_tags"])
            _ = try summary.string("status")
            _ = try summary.array("unmet_gates").map(Serde.string)
            _ = try summary.optionalString("retry_hint")
            _ = try summary.array("policy_tags").map(Serde.string)
        default:
            _ = try SerdeStruct(value, type: "DecisionOutcome", fields: ["reason"]).string("reason")
        }
    }
}
