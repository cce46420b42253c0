extension Job {
    /// The checkpoints a stored state already holds, kept as the canonical JSON they were stored as.
    ///
    /// gait's state holds every checkpoint, so an append that decoded and re-encoded them all cost
    /// more the longer the job ran (8.4 ms at 1,000 checkpoints, most of it in decoding them). An
    /// append only adds one, and canonical JSON is compositional: an array's canonical form is its
    /// elements' canonical forms joined by commas. So the stored elements are copied into the next
    /// state byte for byte, and only counted here.
    ///
    /// They are taken only when each one is exactly what `Checkpoint.json` would encode (known keys,
    /// sorted, strings in canonical escaping, a time in Go's own format), so the copied bytes are the
    /// ones a full decode and re-encode writes; anything else goes the full way (see
    /// `State.decodeForAppend`).
    public struct StoredCheckpoints: Sendable, Equatable {
        /// The elements' canonical JSON, comma-separated, without the brackets.
        let elements: [UInt8]
        public var count: Int { typeCounts.values.reduce(0, +) }
        /// Checkpoints per `type`, by the type's stored bytes (canonical, so one spelling per text).
        private let typeCounts: [[UInt8]: Int]

        public static let empty = StoredCheckpoints(elements: [], typeCounts: [:])

        init(elements: [UInt8], typeCounts: [[UInt8]: Int]) {
            self.elements = elements
            self.typeCounts = typeCounts
        }

        /// How many stored checkpoints have this `type` (the resume gate counts decision-needed ones).
        public func count(ofType type: String) -> Int {
            typeCounts[Array(type.utf8), default: 0]
        }

        /// These followed by `more` (`,`-led canonical checkpoints, already checked).
        func appending(elements more: ArraySlice<UInt8>, typeCounts moreCounts: [[UInt8]: Int]) -> StoredCheckpoints {
            guard !more.isEmpty else { return self }
            let joined = elements.isEmpty ? Array(more.dropFirst()) : elements + more
            return StoredCheckpoints(elements: joined, typeCounts: typeCounts.merging(moreCounts, uniquingKeysWith: +))
        }

        /// Every stored checkpoint, decoded strictly: for readers that need them, not for appends.
        public func decoded() throws -> [Checkpoint] {
            guard count > 0 else { return [] }
            guard let array = try JSONParser.parse([UInt8(ascii: "[")] + elements + [UInt8(ascii: "]")]).arrayValue else {
                throw FormatError.invalid("stored checkpoints are not a JSON array")
            }
            return try array.map { try Checkpoint.decode($0, strict: true) }
        }
    }
}

extension Job.State {
    /// Decodes a stored state for an append: every member strictly, as `decode` does, except the
    /// checkpoints, which stay encoded in `stored` and precede `state.checkpoints` (empty here).
    /// A state whose checkpoints are not exactly in canonical form is decoded in full instead, so
    /// `encodedForAppend(after:)` of the result always writes what the full path would.
    public static func decodeForAppend(_ bytes: [UInt8]) throws -> (state: Job.State, stored: Job.StoredCheckpoints) {
        if let split = CanonicalCheckpointScan.split(bytes) {
            let head = try decode(JSONParser.parse(split.head), strict: true)
            if head.checkpoints.isEmpty { return (head, split.stored) }
        }
        return (try decode(JSONParser.parse(bytes), strict: true), .empty)
    }

    /// The canonical JSON of this state with `stored`'s checkpoints before its own (byte for byte
    /// `CanonicalJSON.encode` of the state holding all of them), and what `decodeForAppend` reads
    /// back from those bytes, found without reading `stored` again: only this state's own
    /// checkpoints are checked, as the scan checks each element, and joined to the stored ones. A
    /// writer that keeps the read-back starts its next append at a cost that does not grow with the job.
    public func encodedForAppend(after stored: Job.StoredCheckpoints) throws
        -> (bytes: [UInt8], readBack: (state: Job.State, stored: Job.StoredCheckpoints)) {
        // Encoded with one placeholder checkpoint before its own, each of those behind a comma:
        // canonical JSON is compositional, so the stored elements go where the placeholder was.
        // The placeholder's canonical form occurs once: its id is not one a checkpoint can have.
        var placeholder = Job.Checkpoint()
        placeholder.checkpointID = "\u{1}stored"
        var withPlaceholder = self
        withPlaceholder.checkpoints.insert(placeholder, at: 0)
        let encoded = try CanonicalJSON.encode(withPlaceholder.json)
        guard let marker = encoded.firstRange(of: try CanonicalJSON.encode(placeholder.json)) else {
            throw FormatError.invalid("job state \(jobID): stored checkpoints could not be placed")
        }
        guard let own = CanonicalCheckpointScan.commaLedCheckpoints(in: encoded, from: marker.upperBound) else {
            // A checkpoint the scan would not keep encoded: the whole state, the full way.
            let bytes = try CanonicalJSON.encode(try prepending(stored).json)
            return (bytes, try Job.State.decodeForAppend(bytes))
        }
        let all = stored.appending(elements: encoded[marker.upperBound..<own.end], typeCounts: own.typeCounts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count + all.elements.count)
        bytes += encoded[..<marker.lowerBound]
        bytes += all.elements
        bytes += encoded[own.end...]
        // Its members as decoding them would give (JobStoredCheckpointsTests compares the two).
        var head = self
        head.checkpoints = []
        return (bytes, (head, all))
    }

    /// This state with `stored`'s checkpoints decoded and put before its own.
    public func prepending(_ stored: Job.StoredCheckpoints) throws -> Job.State {
        var whole = self
        whole.checkpoints = try stored.decoded() + checkpoints
        return whole
    }
}
