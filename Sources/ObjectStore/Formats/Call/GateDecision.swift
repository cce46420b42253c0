extension Voice {
    /// One line of `gate_decisions.jsonl` (`schemavoice.GateDecision`): the gate's verdict on a commitment.
    public struct GateDecision: Sendable, Equatable {
        public var callID = ""
        public var callSeq = 0, turnIndex = 0
        public var commitmentClass = "", verdict = ""
        public var reasonCodes: [String]?
        public var intentDigest = "", policyDigest = "", approvalRef = ""

        public init() {}

        static let fieldNames = ["call_id", "call_seq", "turn_index", "commitment_class", "verdict", "reason_codes",
                                 "intent_digest", "policy_digest", "approval_ref"]

        public var json: JSONValue {
            var o = GoObject()
            o.put("call_id", callID)
            o.put("call_seq", callSeq)
            o.put("turn_index", turnIndex)
            o.put("commitment_class", commitmentClass)
            o.put("verdict", verdict)
            o.putOmitEmpty("reason_codes", Voice.jsonStrings(reasonCodes))
            o.putOmitEmpty("intent_digest", intentDigest)
            o.putOmitEmpty("policy_digest", policyDigest)
            o.putOmitEmpty("approval_ref", approvalRef)
            return o.value
        }

        static func decode(_ value: JSONValue) throws -> GateDecision {
            let f = try GoFields(value, type: "GateDecision", known: fieldNames, strict: true)
            var d = GateDecision()
            d.callID = try f.string("call_id")
            d.callSeq = try f.int("call_seq")
            d.turnIndex = try f.int("turn_index")
            d.commitmentClass = try f.string("commitment_class")
            d.verdict = try f.string("verdict")
            d.reasonCodes = try Voice.strings(f, "reason_codes")
            d.intentDigest = try f.string("intent_digest")
            d.policyDigest = try f.string("policy_digest")
            d.approvalRef = try f.string("approval_ref")
            return d
        }

        /// gait's `normalizeGateDecision`.
        func normalized(callID expected: String) throws -> GateDecision {
            func fail(_ message: String) -> FormatError { .invalid(message) }
            var d = self
            (d.callID, d.commitmentClass) = try Voice.normalizedTurn("gate decision", callID: d.callID, expected: expected,
                                                                  callSeq: d.callSeq, turnIndex: d.turnIndex,
                                                                  commitmentClass: d.commitmentClass)
            d.verdict = GoCase.lower(d.verdict.goTrimmed)
            if !Voice.verdicts.contains(d.verdict) { throw fail("unsupported gate decision verdict: \(d.verdict)") }
            d.reasonCodes = Voice.trimmedSortedSet(d.reasonCodes)
            d.intentDigest = GoCase.lower(d.intentDigest.goTrimmed)
            if !d.intentDigest.isEmpty && !Voice.isDigest(d.intentDigest) { throw fail("gate decision intent_digest must be sha256 hex") }
            d.policyDigest = GoCase.lower(d.policyDigest.goTrimmed)
            if !d.policyDigest.isEmpty && !Voice.isDigest(d.policyDigest) { throw fail("gate decision policy_digest must be sha256 hex") }
            d.approvalRef = d.approvalRef.goTrimmed
            return d
        }
    }
}
