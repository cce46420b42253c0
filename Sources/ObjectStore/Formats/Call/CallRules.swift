/// The cross-record rules gait enforces on a call, both when it builds a call pack and when it
/// verifies one: every required event type happened, and no commitment was spoken without the
/// gate allowing it first.
extension Voice {
    /// gait's `ensureCallEventCoverage`. At verify time the events are checked in file order, so
    /// an unsorted `call_events.jsonl` fails here.
    static func checkEventCoverage(_ events: [CallEvent]) throws {
        if events.isEmpty { throw FormatError.invalid("call record events are required") }
        var lastSeq = 0
        var seen = Set<String>()
        for event in events {
            if event.callSeq < lastSeq { throw FormatError.invalid("call events must be sorted by call_seq") }
            lastSeq = event.callSeq
            seen.insert(event.eventType)
        }
        for required in CallEvent.requiredTypes where !seen.contains(required) {
            throw FormatError.invalid("call events missing required type: \(required)")
        }
    }

    /// gait's `ensureGatedTTSEventsHaveSpeakReceipt`: a `tts.emitted` event with a commitment class
    /// needs a speak receipt at the same (call_seq, turn_index, class) carrying the same say token.
    static func checkGatedEmissionsHaveReceipts(_ events: [CallEvent], _ receipts: [SpeakReceipt]) throws {
        var receiptByKey: [String: SpeakReceipt] = [:]
        for receipt in receipts {
            receiptByKey["\(receipt.callSeq):\(receipt.turnIndex):\(receipt.commitmentClass)"] = receipt
        }
        for event in events where event.isGatedEmission {
            let at = "call_seq=\(event.callSeq) turn_index=\(event.turnIndex)"
            if event.sayTokenID.goTrimmed.isEmpty {
                throw FormatError.invalid("gated tts.emitted event missing say_token_id for \(at)")
            }
            guard let receipt = receiptByKey["\(event.callSeq):\(event.turnIndex):\(event.commitmentClass)"] else {
                throw FormatError.invalid("gated tts.emitted event missing speak receipt for \(at) class=\(event.commitmentClass)")
            }
            if receipt.sayTokenID != event.sayTokenID {
                throw FormatError.invalid("gated tts.emitted event say_token_id mismatch for \(at) class=\(event.commitmentClass)")
            }
        }
    }

    /// gait's `ensureSpeakReceiptsHaveAllowDecision`: the latest gate decision for the receipt's
    /// turn and class at or before its call_seq must be `allow` (the first one wins a tie).
    static func checkReceiptsFollowAllow(_ decisions: [GateDecision], _ receipts: [SpeakReceipt]) throws {
        for receipt in receipts {
            var latest: GateDecision?
            for decision in decisions where decision.commitmentClass == receipt.commitmentClass
                && decision.turnIndex == receipt.turnIndex && decision.callSeq <= receipt.callSeq {
                if latest == nil || decision.callSeq > latest!.callSeq { latest = decision }
            }
            let at = "turn_index=\(receipt.turnIndex) call_seq=\(receipt.callSeq) class=\(receipt.commitmentClass)"
            guard let latest else {
                throw FormatError.invalid("speak receipt missing prior gate decision for \(at)")
            }
            if latest.verdict != "allow" {
                throw FormatError.invalid("speak receipt latest prior gate verdict is \(latest.verdict) (expected allow) for \(at)")
            }
        }
    }
}

extension Voice {
    /// The checks gate decisions and speak receipts share (gait repeats them in both normalisers):
    /// the same call, a positive sequence number, a known commitment class. Returns the trimmed call
    /// id and the normalised class.
    static func normalizedTurn(_ what: String, callID: String, expected: String, callSeq: Int, turnIndex: Int,
                               commitmentClass: String) throws -> (callID: String, commitmentClass: String) {
        let id = callID.goTrimmed
        if id.isEmpty || id != expected { throw FormatError.invalid("\(what) call_id must match call record") }
        if callSeq <= 0 { throw FormatError.invalid("\(what) call_seq must be >= 1") }
        if turnIndex < 0 { throw FormatError.invalid("\(what) turn_index must be >= 0") }
        let normalizedClass = Voice.normalizedClass(commitmentClass)
        if !Voice.isCommitmentClass(normalizedClass) {
            throw FormatError.invalid("unsupported \(what) commitment_class: \(normalizedClass)")
        }
        return (id, normalizedClass)
    }
}
