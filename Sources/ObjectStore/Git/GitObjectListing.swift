import CGit2

/// Every object id an object database lists, deduplicated (an object may be both loose and packed).
func listObjectIDs(in odb: OpaquePointer, describing what: String) throws -> Set<GitOID> {
    final class Collector { var ids = Set<GitOID>() }
    let collector = Collector()
    let code = withExtendedLifetime(collector) {
        git_odb_foreach(odb, { oid, payload in
            Unmanaged<Collector>.fromOpaque(payload!).takeUnretainedValue().ids.insert(GitOID(oid!))
            return 0
        }, Unmanaged.passUnretained(collector).toOpaque())
    }
    try gitCheck(code, "list objects of \(what)")
    return collector.ids
}

/// One pack file opened on its own, apart from the repository's object database, so `repack`
/// can ask exactly what a given pack holds.
final class GitPackFile {
    let indexPath: String
    private let odb: OpaquePointer

    init(indexPath: String) throws {
        var odb: OpaquePointer?
        try gitCheck(git_odb_new(&odb), "open pack \(indexPath)")
        var backend: OpaquePointer?
        do {
            try gitCheck(git_odb_backend_one_pack(&backend, indexPath), "open pack \(indexPath)")
            try gitCheck(git_odb_add_backend(odb, backend, 1), "open pack \(indexPath)")
        } catch {
            git_odb_free(odb)
            throw error
        }
        self.indexPath = indexPath
        self.odb = odb!
    }

    deinit { git_odb_free(odb) }

    func contains(_ oid: GitOID) -> Bool {
        oid.withRaw { git_odb_exists(odb, $0) } == 1
    }

    func objectIDs() throws -> Set<GitOID> {
        try listObjectIDs(in: odb, describing: "pack \(indexPath)")
    }
}
