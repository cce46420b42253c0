/// Why an SSH signature was not accepted; each description is one line naming the problem.
public enum SSHSignatureError: Error, Equatable, CustomStringConvertible {
    case notArmored
    case malformed(String)
    case unsupportedVersion(UInt32)
    case unsupportedKeyType(String)
    case unsupportedHash(String)
    case namespaceMismatch(found: String, expected: String)
    case incorrectSignature(fingerprint: String)
    case agentSignatureInvalid(fingerprint: String)

    public var description: String {
        switch self {
        case .notArmored:
            return "SSH signature: not armored (expected -----BEGIN SSH SIGNATURE----- ... -----END SSH SIGNATURE-----)"
        case .malformed(let reason):
            return "SSH signature: malformed: \(reason)"
        case .unsupportedVersion(let version):
            return "SSH signature: unsupported SSHSIG version \(version)"
        case .unsupportedKeyType(let type):
            return "SSH signature: made with a \(type) key; only ssh-ed25519 keys are supported"
        case .unsupportedHash(let hash):
            return "SSH signature: unsupported hash algorithm \(hash)"
        case .namespaceMismatch(let found, let expected):
            return "SSH signature: namespace is \"\(found)\", expected \"\(expected)\""
        case .incorrectSignature(let fingerprint):
            return "SSH signature: incorrect signature by ED25519 key \(fingerprint) (the signed data was altered)"
        case .agentSignatureInvalid(let fingerprint):
            return "SSH signature: ssh-agent returned a signature that does not verify for key \(fingerprint)"
        }
    }
}
