/// Everything at each relative path of a runpack, however it is held (a directory on disk or the
/// store's files), so one verifier judges both the same way.
struct RunpackContents {
    enum Entry {
        case file(DecisionGateRunpack.FileSource)
        /// Something that is not a regular file (a symlink, a pipe, a device, an unreadable name):
        /// never read, always a failure. `reason` completes "<path> ...".
        case refused(reason: String)
    }

    /// Paths compare by their bytes, as the filesystem and DG compare them; Swift's `String`
    /// equality would merge an NFC name with its NFD twin.
    struct Path: Hashable {
        let text: String
        private let bytes: [UInt8]

        init(_ text: String) {
            self.text = text
            bytes = Array(text.utf8)
        }

        static func == (lhs: Path, rhs: Path) -> Bool { lhs.bytes == rhs.bytes }
        func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
    }

    /// "/"-separated paths relative to the runpack root.
    private(set) var entries: [Path: Entry] = [:]
    /// Every directory below the root (not the root itself).
    private(set) var directories: Set<Path> = []
    /// Directories with nothing in them, which a store of files cannot keep.
    private(set) var emptyDirectories: [String] = []

    init() {}

    /// Contents of the store's files: their directories are implied by their paths.
    init(files: [String: DecisionGateRunpack.FileSource]) {
        for (path, source) in files {
            entries[Path(path)] = .file(source)
            var parent = Self.parent(of: path)
            while !parent.isEmpty, directories.insert(Path(parent)).inserted {
                parent = Self.parent(of: parent)
            }
        }
    }

    mutating func add(_ path: String, _ entry: Entry) { entries[Path(path)] = entry }
    mutating func addDirectory(_ path: String) { directories.insert(Path(path)) }
    mutating func addEmptyDirectory(_ path: String) { emptyDirectories.append(path) }

    subscript(path: String) -> Entry? { entries[Path(path)] }

    func isDirectory(_ path: String) -> Bool { path.isEmpty || directories.contains(Path(path)) }

    /// The nearest refused entry at or above `path`, so a file under a symlinked directory is
    /// blamed on the symlink.
    func refusedAncestor(of path: String) -> (path: String, reason: String)? {
        var candidate = path
        while !candidate.isEmpty {
            if case .refused(let reason) = self[candidate] { return (candidate, reason) }
            candidate = Self.parent(of: candidate)
        }
        return nil
    }

    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }
}
