import CGit2

extension GitRepository {
    /// The commit (or other object) a reference points at, following symbolic refs; nil if absent.
    public func resolveReference(_ name: String) throws -> GitOID? {
        guard Self.isValidReferenceName(name) else { throw GitRefUpdateError.invalidName(name) }
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, handle, name)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, "read reference \(name)")
        return GitOID(oid)
    }

    /// Moves `name` to `new` only if it still holds `expected` (nil: only if it does not exist),
    /// atomically against every other writer, in this process or another.
    ///
    /// libgit2 compares the old value under `<name>.lock`, which it creates exclusively, then
    /// renames the lock into place. `force` must be 1: with 0, libgit2 refuses any existing ref
    /// before comparing. The target object must already exist.
    ///
    /// - Throws: `GitRefUpdateError.conflict` when the reference held something else,
    ///   `.locked` when another writer holds the lock at this instant, `.invalidName`.
    public func updateReference(_ name: String, to new: GitOID, expected: GitOID?, message: String) throws {
        guard Self.isValidReferenceName(name) else { throw GitRefUpdateError.invalidName(name) }
        var target = new.raw
        var current = expected?.raw ?? git_oid()
        var reference: OpaquePointer?
        let code = git_reference_create_matching(&reference, handle, name, &target, 1, &current, message)
        if code == 0 {
            git_reference_free(reference)
            return
        }
        switch code {
        case GIT_EMODIFIED.rawValue, GIT_EEXISTS.rawValue:
            throw GitRefUpdateError.conflict(name, current: try resolveReference(name))
        case GIT_ENOTFOUND.rawValue where expected != nil:
            let error = GitError.last(code: code, operation: "update reference \(name) to \(new)")
            if try resolveReference(name) == nil { throw GitRefUpdateError.conflict(name, current: nil) }
            throw error  // the ref exists, so the ENOTFOUND was about something else
        case GIT_ELOCKED.rawValue:
            throw GitRefUpdateError.locked(name)
        default:
            throw GitError.last(code: code, operation: "update reference \(name) to \(new)")
        }
    }

    /// Deletes `name` only if it still points at `expected`, with the same lock-and-compare as
    /// `updateReference` and the same errors.
    public func deleteReference(_ name: String, expected: GitOID) throws {
        guard Self.isValidReferenceName(name) else { throw GitRefUpdateError.invalidName(name) }
        var reference: OpaquePointer?
        let lookup = git_reference_lookup(&reference, handle, name)
        if lookup == GIT_ENOTFOUND.rawValue { throw GitRefUpdateError.conflict(name, current: nil) }
        try gitCheck(lookup, "read reference \(name)")
        defer { git_reference_free(reference) }
        guard git_reference_type(reference) == GIT_REFERENCE_DIRECT,
              let target = git_reference_target(reference), GitOID(target) == expected else {
            throw GitRefUpdateError.conflict(name, current: try resolveReference(name))
        }
        // libgit2 re-checks, under the lock, that the ref still holds the value read above.
        switch git_reference_delete(reference) {
        case 0:
            return
        case GIT_EMODIFIED.rawValue, GIT_ENOTFOUND.rawValue:
            throw GitRefUpdateError.conflict(name, current: try resolveReference(name))
        case GIT_ELOCKED.rawValue:
            throw GitRefUpdateError.locked(name)
        case let code:
            throw GitError.last(code: code, operation: "delete reference \(name)")
        }
    }

    /// Every reference whose name starts with `prefix`, with the object it resolves to, sorted by
    /// name. Symbolic refs that resolve to nothing (an unborn `HEAD`) are left out.
    public func references(withPrefix prefix: String) throws -> [(name: String, oid: GitOID)] {
        // The prefix becomes a glob; characters that are glob syntax can never occur in a valid
        // reference name, so such a prefix matches nothing.
        guard !prefix.contains(where: { "*?[\\".contains($0) }) else { return [] }
        var iterator: OpaquePointer?
        try gitCheck(git_reference_iterator_glob_new(&iterator, handle, prefix + "*"), "list references \(prefix)*")
        defer { git_reference_iterator_free(iterator) }
        var found = [(name: String, oid: GitOID)]()
        while true {
            var reference: OpaquePointer?
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, "list references \(prefix)*")
            defer { git_reference_free(reference) }
            let name = String(cString: git_reference_name(reference))
            guard name.hasPrefix(prefix) else { continue }
            if let target = git_reference_target(reference) {
                found.append((name, GitOID(target)))
            } else if let resolved = try? resolveReference(name) {
                found.append((name, resolved))
            }
        }
        found.sort { pathPrecedes($0.name, $1.name) }
        return found
    }

    /// git's own rule for reference names (`git check-ref-format`): `refs/...` with no `..`,
    /// control characters, `~^:?*[\`, trailing `.lock` and similar, or a top-level all-caps name.
    public static func isValidReferenceName(_ name: String) -> Bool {
        GitLibrary.ensureInitialized()
        guard !name.utf8.contains(0) else { return false }
        var valid: Int32 = 0
        guard git_reference_name_is_valid(&valid, name) == 0 else { return false }
        return valid == 1
    }
}
