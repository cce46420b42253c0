/// Why a reference did not move. `conflict` and `locked` are the normal outcome of a race:
/// re-read the reference and retry (after a short pause for `locked`).
public enum GitRefUpdateError: Error, CustomStringConvertible, Equatable {
    /// The reference did not hold the expected value. `current` is what it held just after the
    /// attempt (nil: absent), so a caller can retry on it without another read.
    case conflict(String, current: GitOID?)
    /// Another writer holds `<name>.lock` right now; libgit2 does not wait for it.
    case locked(String)
    case invalidName(String)

    public var description: String {
        switch self {
        case let .conflict(name, current?):
            return "reference \(name) was changed by another writer (it is now \(current))"
        case let .conflict(name, nil):
            return "reference \(name) was changed by another writer (it is now absent)"
        case let .locked(name):
            return "reference \(name) is locked by another writer (\(name).lock exists)"
        case let .invalidName(name):
            return "invalid reference name \"\(name)\""
        }
    }
}
