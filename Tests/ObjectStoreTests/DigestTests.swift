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
}
