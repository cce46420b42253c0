extension Voice {
    /// One line of `call_events.jsonl` (`schemavoice.CallEvent`).
    public struct CallEvent: Sendable, Equatable {
        public static let schemaID = "gait.voice.call_event"
        public static let schemaVersion = "1.0.0"
        /// The event types a call record must contain at least once (gait's `callEventTypesRequired`).
        public static let requiredTypes = ["asr.final", "commitment.declared", "gate.decision", "tts.request",
                                           "tts.emitted", "tool.intent", "tool.result"]

        public var schemaID = "", schemaVersion = "", createdAt = GoTime.zero, callID = ""
        public var callSeq = 0, turnIndex = 0
        public var eventType = "", commitmentClass = "", intentDigest = "", policyDigest = ""
        public var sayTokenID = "", payloadDigest = ""
        public var attributes: JSONObject?

        public init() {}

        static let fieldNames = ["schema_id", "schema_version", "created_at", "call_id", "call_seq", "turn_index",
                                 "event_type", "commitment_class", "intent_digest", "policy_digest", "say_token_id",
                                 "payload_digest", "attributes"]

        public var json: JSONValue {
            var o = GoObject()
            o.put("schema_id", schemaID)
            o.put("schema_version", schemaVersion)
            o.put("created_at", createdAt)
            o.put("call_id", callID)
            o.put("call_seq", callSeq)
            o.put("turn_index", turnIndex)
            o.put("event_type", eventType)
            o.putOmitEmpty("commitment_class", commitmentClass)
            o.putOmitEmpty("intent_digest", intentDigest)
            o.putOmitEmpty("policy_digest", policyDigest)
            o.putOmitEmpty("say_token_id", sayTokenID)
            o.putOmitEmpty("payload_digest", payloadDigest)
            o.putOmitEmpty("attributes", attributes)
            return o.value
        }

        static func decode(_ value: JSONValue) throws -> CallEvent {
            let f = try GoFields(value, type: "CallEvent", known: fieldNames, strict: true)
            var e = CallEvent()
            e.schemaID = try f.string("schema_id")
            e.schemaVersion = try f.string("schema_version")
            e.createdAt = try f.time("created_at")
            e.callID = try f.string("call_id")
            e.callSeq = try f.int("call_seq")
            e.turnIndex = try f.int("turn_index")
            e.eventType = try f.string("event_type")
            e.commitmentClass = try f.string("commitment_class")
            e.intentDigest = try f.string("intent_digest")
            e.policyDigest = try f.string("policy_digest")
            e.sayTokenID = try f.string("say_token_id")
            e.payloadDigest = try f.string("payload_digest")
            e.attributes = Voice.goMap(try f.object("attributes"))
            return e
        }

        /// gait's `normalizeCallEvent`: defaults, trimming, lower-cased digests, UTC time.
        func normalized(callID expected: String) throws -> CallEvent {
            func fail(_ message: String) -> FormatError { .invalid(message) }
            var e = self
            if e.schemaID.goTrimmed.isEmpty { e.schemaID = Self.schemaID }
            if e.schemaID != Self.schemaID { throw fail("unsupported call event schema_id: \(e.schemaID)") }
            if e.schemaVersion.goTrimmed.isEmpty { e.schemaVersion = Self.schemaVersion }
            if e.schemaVersion != Self.schemaVersion { throw fail("unsupported call event schema_version: \(e.schemaVersion)") }
            if e.createdAt.isZero { throw fail("call event created_at is required") }
            e.createdAt = e.createdAt.utc
            e.callID = e.callID.goTrimmed
            if e.callID.isEmpty || e.callID != expected { throw fail("call event call_id must match call record") }
            if e.callSeq <= 0 { throw fail("call event call_seq must be >= 1") }
            if e.turnIndex < 0 { throw fail("call event turn_index must be >= 0") }
            e.eventType = e.eventType.goTrimmed
            if e.eventType.isEmpty { throw fail("call event event_type is required") }
            e.commitmentClass = Voice.normalizedClass(e.commitmentClass)
            if !e.commitmentClass.isEmpty && !Voice.isCommitmentClass(e.commitmentClass) {
                throw fail("unsupported call event commitment_class: \(e.commitmentClass)")
            }
            e.intentDigest = GoCase.lower(e.intentDigest.goTrimmed)
            if !e.intentDigest.isEmpty && !Voice.isDigest(e.intentDigest) { throw fail("call event intent_digest must be sha256 hex") }
            e.policyDigest = GoCase.lower(e.policyDigest.goTrimmed)
            if !e.policyDigest.isEmpty && !Voice.isDigest(e.policyDigest) { throw fail("call event policy_digest must be sha256 hex") }
            e.sayTokenID = e.sayTokenID.goTrimmed
            e.payloadDigest = GoCase.lower(e.payloadDigest.goTrimmed)
            if !e.payloadDigest.isEmpty && !Voice.isDigest(e.payloadDigest) {
                throw fail("call event payload_digest must be sha256 hex")
            }
            return e
        }

        /// A gated emission is a `tts.emitted` that carries a commitment class.
        var isGatedEmission: Bool { eventType == "tts.emitted" && !commitmentClass.goTrimmed.isEmpty }
    }
}
