import CGit2

/// A git object id: the SHA-1 that names a blob, tree, commit or tag.
///
/// libgit2 1.5 has no SHA-256 object format, so this is always 20 bytes. It names objects inside
/// git only; content identity for users is `SHA256Digest`.
public struct GitOID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 20 raw bytes.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    /// Parses 40 hex digits of either case.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 40, let raw = Hex.decode(hex) else { return nil }
        self.bytes = raw
    }

    /// Lower-case hex, 40 characters, as git prints it.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    public static func < (lhs: GitOID, rhs: GitOID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

extension GitOID {
    init(_ raw: git_oid) {
        self.bytes = withUnsafeBytes(of: raw.id) { Array($0) }
    }

    init(_ raw: UnsafePointer<git_oid>) {
        self.init(raw.pointee)
    }

    var raw: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { $0.copyBytes(from: bytes) }
        return oid
    }

    /// Lends the id to a libgit2 call that takes `const git_oid *`.
    func withRaw<Result>(_ body: (UnsafePointer<git_oid>) throws -> Result) rethrows -> Result {
        var oid = raw
        return try withUnsafePointer(to: &oid, body)
    }
}
