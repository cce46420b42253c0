/// Why a pack or its index could not be read, naming the file.
enum GitPackError: Error, CustomStringConvertible {
    case unreadable(String, reason: String)
    case malformedIndex(String, reason: String)
    case malformedEntry(String, offset: UInt64, reason: String)
    case duplicateObject
    case compression(GitOID)

    var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformedIndex(path, reason):
            return "pack index \(path) is malformed: \(reason)"
        case let .malformedEntry(path, offset, reason):
            return "pack \(path) has a malformed object at offset \(offset): \(reason)"
        case .duplicateObject:
            return "an object was listed twice for one pack"
        case let .compression(oid):
            return "cannot compress object \(oid): zlib failed"
        }
    }
}
