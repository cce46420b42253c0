/// The RFC 4251 encodings that OpenSSH key files, SSHSIG and the ssh-agent protocol are built from:
/// big-endian `uint32`, and `string` = `uint32` length followed by that many bytes.
package struct SSHWireWriter {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func raw(_ data: some Sequence<UInt8>) {
        bytes.append(contentsOf: data)
    }

    package mutating func uint32(_ value: UInt32) {
        bytes.append(contentsOf: [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }

    package mutating func string(_ data: [UInt8]) {
        uint32(UInt32(data.count))
        bytes.append(contentsOf: data)
    }

    package mutating func string(_ text: String) {
        string(Array(text.utf8))
    }
}

/// Reads RFC 4251 fields, refusing to run past the end; `nil` means the data is truncated.
package struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    package var isAtEnd: Bool { offset == bytes.count }

    package var remaining: [UInt8] { Array(bytes[offset...]) }

    package mutating func raw(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    package mutating func uint32() -> UInt32? {
        guard let b = raw(4) else { return nil }
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    package mutating func string() -> [UInt8]? {
        guard let length = uint32(), let data = raw(Int(length)) else { return nil }
        return data
    }

    /// A `string` field that holds text (key types, namespaces, comments); nil if not UTF-8.
    package mutating func text() -> String? {
        guard let data = string() else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return Array(text.utf8) == data ? text : nil
    }
}
