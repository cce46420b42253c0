import Foundation
import XCTest
@testable import ObjectStore

final class GitReferenceTests: GitTestCase {
    let ref = "refs/gaitstore/jobs/job-1"

    /// What stock git says the ref holds, nil when it does not exist.
    func gitValue(_ name: String) throws -> GitOID? {
        let output = try gitStatus(["rev-parse", "--verify", "--quiet", name])
        return output.status == 0 ? try oid(output.text) : nil
    }

    func testCompareAndSwapMovesOnlyFromTheExpectedValue() throws {
        let c1 = try commit(["f": "1"]), c2 = try commit(["f": "2"]), c3 = try commit(["f": "3"])
        XCTAssertNil(try repo.resolveReference(ref))

        try repo.updateReference(ref, to: c1, expected: nil, message: "create")
        XCTAssertEqual(try gitValue(ref), c1)
        XCTAssertEqual(try repo.resolveReference(ref), c1)

        XCTAssertThrowsError(try repo.updateReference(ref, to: c2, expected: nil, message: "create again")) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .conflict(ref, current: c1))
        }
        XCTAssertEqual(try gitValue(ref), c1)

        try repo.updateReference(ref, to: c2, expected: c1, message: "advance")
        XCTAssertEqual(try gitValue(ref), c2)

        XCTAssertThrowsError(try repo.updateReference(ref, to: c3, expected: c1, message: "stale")) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .conflict(ref, current: c2))
            XCTAssertEqual("\(error)", "reference \(ref) was changed by another writer (it is now \(c2.hex))")
        }
        XCTAssertEqual(try gitValue(ref), c2)

        let other = "refs/gaitstore/jobs/absent"
        XCTAssertThrowsError(try repo.updateReference(other, to: c3, expected: c1, message: "absent")) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .conflict(other, current: nil))
        }
        XCTAssertNil(try gitValue(other))

        XCTAssertThrowsError(try repo.updateReference("refs/gaitstore/bad..name", to: c1, expected: nil, message: "")) { error in
            XCTAssertEqual("\(error)", "invalid reference name \"refs/gaitstore/bad..name\"")
        }
        let ghost = try oid("0123456789abcdef0123456789abcdef01234567")
        XCTAssertThrowsError(try repo.updateReference(ref, to: ghost, expected: c2, message: "ghost")) { error in
            XCTAssertTrue(error is GitError, "\(error)")
        }
        XCTAssertEqual(try gitValue(ref), c2)
    }

    func testAHeldLockIsReportedAsLocked() throws {
        let c1 = try commit(["f": "1"]), c2 = try commit(["f": "2"])
        try repo.updateReference(ref, to: c1, expected: nil, message: "create")
        let lock = repoPath + "/" + ref + ".lock"
        XCTAssertTrue(FileManager.default.createFile(atPath: lock, contents: nil))
        XCTAssertThrowsError(try repo.updateReference(ref, to: c2, expected: c1, message: "blocked")) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .locked(ref))
        }
        XCTAssertThrowsError(try repo.deleteReference(ref, expected: c1)) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .locked(ref))
        }
        XCTAssertEqual(try gitValue(ref), c1)
        try FileManager.default.removeItem(atPath: lock)
        try repo.updateReference(ref, to: c2, expected: c1, message: "unblocked")
        XCTAssertEqual(try gitValue(ref), c2)
    }

    func testDeleteOnlyFromTheExpectedValue() throws {
        let c1 = try commit(["f": "1"]), c2 = try commit(["f": "2"])
        try repo.updateReference(ref, to: c1, expected: nil, message: "create")
        XCTAssertThrowsError(try repo.deleteReference(ref, expected: c2)) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .conflict(ref, current: c1))
        }
        XCTAssertEqual(try gitValue(ref), c1)
        try repo.deleteReference(ref, expected: c1)
        XCTAssertNil(try gitValue(ref))
        XCTAssertThrowsError(try repo.deleteReference(ref, expected: c1)) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .conflict(ref, current: nil))
        }
    }

    func testCompareAndSwapWorksOnPackedReferences() throws {
        let c1 = try commit(["f": "1"]), c2 = try commit(["f": "2"]), c3 = try commit(["f": "3"])
        try repo.updateReference(ref, to: c1, expected: nil, message: "create")
        try repo.updateReference("refs/gaitstore/jobs/job-2", to: c1, expected: nil, message: "create")
        try git("pack-refs", "--all")
        XCTAssertFalse(FileManager.default.fileExists(atPath: repoPath + "/" + ref), "the ref now lives only in packed-refs")

        XCTAssertThrowsError(try repo.updateReference(ref, to: c3, expected: c2, message: "stale")) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .conflict(ref, current: c1))
        }
        XCTAssertThrowsError(try repo.updateReference(ref, to: c3, expected: nil, message: "exists")) { error in
            XCTAssertEqual(error as? GitRefUpdateError, .conflict(ref, current: c1))
        }
        try repo.updateReference(ref, to: c2, expected: c1, message: "advance")
        XCTAssertEqual(try gitValue(ref), c2)
        try repo.deleteReference("refs/gaitstore/jobs/job-2", expected: c1)
        XCTAssertNil(try gitValue("refs/gaitstore/jobs/job-2"))
        XCTAssertEqual(try git("fsck", "--full").status, 0)
    }

    func testListingByPrefixAgreesWithGitForEachRef() throws {
        let c1 = try commit(["f": "1"]), c2 = try commit(["f": "2"])
        for (name, target) in [("refs/gaitstore/catalog", c1), ("refs/gaitstore/jobs/b", c2), ("refs/gaitstore/jobs/a", c1),
                               ("refs/gaitstore/jobs/nested/deep", c2), ("refs/gaitstore/jobsX", c1), ("refs/heads/main", c2)] {
            try repo.updateReference(name, to: target, expected: nil, message: "create")
        }
        try git("pack-refs", "--all")
        try repo.updateReference("refs/gaitstore/jobs/c", to: c1, expected: nil, message: "loose after packing")

        let listed = try repo.references(withPrefix: "refs/gaitstore/")
        let fromGit = try git("for-each-ref", "--format=%(refname) %(objectname)", "refs/gaitstore/").lines
        XCTAssertEqual(listed.map { "\($0.name) \($0.oid.hex)" }, fromGit)
        XCTAssertEqual(try repo.references(withPrefix: "refs/gaitstore/jobs/").map(\.name),
                       ["refs/gaitstore/jobs/a", "refs/gaitstore/jobs/b", "refs/gaitstore/jobs/c", "refs/gaitstore/jobs/nested/deep"])
        XCTAssertEqual(try repo.references(withPrefix: "").map { "\($0.name) \($0.oid.hex)" },
                       try git("for-each-ref", "--format=%(refname) %(objectname)").lines)
        XCTAssertTrue(try repo.references(withPrefix: "refs/gaitstore/jobs/*").isEmpty)
    }

    func testReferenceNamesFollowGitCheckRefFormat() throws {
        let names = ["refs/gaitstore/catalog", "refs/gaitstore/jobs/job-1", "refs/heads/a..b", "refs/heads/a.lock",
                     "refs/heads/.hidden", "refs/heads/x~1", "refs/heads/x^", "refs/heads/x:y", "refs/heads/sp ace",
                     "refs/heads/q?", "refs/heads/star*", "refs/heads/br[", "refs/heads/back\\slash", "refs/heads/trail/",
                     "refs/heads//double", "refs/heads/@{x}", "refs/heads/ü", "refs/heads/tab\t", "refs/heads/dot.",
                     "refs/heads/-dash", "refs/heads/a/.b", "refs/heads/ok.name/x_y"]
        for name in names {
            let expected = try run("/usr/bin/git", ["check-ref-format", name]).status == 0
            XCTAssertEqual(GitRepository.isValidReferenceName(name), expected, name)
        }
        XCTAssertTrue(GitRepository.isValidReferenceName("HEAD"))
        XCTAssertFalse(GitRepository.isValidReferenceName("refs/heads/nul\u{0}byte"))
        XCTAssertThrowsError(try repo.resolveReference("refs/heads/a..b"))
    }

    /// Two threads, each with its own repository handle, build a commit on the same tip every round
    /// and race to publish it: exactly one wins each round and no update is lost.
    func testRacingWritersExactlyOneWinsEachRound() throws {
        let rounds = 100
        let root = try commit(["f": "root"])
        try repo.updateReference(ref, to: root, expected: nil, message: "create")
        let path = repoPath!, ref = self.ref, author = alice
        let barrier = Barrier(parties: 2)
        let results = RaceResults()
        let finished = DispatchGroup()

        for writer in 0..<2 {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                let handle = try? GitRepository.open(at: path)
                for round in 0..<rounds {
                    barrier.wait()
                    var outcome: RaceResults.Outcome
                    do {
                        let handle = try XCTUnwrap(handle)
                        let tip = try XCTUnwrap(try handle.resolveReference(ref))
                        let mine = try handle.createCommit(tree: try handle.writeTree([]), parents: [tip],
                                                           message: "writer \(writer) round \(round)\n", author: author, sign: nil)
                        barrier.wait()
                        do {
                            try handle.updateReference(ref, to: mine, expected: tip, message: "race")
                            outcome = .won(mine, tip: tip)
                        } catch let error as GitRefUpdateError {
                            outcome = .lost(error, tip: tip)
                        }
                    } catch {
                        barrier.wait()
                        outcome = .failed("\(error)")
                    }
                    results.record(round: round, outcome)
                    barrier.wait()
                }
            }
            thread.start()
        }
        XCTAssertEqual(finished.wait(timeout: .now() + 60), .success)

        var winners = [GitOID]()
        for round in 0..<rounds {
            let outcomes = results.outcomes(round: round)
            XCTAssertEqual(outcomes.count, 2)
            let won = outcomes.compactMap { if case let .won(commit, _) = $0 { return commit } else { return nil } }
            XCTAssertEqual(won.count, 1, "round \(round): \(outcomes)")
            for outcome in outcomes {
                switch outcome {
                case let .won(_, tip): XCTAssertEqual(tip, winners.last ?? root)
                case let .lost(.conflict(name, current), tip):
                    XCTAssertEqual(name, ref)
                    XCTAssertEqual(current, won.first)
                    XCTAssertEqual(tip, winners.last ?? root)
                case .lost(.locked, _): break
                case let .lost(error, _): XCTFail("round \(round): \(error)")
                case let .failed(message): XCTFail("round \(round): \(message)")
                }
            }
            winners += won
        }
        let tip = try XCTUnwrap(try repo.resolveReference(ref))
        XCTAssertEqual(tip, winners.last)
        XCTAssertEqual(try repo.commitLog(from: tip, firstParentOnly: true), Array(([root] + winners).reversed()))
        XCTAssertEqual(try git("rev-list", "--count", ref).text, "\(rounds + 1)\n")
    }
}

/// A reusable rendezvous for a fixed number of threads.
private final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private let parties: Int
    private var arrived = 0
    private var generation = 0

    init(parties: Int) { self.parties = parties }

    func wait() {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        arrived += 1
        if arrived == parties {
            arrived = 0
            generation += 1
            condition.broadcast()
            return
        }
        while mine == generation { condition.wait() }
    }
}

private final class RaceResults: @unchecked Sendable {
    enum Outcome {
        case won(GitOID, tip: GitOID)
        case lost(GitRefUpdateError, tip: GitOID)
        case failed(String)
    }

    private let lock = NSLock()
    private var byRound = [Int: [Outcome]]()

    func record(round: Int, _ outcome: Outcome) {
        lock.lock()
        defer { lock.unlock() }
        byRound[round, default: []].append(outcome)
    }

    func outcomes(round: Int) -> [Outcome] {
        lock.lock()
        defer { lock.unlock() }
        return byRound[round] ?? []
    }
}
