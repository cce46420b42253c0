extension Voice {
    /// The input of `pack build --type call` (`gait.voice.call_record` 1.0.0, gait's `voiceCallRecord`):
    /// one call's records plus the path of the runpack of the agent run behind it.
    public struct CallRecord: Sendable, Equatable {
        public static let schemaID = "gait.voice.call_record"
        public static let schemaVersion = "1.0.0"

        public var schemaID = "", schemaVersion = "", createdAt = GoTime.zero, producerVersion = ""
        public var callID = "", runpackPath = "", privacyMode = "", environmentFingerprint = ""
        public var events: [CallEvent]?
        public var commitments: [CommitmentIntent]?
        public var gateDecisions: [GateDecision]?
        public var speakReceipts: [SpeakReceipt]?
        public var referenceDigests: [ReferenceDigest]?

        public init() {}

        static let fieldNames = ["schema_id", "schema_version", "created_at", "producer_version", "call_id",
                                 "runpack_path", "privacy_mode", "environment_fingerprint", "events", "commitments",
                                 "gate_decisions", "speak_receipts", "reference_digests"]

        /// Strict, as gait's `decodeStrictJSON`: an unknown member anywhere is an error.
        public static func decode(_ value: JSONValue) throws -> CallRecord {
            let f = try GoFields(value, type: "voiceCallRecord", known: fieldNames, strict: true)
            var r = CallRecord()
            r.schemaID = try f.string("schema_id")
            r.schemaVersion = try f.string("schema_version")
            r.createdAt = try f.time("created_at")
            r.producerVersion = try f.string("producer_version")
            r.callID = try f.string("call_id")
            r.runpackPath = try f.string("runpack_path")
            r.privacyMode = try f.string("privacy_mode")
            r.environmentFingerprint = try f.string("environment_fingerprint")
            r.events = try f.array("events")?.map(CallEvent.decode)
            r.commitments = try f.array("commitments")?.map(CommitmentIntent.decode)
            r.gateDecisions = try f.array("gate_decisions")?.map(GateDecision.decode)
            r.speakReceipts = try f.array("speak_receipts")?.map(SpeakReceipt.decode)
            r.referenceDigests = try f.array("reference_digests")?.map(ReferenceDigest.decode)
            return r
        }

        /// gait's `normalizeCallRecord`: every record normalised and sorted, then the call rules checked.
        /// Afterwards the four record lists are non-nil; `referenceDigests` is nil when empty.
        public func normalized() throws -> CallRecord {
            func fail(_ message: String) -> FormatError { .invalid(message) }
            var r = self
            if r.schemaID.goTrimmed.isEmpty { r.schemaID = Self.schemaID }
            if r.schemaID != Self.schemaID { throw fail("unsupported call record schema_id: \(r.schemaID)") }
            if r.schemaVersion.goTrimmed.isEmpty { r.schemaVersion = Self.schemaVersion }
            if r.schemaVersion != Self.schemaVersion { throw fail("unsupported call record schema_version: \(r.schemaVersion)") }
            if r.createdAt.isZero { throw fail("call record created_at is required") }
            r.createdAt = r.createdAt.utc
            r.producerVersion = r.producerVersion.goTrimmed
            if r.producerVersion.isEmpty { r.producerVersion = "0.0.0-dev" }
            r.callID = r.callID.goTrimmed
            if r.callID.isEmpty { throw fail("call record call_id is required") }
            r.runpackPath = r.runpackPath.goTrimmed
            if r.runpackPath.isEmpty { throw fail("call record runpack_path is required") }
            r.privacyMode = GoCase.lower(r.privacyMode.goTrimmed)
            if r.privacyMode.isEmpty { r.privacyMode = CallPrivacy.hashOnly }
            if !CallPrivacy.modes.contains(r.privacyMode) {
                throw fail("call record privacy_mode must be hash_only or dispute_encrypted")
            }
            r.environmentFingerprint = r.environmentFingerprint.goTrimmed

            let callID = r.callID
            // Sorting is stable; Go's sort.Slice is too for the ≤12 records of a typical call.
            let events = try (r.events ?? []).map { try $0.normalized(callID: callID) }
            r.events = events.stableSorted { $0.callSeq != $1.callSeq ? $0.callSeq < $1.callSeq : bytewise($0.eventType, $1.eventType) }
            try Voice.checkEventCoverage(r.events!)

            let commitments = try (r.commitments ?? []).map { commitment -> CommitmentIntent in
                let normalized: CommitmentIntent
                do { normalized = try commitment.normalized() } catch { throw FormatError.wrap(error, "normalize commitment") }
                if normalized.callID != callID { throw fail("commitment call_id does not match call record") }
                return normalized
            }
            r.commitments = commitments.stableSorted { Self.bySeqThenClass(($0.callSeq, $0.commitmentClass), ($1.callSeq, $1.commitmentClass)) }

            let decisions = try (r.gateDecisions ?? []).map { try $0.normalized(callID: callID) }
            r.gateDecisions = decisions.stableSorted { Self.bySeqThenClass(($0.callSeq, $0.commitmentClass), ($1.callSeq, $1.commitmentClass)) }

            let receipts = try (r.speakReceipts ?? []).map { try $0.normalized(callID: callID) }
            r.speakReceipts = receipts.stableSorted { Self.bySeqThenClass(($0.callSeq, $0.commitmentClass), ($1.callSeq, $1.commitmentClass)) }
            try Voice.checkGatedEmissionsHaveReceipts(r.events!, r.speakReceipts!)
            try Voice.checkReceiptsFollowAllow(r.gateDecisions!, r.speakReceipts!)

            r.referenceDigests = ReferenceDigest.normalized(r.referenceDigests)
            return r
        }

        private static func bySeqThenClass(_ a: (Int, String), _ b: (Int, String)) -> Bool {
            a.0 != b.0 ? a.0 < b.0 : bytewise(a.1, b.1)
        }

        /// How many records of each kind the call has, as payload and callpack manifest state them.
        var counts: CallCounts {
            CallCounts(events: events?.count ?? 0, commitments: commitments?.count ?? 0,
                       decisions: gateDecisions?.count ?? 0, speakReceipts: speakReceipts?.count ?? 0,
                       referenceDigests: referenceDigests?.count ?? 0)
        }
    }

    /// gait's call privacy modes.
    enum CallPrivacy {
        static let hashOnly = "hash_only"
        static let disputeEncrypted = "dispute_encrypted"
        static let modes: Set<String> = [hashOnly, disputeEncrypted]
    }
}
