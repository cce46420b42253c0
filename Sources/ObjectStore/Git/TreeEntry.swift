import CGit2

/// One entry of one git tree level.
public struct TreeEntry: Hashable, Sendable {
    /// The kinds of entry gaitstore writes and reads. Symlinks and submodules are refused on
    /// read, because nothing in a store may point outside it.
    public enum Mode: Hashable, Sendable {
        case blob, executable, tree

        var filemode: git_filemode_t {
            switch self {
            case .blob: return GIT_FILEMODE_BLOB
            case .executable: return GIT_FILEMODE_BLOB_EXECUTABLE
            case .tree: return GIT_FILEMODE_TREE
            }
        }

        /// The mode as a tree object spells it (`100644`, `100755`, `40000`).
        var octal: String { String(filemode.rawValue, radix: 8) }

        init?(_ filemode: git_filemode_t) {
            switch filemode {
            case GIT_FILEMODE_BLOB: self = .blob
            case GIT_FILEMODE_BLOB_EXECUTABLE: self = .executable
            case GIT_FILEMODE_TREE: self = .tree
            default: return nil
            }
        }
    }

    /// One path component: no `/`, not empty, not `.` or `..`, nothing taken for `.git`.
    public let name: String
    public let oid: GitOID
    public let mode: Mode

    public init(name: String, oid: GitOID, mode: Mode) {
        self.name = name
        self.oid = oid
        self.mode = mode
    }
}

/// A tree that cannot be written as asked, or that holds something gaitstore does not accept.
public enum GitTreeError: Error, CustomStringConvertible {
    case invalidName(String)
    case duplicateName(String)
    case invalidPath(String)
    case duplicatePath(String)
    /// One path needs a name as a directory that another path uses as a file or grafted tree.
    case pathConflict(String)
    case unsupportedEntry(name: String, mode: UInt32, tree: GitOID)

    public var description: String {
        switch self {
        case let .invalidName(name): return "invalid tree entry name \"\(name)\""
        case let .duplicateName(name): return "duplicate tree entry \"\(name)\""
        case let .invalidPath(path): return "invalid path \"\(path)\""
        case let .duplicatePath(path): return "duplicate path \"\(path)\""
        case let .pathConflict(path): return "path \"\(path)\" collides with a file or directory of the same name"
        case let .unsupportedEntry(name, mode, tree):
            return "tree \(tree) entry \"\(name)\" has unsupported mode \(String(mode, radix: 8))"
        }
    }
}

extension TreeEntry {
    /// git accepts almost any bytes in a name; gaitstore accepts what survives every file system
    /// and every zip tool: no separators, no NUL, no dot segments, nothing taken for `.git`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(0x2F) && !name.utf8.contains(0)
            && !namesGitDirectory(name)
    }

    /// Whether a checkout could take `name` for the repository's own `.git`, as libgit2's tree
    /// builder judges it (and `git fsck`, with git's default `core.protectNTFS`): `.git` in any
    /// case, or as NTFS reads it: followed by dots or spaces only, or by a backslash, or as its
    /// short name `git~1`. The loose tree writer does not go through libgit2, so it checks here.
    private static func namesGitDirectory(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        for reserved in [".git", "git~1"] {
            let prefix = Array(reserved.utf8)
            guard bytes.count >= prefix.count,
                  zip(bytes, prefix).allSatisfy({ byte, expected in asciiLowercased(byte) == expected })
            else { continue }
            let rest = bytes[prefix.count...]
            return rest.first == UInt8(ascii: "\\") || rest.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ".") }
        }
        return false
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 0x20 : byte
    }

    /// Splits `a/b/c` into components, or nil when any component is not a valid name.
    static func components(of path: String) -> [String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return parts.allSatisfy(isValidName) ? parts : nil
    }
}

/// Orders paths by their UTF-8 bytes: git's order for a recursive listing.
func pathPrecedes(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
