import Foundation
import XCTest
@testable import ObjectStore

/// The pack index read in place (binary search over the mapped ids, offsets decoded on demand)
/// says what stock git's `verify-pack` says of the same pack, object by object.
final class GitPackIndexTests: GitTestCase {
    func testEveryObjectIsFoundWhereGitSaysItIs() throws {
        // Enough blobs that every first-byte bucket of the fan-out table is hit, some of them empty.
        var paths: [(path: String, oid: GitOID, mode: TreeEntry.Mode)] = []
        for number in 0..<600 {
            paths.append(("f\(number)", try repo.writeBlob(Array("blob \(number)\n".utf8)), .blob))
        }
        let tree = try repo.writeTree(paths: paths)
        let tip = try repo.createCommit(tree: tree, parents: [], message: "blobs\n", author: alice, sign: nil)
        try repo.updateReference("refs/gaitstore/catalog", to: tip, expected: nil, message: "test")
        try git("gc", "--quiet")
        let packs = GitPackIndex.packs(inRepository: repoPath)
        XCTAssertEqual(packs.count, 1)
        let index = try GitPackIndex(packPath: packs[0])

        // verify-pack -v: "<id> <type> <size> <size in pack> <offset> [<depth> <base>]".
        let listing = try run("/usr/bin/git", ["verify-pack", "-v", String(packs[0].dropLast(5)) + ".idx"]).lines
        let rows = listing.compactMap { line -> (oid: GitOID, sizeInPack: UInt64, offset: UInt64)? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, let oid = GitOID(hex: fields[0]), let stored = UInt64(fields[3]), let offset = UInt64(fields[4]) else { return nil }
            return (oid, stored, offset)
        }
        XCTAssertEqual(rows.count, 602, "600 blobs, a tree and a commit")
        XCTAssertEqual(index.count, rows.count)
        for row in rows {
            let position = try XCTUnwrap(index.position(of: row.oid), row.oid.hex)
            XCTAssertEqual(index.id(at: position), row.oid)
            XCTAssertEqual(index.offset(at: position), row.offset, row.oid.hex)
            XCTAssertEqual(try index.end(at: position), row.offset + row.sizeInPack, row.oid.hex)
        }
        // The full tables (built once the scans add up) agree with the lookups.
        XCTAssertEqual(index.ids, rows.map(\.oid).sorted())
        XCTAssertEqual(try index.ends.count, rows.count)
        var absent = rows[0].oid.bytes
        absent[19] ^= 0xFF
        XCTAssertNil(index.position(of: GitOID(bytes: absent)!))
        XCTAssertNil(index.position(of: GitOID(bytes: [UInt8](repeating: 0xFF, count: 20))!))
        XCTAssertNil(index.position(of: GitOID(bytes: [UInt8](repeating: 0, count: 20))!))
    }
}
