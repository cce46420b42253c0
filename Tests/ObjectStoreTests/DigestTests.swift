import XCTest
@testable import ObjectStore

final class DigestTests: XCTestCase {
    func testKnownDigests() {
        XCTAssertEqual(SHA256Digest.of("").hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.of("abc").hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testPrefixedParsingIsStrict() {
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        XCTAssertEqual(SHA256Digest(prefixed: "sha256:" + hex)?.hex, hex)
        XCTAssertNil(SHA256Digest(prefixed: "sha256:" + hex.uppercased()))
        XCTAssertNil(SHA256Digest(prefixed: "sha256:" + hex.dropLast()))
        XCTAssertNil(SHA256Digest(prefixed: hex))
        XCTAssertEqual(SHA256Digest(hex: hex.uppercased())?.hex, hex)
    }

    func testStreamingEqualsOneShot() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var h = SHA256Hasher()
        h.update(Array(data[0..<777]))
        h.update(Array(data[777...]))
        XCTAssertEqual(h.finalize(), SHA256Digest.of(data))
    }

    /// A `digests/` path reads back to the digest filed there, in the one spelling `digestPath`
    /// writes: an upper-case path names nothing a lookup can find, so it is not a digest.
    func testADigestsPathReadsBackOnlyInLowerCase() {
        let digest = SHA256Digest.of(Array("x".utf8))
        let path = String(CatalogLayout.digestPath(digest).dropFirst("digests/".count))
        XCTAssertEqual(CatalogLayout.digest(filedAt: path), digest)
        XCTAssertNil(CatalogLayout.digest(filedAt: path.uppercased()))
        XCTAssertNil(CatalogLayout.digest(filedAt: String(path.prefix(2)) + String(path.dropFirst(2)).uppercased()))
        XCTAssertNil(CatalogLayout.digest(filedAt: path.replacingOccurrences(of: "/", with: "")))
        XCTAssertNil(CatalogLayout.digest(filedAt: String(path.dropLast())))
    }
}
