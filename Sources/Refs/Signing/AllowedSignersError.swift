/// A problem with an allowed_signers file; each description names the file (and line).
public enum AllowedSignersError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformedLine(path: String, line: Int, reason: String)
    case invalidPrincipal(String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read allowed signers: \(reason)"
        case .malformedLine(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .invalidPrincipal(let principal):
            return "invalid principal \"\(principal)\": it must be non-empty, without spaces, commas, quotes, '#' or wildcards"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write allowed signers: \(reason)"
        }
    }
}
