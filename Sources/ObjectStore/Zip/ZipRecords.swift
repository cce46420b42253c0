/// What the writer remembers of an entry until it writes the central directory.
struct ZipCentralRecord {
    var name: [UInt8]
    var flags: UInt16
    var externalAttributes: UInt32
    var localHeaderOffset: UInt64
    var crc32: UInt32 = 0
    var compressedSize: UInt64 = 0
    var uncompressedSize: UInt64 = 0

    /// Go's `FileHeader.isZip64`: a size that does not fit 32 bits.
    var needsZip64Sizes: Bool {
        compressedSize >= ZipLayout.uint32Max || uncompressedSize >= ZipLayout.uint32Max
    }
}

/// Encoders for each record of the spec §3.1 layout, byte for byte as Go's `archive/zip` writes
/// them (`writeHeader`, `fileWriter.close`, `Writer.Close`), zip64 rules included.
enum ZipRecords {
    /// Local header: CRC and sizes are zero because they follow in the data descriptor; that is
    /// what lets the writer stream each entry without seeking back.
    static func localHeader(name: [UInt8], flags: UInt16) -> [UInt8] {
        var w = ZipByteWriter(capacity: ZipLayout.localHeaderLength + name.count + 9)
        w.u32(ZipLayout.localHeaderSignature)
        w.u16(ZipLayout.versionNeeded)
        w.u16(flags)
        w.u16(ZipLayout.methodDeflate)
        w.u16(ZipLayout.dosTime)
        w.u16(ZipLayout.dosDate)
        w.u32(0)
        w.u32(0)
        w.u32(0)
        w.u16(UInt16(name.count))
        w.u16(UInt16(ZipLayout.extendedTimestamp.count))
        w.append(name)
        w.append(ZipLayout.extendedTimestamp)
        return w.bytes
    }

    /// Data descriptor with signature; 64-bit sizes only when a size needs zip64 (Go's rule).
    static func dataDescriptor(for record: ZipCentralRecord) -> [UInt8] {
        var w = ZipByteWriter(capacity: 24)
        w.u32(ZipLayout.dataDescriptorSignature)
        w.u32(record.crc32)
        if record.needsZip64Sizes {
            w.u64(record.compressedSize)
            w.u64(record.uncompressedSize)
        } else {
            w.u32(UInt32(record.compressedSize))
            w.u32(UInt32(record.uncompressedSize))
        }
        return w.bytes
    }

    static func centralHeader(for record: ZipCentralRecord) -> [UInt8] {
        let zip64 = record.needsZip64Sizes || record.localHeaderOffset >= ZipLayout.uint32Max
        var extra = ZipLayout.extendedTimestamp
        if zip64 {
            var z = ZipByteWriter(capacity: 28)
            z.u16(ZipLayout.zip64ExtraID)
            z.u16(24)
            z.u64(record.uncompressedSize)
            z.u64(record.compressedSize)
            z.u64(record.localHeaderOffset)
            extra += z.bytes
        }
        var w = ZipByteWriter(capacity: ZipLayout.centralHeaderLength + record.name.count + extra.count)
        w.u32(ZipLayout.centralHeaderSignature)
        w.u16(ZipLayout.versionMadeBy)
        w.u16(record.needsZip64Sizes ? ZipLayout.versionNeededZip64 : ZipLayout.versionNeeded)
        w.u16(record.flags)
        w.u16(ZipLayout.methodDeflate)
        w.u16(ZipLayout.dosTime)
        w.u16(ZipLayout.dosDate)
        w.u32(record.crc32)
        if zip64 {
            w.u32(UInt32(ZipLayout.uint32Max))
            w.u32(UInt32(ZipLayout.uint32Max))
        } else {
            w.u32(UInt32(record.compressedSize))
            w.u32(UInt32(record.uncompressedSize))
        }
        w.u16(UInt16(record.name.count))
        w.u16(UInt16(extra.count))
        w.u16(0)  // comment length
        w.u16(0)  // disk number start
        w.u16(0)  // internal attributes
        w.u32(record.externalAttributes)
        w.u32(UInt32(min(record.localHeaderOffset, ZipLayout.uint32Max)))
        w.append(record.name)
        w.append(extra)
        return w.bytes
    }

    /// End of central directory, preceded by the zip64 end record and locator when the count,
    /// size or offset does not fit (Go writes zip64 from 65535 entries on).
    static func end(entryCount: UInt64, directorySize: UInt64, directoryOffset: UInt64) -> [UInt8] {
        var w = ZipByteWriter(capacity: ZipLayout.zip64EndLength + ZipLayout.zip64LocatorLength + ZipLayout.endLength)
        var count = entryCount, size = directorySize, offset = directoryOffset
        if count >= ZipLayout.uint16Max || size >= ZipLayout.uint32Max || offset >= ZipLayout.uint32Max {
            let zip64EndOffset = directoryOffset + directorySize
            w.u32(ZipLayout.zip64EndSignature)
            w.u64(UInt64(ZipLayout.zip64EndLength - 12))
            w.u16(ZipLayout.versionNeededZip64)
            w.u16(ZipLayout.versionNeededZip64)
            w.u32(0)
            w.u32(0)
            w.u64(count)
            w.u64(count)
            w.u64(size)
            w.u64(offset)
            w.u32(ZipLayout.zip64LocatorSignature)
            w.u32(0)
            w.u64(zip64EndOffset)
            w.u32(1)
            count = ZipLayout.uint16Max
            size = ZipLayout.uint32Max
            offset = ZipLayout.uint32Max
        }
        w.u32(ZipLayout.endSignature)
        w.u16(0)
        w.u16(0)
        w.u16(UInt16(count))
        w.u16(UInt16(count))
        w.u32(UInt32(size))
        w.u32(UInt32(offset))
        w.u16(0)  // comment length
        return w.bytes
    }

    /// Go's `detectUTF8` "require" answer: the UTF-8 flag is set when a name holds anything a
    /// CP-437/Shift-JIS/EUC-KR reader could misread (controls, `\`, `~`, DEL and all non-ASCII).
    static func nameRequiresUTF8Flag(_ name: String) -> Bool {
        name.unicodeScalars.contains { $0.value < 0x20 || $0.value > 0x7d || $0 == "\\" }
    }
}
