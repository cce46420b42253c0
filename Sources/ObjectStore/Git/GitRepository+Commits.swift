import CGit2

extension GitRepository {
    /// Writes a commit object and returns its id. No ref moves; publish it with `updateReference`.
    ///
    /// When `sign` is given it receives the exact commit text that git verifies (the commit
    /// without its `gpgsig` header) and returns an armored signature, which is stored in the
    /// `gpgsig` header, as `git commit -S` does. A trailing newline on the signature is dropped so
    /// the bytes, and so the commit id, equal git's own layout. `committer` defaults to `author`.
    public func createCommit(tree: GitOID, parents: [GitOID], message: String, author: GitSignatureIdentity,
                             committer: GitSignatureIdentity? = nil,
                             sign: ((String) throws -> String)?) throws -> GitOID {
        guard !message.utf8.contains(0) else { throw GitCommitError.containsNUL(field: "message") }
        let authorHandle = try makeSignature(author)
        defer { git_signature_free(authorHandle) }
        let committerHandle = try makeSignature(committer ?? author)
        defer { git_signature_free(committerHandle) }
        let treeHandle = try lookupTree(tree)
        defer { git_tree_free(treeHandle) }
        var parentHandles = [OpaquePointer?]()
        defer { parentHandles.forEach { git_commit_free($0) } }
        for parent in parents {
            parentHandles.append(try lookupCommit(parent))
        }

        var payload = git_buf()
        defer { git_buf_dispose(&payload) }
        try parentHandles.withUnsafeMutableBufferPointer { parentPointers in
            try gitCheck(git_commit_create_buffer(&payload, handle, authorHandle, committerHandle, nil, message,
                                                  treeHandle, parents.count, parentPointers.baseAddress),
                         "build commit on tree \(tree)")
        }

        var signature: String?
        if let sign {
            let text = String(decoding: UnsafeRawBufferPointer(start: payload.ptr, count: payload.size), as: UTF8.self)
            var armored = try sign(text)
            while armored.hasSuffix("\n") { armored.removeLast() }
            guard !armored.utf8.contains(0) else { throw GitCommitError.containsNUL(field: "signature") }
            signature = armored
        }
        let content = Array(UnsafeRawBufferPointer(start: payload.ptr, count: payload.size))
        return try looseWriter().write(.commit, try Self.commitText(content, signature: signature))
    }

    /// The commit text with `signature` as its `gpgsig` header, placed and continued as
    /// `git_commit_create_with_signature` (and git) write it: after the other headers, each
    /// further line indented by one space.
    static func commitText(_ content: [UInt8], signature: String?) throws -> [UInt8] {
        guard let signature else { return content }
        guard let blank = content.firstRange(of: [0x0A, 0x0A]) else { throw GitCommitError.malformed }
        var text = Array(content[...blank.lowerBound])
        text += "gpgsig ".utf8
        text += signature.utf8.flatMap { $0 == 0x0A ? [0x0A, 0x20] : [$0] }
        text.append(0x0A)
        text += content[(blank.lowerBound + 1)...]
        return text
    }

    /// Tree, parents, message and identities of a commit.
    public func readCommit(_ oid: GitOID) throws -> GitCommitInfo {
        let commit = try lookupCommit(oid)
        defer { git_commit_free(commit) }
        return GitCommitInfo(
            tree: GitOID(git_commit_tree_id(commit)),
            parents: (0..<git_commit_parentcount(commit)).map { GitOID(git_commit_parent_id(commit, $0)) },
            message: String(cString: git_commit_message(commit)),
            author: GitSignatureIdentity(git_commit_author(commit).pointee),
            committer: GitSignatureIdentity(git_commit_committer(commit).pointee))
    }

    /// A commit's tree alone, without copying out its message (an import's lists every pack id).
    public func commitTree(_ oid: GitOID) throws -> GitOID {
        let commit = try lookupCommit(oid)
        defer { git_commit_free(commit) }
        return GitOID(git_commit_tree_id(commit))
    }

    /// The `gpgsig` signature of a commit and the exact bytes it signs, or nil for an unsigned commit.
    public func extractSignature(_ oid: GitOID) throws -> (signature: String, signedData: [UInt8])? {
        try requireCommit(oid)
        var signature = git_buf()
        var signedData = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signedData)
        }
        let code = oid.withRaw { raw in
            var id = raw.pointee
            return git_commit_extract_signature(&signature, &signedData, handle, &id, nil)
        }
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, "read signature of commit \(oid)")
        let text = String(decoding: UnsafeRawBufferPointer(start: signature.ptr, count: signature.size), as: UTF8.self)
        let bytes = Array(UnsafeRawBufferPointer(start: signedData.ptr, count: signedData.size))
        return (text, bytes)
    }

    func lookupCommit(_ oid: GitOID) throws -> OpaquePointer {
        var commit: OpaquePointer?
        try oid.withRaw { try gitCheck(git_commit_lookup(&commit, handle, $0), "read commit \(oid)") }
        return commit!
    }

    /// Throws unless `oid` names an existing commit, so callers can tell "unsigned" from "wrong id".
    func requireCommit(_ oid: GitOID) throws {
        var length = 0
        var type = GIT_OBJECT_INVALID
        try oid.withRaw { try gitCheck(git_odb_read_header(&length, &type, try odb(), $0), "read commit \(oid)") }
        guard type == GIT_OBJECT_COMMIT else { throw GitCommitError.notACommit(oid) }
    }

    private func makeSignature(_ identity: GitSignatureIdentity) throws -> UnsafeMutablePointer<git_signature>? {
        guard !identity.name.utf8.contains(0) else { throw GitCommitError.containsNUL(field: "name") }
        guard !identity.email.utf8.contains(0) else { throw GitCommitError.containsNUL(field: "email") }
        var signature: UnsafeMutablePointer<git_signature>?
        try gitCheck(git_signature_new(&signature, identity.name, identity.email, identity.time, Int32(identity.offsetMinutes)),
                     "make signature for \(identity.name) <\(identity.email)>")
        return signature
    }
}
