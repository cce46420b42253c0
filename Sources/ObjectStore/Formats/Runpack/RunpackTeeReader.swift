/// `RunpackReader.read` fed by another pass over the runpack's entries. A run-pack build re-zips
/// every entry anyway, so the members are hashed and their lines parsed from the bytes that copy
/// inflates, and the runpack is inflated once instead of twice.
///
/// The copy goes through the entries in name order, gait's reader through the members in its own
/// order, so the two meet problems in different orders. This reader therefore only vouches for a
/// runpack that checked out completely; otherwise (a digest, a line, a member the copy never
/// passed) `finish` hands over to `RunpackReader.read`, which reads the runpack again and fails,
/// or succeeds, exactly as it always has.
final class RunpackTeeReader {
    typealias Observer = (UnsafeRawBufferPointer) -> Void

    private let zip: ZipReader
    private let manifest: Runpack.Manifest
    private var members: [ZipEntry: MemberObservation] = [:]
    private var intents: [RunpackReader.IntentSummary] = []
    private var results: [RunpackReader.ResultSummary] = []

    /// Runs the checks that need no member's bytes, so a runpack that fails them is refused before
    /// anything is copied.
    init(_ zip: ZipReader) throws {
        self.zip = zip
        manifest = try RunpackReader.checkIndex(zip).manifest
        for file in manifest.files {
            guard let entry = zip.entry(named: file.path), members[entry] == nil else { continue }
            members[entry] = MemberObservation(name: file.path, use: use(of: file.path))
        }
    }

    private func use(of path: String) -> MemberObservation.Use {
        switch path {
        case "run.json", "refs.json": return .keep
        case "intents.jsonl": return .lines { [unowned self] in intents.append(try .init(line: $0)) }
        case "results.jsonl": return .lines { [unowned self] in results.append(try .init(line: $0)) }
        default: return .hash
        }
    }

    /// What the copy feeds with `entry`'s bytes, in order, each exactly once; nil for entries the
    /// manifest does not declare. Call from one thread.
    func observer(for entry: ZipEntry) -> Observer? {
        guard let member = members[entry] else { return nil }
        member.attached = true
        return member.feed
    }

    /// The runpack's contents, once the copy has fed every observer to the end.
    func finish() throws -> RunpackReader.Contents {
        for member in members.values { member.end() }
        guard vouchesForEveryMember, let run = member("run.json"), let refs = member("refs.json") else {
            return try RunpackReader.read(zip)
        }
        return try RunpackReader.contents(manifest: manifest, runBytes: run.bytes, intents: intents,
                                          results: results, refsBytes: refs.bytes)
    }

    /// Every declared file was passed whole by the copy and is what the manifest says.
    var vouchesForEveryMember: Bool {
        manifest.files.allSatisfy { file in
            guard let entry = zip.entry(named: file.path), let member = members[entry], member.attached, member.intact,
                  entry.uncompressedSize <= UInt64(ZipLimits.default.maxEntrySize) else { return false }
            return member.digest?.hex == file.sha256.lowercased()
        }
    }

    private func member(_ name: String) -> MemberObservation? {
        zip.entry(named: name).flatMap { members[$0] }
    }
}

/// One declared member as the copy passes it: its digest, and its lines parsed or its bytes kept.
private final class MemberObservation {
    enum Use {
        case hash
        case keep
        case lines(([UInt8]) throws -> Void)
    }

    let use: Use
    var attached = false
    /// False once a line would not split or parse; `RunpackReader.read` will say why.
    private(set) var intact = true
    private(set) var bytes: [UInt8] = []
    /// Known once `end` is called.
    private(set) var digest: SHA256Digest?
    private var hasher = SHA256Hasher()
    private var splitter: LineSplitter

    init(name: String, use: Use) {
        self.use = use
        splitter = LineSplitter(entryName: name)
    }

    func feed(_ chunk: UnsafeRawBufferPointer) {
        hasher.update(chunk)
        switch use {
        case .hash:
            break
        case .keep:
            bytes.append(contentsOf: chunk)
        case let .lines(parse):
            guard intact else { return }
            do { try splitter.feed(chunk, parse) } catch { intact = false }
        }
    }

    /// The member's last byte has gone by: its last line (if unterminated) and its digest.
    func end() {
        if case let .lines(parse) = use, intact {
            do { try splitter.finish(parse) } catch { intact = false }
        }
        digest = hasher.finalize()
    }
}
