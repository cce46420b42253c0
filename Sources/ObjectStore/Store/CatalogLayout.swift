/// Where things live in the catalog tree (DESIGN.md §2).
///
/// Two-character fan-out keeps every tree small, so adding a pack rewrites a few small trees
/// rather than one huge one.
public enum CatalogLayout {
    public static let reference = "refs/gaitstore/catalog"

    public static let packsDirectory = "packs"

    public static func packPath(_ id: String) -> String { "\(packsDirectory)/\(fanout(id))/\(id)" }
    public static func metaPath(_ id: String) -> String { "meta/\(fanout(id))/\(id).json" }
    public static func digestPath(_ digest: SHA256Digest) -> String {
        let hex = digest.hex
        return "digests/\(hex.prefix(2))/\(hex.dropFirst(2))"
    }

    /// The SHA-256 a path inside `digests/` (`ab/cdef…`) files its blob under: `digestPath`
    /// read backwards. Nil for a path of any other shape, upper-case hex included: `digestPath`
    /// writes lower case only, so such an entry could never be looked up.
    public static func digest(filedAt relativePath: String) -> SHA256Digest? {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2 else { return nil }
        let hex = parts[0] + parts[1]
        guard hex.utf8.allSatisfy(Hex.isLowerHexDigit) else { return nil }
        return SHA256Digest(hex: String(hex))
    }

    /// The fan-out directory of an id, or the start of it for a one-character prefix.
    static func fanout(_ id: String) -> String {
        let plain = id.hasPrefix("pack_") ? String(id.dropFirst(5)) : id
        return String(plain.prefix(2))
    }
}

/// A set of paths to place in a tree: blobs and whole subtrees.
public struct TreeUpserts: Sendable {
    public var entries: [String: (oid: GitOID, mode: TreeEntry.Mode)] = [:]

    public init() {}

    public mutating func put(_ path: String, _ oid: GitOID, _ mode: TreeEntry.Mode) { entries[path] = (oid, mode) }

    public var isEmpty: Bool { entries.isEmpty }
}

extension GitRepository {
    /// `base` with `upserts` applied, rewriting only the trees on the paths that change.
    /// A path that already holds the same object is left alone, so re-applying is idempotent.
    public func applying(_ upserts: TreeUpserts, to base: GitOID?) throws -> GitOID {
        let split = upserts.entries.map { (components: $0.key.split(separator: "/").map(String.init), value: $0.value) }
        return try apply(split, to: base)
    }

    private func apply(_ updates: [(components: [String], value: (oid: GitOID, mode: TreeEntry.Mode))],
                       to base: GitOID?) throws -> GitOID {
        var entries: [String: TreeEntry] = [:]
        if let base { for entry in try readTree(base) { entries[entry.name] = entry } }
        var nested: [String: [(components: [String], value: (oid: GitOID, mode: TreeEntry.Mode))]] = [:]
        for update in updates {
            let head = update.components[0]
            if update.components.count == 1 {
                entries[head] = TreeEntry(name: head, oid: update.value.oid, mode: update.value.mode)
            } else {
                nested[head, default: []].append((Array(update.components.dropFirst()), update.value))
            }
        }
        for (name, children) in nested {
            let existing = entries[name].flatMap { $0.mode == .tree ? $0.oid : nil }
            entries[name] = TreeEntry(name: name, oid: try apply(children, to: existing), mode: .tree)
        }
        return try writeTree(Array(entries.values))
    }
}
