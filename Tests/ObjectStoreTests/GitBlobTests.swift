import Foundation
import XCTest
@testable import ObjectStore

final class GitBlobTests: GitTestCase {
    func testBlobsRoundTripWithTheIDsGitComputes() throws {
        let contents: [[UInt8]] = [[], Array("hello\n".utf8), Array(0...255), Array("a\r\nb\r\n".utf8), try randomBytes(300_000)]
        for bytes in contents {
            let oid = try repo.writeBlob(bytes)
            let expected = try git("hash-object", "--no-filters", "--stdin", stdin: Data(bytes)).text
            XCTAssertEqual(oid.hex, expected.trimmingCharacters(in: .newlines))
            XCTAssertTrue(repo.contains(oid))
            XCTAssertEqual(try repo.readBlob(oid), bytes)
            XCTAssertEqual(try repo.blobSize(oid), bytes.count)
            XCTAssertEqual([UInt8](try git("cat-file", "blob", oid.hex).stdout), bytes)
        }
    }

    func testTwentyMegabyteFileStreamsInAndOutInBoundedChunks() throws {
        let bytes = try randomBytes(20 * 1024 * 1024 + 123)
        let file = writeFile("big.bin", bytes)
        let oid = try repo.writeBlob(fromFile: file)
        XCTAssertEqual(oid.hex, try git("hash-object", "--no-filters", file).text.trimmingCharacters(in: .newlines))
        XCTAssertEqual(try repo.blobSize(oid), bytes.count)

        var streamed = [UInt8]()
        var largestChunk = 0
        try repo.streamBlob(oid) { chunk in
            largestChunk = max(largestChunk, chunk.count)
            streamed.append(contentsOf: chunk)
        }
        XCTAssertEqual(streamed, bytes)
        XCTAssertLessThanOrEqual(largestChunk, GitRepository.streamChunkSize)
        XCTAssertEqual(try repo.readBlob(oid), bytes)
    }

    func testStreamingWriterStoresNothingWhenTheSizeIsWrong() throws {
        let content = Array("0123456789".utf8)
        let expected = try git("hash-object", "--stdin", stdin: Data(content)).text.trimmingCharacters(in: .newlines)
        for declared in [content.count + 5, content.count - 3] {
            XCTAssertThrowsError(try repo.writeBlob(size: declared) { write in
                try content.withUnsafeBytes { try write($0) }
            }) { error in
                guard case GitBlobError.sizeMismatch(let d, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(d, declared)
            }
        }
        XCTAssertFalse(repo.contains(try oid(expected)))
        XCTAssertEqual(try repo.allObjectIDs(), [])

        let oid = try repo.writeBlob(size: content.count) { write in
            try content.withUnsafeBytes { buffer in
                try write(UnsafeRawBufferPointer(rebasing: buffer[0..<4]))
                try write(UnsafeRawBufferPointer(rebasing: buffer[4...]))
            }
        }
        XCTAssertEqual(oid.hex, expected)
    }

    func testMissingObjectsAndWrongTypesAreReported() throws {
        let absent = try oid("0123456789abcdef0123456789abcdef01234567")
        XCTAssertFalse(repo.contains(absent))
        XCTAssertThrowsError(try repo.readBlob(absent)) { error in
            let gitError = error as? GitError
            XCTAssertEqual(gitError?.code, -3)  // GIT_ENOTFOUND
            XCTAssertTrue("\(error)".hasPrefix("read blob \(absent.hex): "), "\(error)")
        }
        let tree = try repo.writeTree([])
        XCTAssertEqual(tree.hex, "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
        XCTAssertThrowsError(try repo.readBlob(tree)) { error in
            XCTAssertEqual("\(error)", "object \(tree.hex) is not a blob")
        }
        XCTAssertThrowsError(try repo.blobSize(tree))
        XCTAssertThrowsError(try repo.writeBlob(fromFile: scratch + "/no-such-file")) { error in
            XCTAssertTrue("\(error)".contains("no-such-file"), "\(error)")
        }
    }

    func testObjectIDParsing() throws {
        let hex = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        XCTAssertEqual(GitOID(hex: hex)?.hex, hex)
        XCTAssertEqual(GitOID(hex: hex.uppercased())?.hex, hex)
        XCTAssertNil(GitOID(hex: String(hex.dropLast())))
        XCTAssertNil(GitOID(hex: String(hex.dropLast()) + "g"))
        XCTAssertNil(GitOID(bytes: [1, 2, 3]))
    }
}
