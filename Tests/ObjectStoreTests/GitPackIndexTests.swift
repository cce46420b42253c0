import Foundation
import XCTest
@testable import ObjectStore

/// The pack index read in place (binary search over the mapped ids, offsets decoded on demand)
/// says what stock git's `verify-pack` says of the same pack, object by object.
final class GitPackIndexTests: GitTestCase {
    func testEveryObjectIsFoundWhereGitSaysItIs() throws {
        // Enough blobs that every first-byte bucket of the fan-out table is hit, some of them empty.
        try commitBlobs((0..<600).map { Array("blob \($0)\n".utf8) })
        try git("gc", "--quiet")
        let packs = GitPackIndex.packs(inRepository: repoPath)
        XCTAssertEqual(packs.count, 1)
        let index = try GitPackIndex(packPath: packs[0])

        let rows = try verifyPack(packs[0])
        XCTAssertEqual(rows.count, 602, "600 blobs, a tree and a commit")
        XCTAssertEqual(index.count, rows.count)
        for row in rows {
            let position = try XCTUnwrap(index.position(of: row.id), row.id.hex)
            XCTAssertEqual(index.id(at: position), row.id)
            XCTAssertEqual(index.offset(at: position), UInt64(row.offset), row.id.hex)
            XCTAssertEqual(try index.end(at: position), UInt64(row.offset + row.sizeInPack), row.id.hex)
        }
        // Positions follow the sorted ids, and the full table of ends (built once the single-entry
        // scans add up, as in the loop above) says what git says too.
        XCTAssertEqual((0..<index.count).map(index.id(at:)), rows.map(\.id).sorted())
        let gitEnds = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, UInt64($0.offset + $0.sizeInPack)) })
        XCTAssertEqual(try index.ends, (0..<index.count).map { gitEnds[index.id(at: $0)]! })
        var absent = rows[0].id.bytes
        absent[19] ^= 0xFF
        XCTAssertNil(index.position(of: GitOID(bytes: absent)!))
        XCTAssertNil(index.position(of: GitOID(bytes: [UInt8](repeating: 0xFF, count: 20))!))
        XCTAssertNil(index.position(of: GitOID(bytes: [UInt8](repeating: 0, count: 20))!))
    }
}
