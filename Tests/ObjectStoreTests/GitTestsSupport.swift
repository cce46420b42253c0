import Foundation
import XCTest
@testable import ObjectStore
import TestSupport

/// Base for the git layer's tests: a fresh bare repository in its own temporary folder, and the
/// real `git` CLI (isolated from the machine's configuration) as the oracle.
class GitTestCase: XCTestCase {
    var scratch: String!
    var repoPath: String!
    var repo: GitRepository!

    override func setUpWithError() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gaitstore-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        scratch = base.path
        repoPath = scratch + "/store.git"
        repo = try GitRepository.initBare(at: repoPath)
    }

    override func tearDownWithError() throws {
        repo = nil
        if let scratch { try FileManager.default.removeItem(atPath: scratch) }
    }

    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
        var lines: [String] { text.split(separator: "\n").map(String.init) }
    }

    /// Runs a program to completion; stdout and stderr go through files so neither can block it.
    func run(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> Output {
        let id = UUID().uuidString
        let outPath = scratch + "/.out-\(id)", errPath = scratch + "/.err-\(id)", inPath = scratch + "/.in-\(id)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        _ = FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        defer { [outPath, errPath, inPath].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["LC_ALL"] = "C"
        process.environment = environment
        process.standardInput = FileHandle(forReadingAtPath: inPath)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: FileManager.default.contents(atPath: outPath) ?? Data(),
                      stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    /// `git -C <repo> args...`, which must succeed.
    @discardableResult
    func git(_ arguments: String..., stdin: Data? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Output {
        try git(arguments, stdin: stdin, file: file, line: line)
    }

    @discardableResult
    func git(_ arguments: [String], stdin: Data? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Output {
        let output = try gitStatus(arguments, stdin: stdin)
        XCTAssertEqual(output.status, 0, "git \(arguments.joined(separator: " ")): \(output.stderr)", file: file, line: line)
        return output
    }

    /// `git -C <repo> args...`, whatever its exit status.
    func gitStatus(_ arguments: [String], stdin: Data? = nil) throws -> Output {
        try run("/usr/bin/git", ["-C", repoPath] + arguments, stdin: stdin)
    }

    /// Every object of one pack (`.pack` or `.idx` path), by stock git, which must accept the pack.
    func verifyPack(_ pack: String, file: StaticString = #filePath, line: UInt = #line) throws -> [PackedObject<GitOID>] {
        try PackedObject.list(pack, id: GitOID.init(hex:), file: file, line: line)
    }

    /// The delta bases of the blobs in the repository's packs, by `git verify-pack -v`: blob -> base.
    func deltaBases() throws -> [GitOID: GitOID] {
        let objects = try GitPackIndex.packs(inRepository: repoPath).flatMap { try verifyPack($0) }
        return Dictionary(uniqueKeysWithValues: objects.compactMap { object in
            object.type == "blob" ? object.base.map { (object.id, $0) } : nil
        })
    }

    /// Where `oid` lies as a loose object of the test's repository.
    func looseFile(_ oid: GitOID) -> String {
        repoPath + "/objects/" + GitLooseObjectWriter.relativePath(of: oid)
    }

    /// `git count-objects -v` of `repository` (the test's own by default) as a dictionary.
    func countObjects(in repository: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Int] {
        let output = try run("/usr/bin/git", ["-C", repository ?? repoPath, "count-objects", "-v"])
        XCTAssertEqual(output.status, 0, "git count-objects: \(output.stderr)", file: file, line: line)
        var counts = [String: Int]()
        for row in output.lines {
            let parts = row.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            counts[parts[0]] = Int(parts[1])
        }
        return counts
    }

    func oid(_ hex: String, file: StaticString = #filePath, line: UInt = #line) throws -> GitOID {
        try XCTUnwrap(GitOID(hex: hex.trimmingCharacters(in: .whitespacesAndNewlines)), file: file, line: line)
    }

    func randomBytes(_ count: Int) throws -> [UInt8] {
        let urandom = try XCTUnwrap(FileHandle(forReadingAtPath: "/dev/urandom"))
        defer { try? urandom.close() }
        return [UInt8](urandom.readData(ofLength: count))
    }

    func writeFile(_ name: String, _ bytes: [UInt8]) -> String {
        let path = scratch + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Commits a tree of `paths` on the catalog ref, after whatever it held, so that a repack
    /// keeps everything in it; returns the tree.
    @discardableResult
    func commitOnCatalog(_ paths: [(path: String, oid: GitOID, mode: TreeEntry.Mode)], message: String = "blobs\n") throws -> GitOID {
        let tree = try repo.writeTree(paths: paths)
        let tip = try repo.createCommit(tree: tree, parents: [], message: message, author: alice, sign: nil)
        let old = try repo.resolveReference("refs/gaitstore/catalog")
        try repo.updateReference("refs/gaitstore/catalog", to: tip, expected: old, message: "test")
        return tree
    }

    /// Stores `contents` (streamed in, as imports write them) as files `f0`, `f1`, ... of one
    /// commit on the catalog ref; returns the blobs in order and their tree.
    @discardableResult
    func commitBlobs(_ contents: [[UInt8]]) throws -> (blobs: [GitOID], tree: GitOID) {
        let blobs = try contents.map { content in
            try repo.writeBlob(size: content.count) { write in try content.withUnsafeBytes { try write($0) } }
        }
        let tree = try commitOnCatalog(blobs.enumerated().map { (path: "f\($0.offset)", oid: $0.element, mode: TreeEntry.Mode.blob) })
        return (blobs, tree)
    }

    let alice = GitSignatureIdentity(name: "Alice Example", email: "alice@example.org", time: 1_700_000_000)

    /// A commit over a tree of the given files, for tests that need history rather than content.
    func commit(_ files: [String: String], parents: [GitOID] = [], message: String = "test\n", time: Int64 = 1_700_000_000) throws -> GitOID {
        let paths = try files.map { (path: $0.key, oid: try repo.writeBlob(Array($0.value.utf8)), mode: TreeEntry.Mode.blob) }
        let tree = try repo.writeTree(paths: paths)
        let author = GitSignatureIdentity(name: alice.name, email: alice.email, time: time)
        return try repo.createCommit(tree: tree, parents: parents, message: message, author: author, sign: nil)
    }
}
