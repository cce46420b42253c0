extension Voice {
    /// One line of `commitments.jsonl` (`schemavoice.CommitmentIntent`): what the agent was about to promise.
    public struct CommitmentIntent: Sendable, Equatable {
        public static let schemaID = "gait.voice.commitment_intent"
        public static let schemaVersion = "1.0.0"

        public var schemaID = "", schemaVersion = "", createdAt = GoTime.zero, producerVersion = "", callID = ""
        public var turnIndex = 0, callSeq = 0
        public var commitmentClass = "", utteranceDigest = ""
        public var context = Context()
        public var currency = ""
        public var quoteMinCents = 0, quoteMaxCents = 0, refundCeilingCents = 0
        public var approvalRequired = false
        public var approvalArtifactRefs: [String]?
        public var evidenceReferenceDigests: [String]?

        public init() {}

        /// `schemavoice.CommitmentContext`: always marshalled (a struct, not a pointer).
        public struct Context: Sendable, Equatable {
            public var identity = "", workspace = "", riskClass = ""
            public var sessionID = "", requestID = "", environmentFingerprint = ""

            public init() {}

            static let fieldNames = ["identity", "workspace", "risk_class", "session_id", "request_id",
                                     "environment_fingerprint"]

            var json: JSONValue {
                var o = GoObject()
                o.put("identity", identity)
                o.put("workspace", workspace)
                o.put("risk_class", riskClass)
                o.putOmitEmpty("session_id", sessionID)
                o.putOmitEmpty("request_id", requestID)
                o.putOmitEmpty("environment_fingerprint", environmentFingerprint)
                return o.value
            }

            static func decode(_ value: JSONValue) throws -> Context {
                let f = try GoFields(value, type: "CommitmentContext", known: fieldNames, strict: true)
                var c = Context()
                c.identity = try f.string("identity")
                c.workspace = try f.string("workspace")
                c.riskClass = try f.string("risk_class")
                c.sessionID = try f.string("session_id")
                c.requestID = try f.string("request_id")
                c.environmentFingerprint = try f.string("environment_fingerprint")
                return c
            }
        }

        static let fieldNames = ["schema_id", "schema_version", "created_at", "producer_version", "call_id", "turn_index",
                                 "call_seq", "commitment_class", "utterance_digest", "context", "currency",
                                 "quote_min_cents", "quote_max_cents", "refund_ceiling_cents", "approval_required",
                                 "approval_artifact_refs", "evidence_reference_digests"]

        public var json: JSONValue {
            var o = GoObject()
            o.put("schema_id", schemaID)
            o.put("schema_version", schemaVersion)
            o.put("created_at", createdAt)
            o.put("producer_version", producerVersion)
            o.put("call_id", callID)
            o.put("turn_index", turnIndex)
            o.put("call_seq", callSeq)
            o.put("commitment_class", commitmentClass)
            o.putOmitEmpty("utterance_digest", utteranceDigest)
            o.put("context", context.json)
            o.putOmitEmpty("currency", currency)
            o.putOmitEmpty("quote_min_cents", quoteMinCents)
            o.putOmitEmpty("quote_max_cents", quoteMaxCents)
            o.putOmitEmpty("refund_ceiling_cents", refundCeilingCents)
            o.putOmitEmpty("approval_required", approvalRequired)
            o.putOmitEmpty("approval_artifact_refs", Voice.jsonStrings(approvalArtifactRefs))
            o.putOmitEmpty("evidence_reference_digests", Voice.jsonStrings(evidenceReferenceDigests))
            return o.value
        }

        static func decode(_ value: JSONValue) throws -> CommitmentIntent {
            let f = try GoFields(value, type: "CommitmentIntent", known: fieldNames, strict: true)
            var c = CommitmentIntent()
            c.schemaID = try f.string("schema_id")
            c.schemaVersion = try f.string("schema_version")
            c.createdAt = try f.time("created_at")
            c.producerVersion = try f.string("producer_version")
            c.callID = try f.string("call_id")
            c.turnIndex = try f.int("turn_index")
            c.callSeq = try f.int("call_seq")
            c.commitmentClass = try f.string("commitment_class")
            c.utteranceDigest = try f.string("utterance_digest")
            if let context = f.raw("context") { c.context = try Context.decode(context) }
            c.currency = try f.string("currency")
            c.quoteMinCents = try f.int("quote_min_cents")
            c.quoteMaxCents = try f.int("quote_max_cents")
            c.refundCeilingCents = try f.int("refund_ceiling_cents")
            c.approvalRequired = try f.bool("approval_required")
            c.approvalArtifactRefs = try Voice.strings(f, "approval_artifact_refs")
            c.evidenceReferenceDigests = try Voice.strings(f, "evidence_reference_digests")
            return c
        }

        /// gait's `gate.NormalizeCommitmentIntent` (its messages carry no prefix; callers add one).
        func normalized() throws -> CommitmentIntent {
            func fail(_ message: String) -> FormatError { .invalid(message) }
            var c = self
            if c.schemaID.goTrimmed.isEmpty { c.schemaID = Self.schemaID }
            if c.schemaID != Self.schemaID { throw fail("unsupported schema_id: \(c.schemaID)") }
            if c.schemaVersion.goTrimmed.isEmpty { c.schemaVersion = Self.schemaVersion }
            if c.schemaVersion != Self.schemaVersion { throw fail("unsupported schema_version: \(c.schemaVersion)") }
            if c.createdAt.isZero { throw fail("created_at is required") }
            c.createdAt = c.createdAt.utc
            c.producerVersion = c.producerVersion.goTrimmed
            if c.producerVersion.isEmpty { c.producerVersion = "0.0.0-dev" }
            c.callID = c.callID.goTrimmed
            if c.callID.isEmpty { throw fail("call_id is required") }
            if c.turnIndex < 0 { throw fail("turn_index must be >= 0") }
            if c.callSeq <= 0 { throw fail("call_seq must be >= 1") }
            c.commitmentClass = Voice.normalizedClass(c.commitmentClass)
            if !Voice.isCommitmentClass(c.commitmentClass) { throw fail("unsupported commitment_class: \(c.commitmentClass)") }
            c.utteranceDigest = GoCase.lower(c.utteranceDigest.goTrimmed)
            if !c.utteranceDigest.isEmpty && !Voice.isDigest(c.utteranceDigest) {
                throw fail("utterance_digest must be sha256 hex when set")
            }
            c.context.identity = c.context.identity.goTrimmed
            c.context.workspace = c.context.workspace.goTrimmed
            c.context.riskClass = GoCase.lower(c.context.riskClass.goTrimmed)
            c.context.sessionID = c.context.sessionID.goTrimmed
            c.context.requestID = c.context.requestID.goTrimmed
            c.context.environmentFingerprint = c.context.environmentFingerprint.goTrimmed
            if c.context.identity.isEmpty || c.context.workspace.isEmpty || c.context.riskClass.isEmpty {
                throw fail("context identity, workspace, and risk_class are required")
            }
            c.currency = GoCase.upper(c.currency.goTrimmed)
            if c.quoteMinCents < 0 || c.quoteMaxCents < 0 || c.refundCeilingCents < 0 { throw fail("bound values must be >= 0") }
            if c.quoteMaxCents > 0 && c.quoteMinCents > c.quoteMaxCents { throw fail("quote_max_cents must be >= quote_min_cents") }
            c.approvalArtifactRefs = Voice.trimmedSortedSet(c.approvalArtifactRefs)
            c.evidenceReferenceDigests = Self.normalizedDigests(c.evidenceReferenceDigests)
            return c
        }

        /// gait's gate `normalizeDigests`: lower-cased, invalid ones silently dropped, deduplicated, sorted.
        static func normalizedDigests(_ values: [String]?) -> [String]? {
            var seen = Set<String>()
            let kept = (values ?? []).map { GoCase.lower($0.goTrimmed) }
                .filter { Voice.isDigest($0) && seen.insert($0).inserted }
            return kept.isEmpty ? nil : kept.sorted(by: bytewise)
        }
    }
}
