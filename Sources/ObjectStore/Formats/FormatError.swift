/// Why a pack could not be read, built or verified.
///
/// The kind decides the exit code (DESIGN.md §4): bad input is 6, a pack that fails its own
/// integrity rules is 2, anything else (I/O) is 1. Messages follow gait's wording where gait has one,
/// so scripts that match on them keep working.
public struct FormatError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Not a pack, unreadable, malformed arguments: exit 6.
        case invalidInput
        /// A pack whose content contradicts its manifest, signatures or contracts: exit 2.
        case verification
        /// Something outside the input failed (disk, memory): exit 1.
        case internalFailure
        /// The operation needs an approval first (a job resume): exit 4.
        case approvalRequired
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func invalid(_ message: String) -> FormatError { FormatError(.invalidInput, message) }
    public static func verification(_ message: String) -> FormatError { FormatError(.verification, message) }

    /// The same error with `prefix: ` in front, as Go's `fmt.Errorf("...: %w")` chains read.
    public func prefixed(_ prefix: String, as kind: Kind? = nil) -> FormatError {
        FormatError(kind ?? self.kind, prefix + ": " + message)
    }

    public var description: String { message }
}

extension FormatError {
    /// Wraps any error from a lower layer, keeping a `FormatError`'s kind.
    static func wrap(_ error: Error, _ prefix: String, default kind: Kind = .invalidInput) -> FormatError {
        if let own = error as? FormatError { return own.prefixed(prefix) }
        return FormatError(kind, prefix + ": " + String(describing: error))
    }
}
