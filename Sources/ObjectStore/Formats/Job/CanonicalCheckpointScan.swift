/// Finds the `checkpoints` array of a stored state's canonical JSON without decoding it, for
/// `Job.State.decodeForAppend`: the state without the array's elements (to decode as usual) and the
/// elements themselves (to copy). Only elements that a full decode and canonical re-encode would
/// give back byte for byte are accepted; on anything else `split` is nil and the caller decodes the
/// whole state, so this scan never has to explain a malformed document.
enum CanonicalCheckpointScan {
    /// `Checkpoint.json`'s keys in canonical (sorted) order, and whether each is always written
    /// (the others are `omitempty`, so never written empty).
    private static let keys: [(name: [UInt8], always: Bool)] = [
        (Array("actor".utf8), false), (Array("checkpoint_id".utf8), true), (Array("created_at".utf8), true),
        (Array("reason_code".utf8), true), (Array("required_action".utf8), false), (Array("summary".utf8), true),
        (Array("type".utf8), true),
    ]
    private static let createdAtKey = 2, typeKey = 6
    private static let checkpointsKey = Array("checkpoints".utf8)
    private static let foldedCheckpointsKey = GoStructDecoding.fold("checkpoints")

    static func split(_ bytes: [UInt8]) -> (head: [UInt8], stored: Job.StoredCheckpoints)? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(input: buffer)
            guard let array = scanner.checkpointsArray() else { return nil }
            let inner = (array.lowerBound + 1)..<(array.upperBound - 1)
            var elements = Scanner(input: buffer, at: inner.lowerBound)
            guard let typeCounts = elements.checkpoints(until: inner.upperBound) else { return nil }
            let head = Array(buffer[..<inner.lowerBound]) + Array(buffer[inner.upperBound...])
            let stored = Job.StoredCheckpoints(elements: Array(buffer[inner]), typeCounts: typeCounts)
            return (head, stored)
        }
    }

    /// The checkpoints that follow `start` in an encoded state, each behind a comma, up to the
    /// array's closing bracket: where they end and their counts by type, as `split` counts them;
    /// nil unless each is exactly in canonical form.
    static func commaLedCheckpoints(in bytes: [UInt8], from start: Int) -> (end: Int, typeCounts: [[UInt8]: Int])? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(input: buffer, at: start)
            return scanner.commaLedCheckpoints().map { (scanner.index, $0) }
        }
    }

    private struct Scanner {
        let input: UnsafeBufferPointer<UInt8>
        var index: Int

        init(input: UnsafeBufferPointer<UInt8>, at index: Int = 0) {
            self.input = input
            self.index = index
        }

        private var byte: UInt8? { index < input.count ? input[index] : nil }

        private mutating func expect(_ c: UInt8) -> Bool {
            guard byte == c else { return false }
            index += 1
            return true
        }

        /// The byte range of the top-level `checkpoints` array, brackets included; nil unless the
        /// document is one object holding exactly one such array and no other member that Go's
        /// decoder would take for it.
        mutating func checkpointsArray() -> Range<Int>? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var found: Range<Int>?
            if expect(UInt8(ascii: "}")) { return nil }
            repeat {
                guard let key = string(), expect(UInt8(ascii: ":")) else { return nil }
                let start = index
                guard skipValue() else { return nil }
                if input[key].elementsEqual(CanonicalCheckpointScan.checkpointsKey) {
                    guard found == nil, input[start] == UInt8(ascii: "["), input[index - 1] == UInt8(ascii: "]") else { return nil }
                    found = start..<index
                } else if GoStructDecoding.fold(String(decoding: UnsafeBufferPointer(rebasing: input[key]), as: UTF8.self))
                            == CanonicalCheckpointScan.foldedCheckpointsKey {
                    // Go would decode this member into the checkpoints too ("Checkpoints").
                    return nil
                }
            } while expect(UInt8(ascii: ","))
            guard expect(UInt8(ascii: "}")), index == input.count else { return nil }
            return found
        }

        /// Reads the elements up to `end` (comma-separated checkpoint objects) and counts them by
        /// type; nil if any is not exactly in canonical form.
        mutating func checkpoints(until end: Int) -> [[UInt8]: Int]? {
            var tally = TypeTally()
            guard index < end else { return [:] }
            repeat {
                guard let type = checkpoint() else { return nil }
                tally.add(input[type])
            } while index < end && expect(UInt8(ascii: ","))
            guard index == end else { return nil }
            return tally.counts
        }

        /// `,{…},{…}` up to (not past) the array's `]`, counted by type; nil if any is not canonical.
        mutating func commaLedCheckpoints() -> [[UInt8]: Int]? {
            var tally = TypeTally()
            while expect(UInt8(ascii: ",")) {
                guard let type = checkpoint() else { return nil }
                tally.add(input[type])
            }
            return byte == UInt8(ascii: "]") ? tally.counts : nil
        }

        /// Checkpoints counted by their type's bytes. A handful of types, each seen many times: a
        /// short list beats hashing every one.
        private struct TypeTally {
            private var types: [(bytes: [UInt8], count: Int)] = []

            mutating func add(_ type: Slice<UnsafeBufferPointer<UInt8>>) {
                if let known = types.firstIndex(where: { $0.bytes.elementsEqual(type) }) {
                    types[known].count += 1
                } else {
                    types.append((Array(type), 1))
                }
            }

            var counts: [[UInt8]: Int] { Dictionary(uniqueKeysWithValues: types.map { ($0.bytes, $0.count) }) }
        }

        /// One checkpoint object: known keys in order, each present when always written and
        /// non-empty when not, string values, a created_at in Go's own format. Returns where its type is.
        private mutating func checkpoint() -> Range<Int>? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var next = 0
            var type: Range<Int>?
            repeat {
                guard let key = string(), expect(UInt8(ascii: ":")) else { return nil }
                guard let position = CanonicalCheckpointScan.keys[next...].firstIndex(where: { input[key].elementsEqual($0.name) }),
                      !CanonicalCheckpointScan.keys[next..<position].contains(where: \.always)
                else { return nil }
                guard let value = string(), CanonicalCheckpointScan.keys[position].always || !value.isEmpty else { return nil }
                if position == CanonicalCheckpointScan.createdAtKey && !isGoTime(value) { return nil }
                if position == CanonicalCheckpointScan.typeKey { type = value }
                next = position + 1
            } while expect(UInt8(ascii: ","))
            guard expect(UInt8(ascii: "}")), !CanonicalCheckpointScan.keys[next...].contains(where: \.always) else { return nil }
            return type
        }

        /// Whether the string's bytes are a time that Go writes exactly so.
        private func isGoTime(_ range: Range<Int>) -> Bool {
            GoTime.isRFC3339Nano(UnsafeBufferPointer(rebasing: input[range]))
        }

        /// A string in canonical form (only `"`, `\` and controls escaped, controls as JCS writes
        /// them, valid UTF-8); returns the range of its content.
        private mutating func string() -> Range<Int>? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while let c = byte {
                switch c {
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<(index - 1)
                case UInt8(ascii: "\\"):
                    guard escape() else { return nil }
                case 0x00..<0x20:
                    return nil
                case 0x80...:
                    let length = UTF8Validation.sequenceLength(in: input, at: index)
                    guard length > 0 else { return nil }
                    index += length
                default:
                    index += 1
                }
            }
            return nil
        }

        /// One escape as JCS writes it: `\"`, `\\`, `\b \f \n \r \t`, other controls as `\u00xx`.
        private mutating func escape() -> Bool {
            guard index + 1 < input.count else { return false }
            switch input[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                 UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 2
                return true
            case UInt8(ascii: "u"):
                guard index + 6 <= input.count else { return false }
                // `\u00` then two lower-case hex digits naming a control without a short escape.
                func hexValue(_ c: UInt8) -> UInt8? {
                    switch c {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
                    default: return nil
                    }
                }
                guard input[index + 2] == UInt8(ascii: "0"), input[index + 3] == UInt8(ascii: "0"),
                      let high = hexValue(input[index + 4]), let low = hexValue(input[index + 5]), high < 2,
                      ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(high << 4 | low)
                else { return false }
                index += 6
                return true
            default:
                return false
            }
        }

        /// Skips one value of any kind, tracking only strings and nesting: the part of the state
        /// outside the checkpoints is parsed in full afterwards.
        private mutating func skipValue() -> Bool {
            var depth = 0
            while let c = byte {
                switch c {
                case UInt8(ascii: "\""):
                    index += 1
                    while let s = byte, s != UInt8(ascii: "\"") { index += s == UInt8(ascii: "\\") ? 2 : 1 }
                    guard byte != nil else { return false }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return true }
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 0 { return true }
                default:
                    break
                }
                index += 1
            }
            return depth == 0
        }
    }
}
