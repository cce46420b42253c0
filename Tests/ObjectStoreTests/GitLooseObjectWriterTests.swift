import Foundation
import XCTest
@testable import ObjectStore

/// Loose objects written without libgit2 (job appends) are git's own objects: the ids stock git and
/// libgit2 give the same content, readable by git, accepted by `git fsck --strict`.
final class GitLooseObjectWriterTests: GitTestCase {
    func testLooseBlobsAreGitsObjects() throws {
        let contents: [[UInt8]] = [
            [], [0x0A], Array("{\"job_id\":\"j\",\"revision\":1}".utf8),
            (0..<70_000).map { _ in UInt8.random(in: 0...255) },  // incompressible
            Array(String(repeating: "{\"checkpoint_id\":\"cp_0001\"},", count: 12_000).utf8),
        ]
        for content in contents {
            let id = try repo.writeLooseBlob(content)
            XCTAssertEqual(id.hex, try git("hash-object", "--stdin", stdin: Data(content)).text.trimmingCharacters(in: .whitespacesAndNewlines))
            XCTAssertEqual(try git("cat-file", "blob", id.hex).stdout, Data(content), "\(content.count) bytes")
            XCTAssertEqual(try repo.readBlob(id), content, "libgit2 reads it back")
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: looseFile(id))[.posixPermissions] as? Int)
            XCTAssertEqual(mode & 0o222, 0, "loose objects are read-only, as git makes them")
        }
        try git("fsck", "--strict", "--full", "--no-dangling")
        XCTAssertEqual(try temporaryFiles(), [])
    }

    func testLooseTreeIsTheTreeLibgit2Writes() throws {
        let blob = try repo.writeLooseBlob(Array("x".utf8))
        let sub = try repo.writeTree([TreeEntry(name: "inner", oid: blob, mode: .blob)])
        // Names whose order differs between plain byte order and git's (a tree sorts as `sub/`).
        let entries = [
            TreeEntry(name: "job_state.json", oid: blob, mode: .blob), TreeEntry(name: "job_event.json", oid: blob, mode: .blob),
            TreeEntry(name: "sub", oid: sub, mode: .tree), TreeEntry(name: "sub.txt", oid: blob, mode: .blob),
            TreeEntry(name: "sub-a", oid: blob, mode: .blob), TreeEntry(name: "sub0", oid: blob, mode: .blob),
            TreeEntry(name: "run.sh", oid: blob, mode: .executable),
        ]
        let loose = try repo.writeLooseTree(entries.reversed())
        XCTAssertEqual(loose, try repo.writeTree(entries))
        XCTAssertEqual(try repo.readTree(loose).map(\.name), ["job_event.json", "job_state.json", "run.sh", "sub-a", "sub.txt", "sub", "sub0"])
        XCTAssertEqual(try repo.writeLooseTree([]), try repo.writeTree([]))
        try git("fsck", "--strict", "--full", "--no-dangling")

        XCTAssertThrowsError(try repo.writeLooseTree([TreeEntry(name: "a/b", oid: blob, mode: .blob)])) { error in
            XCTAssertEqual("\(error)", "invalid tree entry name \"a/b\"")
        }
        XCTAssertThrowsError(try repo.writeLooseTree([TreeEntry(name: "a", oid: blob, mode: .blob), TreeEntry(name: "a", oid: sub, mode: .tree)])) { error in
            XCTAssertEqual("\(error)", "duplicate tree entry \"a\"")
        }
    }

    /// An object already loose is not written again, but its time is refreshed, as git does, so
    /// that gc's grace period for unreachable objects counts from the latest write.
    func testAnExistingObjectIsFreshenedNotRewritten() throws {
        let content = Array("same".utf8)
        let id = try repo.writeLooseBlob(content)
        let path = looseFile(id)
        let inode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int)
        let weekAgo = Date(timeIntervalSinceNow: -7 * 86_400)
        try FileManager.default.setAttributes([.modificationDate: weekAgo], ofItemAtPath: path)
        XCTAssertEqual(try repo.writeLooseBlob(content), id)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual(attributes[.systemFileNumber] as? Int, inode)
        XCTAssertGreaterThan(try XCTUnwrap(attributes[.modificationDate] as? Date), weekAgo.addingTimeInterval(86_400))
        XCTAssertEqual(try temporaryFiles(), [])
    }

    /// A new store has every fan-out directory before its first write; a writer still makes one
    /// that is missing (as after `git prune`, which removes the empty ones).
    func testFanOutDirectoriesAreMadeAheadAndAMissingOneStillGetsMade() throws {
        func fanOuts(_ objects: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: objects).filter { $0.count == 2 }.sorted()
        }
        let every = (0...255).map { Hex.encode([UInt8($0)]) }
        let store = try Store.create(at: scratch + "/new-store")
        XCTAssertEqual(try fanOuts(store.path + "/objects"), every)

        XCTAssertEqual(try fanOuts(repoPath + "/objects"), [], "libgit2 alone makes none ahead")
        let before = try repo.writeLooseBlob(Array("written before".utf8))
        try repo.createLooseFanOut()
        try repo.createLooseFanOut()  // again: the ones there are kept, with what they hold
        XCTAssertEqual(try fanOuts(repoPath + "/objects"), every)
        XCTAssertEqual(try repo.readBlob(before), Array("written before".utf8))

        try git("prune", "--expire=1.hour.ago")  // keeps the fresh, unreachable blob
        XCTAssertEqual(try fanOuts(repoPath + "/objects"), [before.hex.prefix(2)].map(String.init))
        let after = try repo.writeLooseBlob(Array("written after a prune".utf8))
        XCTAssertEqual(try git("cat-file", "blob", after.hex).text, "written after a prune")
        try git("fsck", "--strict", "--full")
    }

    /// A write the filesystem refuses is an OS-class error (the CLI's exit 1), naming the file.
    func testARefusedWriteIsAnOSError() throws {
        for byte in 0...255 {
            XCTAssertTrue(FileManager.default.createFile(atPath: repoPath + "/objects/" + Hex.encode([UInt8(byte)]), contents: Data()))
        }
        XCTAssertThrowsError(try repo.writeLooseBlob(Array("x".utf8))) { error in
            let gitError = error as? GitError
            XCTAssertEqual(gitError?.isIOFailure, true, "\(error)")
            XCTAssertEqual(gitError?.isDamagedObject, false, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("create \(repoPath!)/objects/"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix(": Not a directory"), "\(error)")
        }
    }

    func testASignatureNeedsTheBlankLineAfterTheHeaders() throws {
        let text = Array("tree \(String(repeating: "0", count: 40))\nauthor a <a@b> 0 +0000\n".utf8)
        XCTAssertEqual(try GitRepository.commitText(text, signature: nil), text)
        XCTAssertThrowsError(try GitRepository.commitText(text, signature: "sig")) { error in
            XCTAssertEqual("\(error)", "commit text has no blank line after its headers")
        }
    }

    private func temporaryFiles() throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: repoPath + "/objects").filter { $0.contains("tmp_obj_") }
    }
}
