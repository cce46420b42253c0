/// `meta/FILE_INDEX.json`: the packer's inventory of its own output (`meta/`, `repo/`, `SPLIT/`,
/// `LITE/`, `FULL/`...), taken just before it writes the index itself. Not part of the pack's id,
/// but the only record of what the files outside the digest should hold.
struct AGSFileIndex {
    struct Entry {
        var bytes: Int
        /// Nil where the 2025-12-23 packer wrote `null` (files over 2 MiB): only the size is known.
        var sha256: SHA256Digest?
    }

    /// Entries by pack-relative path.
    var entries: [AGSPath: Entry]

    static func parse(_ bytes: [UInt8]) throws -> AGSFileIndex {
        let file = AGSPackPaths.fileIndex
        guard case .array(let items) = try AGSJSONObject.parse(bytes, file: file) else {
            throw FormatError.invalid("\(file): top level is not a JSON array")
        }
        var index = AGSFileIndex(entries: [:])
        index.entries.reserveCapacity(items.count)
        for (position, item) in items.enumerated() {
            let fields = try AGSJSONObject(item, file: file, location: "[\(position)]")
            let path = try fields.requiredString("path")
            if let reason = AGSPackPaths.unsafeReason(path) {
                throw fields.malformed("path", "\"\(path)\" is unsafe: \(reason)")
            }
            var entry = Entry(bytes: try fields.requiredSize("bytes"), sha256: nil)
            if !fields.isNull("sha256") {
                let hex = try fields.requiredString("sha256")
                guard hex.utf8.allSatisfy(Hex.isLowerHexDigit), let digest = SHA256Digest(hex: hex) else {
                    throw fields.malformed("sha256", "is not 64 lower-case hex digits")
                }
                entry.sha256 = digest
            }
            guard index.entries.updateValue(entry, forKey: AGSPath(path)) == nil else {
                throw fields.malformed("path", "\"\(path)\" is listed twice")
            }
        }
        return index
    }
}
