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
        let candidates = try verifiedCandidates(paths)
        let staged = try store.stage(candidates, against: try store.catalogTree())
        let ids = staged.reports.filter { !$0.alreadyStored }.map(\.id)
        let message = ids.isEmpty ? "import: nothing new" : "import \(ids.count) pack(s)\n\n" + ids.joined(separator: "\n") + "\n"
        let commit = staged.upserts.isEmpty ? try store.catalogTip()
            : try CatalogWriter.commit(staged.upserts, message: message, store: store, identity: identity)
        return Result(packs: staged.reports, commit: commit)
    }

    /// Verifies the inputs on every core, in argument order: the error thrown is the first failing
    /// path's, and none is started after its failure is seen.
    static func verifiedCandidates(_ paths: [String]) throws -> [ImportCandidate] {
        var candidates: [ImportCandidate] = []
        var failure: Error?
        InOrderWork<String, Swift.Result<ImportCandidate, Error>>(width: ProcessInfo.processInfo.activeProcessorCount).run(paths) { path in
            Swift.Result { try candidate(for: path) }
        } deliver: { result in
            switch result {
            case .success(let candidate):
                candidates.append(candidate)
                return true
            case .failure(let error):
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return candidates
    }

    /// Routes one path by what it contains: a zip, or a directory pack.
    static func candidate(for path: String) throws -> ImportCandidate {
        guard FileBytes.exists(path) else { throw FormatError.invalid("\(path): no such file or directory") }
        if FileBytes.isDirectory(path) { return try ImportCandidate.fromDirectory(path) }
        return try ImportCandidate.fromZip(path)
    }
}
