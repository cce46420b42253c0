extension Voice {
    /// The record counts that `call_payload.json` and `callpack_manifest.json` both state and that
    /// verify checks against the files.
    public struct CallCounts: Sendable, Equatable {
        public var events = 0, commitments = 0, decisions = 0, speakReceipts = 0, referenceDigests = 0

        public init(events: Int = 0, commitments: Int = 0, decisions: Int = 0, speakReceipts: Int = 0,
                    referenceDigests: Int = 0) {
            self.events = events
            self.commitments = commitments
            self.decisions = decisions
            self.speakReceipts = speakReceipts
            self.referenceDigests = referenceDigests
        }

        static let fieldNames = ["event_count", "commitment_count", "decision_count", "speak_receipt_count",
                                 "reference_digest_count"]

        init(_ f: GoFields) throws {
            events = try f.int("event_count")
            commitments = try f.int("commitment_count")
            decisions = try f.int("decision_count")
            speakReceipts = try f.int("speak_receipt_count")
            referenceDigests = try f.int("reference_digest_count")
        }

        func put(into o: inout GoObject) {
            o.put("event_count", events)
            o.put("commitment_count", commitments)
            o.put("decision_count", decisions)
            o.put("speak_receipt_count", speakReceipts)
            o.put("reference_digest_count", referenceDigests)
        }

        var hasNegative: Bool { [events, commitments, decisions, speakReceipts, referenceDigests].contains { $0 < 0 } }
    }
}
