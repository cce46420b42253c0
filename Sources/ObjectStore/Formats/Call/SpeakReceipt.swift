extension Voice {
    /// One line of `speak_receipts.jsonl` (`schemavoice.SpeakReceipt`): proof that gated speech used its say token.
    public struct SpeakReceipt: Sendable, Equatable {
        public var callID = ""
        public var callSeq = 0, turnIndex = 0
        public var commitmentClass = "", sayTokenID = "", spokenDigest = ""
        public var emittedAt = GoTime.zero

        public init() {}

        static let fieldNames = ["call_id", "call_seq", "turn_index", "commitment_class", "say_token_id", "spoken_digest",
                                 "emitted_at"]

        public var json: JSONValue {
            var o = GoObject()
            o.put("call_id", callID)
            o.put("call_seq", callSeq)
            o.put("turn_index", turnIndex)
            o.put("commitment_class", commitmentClass)
            o.put("say_token_id", sayTokenID)
            o.put("spoken_digest", spokenDigest)
            o.put("emitted_at", emittedAt)
            return o.value
        }

        static func decode(_ value: JSONValue) throws -> SpeakReceipt {
            let f = try GoFields(value, type: "SpeakReceipt", known: fieldNames, strict: true)
            var r = SpeakReceipt()
            r.callID = try f.string("call_id")
            r.callSeq = try f.int("call_seq")
            r.turnIndex = try f.int("turn_index")
            r.commitmentClass = try f.string("commitment_class")
            r.sayTokenID = try f.string("say_token_id")
            r.spokenDigest = try f.string("spoken_digest")
            r.emittedAt = try f.time("emitted_at")
            return r
        }

        /// gait's `normalizeSpeakReceipt`.
        func normalized(callID expected: String) throws -> SpeakReceipt {
            func fail(_ message: String) -> FormatError { .invalid(message) }
            var r = self
            (r.callID, r.commitmentClass) = try Voice.normalizedTurn("speak receipt", callID: r.callID, expected: expected,
                                                                  callSeq: r.callSeq, turnIndex: r.turnIndex,
                                                                  commitmentClass: r.commitmentClass)
            r.sayTokenID = r.sayTokenID.goTrimmed
            if r.sayTokenID.isEmpty { throw fail("speak receipt say_token_id is required") }
            r.spokenDigest = GoCase.lower(r.spokenDigest.goTrimmed)
            if !Voice.isDigest(r.spokenDigest) { throw fail("speak receipt spoken_digest must be sha256 hex") }
            if r.emittedAt.isZero { throw fail("speak receipt emitted_at is required") }
            r.emittedAt = r.emittedAt.utc
            return r
        }
    }
}
