import ArgumentParser
import Foundation
import ObjectStore

/// gait's `--json` output envelope (packspec §13.4): keys sorted, compact, one line.
struct Envelope {
    private var object = JSONObject()

    init(operation: String) {
        object["schema_id"] = "gait.pack.output"
        object["schema_version"] = "1.0.0"
        object["ok"] = true
        object["operation"] = .string(operation)
        object["correlation_id"] = .string(Envelope.correlationID)
    }

    subscript(key: String) -> JSONValue? {
        get { object[key] }
        set { object[key] = newValue }
    }

    mutating func setIfNotEmpty(_ key: String, _ value: String) {
        if !value.isEmpty { object[key] = .string(value) }
    }

    mutating func fail(_ error: FormatError) {
        object["ok"] = false
        object["error"] = .string(error.message)
        let (code, hint): (String, String) = switch error.kind {
        case .invalidInput: ("invalid_input", "check command usage and input schema")
        case .verification: ("verification_failed", "re-run verify after checking artifact integrity")
        case .internalFailure: ("internal_failure", "retry after checking local environment and logs")
        case .approvalRequired: ("approval_required", "record an approval (gaitstore job approve) and retry")
        }
        object["error_code"] = .string(code)
        object["error_category"] = .string(code)
        object["retryable"] = false
        object["hint"] = .string(hint)
    }

    func print() {
        FileHandle.standardOutput.write(Data(GoJSONOutput.encode(.object(object)) + [0x0a]))
    }

    /// Stable for the same argv, so repeated runs print identical bytes (gait's TCK checks this).
    static let correlationID: String = {
        let joined = CommandLine.arguments.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: "\u{1f}")
        return String(SHA256Digest.of(joined).hex.prefix(24))
    }()
}

/// A command that failed: one line on stderr, the envelope on stdout with `--json`, the contract's exit code.
struct CommandFailure: Error {
    let error: FormatError
    let operation: String
    let json: Bool
    var envelopeExtras: [(String, JSONValue)] = []

    var exitCode: Int32 {
        switch error.kind {
        case .invalidInput: return ExitStatus.invalidInput
        case .verification: return ExitStatus.verificationFailed
        case .internalFailure: return ExitStatus.failure
        case .approvalRequired: return ExitStatus.approvalRequired
        }
    }

    func report() {
        FileHandle.standardError.write(Data("gaitstore \(operation): \(error.message)\n".utf8))
        if json { envelope().print() }
    }

    /// The `--json` envelope of this failure.
    func envelope() -> Envelope {
        var envelope = Envelope(operation: operation)
        for (key, value) in envelopeExtras { envelope[key] = value }
        envelope.fail(error)
        return envelope
    }
}

extension FormatError {
    /// Any error a command body throws, as the contract's kind of failure: a damaged stored
    /// object is a verification failure (2), a remote that cannot be reached, trusted or logged
    /// into an I/O failure (1), anything else unexplained bad input (6).
    init(classifying error: Error) {
        switch error {
        case let error as FormatError:
            self = error
        case let error as GitError where error.isDamagedObject:
            self = .verification(String(describing: error))
        case let error as GitError where error.isIOFailure:
            self = FormatError(.internalFailure, String(describing: error))
        case let error as GitRemoteError where error.isConnectionFailure:
            self = FormatError(.internalFailure, String(describing: error))
        default:
            self = .invalid(String(describing: error))
        }
    }
}

/// Runs a command body, turning every library error into a `CommandFailure` with the contract's
/// exit code (`FormatError(classifying:)`).
func perform(_ operation: String, json: Bool, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CommandFailure {
        throw failure
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw CommandFailure(error: FormatError(classifying: error), operation: operation, json: json)
    }
}

/// One line on stderr about something that did not stop the command.
func warn(_ operation: String, _ message: String) {
    FileHandle.standardError.write(Data("gaitstore \(operation): warning: \(message)\n".utf8))
}

func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// For a command that already printed its result (text or JSON): one line on stderr, then the exit
/// code, without a second envelope on stdout.
func failAfterOutput(_ operation: String, _ message: String, exit status: Int32) throws -> Never {
    FileHandle.standardError.write(Data("gaitstore \(operation): \(message)\n".utf8))
    throw ExitCode(status)
}
