/// A failed conversation with ssh-agent; each description names the agent socket.
public enum SSHAgentError: Error, Equatable, CustomStringConvertible {
    case cannotConnect(path: String, reason: String)
    case io(path: String, reason: String)
    case responseTooLarge(path: String, length: Int)
    case unexpectedResponse(path: String, type: UInt8)
    case malformedResponse(path: String)
    /// The agent does not hold the key, or its user declined to confirm.
    case refused(path: String, fingerprint: String)

    public var description: String {
        switch self {
        case .cannotConnect(let path, let reason):
            return "ssh-agent at \(path): cannot connect: \(reason)"
        case .io(let path, let reason):
            return "ssh-agent at \(path): \(reason)"
        case .responseTooLarge(let path, let length):
            return "ssh-agent at \(path): reply of \(length) bytes is larger than the protocol allows"
        case .unexpectedResponse(let path, let type):
            return "ssh-agent at \(path): unexpected reply type \(type)"
        case .malformedResponse(let path):
            return "ssh-agent at \(path): malformed reply"
        case .refused(let path, let fingerprint):
            return "ssh-agent at \(path): refused to sign with ED25519 key \(fingerprint) (is it loaded? see ssh-add -l)"
        }
    }
}
