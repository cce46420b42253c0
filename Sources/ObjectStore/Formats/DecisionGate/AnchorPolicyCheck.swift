/// DG's `verify_anchor_policy` (spec §6 step 6): every evidence record without a provider error
/// must carry an anchor that its provider's requirement accepts.
///
/// The scenario spec and gate evaluation log are decoded only as far as this check reads them
/// (condition ids and providers; trigger, stage and evidence results); DG deserializes their whole
/// types, so a document malformed elsewhere fails there but not here.
enum AnchorPolicyCheck {
    static let specPath = "artifacts/scenario_spec.json"
    static let gateEvalPath = "artifacts/gate_evals.json"
    static let comparators = [
        "equals", "not_equals", "greater_than", "greater_than_or_equal", "less_than", "less_than_or_equal",
        "lex_greater_than", "lex_greater_than_or_equal", "lex_less_than", "lex_less_than_or_equal", "contains",
        "in_set", "deep_equals", "deep_not_equals", "exists", "not_exists",
    ]

    /// DG's errors, in DG's order; `read` returns a file's bytes or DG's read-failure text.
    static func problems(providers: [DecisionGateRunpack.AnchorProvider],
                         read: (String) -> Result<[UInt8], RunpackReadFailure>) -> [String] {
        if providers.isEmpty { return [] }
        let conditions: [[UInt8]: String]
        switch read(specPath) {
        case .failure(let failure): return ["scenario spec read failed: \(failure.text)"]
        case .success(let bytes):
            do { conditions = try conditionProviders(DecisionGateJSON.parse(bytes)) } catch {
                return ["invalid scenario spec: \(error)"]
            }
        }
        let records: [GateEvalRecord]
        switch read(gateEvalPath) {
        case .failure(let failure): return ["gate eval log read failed: \(failure.text)"]
        case .success(let bytes):
            do { records = try Serde.array(try DecisionGateJSON.parse(bytes)).map(GateEvalRecord.decode) } catch {
                return ["invalid gate eval log: \(error)"]
            }
        }
        var problems: [String] = []
        for record in records {
            for evidence in record.evidence where !evidence.hasProviderError {
                let place = "(trigger \(record.triggerID), stage \(record.stageID))"
                guard let provider = conditions[Array(evidence.conditionID.utf8)] else {
                    problems.append("condition \(evidence.conditionID) missing from scenario spec \(place)")
                    continue
                }
                guard let requirement = providers.first(where: { $0.providerID.utf8.elementsEqual(provider.utf8) })
                else { continue }
                if let message = violation(of: requirement, by: evidence.anchor) {
                    problems.append("anchor invalid for condition \(evidence.conditionID) \(place): \(message)")
                }
            }
        }
        return problems
    }

    /// DG's `validate_anchor_requirement`.
    static func violation(of requirement: DecisionGateRunpack.AnchorProvider,
                          by anchor: (type: String, value: String)?) -> String? {
        guard let anchor else { return "missing evidence_anchor" }
        guard anchor.type.utf8.elementsEqual(requirement.anchorType.utf8) else {
            return "anchor_type mismatch: expected \(requirement.anchorType) got \(anchor.type)"
        }
        guard let parsed = try? DecisionGateJSON.parse(Array(anchor.value.utf8)) else {
            return "anchor_value must be canonical JSON"
        }
        guard let object = parsed.objectValue else { return "anchor_value must be a JSON object" }
        for field in requirement.requiredFields {
            switch object[field] {
            case .string?, .number?: continue
            case .bool?: return "anchor field \(field) must be string or number"
            case .null?: return "anchor field \(field) must be set"
            case .array?, .object?: return "anchor field \(field) must be scalar"
            case nil: return "anchor field \(field) missing"
            }
        }
        return nil
    }

    /// condition id (as bytes, as Rust compares strings) -> provider id, the last definition
    /// winning as in DG's `BTreeMap`.
    private static func conditionProviders(_ spec: JSONValue) throws -> [[UInt8]: String] {
        let fields = try SerdeStruct(spec, type: "ScenarioSpec", fields: [
            "scenario_id", "namespace_id", "spec_version", "stages", "conditions", "policies", "schemas",
            "default_tenant_id",
        ])
        _ = try fields.string("scenario_id")
        _ = try Serde.nonZeroU64(fields.required("namespace_id"))
        _ = try fields.string("spec_version")
        _ = try fields.array("stages")
        _ = try fields.array("policies")
        _ = try fields.array("schemas")
        _ = try fields.optional("default_tenant_id").map(Serde.nonZeroU64)
        var map: [[UInt8]: String] = [:]
        for condition in try fields.array("conditions") {
            let spec = try SerdeStruct(condition, type: "ConditionSpec",
                                       fields: ["condition_id", "query", "comparator", "policy_tags"])
            let id = try spec.string("condition_id")
            let query = try SerdeStruct(spec.required("query"), type: "EvidenceQuery", fields: ["provider_id", "check_id"])
            let provider = try query.string("provider_id")
            _ = try query.string("check_id")
            _ = try Serde.variant(spec.required("comparator"), of: comparators, type: "Comparator")
            _ = try spec.array("policy_tags").map(Serde.string)
            map[Array(id.utf8)] = provider
        }
        return map
    }
}

/// The parts of DG's `GateEvalRecord` the anchor check reads.
fileprivate struct GateEvalRecord {
    struct Evidence {
        var conditionID: String
        var hasProviderError: Bool
        var anchor: (type: String, value: String)?
    }

    var triggerID: String
    var stageID: String
    var evidence: [Evidence]

    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "GateEvalRecord",
                                     fields: ["trigger_id", "stage_id", "evaluation", "evidence"])
        _ = try SerdeStruct(fields.required("evaluation"), type: "GateEvaluation", fields: ["gate_id"]).string("gate_id")
        return Self(triggerID: try fields.string("trigger_id"), stageID: try fields.string("stage_id"),
                    evidence: try fields.array("evidence").map(Evidence.decode))
    }
}

fileprivate extension GateEvalRecord.Evidence {
    static func decode(_ value: JSONValue) throws -> Self {
        let fields = try SerdeStruct(value, type: "EvidenceRecord", fields: ["condition_id", "status", "result"])
        _ = try Serde.variant(fields.required("status"), of: ["True", "False", "Unknown"], type: "TriState")
        let result = try SerdeStruct(fields.required("result"), type: "EvidenceResult",
                                     fields: ["error", "evidence_anchor"])
        var anchor: (type: String, value: String)?
        if let raw = result.optional("evidence_anchor") {
            let anchorFields = try SerdeStruct(raw, type: "EvidenceAnchor", fields: ["anchor_type", "anchor_value"])
            anchor = (try anchorFields.string("anchor_type"), try anchorFields.string("anchor_value"))
        }
        if let error = result.optional("error") {
            let errorFields = try SerdeStruct(error, type: "EvidenceProviderError", fields: ["code", "message"])
            _ = try errorFields.string("code")
            _ = try errorFields.string("message")
        }
        return Self(conditionID: try fields.string("condition_id"), hasProviderError: result.optional("error") != nil,
                    anchor: anchor)
    }
}
