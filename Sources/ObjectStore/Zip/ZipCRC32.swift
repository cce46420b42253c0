import CZlib

/// CRC-32 from zlib, which also gives `crc32_combine`: chunks compressed in parallel each get their
/// own CRC and the entry's CRC is assembled in order without touching the data again.
enum ZipCRC32 {
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return UInt32(crc32_z(UInt(crc), base.assumingMemoryBound(to: UInt8.self), bytes.count))
    }

    /// The CRC of A followed by B, from the CRCs of A and B and the length of B.
    static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(crc32_combine(UInt(first), UInt(second), secondLength))
    }
}
