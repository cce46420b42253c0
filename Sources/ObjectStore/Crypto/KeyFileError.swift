/// A key file that cannot be read, used or written. Each description is one line naming the file.
public enum KeyFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// A passphrase-protected OpenSSH key: gaitstore cannot decrypt it, but ssh-agent can sign with it.
    case encrypted(String)
    case invalidPrivateKeyLength(path: String, length: Int)
    case invalidPublicKeyLength(path: String, length: Int)
    case notBase64(path: String)
    case unsupportedKeyType(path: String, type: String)
    case unsupportedFormat(path: String, header: String)
    /// A public key line where a private key was needed.
    case notPrivate(String)
    case malformed(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read key file: \(reason)"
        case .encrypted(let path):
            return "\(path): the key is encrypted with a passphrase; add it to ssh-agent (ssh-add) to sign with it"
        case .invalidPrivateKeyLength(let path, let length):
            return "\(path): invalid private key length: \(length)"
        case .invalidPublicKeyLength(let path, let length):
            return "\(path): invalid public key length: \(length)"
        case .notBase64(let path):
            return "\(path): not a key file (neither base64 key text nor an OpenSSH key)"
        case .unsupportedKeyType(let path, let type):
            return "\(path): unsupported key type \(type); only ssh-ed25519 keys are supported"
        case .unsupportedFormat(let path, let header):
            return "\(path): unsupported key format \(header); use an OpenSSH Ed25519 key (ssh-keygen -t ed25519)"
        case .notPrivate(let path):
            return "\(path): this is a public key; a private key is needed here"
        case .malformed(let path, let reason):
            return "\(path): malformed OpenSSH key: \(reason)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write key file: \(reason)"
        }
    }
}
