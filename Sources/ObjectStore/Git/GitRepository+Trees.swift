import CGit2

extension GitRepository {
    /// Writes one tree level from `entries` (any order) and returns its id. Every entry's object
    /// must already exist with a matching type; subtrees are written first by the caller.
    public func writeTree(_ entries: [TreeEntry]) throws -> GitOID {
        try Self.checkNames(entries)
        var builder: OpaquePointer?
        try gitCheck(git_treebuilder_new(&builder, handle, nil), "start tree")
        defer { git_treebuilder_free(builder) }
        for entry in entries {
            try entry.oid.withRaw { oid in
                try gitCheck(git_treebuilder_insert(nil, builder, entry.name, oid, entry.mode.filemode),
                             "add \"\(entry.name)\" (\(entry.oid)) to tree")
            }
        }
        var oid = git_oid()
        try gitCheck(git_treebuilder_write(&oid, builder), "write tree of \(entries.count) entries")
        return GitOID(oid)
    }

    /// Writes one tree level as a loose object without libgit2 (see `GitLooseObjectWriter`), for
    /// the small trees written once per job event. The entries' objects are not looked up: the
    /// caller has just written them.
    public func writeLooseTree(_ entries: [TreeEntry]) throws -> GitOID {
        try Self.checkNames(entries)
        // git's order: by name bytes, a tree's name compared as if it ended in `/`.
        func key(_ entry: TreeEntry) -> [UInt8] { Array(entry.name.utf8) + (entry.mode == .tree ? [0x2F] : []) }
        var body: [UInt8] = []
        for entry in entries.sorted(by: { key($0).lexicographicallyPrecedes(key($1)) }) {
            body += entry.mode.octal.utf8
            body.append(0x20)
            body += entry.name.utf8
            body.append(0)
            body += entry.oid.bytes
        }
        return try looseWriter().write(.tree, body)
    }

    /// Throws unless every name is a valid path component, used once.
    private static func checkNames(_ entries: [TreeEntry]) throws {
        var seen = Set<String>()
        for entry in entries {
            guard TreeEntry.isValidName(entry.name) else { throw GitTreeError.invalidName(entry.name) }
            guard seen.insert(entry.name).inserted else { throw GitTreeError.duplicateName(entry.name) }
        }
    }

    /// Writes a whole hierarchy from slash-separated paths (`a/b/c`) and returns the root tree.
    ///
    /// Directories are implied by the paths. An entry of mode `.tree` grafts an existing tree at
    /// its path; nothing else may then live below that path.
    public func writeTree(paths: [(path: String, oid: GitOID, mode: TreeEntry.Mode)]) throws -> GitOID {
        let root = PathTreeNode()
        for item in paths {
            try root.insert(TreeEntry.components(of: item.path), fullPath: item.path, oid: item.oid, mode: item.mode)
        }
        return try write(root)
    }

    private func write(_ node: PathTreeNode) throws -> GitOID {
        var entries = Array(node.leaves.values)
        for (name, child) in node.directories {
            entries.append(TreeEntry(name: name, oid: try write(child), mode: .tree))
        }
        return try writeTree(entries)
    }

    /// One level of a tree, in git's order.
    public func readTree(_ oid: GitOID) throws -> [TreeEntry] {
        let tree = try lookupTree(oid)
        defer { git_tree_free(tree) }
        return try (0..<git_tree_entrycount(tree)).map { index in
            try TreeEntry(git_tree_entry_byindex(tree, index)!, in: oid)
        }
    }

    /// Every file (blob or executable) below a tree, with its full path, sorted by path bytes.
    public func walkTree(_ oid: GitOID) throws -> [(path: String, entry: TreeEntry)] {
        var files = [(path: String, entry: TreeEntry)]()
        try collectFiles(of: oid, prefix: "", into: &files)
        files.sort { pathPrecedes($0.path, $1.path) }
        return files
    }

    private func collectFiles(of tree: GitOID, prefix: String, into files: inout [(path: String, entry: TreeEntry)]) throws {
        for entry in try readTree(tree) {
            let path = prefix + entry.name
            if entry.mode == .tree {
                try collectFiles(of: entry.oid, prefix: path + "/", into: &files)
            } else {
                files.append((path, entry))
            }
        }
    }

    /// The entry at a slash-separated path below `tree`, or nil when nothing is there.
    public func treeEntry(_ tree: GitOID, path: String) throws -> TreeEntry? {
        guard TreeEntry.components(of: path) != nil else { throw GitTreeError.invalidPath(path) }
        let treeHandle = try lookupTree(tree)
        defer { git_tree_free(treeHandle) }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, treeHandle, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, "look up \"\(path)\" in tree \(tree)")
        defer { git_tree_entry_free(entry) }
        return try TreeEntry(entry!, in: tree)
    }

    func lookupTree(_ oid: GitOID) throws -> OpaquePointer {
        var tree: OpaquePointer?
        try oid.withRaw { try gitCheck(git_tree_lookup(&tree, handle, $0), "read tree \(oid)") }
        return tree!
    }
}

extension TreeEntry {
    init(_ entry: OpaquePointer, in tree: GitOID) throws {
        let name = String(cString: git_tree_entry_name(entry))
        let filemode = git_tree_entry_filemode(entry)
        guard let mode = Mode(filemode) else {
            throw GitTreeError.unsupportedEntry(name: name, mode: filemode.rawValue, tree: tree)
        }
        self.init(name: name, oid: GitOID(git_tree_entry_id(entry)), mode: mode)
    }
}

/// A directory being assembled from paths before it is written bottom-up.
private final class PathTreeNode {
    var leaves: [String: TreeEntry] = [:]
    var directories: [String: PathTreeNode] = [:]

    func insert(_ components: [String]?, fullPath: String, oid: GitOID, mode: TreeEntry.Mode) throws {
        guard let components, !components.isEmpty else { throw GitTreeError.invalidPath(fullPath) }
        var node = self
        for directory in components.dropLast() {
            if node.leaves[directory] != nil { throw GitTreeError.pathConflict(fullPath) }
            if let next = node.directories[directory] {
                node = next
            } else {
                let next = PathTreeNode()
                node.directories[directory] = next
                node = next
            }
        }
        let name = components.last!
        if node.directories[name] != nil { throw GitTreeError.pathConflict(fullPath) }
        if node.leaves[name] != nil { throw GitTreeError.duplicatePath(fullPath) }
        node.leaves[name] = TreeEntry(name: name, oid: oid, mode: mode)
    }
}
