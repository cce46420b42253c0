import Foundation
import ObjectStore

/// `gaitstore import`: verify every input, then store all of them in one signed catalog commit.
/// All or nothing: if any input fails, nothing is written that the catalog will ever name.
public enum Importer {
    public struct Result {
        public var packs: [Store.PackReport]
        public var commit: GitOID?
    }

    public static func importPaths(_ paths: [String], store: Store, identity: StoreIdentity) throws -> Result {
        guard !paths.isEmpty else { throw FormatError.invalid("import needs at least one path") }
        let candidates = try paths.map(candidate(for:))
        let staged = try store.stage(candidates, against: try store.catalogTree())
        let ids = staged.reports.filter { !$0.alreadyStored }.map(\.id)
        let message = ids.isEmpty ? "import: nothing new" : "import \(ids.count) pack(s)\n\n" + ids.joined(separator: "\n") + "\n"
        let commit = staged.upserts.isEmpty ? try store.catalogTip()
            : try CatalogWriter.commit(staged.upserts, message: message, store: store, identity: identity)
        return Result(packs: staged.reports, commit: commit)
    }

    /// Routes one path by what it contains: a zip, or a directory pack.
    static func candidate(for path: String) throws -> ImportCandidate {
        guard FileBytes.exists(path) else { throw FormatError.invalid("\(path): no such file or directory") }
        if FileBytes.isDirectory(path) { return try ImportCandidate.fromDirectory(path) }
        return try ImportCandidate.fromZip(path)
    }
}
