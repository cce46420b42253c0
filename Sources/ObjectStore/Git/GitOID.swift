import CGit2
import Crypto

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

/// git's id of an object: the SHA-1 of the header `<type> <size>\0` and then the content, which
/// may come in pieces.
struct GitObjectHasher {
    private var sha1 = Insecure.SHA1()

    static func header(type: String, size: Int) -> [UInt8] { Array("\(type) \(size)\0".utf8) }

    init(type: String, size: Int) {
        self.init(header: Self.header(type: type, size: size))
    }

    /// Starts from a header the caller also needs (the loose writer compresses it too).
    init(header: [UInt8]) {
        sha1.update(data: header)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) { sha1.update(bufferPointer: bytes) }

    func finalize() -> GitOID { GitOID(bytes: Array(sha1.finalize()))! }
}
