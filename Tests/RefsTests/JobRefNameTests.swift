import ObjectStore
@testable import Refs
import XCTest

final class JobRefNameTests: XCTestCase {
    func testIdsGitWouldRefuseBecomeValidRefsAndComeBack() {
        for id in ["job_1", "job:1..x.lock", "a.", "a..b", "x:y:z", "A-B_C.D:E", "9", String(repeating: "a", count: 128),
                   "job.lock", "a.b.c.lock", "v1.2.3", "weird:..:..", "ends-with-dot."] {
            XCTAssertTrue(Job.isValidID(id), id)
            let ref = JobRefName.reference(for: id)
            XCTAssertTrue(GitRepository.isValidReferenceName(ref), "\(id) -> \(ref)")
            XCTAssertFalse(ref.dropFirst(JobRefName.prefix.count).contains(":"))
            XCTAssertFalse(ref.dropFirst(JobRefName.prefix.count).contains("."))
            XCTAssertEqual(JobRefName.jobID(fromReference: ref), id)
        }
        XCTAssertEqual(JobRefName.reference(for: "job:1..x.lock"), "refs/gaitstore/jobs/job%3A1%2E%2Ex%2Elock")
    }

    func testRandomIdsNeverCollide() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019._:-")
        var seen: [String: String] = [:]
        for _ in 0..<5_000 {
            let length = Int.random(in: 1...12, using: &generator)
            let id = "j" + String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let ref = JobRefName.reference(for: id)
            if let other = seen[ref] { XCTAssertEqual(other, id, "two ids share \(ref)") }
            seen[ref] = id
            XCTAssertTrue(GitRepository.isValidReferenceName(ref), ref)
            XCTAssertEqual(JobRefName.jobID(fromReference: ref), id)
        }
    }

    func testForeignRefsAreNotJobs() {
        XCTAssertNil(JobRefName.jobID(fromReference: "refs/gaitstore/catalog"))
        XCTAssertNil(JobRefName.jobID(fromReference: "refs/gaitstore/jobs/a%2Fb"))
        XCTAssertNil(JobRefName.jobID(fromReference: "refs/gaitstore/jobs/a%3a"), "only the canonical spelling decodes")
        XCTAssertNil(JobRefName.jobID(fromReference: "refs/gaitstore/jobs/-x"))
    }
}
