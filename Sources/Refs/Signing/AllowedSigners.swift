import Foundation
import ObjectStore

/// OpenSSH's allowed_signers file (`ssh-keygen(1)` ALLOWED SIGNERS), the trust list git reads
/// through `gpg.ssh.allowedSignersFile`: one key per line, with the principals it may sign as.
///
/// ```
/// principal[,principal...] [namespaces="git",valid-after="...",valid-before="..."] ssh-ed25519 AAAA... [comment]
/// ```
/// The file is edited in place: comments, blank lines, keys of other types and options are kept
/// as written, and only lines that change are rewritten.
public struct AllowedSigners: Sendable {
    /// One trusted Ed25519 key and what it may sign.
    public struct Entry: Hashable, Sendable {
        /// The names the key signs as (OpenSSH patterns in general; `add` writes literal names).
        public var principals: [String]
        public var key: Ed25519PublicKey
        /// The `namespaces` option (a pattern list); nil when the key may sign in any namespace.
        public var namespaces: String?
        public var validAfter: Date?
        public var validBefore: Date?
        public var comment: String

        /// True when the entry lets its key sign in `namespace` at `time`, by OpenSSH's rules.
        public func permits(namespace: String, at time: Date) -> Bool {
            if let namespaces, !OpenSSHPattern.listMatches(namespace, patterns: namespaces) { return false }
            if let validAfter, time < validAfter { return false }
            if let validBefore, time > validBefore { return false }
            return true
        }
    }

    /// The namespace `add` restricts new keys to: they are trusted for git signatures only.
    public static let gitNamespace = "git"
    /// allowed_signers files are small; a larger file is the wrong file.
    private static let sizeLimit = 16 * 1024 * 1024

    private var lines: [AllowedSignersLine]

    public init() {
        lines = []
    }

    /// Reads the file at `path`; a missing file is an empty list (nothing trusted yet).
    public static func load(_ path: String) throws -> AllowedSigners {
        let bytes: [UInt8]
        do {
            bytes = try SmallFile.read(path, limit: sizeLimit)
        } catch SmallFile.Failure.notFound {
            return AllowedSigners()
        } catch let failure as SmallFile.Failure {
            throw AllowedSignersError.unreadable(path: path, reason: failure.description)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard Array(text.utf8) == bytes else { throw AllowedSignersError.unreadable(path: path, reason: "not UTF-8 text") }
        return try AllowedSigners(parsing: text, path: path)
    }

    /// Parses file text; `path` only names the file in errors.
    public init(parsing text: String, path: String) throws {
        var body = Substring(text)
        if body.hasSuffix("\n") { body = body.dropLast() }
        lines = []
        guard !text.isEmpty else { return }
        for (index, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = line
            if line.hasSuffix("\r") { line = line.dropLast() }
            do {
                lines.append(try AllowedSignersLine(parsing: String(line)))
            } catch let problem as AllowedSignersLine.Problem {
                throw AllowedSignersError.malformedLine(path: path, line: index + 1, reason: problem.reason)
            }
        }
    }

    /// The Ed25519 keys in the file. Keys of other types and `cert-authority` lines are kept in the
    /// file but never trusted by gaitstore, so they are not listed here.
    public var entries: [Entry] {
        lines.compactMap { line in
            guard case .key(let keyLine) = line, var entry = keyLine.entry else { return nil }
            entry.principals = keyLine.principals
            return entry
        }
    }

    /// Trusts `key` to sign git objects as `principal`. Adding a pair that is already present is a
    /// no-op; a principal may have several keys (rotation).
    public mutating func add(principal: String, key: Ed25519PublicKey) throws {
        try Self.validate(principal: principal)
        let present = entries.contains {
            $0.key == key && $0.principals.contains(principal) && $0.validAfter == nil && $0.validBefore == nil
                && ($0.namespaces == nil || $0.namespaces == Self.gitNamespace)
        }
        guard !present else { return }
        let entry = Entry(principals: [principal], key: key, namespaces: Self.gitNamespace,
                          validAfter: nil, validBefore: nil, comment: "")
        let rest = "namespaces=\"\(Self.gitNamespace)\" \(key.openSSHLine)"
        lines.append(.key(AllowedSignersLine.KeyLine(principals: [principal], rest: rest, entry: entry, original: nil)))
    }

    /// Removes `principal` from every line that names it, and lines left with no principal;
    /// false when no line named it. Lines of every key type are searched.
    @discardableResult
    public mutating func remove(principal: String) -> Bool {
        var removed = false
        lines = lines.compactMap { line in
            guard case .key(var keyLine) = line, keyLine.principals.contains(principal) else { return line }
            removed = true
            keyLine.principals.removeAll { $0 == principal }
            return keyLine.principals.isEmpty ? nil : .key(keyLine)
        }
        return removed
    }

    /// The principals whose entries let `key` sign in `namespace` at `time` (for a commit: its
    /// committer time, as git checks); empty means the key is not trusted.
    public func principals(for key: Ed25519PublicKey, namespace: String, at time: Date = Date()) -> [String] {
        var found = [String]()
        for entry in entries where entry.key == key && entry.permits(namespace: namespace, at: time) {
            for principal in entry.principals where !found.contains(principal) {
                found.append(principal)
            }
        }
        return found
    }

    /// The file text: every line, each ending in "\n".
    public var text: String {
        lines.map { $0.text + "\n" }.joined()
    }

    /// Replaces the file atomically (readers such as a concurrent `git verify-commit` see the old
    /// or the new list, never half of one).
    public func write(to path: String) throws {
        do {
            try SmallFile.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
        } catch let failure as SmallFile.Failure {
            throw AllowedSignersError.writeFailed(path: path, reason: failure.description)
        }
    }

    /// Principals are written bare, so they cannot hold what would change the line's meaning:
    /// separators, quotes, comment marks or OpenSSH pattern characters.
    private static func validate(principal: String) throws {
        let forbidden: Set<Character> = [",", "\"", "*", "?", "!", "#"]
        guard !principal.isEmpty,
              !principal.contains(where: { $0.isWhitespace || forbidden.contains($0) || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } })
        else {
            throw AllowedSignersError.invalidPrincipal(principal)
        }
    }
}
