/// One verification of one pack's files (rules: `AGSMemoryPack`).
///
/// Checks run cheapest first, so a pack with a wrong name, a missing file or a stray file is
/// refused before any large file is hashed: names, then the metadata files (each checked against
/// the index before it is parsed, so tampering reads as a mismatch rather than bad JSON), then
/// which files should exist and their sizes, then every file's content, streamed once.
struct AGSPackVerifier {
    typealias FileSource = AGSMemoryPack.FileSource

    private struct Measured {
        var sha256: SHA256Digest
        var size: Int
    }

    /// What the pack's own records say one file should be.
    private struct Expectation {
        var repoState: AGSRepoState.Entry?
        var indexed: AGSFileIndex.Entry?
    }

    private let sources: [AGSPath: FileSource]
    private let paths: [AGSPath]
    private var measured: [AGSPath: Measured] = [:]

    init(files: [String: FileSource]) {
        var sources: [AGSPath: FileSource] = [:]
        sources.reserveCapacity(files.count)
        for (path, source) in files { sources[AGSPath(path)] = source }
        self.sources = sources
        paths = sources.keys.sorted()
    }

    mutating func run(directoryName: String?) throws -> AGSMemoryPack.Verified {
        try checkListing()
        let repoState = AGSPath(AGSPackPaths.repoState)
        guard sources[repoState] != nil else {
            throw FormatError.invalid("\(repoState) is missing, so this is not an AGS memory pack")
        }
        let fileIndex = AGSPath(AGSPackPaths.fileIndex)
        let index = try sources[fileIndex].map { _ in try AGSFileIndex.parse(readMetadata(fileIndex, index: nil)) }
        let state = try AGSRepoState.parse(readMetadata(repoState, index: index))
        try AGSVersionRules.checkGrammar(state.grammarVersion, in: AGSPackPaths.repoState)
        let digest = state.manifestDigest
        let packInfo = AGSPath(AGSPackPaths.packInfo)
        if sources[packInfo] != nil {
            try AGSPackInfo.parse(readMetadata(packInfo, index: index)).check(against: state, digest: digest)
        }
        let liteManifest = AGSPath(AGSPackPaths.liteManifest)
        if sources[liteManifest] != nil {
            try AGSVersionRules.checkLiteManifest(readMetadata(liteManifest, index: index))
        }
        let expectations = try expectations(state, index)
        if let directoryName, let named = AGSPackPaths.digestPrefix(inDirectoryName: directoryName),
           !digest.hex.hasPrefix(named) {
            throw FormatError.verification("pack directory \(directoryName) is named for digest \(named)…, "
                                           + "but its manifest_digest is \(digest.hex)")
        }
        for path in paths {
            try checkContent(path, expectations[path])
        }
        return AGSMemoryPack.Verified(
            manifestDigest: digest.hex, grammarVersion: state.grammarVersion ?? "",
            canonVersion: state.canonVersion, scope: state.scope,
            files: paths.map { path in
                let found = measured[path]!
                let executable = sources[path]!.mode & 0o111 != 0
                return AGSMemoryPack.File(path: path.text, sha256: found.sha256, size: found.size,
                                          mode: executable ? 0o100755 : 0o100644)
            })
    }

    /// Every name must be safe to write back, none may be both a file and a directory, and no
    /// source may declare a negative size.
    private func checkListing() throws {
        for path in paths {
            if let reason = AGSPackPaths.unsafeReason(path.text) {
                throw FormatError.invalid("\(path): unsafe path: \(reason)")
            }
            if sources[path]!.size < 0 {
                throw FormatError.invalid("\(path) declares a negative size")
            }
            var prefix = Substring(path.text)
            while let slash = prefix.lastIndex(of: "/") {
                prefix = prefix[..<slash]
                if sources[AGSPath(String(prefix))] != nil {
                    throw FormatError.invalid("\(prefix) is both a file and the directory of \(path)")
                }
            }
        }
    }

    /// Which files should exist, from the manifest and the index; refuses a pack where one is
    /// missing, has another size, or where a file is accounted for by neither.
    private func expectations(_ state: AGSRepoState, _ index: AGSFileIndex?) throws -> [AGSPath: Expectation] {
        var expected: [AGSPath: Expectation] = [:]
        for entry in state.entries {
            let path = AGSPath(AGSPackPaths.repoPrefix + entry.path)
            guard sources[path] != nil else {
                throw FormatError.verification("\(path) is missing, but \(AGSPackPaths.repoState) lists it")
            }
            expected[path, default: Expectation()].repoState = entry
        }
        for (path, entry) in (index?.entries ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard sources[path] != nil else {
                throw FormatError.verification("\(path) is missing, but \(AGSPackPaths.fileIndex) lists it")
            }
            expected[path, default: Expectation()].indexed = entry
        }
        for path in paths {
            guard let expectation = expected[path] else {
                if AGSPackPaths.isWrittenAfterIndex(path) { continue }
                throw FormatError.verification("\(path) is not accounted for by \(AGSPackPaths.repoState) "
                                               + "or \(AGSPackPaths.fileIndex)")
            }
            let size = sources[path]!.size
            if let entry = expectation.repoState, entry.size != size {
                throw FormatError.verification(
                    "\(path) is \(size) bytes, but \(AGSPackPaths.repoState) lists \(entry.size)")
            }
            if let entry = expectation.indexed, entry.bytes != size {
                throw FormatError.verification(
                    "\(path) is \(size) bytes, but \(AGSPackPaths.fileIndex) lists \(entry.bytes)")
            }
        }
        return expected
    }

    private mutating func checkContent(_ path: AGSPath, _ expectation: Expectation?) throws {
        let found = try measure(path)
        if let entry = expectation?.repoState, entry.hash != found.sha256.hex {
            throw FormatError.verification("\(path) has sha256 \(found.sha256.hex), but \(AGSPackPaths.repoState) "
                                           + "lists \(entry.hash)")
        }
        if let entry = expectation?.indexed {
            try check(path, found, against: entry)
        }
    }

    private func check(_ path: AGSPath, _ found: Measured, against entry: AGSFileIndex.Entry) throws {
        if entry.bytes != found.size {
            throw FormatError.verification("\(path) is \(found.size) bytes, but \(AGSPackPaths.fileIndex) lists \(entry.bytes)")
        }
        if let listed = entry.sha256, listed != found.sha256 {
            throw FormatError.verification("\(path) has sha256 \(found.sha256.hex), but \(AGSPackPaths.fileIndex) "
                                           + "lists \(listed.hex)")
        }
    }

    /// Reads a metadata file whole and, when the index lists it, checks it against the index first.
    private mutating func readMetadata(_ path: AGSPath, index: AGSFileIndex?) throws -> [UInt8] {
        let source = sources[path]!
        guard source.size <= AGSMemoryPack.maxMetadataBytes else {
            throw FormatError.invalid("\(path) is \(source.size) bytes, more than the \(AGSMemoryPack.maxMetadataBytes) "
                                      + "gaitstore reads whole")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.size)
        let found = try read(path) { bytes.append(contentsOf: $0) }
        if let entry = index?.entries[path] {
            try check(path, found, against: entry)
        }
        return bytes
    }

    private mutating func measure(_ path: AGSPath) throws -> Measured {
        if let known = measured[path] { return known }
        guard let source = sources[path], let digest = source.knownDigest else { return try read(path) { _ in } }
        let found = Measured(sha256: digest, size: source.size)
        measured[path] = found
        return found
    }

    /// Streams one file once, hashing it; the bytes read must add up to the declared size.
    private mutating func read(_ path: AGSPath, _ consume: (UnsafeRawBufferPointer) -> Void) throws -> Measured {
        let source = sources[path]!
        var hasher = SHA256Hasher()
        var count = 0
        do {
            try source.stream { chunk in
                count += chunk.count
                guard count <= source.size else {
                    throw FormatError.invalid("\(path) is longer than its declared \(source.size) bytes")
                }
                hasher.update(chunk)
                consume(chunk)
            }
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError(.internalFailure, "\(path): \(error)")
        }
        guard count == source.size else {
            throw FormatError.invalid("\(path) ended after \(count) of its declared \(source.size) bytes")
        }
        let found = Measured(sha256: hasher.finalize(), size: count)
        measured[path] = found
        return found
    }
}
