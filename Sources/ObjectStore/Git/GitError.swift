import CGit2

/// A failed libgit2 call, with libgit2's own explanation copied out at once.
///
/// `git_error_last()` is thread-local and overwritten by the next failing call, so it is read
/// right where the call returned, never later.
public struct GitError: Error, CustomStringConvertible {
    /// libgit2's return code (`GIT_ENOTFOUND`, `GIT_EMODIFIED`, ...).
    public let code: Int32
    /// libgit2's error class (`GIT_ERROR_ODB`, `GIT_ERROR_REFERENCE`, ...), 0 when none was set.
    public let klass: Int32
    public let message: String
    /// What gaitstore was doing, naming the object, ref or file concerned.
    public let operation: String

    public init(code: Int32, klass: Int32, message: String, operation: String) {
        self.code = code
        self.klass = klass
        self.message = message
        self.operation = operation
    }

    public var description: String { "\(operation): \(message)" }

    /// Captures the calling thread's last libgit2 error for a call that returned `code`.
    static func last(code: Int32, operation: String) -> GitError {
        guard let error = git_error_last() else {
            return GitError(code: code, klass: 0, message: "libgit2 error \(code)", operation: operation)
        }
        let message = error.pointee.message.map { String(cString: $0) } ?? "libgit2 error \(code)"
        return GitError(code: code, klass: error.pointee.klass, message: message, operation: operation)
    }

    var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    /// A stored object could not be inflated or does not hash to its name: the repository is
    /// damaged (`fsck` names what), which is a verification failure, not bad input.
    public var isDamagedObject: Bool {
        [GIT_ERROR_ZLIB, GIT_ERROR_ODB].contains { $0.rawValue == klass } && !isNotFound
    }

    /// The system, network, TLS, ssh or HTTP layer failed, as when a remote cannot be reached or
    /// spoken to (libgit2 reports a refused connection as an OS error).
    public var isIOFailure: Bool {
        [GIT_ERROR_OS, GIT_ERROR_NET, GIT_ERROR_SSL, GIT_ERROR_SSH, GIT_ERROR_HTTP].contains { $0.rawValue == klass }
    }
}

/// Runs a libgit2 call and turns a negative result into a `GitError` on the same thread.
func gitCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    guard code < 0 else { return }
    throw GitError.last(code: code, operation: operation())
}
