import Foundation

/// Writes zips whose bytes are a pure function of their entries: the PackSpec v1 container
/// (spec §3.1) with zlib DEFLATE (`ZipDeflateFormat`).
///
/// The container is written here byte by byte rather than through a zip library, because
/// byte-level determinism needs control of every field (fixed timestamps and extra fields, data
/// descriptors, attribute bits, zip64 thresholds), and gaitstore must re-export byte-identical
/// zips (spec §17). zlib does only DEFLATE and CRC-32.
///
/// Entries are compressed on `workers` threads, large ones in parallel chunks; the output does not
/// depend on the thread count or on scheduling. Memory stays bounded (about 20 MiB plus the
/// caller's `.bytes` contents) whatever the archive size: files are read chunk by chunk and only a
/// bounded window of chunks is in flight.
public enum DeterministicZip {
    /// One worker per active CPU.
    public static var defaultWorkerCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Entries sorted by path (bytewise), spec §3.1 layout, modes normalised (0 -> 0644, any x bit
    /// -> 0755, else 0644). Writes a temp file beside `path`, fsyncs, renames over `path` (atomic),
    /// with `fileMode`. An empty entry list gives a 0-byte file, as gait does.
    public static func write(_ entries: [ZipWriteEntry], to path: String, fileMode: UInt32 = 0o644,
                             workers: Int = defaultWorkerCount) throws -> ZipWriteSummary {
        let output = try AtomicFileZipOutput(destination: path, mode: fileMode)
        do {
            try assemble(entries, into: output, workers: workers)
            return try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// The same bytes as `write`, in memory.
    public static func encode(_ entries: [ZipWriteEntry], workers: Int = defaultWorkerCount) throws -> [UInt8] {
        let output = MemoryZipOutput()
        try assemble(entries, into: output, workers: workers)
        return output.bytes
    }

    private static func assemble(_ entries: [ZipWriteEntry], into output: ZipOutput, workers: Int) throws {
        guard !entries.isEmpty else { return }
        let sorted = try sortedByName(entries)
        let assembler = ZipAssembler(output: output, entries: sorted.map { prepare($0.entry, name: $0.name) })
        let pipeline = DeflatePipeline(workers: workers, deliver: assembler.append)
        for (index, item) in sorted.enumerated() {
            try ZipContentChunker.chunks(of: item.entry.content, entryIndex: index, emit: pipeline.submit)
        }
        try pipeline.finish()
        try assembler.finish()
    }

    /// Go's string order is bytewise; Swift's `<` on String is not (it compares Unicode canonical
    /// forms), so names are compared as UTF-8 bytes, and so are duplicates.
    private static func sortedByName(_ entries: [ZipWriteEntry]) throws -> [(name: [UInt8], entry: ZipWriteEntry)] {
        let named = entries.map { (name: Array($0.path.utf8), entry: $0) }
        for item in named {
            if item.name.count > Int(ZipLayout.uint16Max) { throw ZipError.nameTooLong(entry: item.entry.path) }
            if item.name.last == UInt8(ascii: "/") { throw ZipError.directoryEntry(entry: item.entry.path) }
        }
        let sorted = named.sorted { $0.name.lexicographicallyPrecedes($1.name) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.name == b.name {
            throw ZipError.duplicateEntry(entry: a.entry.path)
        }
        return sorted
    }

    private static func prepare(_ entry: ZipWriteEntry, name: [UInt8]) -> ZipAssembler.PreparedEntry {
        let flags = ZipLayout.flagDataDescriptor
            | (ZipRecords.nameRequiresUTF8Flag(entry.path) ? ZipLayout.flagUTF8 : 0)
        let attributes = (ZipLayout.regularFileType | entry.normalizedMode) << 16
        return ZipAssembler.PreparedEntry(name: name, flags: flags, externalAttributes: attributes)
    }
}
