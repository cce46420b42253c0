import CGit2

/// git's pkt-line framing (`Documentation/gitprotocol-common.txt`): four hex digits giving the
/// length including themselves, then the payload; `0000` is a flush.
enum GitPktLine {
    static let flush = Array("0000".utf8)
    /// The largest payload a packet may carry.
    static let maxPayload = 65516

    static func encode(_ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= maxPayload, "a pkt-line payload of \(payload.count) bytes")
        let length = payload.count + 4
        let digits = Array("0123456789abcdef".utf8)
        return [digits[(length >> 12) & 0xF], digits[(length >> 8) & 0xF], digits[(length >> 4) & 0xF], digits[length & 0xF]] + payload
    }
}

/// Reads pkt-lines from a libgit2 subtransport stream.
struct GitPktLineReader {
    private let stream: UnsafeMutablePointer<git_smart_subtransport_stream>
    private let label: String
    private var buffer = [UInt8]()

    init(stream: UnsafeMutablePointer<git_smart_subtransport_stream>, label: String) {
        self.stream = stream
        self.label = label
    }

    /// The next packet's payload with a trailing newline removed; nil for a flush.
    mutating func next() throws -> [UInt8]? {
        try fill(4)
        guard let length = Int(String(decoding: buffer[0..<4], as: UTF8.self), radix: 16), length == 0 || length >= 4 else {
            throw GitRemoteError.protocolError(label, reason: "malformed packet length")
        }
        if length == 0 {
            buffer.removeFirst(4)
            return nil
        }
        try fill(length)
        var payload = Array(buffer[4..<length])
        buffer.removeFirst(length)
        if payload.last == UInt8(ascii: "\n") { payload.removeLast() }
        return payload
    }

    private mutating func fill(_ count: Int) throws {
        var chunk = [CChar](repeating: 0, count: 65536)
        while buffer.count < count {
            var got = 0
            try gitCheck(stream.pointee.read(stream, &chunk, chunk.count, &got), "read from \(label)")
            guard got > 0 else { throw GitRemoteError.protocolError(label, reason: "the remote closed the connection early") }
            buffer += chunk[0..<got].map { UInt8(bitPattern: $0) }
        }
    }
}
