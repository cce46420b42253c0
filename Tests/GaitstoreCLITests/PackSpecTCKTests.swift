import Foundation
import XCTest

/// The PackSpec TCK through the command line, and its vectors' reproducibility.
final class PackSpecTCKTests: TemporaryDirectoryTestCase {
    func testEveryTCKVectorGivesTheExpectedVerdict() throws {
        let result = try CLI.shell("scripts/test_packspec_tck.sh")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains(" 0 failed"), result.stdout)
    }

    func testTheTCKRegeneratesByteIdentically() throws {
        let result = try CLI.shell("scripts/make_tck_fixtures.sh '\(tmp.path)'")
        XCTAssertEqual(result.status, 0, result.stderr)
        let committed = CLI.packageRoot.appendingPathComponent("fixtures/packspec_tck/v1")
        let names = try FileManager.default.contentsOfDirectory(atPath: committed.path).filter { $0.hasSuffix(".zip") }
        XCTAssertGreaterThanOrEqual(names.count, 14)
        for name in names {
            let want = try Data(contentsOf: committed.appendingPathComponent(name))
            let got = try Data(contentsOf: tmp.appendingPathComponent(name))
            XCTAssertEqual(want, got, "\(name) is not reproduced byte for byte")
        }
    }
}
