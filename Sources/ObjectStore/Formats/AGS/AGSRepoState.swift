/// `meta/REPO_STATE.json`: the repository state whose `files` define an AGS pack's identity.
struct AGSRepoState {
    /// One repository file, which the packer copies to `repo/<path>`.
    struct Entry {
        var path: String
        /// Lower-case hex SHA-256 of the file's bytes.
        var hash: String
        var size: Int
    }

    var canonVersion: String?
    /// Absent in packs written before 2025-12-23, when the packer had no grammar version.
    var grammarVersion: String?
    /// Absent before the modular packer (2025-12-27).
    var scope: String?
    /// In `files` order, which is strictly increasing by path.
    var entries: [Entry]

    /// `manifest_digest`: SHA-256 over the UTF-8 lines `"<hash> <size> <path>\n"`, one per entry
    /// in `files` order. Nothing else of the manifest (versions, scope) is hashed.
    var manifestDigest: SHA256Digest {
        var hasher = SHA256Hasher()
        for entry in entries {
            hasher.update(Array("\(entry.hash) \(entry.size) \(entry.path)\n".utf8))
        }
        return hasher.finalize()
    }

    /// Parses the manifest, refusing what the packer cannot have written: hashes that are not
    /// lower-case hex (the packer compares them case-sensitively), unsafe paths, and a `files`
    /// list out of order or with a path twice (it sorts, and refuses duplicates since 2025-12-27).
    static func parse(_ bytes: [UInt8]) throws -> AGSRepoState {
        let file = AGSPackPaths.repoState
        let top = try AGSJSONObject(AGSJSONObject.parse(bytes, file: file), file: file)
        var state = AGSRepoState(canonVersion: try top.string("canon_version"),
                                 grammarVersion: try top.string("grammar_version"),
                                 scope: try top.string("scope"), entries: [])
        // Python reads a missing list as empty (`manifest.get("files", [])`).
        let items = try top.array("files") ?? []
        state.entries.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let fields = try AGSJSONObject(item, file: file, location: "files[\(index)]")
            let entry = Entry(path: try fields.requiredString("path"), hash: try fields.requiredString("hash"),
                              size: try fields.requiredSize("size"))
            guard entry.hash.utf8.count == 64, entry.hash.utf8.allSatisfy(Hex.isLowerHexDigit) else {
                throw fields.malformed("hash", "is not 64 lower-case hex digits")
            }
            if let reason = AGSPackPaths.unsafeReason(entry.path) {
                throw fields.malformed("path", "\"\(entry.path)\" is unsafe: \(reason)")
            }
            if let previous = state.entries.last, !bytewise(previous.path, entry.path) {
                let problem = previous.path.utf8.elementsEqual(entry.path.utf8)
                    ? "\"\(entry.path)\" is listed twice" : "\"\(entry.path)\" is out of order (files are sorted by path)"
                throw fields.malformed("path", problem)
            }
            state.entries.append(entry)
        }
        return state
    }
}
