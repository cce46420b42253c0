/// A JSON object's members in document order, duplicates included.
///
/// Duplicates are kept because the two consumers disagree about them: Go's decoder lets the
/// last one win, while the canonical encoder must refuse the document. Keys compare by their
/// UTF-8 bytes, as Go and JCS compare them.
public struct JSONObject: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Member = (key: String, value: JSONValue)

    public private(set) var members: [Member]

    public init() {
        members = []
    }

    public init(_ members: [(String, JSONValue)]) {
        self.members = members.map { (key: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    init(parsedMembers: [Member]) {
        members = parsedMembers
    }

    /// Get: the last member named `key` (Go: last wins). Set: replaces the first member named
    /// `key` in place and drops any later duplicates, or appends; `nil` removes every member
    /// named `key`.
    public subscript(key: String) -> JSONValue? {
        get {
            members.last(where: { JSONObject.same($0.key, key) })?.value
        }
        set {
            guard let newValue else {
                members.removeAll(where: { JSONObject.same($0.key, key) })
                return
            }
            guard let first = members.firstIndex(where: { JSONObject.same($0.key, key) }) else {
                members.append((key: key, value: newValue))
                return
            }
            members[first].value = newValue
            var index = members.index(after: first)
            while index < members.endIndex {
                if JSONObject.same(members[index].key, key) {
                    members.remove(at: index)
                } else {
                    index += 1
                }
            }
        }
    }

    /// Every member's key in document order, duplicates included.
    public var keys: [String] { members.map(\.key) }

    /// The number of members, duplicates included.
    public var count: Int { members.count }

    public var isEmpty: Bool { members.isEmpty }

    /// Keys that occur more than once, each listed once, in order of first occurrence.
    public var duplicateKeys: [String] {
        var occurrences: [[UInt8]: Int] = [:]
        for member in members { occurrences[Array(member.key.utf8), default: 0] += 1 }
        var reported = Set<[UInt8]>()
        return members.compactMap { member in
            let bytes = Array(member.key.utf8)
            guard occurrences[bytes, default: 0] > 1, reported.insert(bytes).inserted else { return nil }
            return member.key
        }
    }

    public func makeIterator() -> IndexingIterator<[Member]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { same($0.key, $1.key) && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for member in members {
            hasher.combineUTF8(of: member.key)
            hasher.combine(member.value)
        }
    }

    /// Byte equality: Swift's `==` on strings would merge canonically equivalent keys.
    @inline(__always)
    static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }
}
