import Foundation
import XCTest
@testable import ObjectStore

final class GitTreeTests: GitTestCase {
    /// `git ls-tree [-r] -z` as (mode, type, oid, path) rows, in git's order.
    func lsTree(_ tree: GitOID, recursive: Bool) throws -> [(mode: String, type: String, oid: String, path: String)] {
        let output = try git(recursive ? ["ls-tree", "-r", "-z", tree.hex] : ["ls-tree", "-z", tree.hex])
        return output.stdout.split(separator: 0).map { record in
            let text = String(decoding: record, as: UTF8.self)
            let (meta, path) = (text.split(separator: "\t", maxSplits: 1)[0], text.split(separator: "\t", maxSplits: 1)[1])
            let fields = meta.split(separator: " ").map(String.init)
            return (fields[0], fields[1], fields[2], String(path))
        }
    }

    func gitMode(_ mode: TreeEntry.Mode) -> String {
        switch mode {
        case .blob: return "100644"
        case .executable: return "100755"
        case .tree: return "040000"
        }
    }

    func testNestedPathsAreReadBackByGitLsTree() throws {
        let files: [(String, String, TreeEntry.Mode)] = [
            ("a/b/c.txt", "c\n", .blob), ("a/b/d.txt", "d\n", .blob), ("a/x", "x\n", .blob),
            ("a.txt", "dot sorts before slash\n", .blob), ("a-b", "dash\n", .blob), ("z", "z\n", .blob),
            ("bin/run.sh", "#!/bin/sh\n", .executable), ("ü/é.txt", "unicode\n", .blob), ("deep/1/2/3/4/5", "deep\n", .blob),
        ]
        var expected = [(path: String, oid: GitOID, mode: TreeEntry.Mode)]()
        for (path, content, mode) in files {
            expected.append((path, try repo.writeBlob(Array(content.utf8)), mode))
        }
        let root = try repo.writeTree(paths: expected.reversed())

        let listed = try lsTree(root, recursive: true)
        let sorted = expected.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        XCTAssertEqual(listed.map(\.path), sorted.map(\.path))
        XCTAssertEqual(listed.map(\.oid), sorted.map(\.oid.hex))
        XCTAssertEqual(listed.map(\.mode), sorted.map { gitMode($0.mode) })

        let walked = try repo.walkTree(root)
        XCTAssertEqual(walked.map(\.path), listed.map(\.path))
        XCTAssertEqual(walked.map(\.entry.oid.hex), listed.map(\.oid))
        XCTAssertEqual(walked.map { gitMode($0.entry.mode) }, listed.map(\.mode))
        XCTAssertEqual(walked.first { $0.path == "a/b/c.txt" }?.entry.name, "c.txt")

        let level = try repo.readTree(root)
        let gitLevel = try lsTree(root, recursive: false)
        XCTAssertEqual(level.map(\.name), gitLevel.map(\.path))
        XCTAssertEqual(level.map(\.oid.hex), gitLevel.map(\.oid))
        XCTAssertEqual(level.map { gitMode($0.mode) }, gitLevel.map(\.mode))

        let subtree = try repo.treeEntry(root, path: "a/b")
        XCTAssertEqual(subtree?.mode, .tree)
        XCTAssertEqual(subtree?.name, "b")
        XCTAssertEqual(subtree?.oid.hex, try git("rev-parse", "\(root.hex):a/b").text.trimmingCharacters(in: .newlines))
        XCTAssertEqual(try repo.treeEntry(root, path: "bin/run.sh")?.mode, .executable)
        XCTAssertEqual(try repo.treeEntry(root, path: "ü/é.txt")?.oid, expected.first { $0.path == "ü/é.txt" }?.oid)
        XCTAssertNil(try repo.treeEntry(root, path: "a/b/missing"))
        XCTAssertNil(try repo.treeEntry(root, path: "nothing/here"))
        XCTAssertThrowsError(try repo.treeEntry(root, path: "a//b"))
    }

    func testAnExistingTreeCanBeGraftedAtAPath() throws {
        let blob = try repo.writeBlob(Array("manifest\n".utf8))
        let pack = try repo.writeTree(paths: [("manifest.json", blob, .blob), ("logs/run.log", blob, .blob)])
        let root = try repo.writeTree(paths: [("packs/ab/abcdef", pack, .tree), ("meta/ab/abcdef.json", blob, .blob)])
        XCTAssertEqual(try lsTree(root, recursive: true).map(\.path),
                       ["meta/ab/abcdef.json", "packs/ab/abcdef/logs/run.log", "packs/ab/abcdef/manifest.json"])
        XCTAssertEqual(try repo.treeEntry(root, path: "packs/ab/abcdef")?.oid, pack)
        XCTAssertThrowsError(try repo.writeTree(paths: [("p", pack, .tree), ("p/extra", blob, .blob)])) { error in
            XCTAssertEqual("\(error)", "path \"p/extra\" collides with a file or directory of the same name")
        }
    }

    func testBadPathsAndNamesAreRefusedWithTheirName() throws {
        let blob = try repo.writeBlob(Array("x".utf8))
        let cases: [([String], String)] = [
            (["a", "a"], "duplicate path \"a\""),
            (["a", "a/b"], "path \"a/b\" collides with a file or directory of the same name"),
            (["a/b", "a"], "path \"a\" collides with a file or directory of the same name"),
            (["a/../b"], "invalid path \"a/../b\""),
            (["./a"], "invalid path \"./a\""),
            (["/abs"], "invalid path \"/abs\""),
            (["dir/"], "invalid path \"dir/\""),
            ([""], "invalid path \"\""),
            (["nul\u{0}byte"], "invalid path \"nul\u{0}byte\""),
        ]
        for (paths, message) in cases {
            XCTAssertThrowsError(try repo.writeTree(paths: paths.map { ($0, blob, .blob) })) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
        XCTAssertThrowsError(try repo.writeTree([TreeEntry(name: "a/b", oid: blob, mode: .blob)])) { error in
            XCTAssertEqual("\(error)", "invalid tree entry name \"a/b\"")
        }
        XCTAssertThrowsError(try repo.writeTree([TreeEntry(name: "f", oid: blob, mode: .blob),
                                                 TreeEntry(name: "f", oid: blob, mode: .executable)])) { error in
            XCTAssertEqual("\(error)", "duplicate tree entry \"f\"")
        }
        let absent = try oid("0123456789abcdef0123456789abcdef01234567")
        XCTAssertThrowsError(try repo.writeTree([TreeEntry(name: "ghost", oid: absent, mode: .blob)])) { error in
            XCTAssertTrue(error is GitError, "\(error)")
            XCTAssertTrue("\(error)".contains("ghost"), "\(error)")
        }
        XCTAssertEqual(try repo.writeTree(paths: []).hex, "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
    }

    /// libgit2's tree builder refuses every name a checkout could take for `.git` (NTFS's way of
    /// reading names included); the loose tree writer, which does not go through libgit2, refuses
    /// the same ones, and the two accept the near misses alike.
    func testNamesTakenForDotGitAreRefusedByBothTreeWriters() throws {
        let blob = try repo.writeBlob(Array("x".utf8))
        let emptyTree = try repo.writeTree([])
        for name in [".git", ".GIT", ".gIt", ".git.", ".git ", ".git. .", "git~1", "GIT~1", ".git\\config"] {
            for entry in [TreeEntry(name: name, oid: blob, mode: .blob), TreeEntry(name: name, oid: emptyTree, mode: .tree)] {
                XCTAssertThrowsError(try repo.writeTree([entry])) { error in
                    XCTAssertEqual("\(error)", "invalid tree entry name \"\(name)\"")
                }
                XCTAssertThrowsError(try repo.writeLooseTree([entry])) { error in
                    XCTAssertEqual("\(error)", "invalid tree entry name \"\(name)\"")
                }
            }
            XCTAssertThrowsError(try repo.writeTree(paths: [("jobs/\(name)/hooks/post-checkout", blob, .executable)])) { error in
                XCTAssertEqual("\(error)", "invalid path \"jobs/\(name)/hooks/post-checkout\"")
            }
        }
        let nearMisses = [".gitmodules", ".gitignore", ".gitx", ".gi", "git", "git~2", "a.git", "a\\b", "..."]
        let entries = nearMisses.map { TreeEntry(name: $0, oid: blob, mode: .blob) }
        let tree = try repo.writeTree(entries)
        XCTAssertEqual(try repo.writeLooseTree(entries), tree)
        XCTAssertEqual(Set(try lsTree(tree, recursive: false).map(\.path)), Set(nearMisses))
    }

    func testSymlinksWrittenByGitAreRefusedOnRead() throws {
        let target = try repo.writeBlob(Array("/etc/passwd".utf8))
        let listing = "120000 blob \(target.hex)\tlink\n100644 blob \(target.hex)\tplain\n"
        let tree = try oid(try git("mktree", stdin: Data(listing.utf8)).text)
        XCTAssertThrowsError(try repo.readTree(tree)) { error in
            XCTAssertEqual("\(error)", "tree \(tree.hex) entry \"link\" has unsupported mode 120000")
        }
        XCTAssertThrowsError(try repo.walkTree(tree))
        XCTAssertEqual(try repo.treeEntry(tree, path: "plain")?.oid, target)
    }
}
