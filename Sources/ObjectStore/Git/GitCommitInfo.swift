import CGit2

/// Who made a commit and when, as git records it in the `author` and `committer` lines.
public struct GitSignatureIdentity: Hashable, Sendable {
    public let name: String
    public let email: String
    /// Seconds since the Unix epoch.
    public let time: Int64
    /// The author's time zone as minutes east of UTC (`+0130` is 90).
    public let offsetMinutes: Int

    public init(name: String, email: String, time: Int64, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ signature: git_signature) {
        self.init(name: String(cString: signature.name), email: String(cString: signature.email),
                  time: signature.when.time, offsetMinutes: Int(signature.when.offset))
    }
}

/// A commit as read back from the object database.
public struct GitCommitInfo: Hashable, Sendable {
    public let tree: GitOID
    /// In the commit's own order; the first is the first parent.
    public let parents: [GitOID]
    /// The message exactly as stored.
    public let message: String
    public let author: GitSignatureIdentity
    public let committer: GitSignatureIdentity
}

/// A commit that cannot be written or read as asked.
public enum GitCommitError: Error, CustomStringConvertible {
    /// git object text is NUL-terminated, so a NUL would silently cut the field short.
    case containsNUL(field: String)
    case notACommit(GitOID)
    /// Commit text without the blank line that ends its headers, so a signature has no place.
    case malformed

    public var description: String {
        switch self {
        case let .containsNUL(field): return "commit \(field) contains a NUL byte"
        case let .notACommit(oid): return "object \(oid) is not a commit"
        case .malformed: return "commit text has no blank line after its headers"
        }
    }
}
