import CGit2
import Foundation

/// A push to a repository on this machine (a path or a file:// URL), done here rather than by
/// libgit2's local transport, which writes remote refs with `force` and no comparison: a ref
/// moved by another writer during the push would be silently overwritten.
///
/// The objects the destination lacks travel as one pack, written through the destination's own
/// object database, then each ref moves by compare-and-swap against the value read at the
/// start. Objects land before any ref, so a ref never names a missing object.
struct GitLocalPush {
    private let source: GitRepository
    private let destination: GitRepository
    private let session: GitRemoteSession

    /// How long a ref update waits for another writer's lock (git's receive-pack waits 100 ms).
    private static let lockAttempts = 20
    private static let lockPause: useconds_t = 25_000

    init(source: GitRepository, destinationPath: String, session: GitRemoteSession) throws {
        let destination = try GitRepository.open(at: destinationPath)
        guard git_repository_is_bare(destination.handle) == 1 else {
            throw GitRemoteError.nonBareDestination(destinationPath)
        }
        self.source = source
        self.destination = destination
        self.session = session
    }

    /// The directory a URL names when libgit2 would use its local transport for it, else nil.
    /// libgit2's rule on POSIX: `file://` URLs, and anything else without a `:` (with a `:` it is
    /// an ssh address, scp-style, or another scheme).
    static func destinationPath(forURL url: String) throws -> String? {
        guard url.lowercased().hasPrefix("file://") else { return url.contains(":") ? nil : url }
        var rest = Substring(url.dropFirst("file://".count))
        if rest.lowercased().hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
        guard rest.hasPrefix("/"), let path = String(rest).removingPercentEncoding else {
            throw GitRemoteError.invalidURL(url)
        }
        return path
    }

    func push(_ commands: [GitPushCommand]) throws -> [GitPushResult] {
        var current = [String: GitOID]()
        for command in commands {
            current[command.destination] = try destination.resolveReference(command.destination)
        }
        let verdicts = commands.map { $0.rejection(current: current[$0.destination], in: source) }
        let toSend = zip(commands, verdicts).filter { $0.1 == nil }.map(\.0)
        try sendObjects(reachableFrom: toSend.compactMap(\.new))
        return zip(commands, verdicts).map { command, verdict in
            if let verdict { return GitPushResult(ref: command.destination, rejection: verdict) }
            return updateRemoteRef(command, expected: current[command.destination])
        }
    }

    /// Moves one destination ref, only if it still holds `expected`.
    private func updateRemoteRef(_ command: GitPushCommand, expected: GitOID?) -> GitPushResult {
        let ref = command.destination
        for _ in 0..<Self.lockAttempts {
            do {
                if let new = command.new {
                    if new != expected {
                        try destination.updateReference(ref, to: new, expected: expected, message: "gaitstore push")
                    }
                } else if let expected {
                    try destination.deleteReference(ref, expected: expected)
                }
                return GitPushResult(ref: ref, rejection: nil)
            } catch GitRefUpdateError.conflict {
                return GitPushResult(ref: ref, rejection: GitPushResult.fetchFirst)
            } catch GitRefUpdateError.locked {
                usleep(Self.lockPause)
            } catch {
                return GitPushResult(ref: ref, rejection: "failed to update ref: \(error)")
            }
        }
        return GitPushResult(ref: ref, rejection: GitPushResult.remoteRefLocked)
    }

    /// Packs what `tips` reach minus what the destination's refs already reach, as libgit2's
    /// own push chooses objects, and indexes the pack into the destination.
    private func sendObjects(reachableFrom tips: [GitOID]) throws {
        guard !tips.isEmpty else { return }
        var builder: OpaquePointer?
        try gitCheck(git_packbuilder_new(&builder, source.handle), "start pack for \(session.label)")
        defer { git_packbuilder_free(builder) }
        _ = git_packbuilder_set_threads(builder, 0)
        var walk: OpaquePointer?
        try gitCheck(git_revwalk_new(&walk, source.handle), "start history walk")
        defer { git_revwalk_free(walk) }

        var walksCommits = false
        for tip in tips {
            walksCommits = try enqueue(tip, builder: builder, walk: walk) || walksCommits
        }
        for reference in try destination.references(withPrefix: "") where source.containsObject(reference.oid) {
            // Refs that name trees or blobs cannot be hidden; their objects are simply sent again.
            _ = reference.oid.withRaw { git_revwalk_hide(walk, $0) }
        }
        if walksCommits {
            try gitCheck(git_packbuilder_insert_walk(builder, walk), "pack history for \(session.label)")
        }
        guard git_packbuilder_object_count(builder) > 0 else { return }
        try writePack(builder)
    }

    /// Adds one pushed object: commits go to the walk, tags are added and followed to their
    /// target, trees and blobs are added with everything below them. Returns whether a commit
    /// was pushed into the walk.
    private func enqueue(_ tip: GitOID, builder: OpaquePointer?, walk: OpaquePointer?) throws -> Bool {
        var oid = tip
        while true {
            var object: OpaquePointer?
            try oid.withRaw { try gitCheck(git_object_lookup(&object, source.handle, $0, GIT_OBJECT_ANY), "read object \(oid)") }
            defer { git_object_free(object) }
            switch git_object_type(object) {
            case GIT_OBJECT_COMMIT:
                try oid.withRaw { try gitCheck(git_revwalk_push(walk, $0), "walk history of \(oid)") }
                return true
            case GIT_OBJECT_TAG:
                try oid.withRaw { try gitCheck(git_packbuilder_insert(builder, $0, nil), "pack tag \(oid)") }
                oid = GitOID(git_tag_target_id(object))
            default:
                try oid.withRaw { try gitCheck(git_packbuilder_insert_recur(builder, $0, nil), "pack object \(oid)") }
                return false
            }
        }
    }

    /// Streams the pack straight into the destination's object database, which indexes it as
    /// it arrives and makes it visible on commit. Progress is reported after every chunk.
    private func writePack(_ builder: OpaquePointer?) throws {
        var writepack: UnsafeMutablePointer<git_odb_writepack>?
        try gitCheck(git_odb_write_pack(&writepack, try destination.odb(), nil, nil), "receive pack into \(destination.path)")
        guard let writepack else { return }
        defer { writepack.pointee.free(writepack) }

        /// The indexer counts objects but not bytes; the byte count is kept here.
        final class Sink {
            let writepack: UnsafeMutablePointer<git_odb_writepack>
            let progress: ((GitTransferProgress) -> Void)?
            var stats = git_indexer_progress()

            init(_ writepack: UnsafeMutablePointer<git_odb_writepack>, progress: ((GitTransferProgress) -> Void)?) {
                self.writepack = writepack
                self.progress = progress
            }

            func report() { progress?(GitTransferProgress(stats)) }
        }
        let sink = Sink(writepack, progress: session.progress)
        let code = withExtendedLifetime(sink) {
            git_packbuilder_foreach(builder, { data, size, payload in
                let sink = Unmanaged<Sink>.fromOpaque(payload!).takeUnretainedValue()
                let received = sink.stats.received_bytes + size
                let code = sink.writepack.pointee.append(sink.writepack, data, size, &sink.stats)
                sink.stats.received_bytes = received
                if code == 0 { sink.report() }
                return code
            }, Unmanaged.passUnretained(sink).toOpaque())
        }
        try gitCheck(code, "send pack to \(destination.path)")
        let received = sink.stats.received_bytes
        try gitCheck(writepack.pointee.commit(writepack, &sink.stats), "index pack in \(destination.path)")
        sink.stats.received_bytes = received
        sink.report()
    }
}
