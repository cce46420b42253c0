/// Names inside an AGS memory pack, and the rules a relative path must follow to be stored.
enum AGSPackPaths {
    static let repoState = "meta/REPO_STATE.json"
    static let fileIndex = "meta/FILE_INDEX.json"
    static let packInfo = "meta/PACK_INFO.json"
    static let liteManifest = "LITE/PACK_MANIFEST.json"
    /// Where the packer copies the repository file `files[].path`.
    static let repoPrefix = "repo/"

    /// Files the packer writes after it has taken `meta/FILE_INDEX.json`'s inventory, so no hash
    /// in the pack covers them: the index itself and the file tree (every packer), the context
    /// report and provenance (the Dec 21–27 monolith), and the manifest when a pack has no index.
    static let writtenAfterIndex: Set<AGSPath> = Set([
        repoState, fileIndex, "meta/FILE_TREE.txt", "meta/CONTEXT.txt", "meta/PROVENANCE.json",
    ].map(AGSPath.init))

    /// True for a file the packer writes after taking its inventory (see `writtenAfterIndex`),
    /// including the modular packer's `FULL/<prefix>-FULL-TREEMAP-<stamp>.md`.
    static func isWrittenAfterIndex(_ path: AGSPath) -> Bool {
        if writtenAfterIndex.contains(path) { return true }
        let bytes = Array(path.text.utf8)
        guard bytes.starts(with: "FULL/".utf8), bytes.reversed().starts(with: ".md".utf8.reversed()) else { return false }
        let name = bytes.dropFirst("FULL/".count)
        return !name.contains(UInt8(ascii: "/")) && name.firstRange(of: Array("-FULL-TREEMAP-".utf8)) != nil
    }

    /// Why `path` cannot name a file of a pack stored as a git tree and written back to disk,
    /// or nil when it can. Refused: absolute paths, empty, `.` and `..` segments, backslashes
    /// (a separator once the pack reaches Windows, where the packer runs), NUL, and `.git`.
    static func unsafeReason(_ path: String) -> String? {
        if path.isEmpty { return "empty path" }
        if path.hasPrefix("/") { return "absolute path" }
        if path.utf8.contains(0) { return "NUL byte in path" }
        if path.utf8.contains(UInt8(ascii: "\\")) { return "backslash in path" }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch segment {
            case "": return "empty path segment"
            case ".": return "'.' path segment"
            case "..": return "'..' path segment leaves the pack"
            default:
                if segment.lowercased() == ".git" { return "'.git' path segment" }
            }
        }
        return nil
    }

    /// The 12 hex digits a default pack directory name carries: `llm-pack-<digest[:12]>`
    /// (packers to 2025-12-26) or `llm-pack-<scope>-<digest[:12]>` (since). Nil for any other
    /// name, such as the launcher's timestamped `ags-pack-<yyyy-MM-dd_HH-mm-ss>`.
    static func digestPrefix(inDirectoryName name: String) -> String? {
        guard name.hasPrefix("llm-pack-") else { return nil }
        let tail = Array(name.utf8.dropFirst("llm-pack-".count))
        guard tail.count >= 12 else { return nil }
        let hex = tail.suffix(12)
        guard hex.allSatisfy(Hex.isLowerHexDigit) else { return nil }
        if tail.count > 12 {
            // A scope must sit between the prefix and the digest, joined by a dash.
            guard tail.count > 13, tail[tail.count - 13] == UInt8(ascii: "-") else { return nil }
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// A pack-relative path that compares by its UTF-8 bytes. Swift's `String` equality merges
/// canonically equivalent names (NFC and NFD "é"), which are two different files on disk, in
/// git and to the packer's Python.
struct AGSPath: Hashable, Comparable, CustomStringConvertible {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: AGSPath, rhs: AGSPath) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }
    static func < (lhs: AGSPath, rhs: AGSPath) -> Bool { bytewise(lhs.text, rhs.text) }
    func hash(into hasher: inout Hasher) { hasher.combineUTF8(of: text) }

    var description: String { text }
}
