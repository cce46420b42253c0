import Foundation
import XCTest
@testable import ObjectStore

final class GitHistoryTests: GitTestCase {
    /// root - m1 - m2 - merge - m3     (merge's parents: m2, s1)
    ///    \              /
    ///     s1 ----------        plus an unrelated root u
    func buildHistory() throws -> [String: GitOID] {
        var c = [String: GitOID]()
        c["root"] = try commit(["f": "root"], time: 1_700_000_000)
        c["m1"] = try commit(["f": "m1"], parents: [c["root"]!], time: 1_700_000_010)
        c["s1"] = try commit(["f": "s1"], parents: [c["root"]!], time: 1_700_000_020)
        c["m2"] = try commit(["f": "m2"], parents: [c["m1"]!], time: 1_700_000_030)
        c["merge"] = try commit(["f": "merge"], parents: [c["m2"]!, c["s1"]!], time: 1_700_000_040)
        c["m3"] = try commit(["f": "m3"], parents: [c["merge"]!], time: 1_700_000_050)
        c["u"] = try commit(["f": "unrelated"], time: 1_700_000_060)
        return c
    }

    func testAncestryAgreesWithGitMergeBase() throws {
        let commits = try buildHistory()
        for (nameA, a) in commits {
            for (nameB, b) in commits {
                let isAncestor = try gitStatus(["merge-base", "--is-ancestor", a.hex, b.hex]).status == 0
                XCTAssertEqual(try repo.isAncestor(a, of: b), isAncestor, "\(nameA) ancestor of \(nameB)")
                guard nameA <= nameB else { continue }  // symmetric: ask git once per pair
                let base = try gitStatus(["merge-base", a.hex, b.hex])
                XCTAssertEqual(try repo.mergeBase(a, b), base.status == 0 ? GitOID(hex: base.text.trimmingCharacters(in: .newlines)) : nil,
                               "merge base of \(nameA) and \(nameB)")
            }
        }
        XCTAssertEqual(try repo.mergeBase(commits["m2"]!, commits["s1"]!), commits["root"])
        XCTAssertNil(try repo.mergeBase(commits["m3"]!, commits["u"]!))
        XCTAssertThrowsError(try repo.isAncestor(try oid("0123456789abcdef0123456789abcdef01234567"), of: commits["m3"]!))
    }

    func testCommitLogAgreesWithGitRevList() throws {
        let commits = try buildHistory()
        let tip = commits["m3"]!
        func revList(_ arguments: String...) throws -> [GitOID] {
            try git(["rev-list"] + arguments).lines.map { try oid($0) }
        }

        let full = try repo.commitLog(from: tip)
        XCTAssertEqual(Set(full), Set(try revList(tip.hex)))
        XCTAssertEqual(full.count, 6)
        XCTAssertEqual(full.first, tip)
        for (index, commit) in full.enumerated() {
            for parent in try repo.readCommit(commit).parents {
                XCTAssertGreaterThan(try XCTUnwrap(full.firstIndex(of: parent)), index, "a parent comes after its child")
            }
        }

        XCTAssertEqual(try repo.commitLog(from: tip, firstParentOnly: true), try revList("--first-parent", tip.hex))
        XCTAssertEqual(try repo.commitLog(from: tip, firstParentOnly: true).count, 5)

        let sinceSide = try repo.commitLog(from: tip, excluding: [commits["s1"]!])
        XCTAssertEqual(Set(sinceSide), Set(try revList(tip.hex, "^" + commits["s1"]!.hex)))
        XCTAssertEqual(try repo.commitLog(from: tip, excluding: [tip]), [])
    }
}
