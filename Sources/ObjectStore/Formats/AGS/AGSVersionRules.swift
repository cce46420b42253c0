/// The version fields of an AGS pack and what gaitstore makes of them.
///
/// The determinism contract calls a pack whose `grammar_version` is not "1.0" incompatible, and
/// says one whose `canon_version` differs from the consuming repository's must be rebuilt or
/// rejected; no AGS code enforces either. gaitstore refuses an unknown grammar, since it could not
/// know what the digest covers. The canon rule needs a consuming repository, which an archive is
/// not, so `canon_version` is only required to agree between the pack's own files.
enum AGSVersionRules {
    /// The packer's hard-coded `GRAMMAR_VERSION`, the only grammar there has been.
    static let grammarVersion = "1.0"
    /// The only `LITE/PACK_MANIFEST.json` version AGS's consumer reads.
    static let liteManifestVersion = "P2.0"

    /// A missing grammar version is the packer before 2025-12-23, whose grammar was the same.
    static func checkGrammar(_ version: String?, in file: String) throws {
        guard let version, version != grammarVersion else { return }
        throw FormatError.verification(
            "\(file): unknown grammar_version \"\(version)\"; gaitstore reads grammar \(grammarVersion) only")
    }

    /// `LITE/PACK_MANIFEST.json` (P2 packs): its `version` must be the one AGS's consumer accepts.
    static func checkLiteManifest(_ bytes: [UInt8]) throws {
        let file = AGSPackPaths.liteManifest
        let manifest = try AGSJSONObject(AGSJSONObject.parse(bytes, file: file), file: file)
        let version = try manifest.string("version")
        guard version == liteManifestVersion else {
            let found = version.map { "version \"\($0)\"" } ?? "no version"
            throw FormatError.verification("\(file): \(found); AGS packs' LITE manifests are \(liteManifestVersion)")
        }
    }
}

/// `meta/PACK_INFO.json`. Its fields changed with the packer: until 2025-12-26 `{mode, profile,
/// canon_version, grammar_version, repo_digest, included_paths, deleted_paths}`, since then
/// `{scope, title, stamp, version}` with the canon version in `version`.
struct AGSPackInfo {
    /// The full `manifest_digest`, recorded by the early packers only.
    var repoDigest: String?
    var grammarVersion: String?
    var canonVersion: String?
    var scope: String?

    static func parse(_ bytes: [UInt8]) throws -> AGSPackInfo {
        let file = AGSPackPaths.packInfo
        let info = try AGSJSONObject(AGSJSONObject.parse(bytes, file: file), file: file)
        let canon = try info.string("canon_version")
        let version = try info.string("version")
        if let canon, let version, canon != version {
            throw FormatError.verification("\(file): canon_version \"\(canon)\" and version \"\(version)\" disagree")
        }
        return AGSPackInfo(repoDigest: try info.string("repo_digest"), grammarVersion: try info.string("grammar_version"),
                           canonVersion: canon ?? version, scope: try info.string("scope"))
    }

    /// What the pack's info states must match its manifest and the digest of its files.
    func check(against state: AGSRepoState, digest: SHA256Digest) throws {
        let file = AGSPackPaths.packInfo
        if let repoDigest, repoDigest != digest.hex {
            throw FormatError.verification("\(file): repo_digest \(repoDigest) does not match the manifest_digest "
                                           + "of \(AGSPackPaths.repoState), \(digest.hex)")
        }
        try AGSVersionRules.checkGrammar(grammarVersion, in: file)
        let pairs: [(name: String, info: String?, state: String?)] = [
            ("grammar_version", grammarVersion, state.grammarVersion),
            ("canon_version", canonVersion, state.canonVersion),
            ("scope", scope, state.scope),
        ]
        for pair in pairs {
            if let info = pair.info, let stated = pair.state, !info.utf8.elementsEqual(stated.utf8) {
                throw FormatError.verification(
                    "\(file): \(pair.name) \"\(info)\" disagrees with \(AGSPackPaths.repoState) (\"\(stated)\")")
            }
        }
    }
}
