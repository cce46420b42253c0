extension Voice {
    /// One element of `reference_digests.json` (`schemavoice.ReferenceDigest`).
    public struct ReferenceDigest: Sendable, Equatable {
        public var refID = "", sha256 = ""

        public init(refID: String = "", sha256: String = "") {
            self.refID = refID
            self.sha256 = sha256
        }

        public var json: JSONValue { ["ref_id": .string(refID), "sha256": .string(sha256)] }

        static func decode(_ value: JSONValue) throws -> ReferenceDigest {
            let f = try GoFields(value, type: "ReferenceDigest", known: ["ref_id", "sha256"], strict: true)
            return ReferenceDigest(refID: try f.string("ref_id"), sha256: try f.string("sha256"))
        }

        /// `reference_digests.json` as gait decodes it into `[]ReferenceDigest`: `null` is the nil slice.
        static func decodeList(_ value: JSONValue) throws -> [ReferenceDigest]? {
            switch value {
            case .null: return nil
            case .array(let items): return try items.map(decode)
            default:
                throw FormatError.invalid("json: cannot unmarshal \(JSONValue.goKindName(value)) into Go value of type []voice.ReferenceDigest")
            }
        }

        /// gait's `normalizeReferenceDigests`: entries without a ref id or a valid digest are dropped
        /// silently, repeats removed, sorted; nil (written as `null`) when nothing is left.
        static func normalized(_ values: [ReferenceDigest]?) -> [ReferenceDigest]? {
            var seen = Set<String>()
            var out: [ReferenceDigest] = []
            for value in values ?? [] {
                let refID = value.refID.goTrimmed
                let digest = GoCase.lower(value.sha256.goTrimmed)
                guard !refID.isEmpty, Voice.isDigest(digest), seen.insert(refID + "\u{0}" + digest).inserted else { continue }
                out.append(ReferenceDigest(refID: refID, sha256: digest))
            }
            out.sort { $0.refID != $1.refID ? bytewise($0.refID, $1.refID) : bytewise($0.sha256, $1.sha256) }
            return out.isEmpty ? nil : out
        }
    }
}
