import Foundation
import XCTest
@testable import ObjectStore

final class GitDiffTests: GitTestCase {
    /// `git diff-tree -r` as changes, in git's order.
    func gitDiffTree(_ a: GitOID, _ b: GitOID) throws -> [TreeChange] {
        let fields = try git("diff-tree", "-r", "-z", "--no-renames", a.hex, b.hex).stdout
            .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return stride(from: 0, to: fields.count, by: 2).map { index in
            let meta = fields[index].split(separator: " ").map(String.init)  // :old new oldsha newsha X
            let old = GitOID(hex: meta[2]), new = GitOID(hex: meta[3])
            let zero = GitOID(bytes: Array(repeating: 0, count: 20))
            let kind: TreeChange.Kind = meta[4] == "A" ? .added : meta[4] == "D" ? .deleted : .modified
            return TreeChange(kind: kind, path: fields[index + 1], oldOID: old == zero ? nil : old, newOID: new == zero ? nil : new)
        }
    }

    func tree(_ files: [String: (String, TreeEntry.Mode)]) throws -> GitOID {
        try repo.writeTree(paths: files.map { (path: $0.key, oid: try repo.writeBlob(Array($0.value.0.utf8)), mode: $0.value.1) })
    }

    func testDiffAgreesWithGitDiffTree() throws {
        let before = try tree([
            "same.txt": ("same", .blob), "changed.txt": ("old", .blob), "gone.txt": ("bye", .blob),
            "dir/inner.txt": ("inner old", .blob), "dir/keep.txt": ("keep", .blob), "becomes-dir": ("file", .blob),
            "script.sh": ("echo", .blob), "old-dir/a": ("a", .blob), "old-dir/b/c": ("c", .blob),
        ])
        let after = try tree([
            "same.txt": ("same", .blob), "changed.txt": ("new", .blob), "added.txt": ("hi", .blob),
            "dir/inner.txt": ("inner new", .blob), "dir/keep.txt": ("keep", .blob), "dir/sub/new.txt": ("n", .blob),
            "becomes-dir/child": ("child", .blob), "script.sh": ("echo", .executable),
        ])
        let changes = try repo.diffTrees(before, after)
        XCTAssertEqual(changes, try gitDiffTree(before, after))
        XCTAssertEqual(changes.count, 10)
        XCTAssertTrue(changes.contains(TreeChange(kind: .modified, path: "script.sh",
                                                  oldOID: try repo.treeEntry(before, path: "script.sh")?.oid,
                                                  newOID: try repo.treeEntry(after, path: "script.sh")?.oid)))
        XCTAssertEqual(try repo.diffTrees(after, before), try gitDiffTree(after, before))
        XCTAssertEqual(try repo.diffTrees(after, after), [])
    }

    func testAMissingSideIsTheEmptyTree() throws {
        let files = try tree(["x/y/z": ("z", .blob), "a": ("a", .blob)])
        let empty = try repo.writeTree([])
        let added = try repo.diffTrees(nil, files)
        XCTAssertEqual(added, try gitDiffTree(empty, files))
        XCTAssertEqual(added.map(\.kind), [.added, .added])
        XCTAssertEqual(added.map(\.path), ["a", "x/y/z"])
        XCTAssertEqual(try repo.diffTrees(files, nil), try gitDiffTree(files, empty))
        XCTAssertEqual(try repo.diffTrees(nil, nil), [])
    }
}
