/// Writes the archive around the compressed data, in order: local header, DEFLATE chunks, data
/// descriptor for each entry, then the central directory and end records.
final class ZipAssembler {
    /// An entry ready to write: name bytes and the header fields that do not depend on content.
    struct PreparedEntry {
        let name: [UInt8]
        let flags: UInt16
        let externalAttributes: UInt32
    }

    private let output: ZipOutput
    private let entries: [PreparedEntry]
    private var records: [ZipCentralRecord] = []
    private var current: ZipCentralRecord?

    init(output: ZipOutput, entries: [PreparedEntry]) {
        self.output = output
        self.entries = entries
        records.reserveCapacity(entries.count)
    }

    func append(_ unit: DeflateUnit, _ result: DeflatedUnit) throws {
        if unit.isFirstChunk {
            let entry = entries[unit.entryIndex]
            current = ZipCentralRecord(name: entry.name, flags: entry.flags,
                                       externalAttributes: entry.externalAttributes,
                                       localHeaderOffset: output.count)
            try output.write(ZipRecords.localHeader(name: entry.name, flags: entry.flags))
        }
        guard var record = current else { preconditionFailure("chunk delivered before its entry's first chunk") }
        try output.write(result.bytes)
        record.crc32 = unit.isFirstChunk
            ? result.crc32
            : ZipCRC32.combine(record.crc32, result.crc32, secondLength: unit.input.count)
        record.compressedSize += UInt64(result.bytes.count)
        record.uncompressedSize += UInt64(unit.input.count)
        if unit.isLastChunk {
            try output.write(ZipRecords.dataDescriptor(for: record))
            records.append(record)
            current = nil
        } else {
            current = record
        }
    }

    func finish() throws {
        precondition(current == nil && records.count == entries.count, "archive finished mid-entry")
        let directoryOffset = output.count
        for record in records {
            try output.write(ZipRecords.centralHeader(for: record))
        }
        try output.write(ZipRecords.end(entryCount: UInt64(records.count),
                                        directorySize: output.count - directoryOffset,
                                        directoryOffset: directoryOffset))
    }
}
