import Foundation
import XCTest
@testable import ObjectStore
import TestSupport

/// The three ways tests reach a remote: a plain path, a file:// URL (both local pushes), and
/// git:// through a real daemon (receive-pack and upload-pack).
enum GitTestTransport: String, CaseIterable {
    case path, fileURL, daemon
}

/// Base for transport tests: a local store (`repo`), bare remotes made by stock git, and a
/// git daemon started on first use and stopped at the end.
class GitRemoteTestCase: GitTestCase {
    private var daemon: GitDaemon?

    override func tearDownWithError() throws {
        daemon?.stop()
        daemon = nil
        try super.tearDownWithError()
    }

    /// A fresh bare repository made by `git init --bare`, named after the transport.
    func makeRemote(_ name: String) throws -> String {
        let path = scratch + "/" + name + ".git"
        let output = try run("/usr/bin/git", ["init", "--quiet", "--bare", path])
        XCTAssertEqual(output.status, 0, output.stderr)
        return path
    }

    /// How `transport` addresses the repository at `remotePath` (which lives in `scratch`).
    func url(of remotePath: String, over transport: GitTestTransport) throws -> String {
        switch transport {
        case .path:
            return remotePath
        case .fileURL:
            return "file://" + remotePath
        case .daemon:
            if daemon == nil { daemon = try GitDaemon(basePath: scratch) }
            return daemon!.url((remotePath as NSString).lastPathComponent)
        }
    }

    /// `git -C <remote> args...`, which must succeed; returns stdout without the final newline.
    @discardableResult
    func remoteGit(_ remote: String, _ arguments: String..., stdin: Data? = nil,
                   file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let output = try run("/usr/bin/git", ["-C", remote, "-c", "user.name=Bob", "-c", "user.email=bob@example.org"] + arguments,
                             stdin: stdin)
        XCTAssertEqual(output.status, 0, "git \(arguments.joined(separator: " ")): \(output.stderr)", file: file, line: line)
        return output.text.trimmingCharacters(in: .newlines)
    }

    /// What a ref holds in `remote`, by stock git; nil when absent.
    func remoteRef(_ remote: String, _ name: String) throws -> GitOID? {
        let output = try run("/usr/bin/git", ["-C", remote, "rev-parse", "--verify", "--quiet", name])
        return output.status == 0 ? GitOID(hex: output.text.trimmingCharacters(in: .newlines)) : nil
    }

    /// A commit written by stock git straight into `remote` (another writer's work, unknown
    /// to the local store), holding one file.
    func foreignCommit(in remote: String, parent: GitOID?, content: String) throws -> GitOID {
        let blob = try remoteGit(remote, "hash-object", "-w", "--stdin", stdin: Data(content.utf8))
        let tree = try remoteGit(remote, "mktree", stdin: Data("100644 blob \(blob)\tfile.txt\n".utf8))
        let parents = parent.map { ["-p", $0.hex] } ?? []
        let output = try run("/usr/bin/git", ["-C", remote, "-c", "user.name=Bob", "-c", "user.email=bob@example.org",
                                              "commit-tree", tree, "-m", "bob"] + parents)
        XCTAssertEqual(output.status, 0, output.stderr)
        return try oid(output.text)
    }
}

extension GitRemoteTestCase {
    /// A local commit holding `payload` as one file, so its pack is about as large as the payload.
    func commitWithPayload(_ payload: [UInt8], parents: [GitOID] = []) throws -> GitOID {
        let blob = try repo.writeBlob(payload)
        let tree = try repo.writeTree(paths: [(path: "payload.bin", oid: blob, mode: TreeEntry.Mode.blob)])
        return try repo.createCommit(tree: tree, parents: parents, message: "payload\n", author: alice, sign: nil)
    }
}

extension GitRemoteTestCase {
    /// Points the local ref `destination` at `oid` and returns the refspec that pushes it to the
    /// same name on the remote (forced when `force`).
    func outgoing(_ oid: GitOID, to destination: String, force: Bool = false) throws -> String {
        try repo.updateReference(destination, to: oid, expected: try repo.resolveReference(destination), message: "test")
        return (force ? "+" : "") + destination + ":" + destination
    }
}
