/// The payload contract of a call pack (gait's `verifyCallPayloadContracts`): the files re-read,
/// re-normalised and re-checked against each other, in gait's order so the first failure reported
/// is gait's. Errors are thrown as `.invalid`; `CallPack.checkContract` relabels them.
struct CallPackContract<A: PackArchive> {
    let zip: A
    let manifest: PackManifest


    func check() throws -> JSONValue {
        var entries: [String: A.Entry] = [:]
        for name in CallPack.requiredNames {
            guard let entry = zip.entry(named: name) else { throw FormatError.invalid("missing \(name)") }
            entries[name] = entry
        }
        func read(_ name: String) throws -> [UInt8] {
            do { return try zip.read(entries[name]!) } catch { throw FormatError.wrap(error, "read \(name)") }
        }

        let payloadValue: JSONValue
        let payload: CallPayload
        do {
            payloadValue = try JSONParser.parse(try read(CallPack.payloadName))
            payload = try CallPayload.decode(payloadValue)
        } catch { throw FormatError.wrap(error, "parse \(CallPack.payloadName)") }
        try payload.validate()
        if payload.callID != manifest.sourceRef.goTrimmed {
            throw FormatError.invalid("call payload call_id does not match manifest source_ref")
        }

        let callManifest: Voice.CallpackManifest
        do { callManifest = try Voice.CallpackManifest.decode(try JSONParser.parse(try read(Voice.CallpackManifest.fileName))) } catch {
            throw FormatError.wrap(error, "parse \(Voice.CallpackManifest.fileName)")
        }
        try callManifest.validate()
        if callManifest.callID != payload.callID {
            throw FormatError.invalid("callpack manifest call_id does not match call payload")
        }

        let callID = payload.callID
        let events = try Self.lines(try read(CallPack.eventsName), CallPack.eventsName, Voice.CallEvent.decode)
            .map { event in try Self.prefixed("normalize call event") { try event.normalized(callID: callID) } }
        try Voice.checkEventCoverage(events)

        let commitments = try Self.lines(try read(CallPack.commitmentsName), CallPack.commitmentsName) {
            try Voice.CommitmentIntent.decode($0).normalized()
        }

        let decisions = try Self.lines(try read(CallPack.decisionsName), CallPack.decisionsName, Voice.GateDecision.decode)
            .map { decision in try Self.prefixed("normalize gate decision") { try decision.normalized(callID: callID) } }

        let receipts = try Self.lines(try read(CallPack.receiptsName), CallPack.receiptsName, Voice.SpeakReceipt.decode)
            .map { receipt in try Self.prefixed("normalize speak receipt") { try receipt.normalized(callID: callID) } }
        try Voice.checkGatedEmissionsHaveReceipts(events, receipts)

        let references: [Voice.ReferenceDigest]?
        do { references = try Voice.ReferenceDigest.decodeList(try JSONParser.parse(try read(CallPack.referencesName))) } catch {
            throw FormatError.wrap(error, "parse \(CallPack.referencesName)")
        }
        let referenceCount = Voice.ReferenceDigest.normalized(references)?.count ?? 0

        if commitments.contains(where: { $0.callID != callID }) {
            throw FormatError.invalid("commitment call_id does not match payload")
        }
        try Voice.checkReceiptsFollowAllow(decisions, receipts)

        let counts = payload.counts
        for (stated, actual, what) in [(counts.events, events.count, "event_count does not match call_events"),
                                       (counts.commitments, commitments.count, "commitment_count does not match commitments"),
                                       (counts.decisions, decisions.count, "decision_count does not match gate_decisions"),
                                       (counts.speakReceipts, receipts.count, "speak_receipt_count does not match speak_receipts"),
                                       (counts.referenceDigests, referenceCount,
                                        "reference_digest_count does not match reference_digests")] where stated != actual {
            throw FormatError.invalid("call payload " + what)
        }
        if callManifest.counts != counts { throw FormatError.invalid("callpack manifest counts do not match call payload") }
        if callManifest.privacyMode != payload.privacyMode {
            throw FormatError.invalid("callpack manifest privacy_mode does not match call payload")
        }
        if callManifest.environmentFingerprint.goTrimmed != payload.environmentFingerprint.goTrimmed {
            throw FormatError.invalid("callpack manifest environment_fingerprint does not match call payload")
        }
        // Go's time.Equal: the same instant, whatever the offsets.
        if callManifest.createdAt.utc != payload.createdAt.utc {
            throw FormatError.invalid("callpack manifest created_at does not match call payload")
        }
        return payloadValue
    }

    /// gait's `parseJSONL`: blank lines skipped, each line strictly decoded, errors naming file and line.
    static func lines<T>(_ bytes: [UInt8], _ name: String, _ decode: (JSONValue) throws -> T) throws -> [T] {
        var items: [T] = []
        var lineNumber = 0
        for line in JSONLines.split(bytes) {
            lineNumber += 1
            if line.count >= LineSplitter.maxLineBytes { throw FormatError.invalid("scan \(name): bufio.Scanner: token too long") }
            let trimmed = line.trimmedLine
            if trimmed.isEmpty { continue }
            do { items.append(try decode(try JSONParser.parse(trimmed))) } catch {
                throw FormatError.wrap(error, "parse \(name) line \(lineNumber)")
            }
        }
        return items
    }

    private static func prefixed<T>(_ prefix: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw FormatError.wrap(error, prefix) }
    }
}
