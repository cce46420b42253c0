import Foundation
import ObjectStore

/// A client for ssh-agent (draft-miller-ssh-agent), so gaitstore can sign with keys it cannot read:
/// passphrase-protected keys, hardware tokens, keys on another machine forwarded over ssh.
///
/// Each request opens its own connection; the agent protocol is stateless for what is used here.
public struct SSHAgent: Sendable {
    private enum MessageType {
        static let failure: UInt8 = 5
        static let requestIdentities: UInt8 = 11
        static let identitiesAnswer: UInt8 = 12
        static let signRequest: UInt8 = 13
        static let signResponse: UInt8 = 14
    }

    /// OpenSSH's own limit on an agent message.
    private static let maximumMessageLength = 256 * 1024

    public let socketPath: String

    /// nil when no agent is configured (`SSH_AUTH_SOCK` unset or empty).
    public init?(socketPath: String? = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"]) {
        guard let socketPath, !socketPath.isEmpty else { return nil }
        self.socketPath = socketPath
    }

    /// The Ed25519 keys the agent holds, in its order; keys of other types are skipped.
    public func identities() throws -> [Ed25519PublicKey] {
        guard var r = try request(type: MessageType.requestIdentities, payload: [], expecting: MessageType.identitiesAnswer) else {
            throw SSHAgentError.malformedResponse(path: socketPath)
        }
        guard let count = r.uint32() else { throw SSHAgentError.malformedResponse(path: socketPath) }
        var keys = [Ed25519PublicKey]()
        for _ in 0..<count {
            guard let blob = r.string(), r.string() != nil else { throw SSHAgentError.malformedResponse(path: socketPath) }
            if let key = try? Ed25519PublicKey(wireBlob: blob) { keys.append(key) }
        }
        return keys
    }

    /// Asks the agent to sign `data` with `key`; returns the raw 64-byte Ed25519 signature.
    public func sign(_ data: [UInt8], key: Ed25519PublicKey) throws -> [UInt8] {
        var payload = SSHWireWriter()
        payload.string(key.wireBlob)
        payload.string(data)
        payload.uint32(0)  // flags: the RSA hash choices do not apply to Ed25519
        guard var r = try request(type: MessageType.signRequest, payload: payload.bytes, expecting: MessageType.signResponse) else {
            throw SSHAgentError.refused(path: socketPath, fingerprint: key.fingerprint)
        }
        guard let blob = r.string() else { throw SSHAgentError.malformedResponse(path: socketPath) }
        var s = SSHWireReader(blob)
        guard s.text() == Ed25519PublicKey.sshKeyType, let signature = s.string(), signature.count == 64, s.isAtEnd else {
            throw SSHAgentError.malformedResponse(path: socketPath)
        }
        return signature
    }

    // MARK: - Transport

    /// Sends one framed message (`uint32 length, byte type, payload`) and reads the reply's payload;
    /// nil when the agent answers SSH_AGENT_FAILURE.
    private func request(type: UInt8, payload: [UInt8], expecting expected: UInt8) throws -> SSHWireReader? {
        var frame = SSHWireWriter()
        frame.uint32(UInt32(payload.count + 1))
        frame.raw([type])
        frame.raw(payload)

        let socket = try UnixStreamSocket(connectingTo: socketPath)
        defer { socket.close() }
        try socket.send(frame.bytes)
        var header = SSHWireReader(try socket.receive(4))
        let length = Int(header.uint32()!)
        guard length >= 1 else { throw SSHAgentError.malformedResponse(path: socketPath) }
        guard length <= Self.maximumMessageLength else {
            throw SSHAgentError.responseTooLarge(path: socketPath, length: length)
        }
        let reply = try socket.receive(length)
        switch reply[0] {
        case expected: return SSHWireReader(Array(reply[1...]))
        case MessageType.failure: return nil
        default: throw SSHAgentError.unexpectedResponse(path: socketPath, type: reply[0])
        }
    }
}
