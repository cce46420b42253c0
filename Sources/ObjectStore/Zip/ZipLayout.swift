/// The fixed values of the PackSpec v1 zip container (spec §3.1): exactly what Go's `archive/zip`
/// writes for gait's `WriteDeterministicZip`, and the record sizes the reader parses.
enum ZipLayout {
    static let localHeaderSignature: UInt32 = 0x0403_4b50
    static let dataDescriptorSignature: UInt32 = 0x0807_4b50
    static let centralHeaderSignature: UInt32 = 0x0201_4b50
    static let endSignature: UInt32 = 0x0605_4b50
    static let zip64EndSignature: UInt32 = 0x0606_4b50
    static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    static let zip64ExtraID: UInt16 = 0x0001

    static let localHeaderLength = 30
    static let centralHeaderLength = 46
    static let endLength = 22
    static let zip64EndLength = 56
    static let zip64LocatorLength = 20
    static let maxCommentLength = 0xFFFF

    /// "Version needed" 2.0; 4.5 in the central record of an entry whose sizes need zip64.
    static let versionNeeded: UInt16 = 20
    static let versionNeededZip64: UInt16 = 45
    /// Unix creator (3), spec version 2.0: what Go's `SetMode` leaves.
    static let versionMadeBy: UInt16 = 0x0314

    static let flagEncrypted: UInt16 = 0x0001
    static let flagDataDescriptor: UInt16 = 0x0008
    static let flagUTF8: UInt16 = 0x0800

    static let methodStored: UInt16 = 0
    static let methodDeflate: UInt16 = 8

    /// 1980-01-01 00:00:00 in MS-DOS form (gait's fixed `Modified`).
    static let dosTime: UInt16 = 0x0000
    static let dosDate: UInt16 = 0x0021
    /// Extended-timestamp extra field (0x5455), flags 1, mtime 315532800 (1980-01-01T00:00:00Z).
    /// Go writes it because `Modified` is set; identical in local and central headers.
    static let extendedTimestamp: [UInt8] = [0x55, 0x54, 0x05, 0x00, 0x01, 0x00, 0xa6, 0xce, 0x12]

    static let uint16Max: UInt64 = 0xFFFF
    static let uint32Max: UInt64 = 0xFFFF_FFFF

    /// Regular-file type bits, shifted with the permissions into the external attributes.
    static let regularFileType: UInt32 = 0o100000
}

/// Appends little-endian integers, the only byte order zip knows.
struct ZipByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }
}

/// Reads little-endian integers from a record already in memory; callers check lengths first.
struct ZipByteReader {
    let bytes: [UInt8]
    private(set) var position: Int

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    mutating func u16() -> UInt16 {
        defer { position += 2 }
        return UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }

    mutating func u32() -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[position + i]) << (8 * i) }
        position += 4
        return value
    }

    mutating func u64() -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[position + i]) << (8 * i) }
        position += 8
        return value
    }

    mutating func skip(_ count: Int) {
        position += count
    }
}
