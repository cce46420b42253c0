import Foundation

/// A connected Unix-domain stream socket with blocking, timed I/O; just enough for ssh-agent.
struct UnixStreamSocket {
    /// An agent that asks the user to confirm (`ssh-add -c`) may take a while, but not forever.
    private static let timeoutSeconds = 60

    private let fd: Int32
    private let path: String

    init(connectingTo path: String) throws {
        var address = sockaddr_un()
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SSHAgentError.cannotConnect(path: path, reason: "socket path is too long")
        }
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SSHAgentError.cannotConnect(path: path, reason: Self.lastError()) }
        self.fd = fd
        self.path = path

        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let reason = Self.lastError()
            Foundation.close(fd)
            throw SSHAgentError.cannotConnect(path: path, reason: reason)
        }
        var timeout = timeval(tv_sec: Self.timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #if !os(Linux)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    func close() {
        Foundation.close(fd)
    }

    func send(_ bytes: [UInt8]) throws {
        #if os(Linux)
        let flags = Int32(MSG_NOSIGNAL)  // a vanished agent must be an error, not SIGPIPE
        #else
        let flags: Int32 = 0
        #endif
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress! + sent, $0.count - sent, flags) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SSHAgentError.io(path: path, reason: "send: " + Self.lastError())
            }
            sent += n
        }
    }

    /// Exactly `count` bytes; an early end of stream is an error.
    func receive(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let n = out.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + received, count - received, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SSHAgentError.io(path: path, reason: "receive: " + Self.lastError())
            }
            if n == 0 { throw SSHAgentError.io(path: path, reason: "the agent closed the connection") }
            received += n
        }
        return out
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
