import CGit2

/// Moves objects between two repositories on this machine: what the receiver lacks travels as
/// one pack, written by `GitPackWriter` (stored bytes reused, no delta search) straight into the
/// receiver's object database, which indexes it as it arrives. Used for pushes to and fetches
/// from paths and file:// URLs, where libgit2's local transport would run its pack builder.
///
/// The receiver recomputes every id while indexing; afterwards every object meant to arrive is
/// looked up there, so a ref is only ever moved to a complete history.
struct GitLocalObjectTransfer {
    let source: GitRepository
    let destination: GitRepository
    /// Names the other side in errors.
    let label: String
    let progress: ((GitTransferProgress) -> Void)?

    /// Sends what `tips` reach that the receiver does not have: history its refs already reach
    /// is skipped, and so is any object it holds anyway.
    func send(reachableFrom tips: [GitOID]) throws {
        guard !tips.isEmpty else { return }
        let haves = try destination.references(withPrefix: "").map(\.oid)
        let receiverODB = try destination.odb()
        try gitCheck(git_odb_refresh(receiverODB), "rescan objects of \(destination.path)")
        let objects = try source.objectsToSend(tips: tips, haves: haves).filter { oid in
            oid.withRaw { git_odb_exists_ext(receiverODB, $0, UInt32(GIT_ODB_LOOKUP_NO_REFRESH.rawValue)) } != 1
        }
        guard !objects.isEmpty else { return }
        try writePack(of: objects)
        if let missing = objects.first(where: { !destination.contains($0) }) {
            throw GitRemoteError.incompleteTransfer(label, missing: missing.hex)
        }
    }

    /// Streams the pack into the receiver's object database; progress is reported per chunk.
    private func writePack(of objects: [GitOID]) throws {
        var writepack: UnsafeMutablePointer<git_odb_writepack>?
        try gitCheck(git_odb_write_pack(&writepack, try destination.odb(), nil, nil), "receive pack into \(destination.path)")
        guard let writepack else { return }
        defer { writepack.pointee.free(writepack) }

        // The indexer counts objects but not bytes; the byte count is kept here.
        var stats = git_indexer_progress()
        var received = 0
        try GitPackWriter(repository: source).write(objects) { chunk, _ in
            received += chunk.count
            try gitCheck(writepack.pointee.append(writepack, chunk.baseAddress, chunk.count, &stats), "send pack to \(label)")
            stats.received_bytes = received
            progress?(GitTransferProgress(stats))
        }
        try gitCheck(writepack.pointee.commit(writepack, &stats), "index pack in \(label)")
        stats.received_bytes = received
        progress?(GitTransferProgress(stats))
    }
}
