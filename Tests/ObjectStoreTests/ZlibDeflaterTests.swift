import Foundation
import TestSupport
import XCTest
@testable import ObjectStore

/// One `ZlibDeflater` serves every object of a pack and every loose object of a repository handle,
/// so each use must be a complete zlib stream of its own input only, the bytes a fresh stream
/// writes, handed over in pieces no larger than its buffer. Python's zlib checks the format.
final class ZlibDeflaterTests: XCTestCase {
    func testEachUseIsACompleteStreamOfItsOwnInput() throws {
        let inputs: [[[UInt8]]] = [
            [Array("blob 5\0".utf8), Array("hello".utf8)],
            [],
            [[], []],
            [(0..<200_000).map { _ in UInt8.random(in: 0...255) }],  // incompressible: several pieces
            [Array("tree 0\0".utf8), [], Array(String(repeating: "100644 job_event.json\0", count: 20_000).utf8)],
            [Array("blob 5\0".utf8), Array("hello".utf8)],
        ]
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for level: Int32 in [1, -1] {  // git's loose objects, zlib's default (packs)
            let shared = try ZlibDeflater(level: level)
            var expected = [String]()
            var outputs = [[UInt8]]()
            for (number, parts) in inputs.enumerated() {
                var pieces = [[UInt8]]()
                try compress(parts, with: shared) { pieces.append(Array($0)) }
                XCTAssertTrue(pieces.allSatisfy { $0.count <= ZlibDeflater.outputCapacity })
                if parts.joined().count == 200_000 { XCTAssertGreaterThan(pieces.count, 2) }
                let stream = Array(pieces.joined())
                var fresh = [UInt8]()
                try compress(parts, with: try ZlibDeflater(level: level)) { fresh.append(contentsOf: $0) }
                XCTAssertEqual(stream, fresh, "input \(number) at level \(level): a reset stream writes what a fresh one does")
                try Data(stream).write(to: scratch.url.appendingPathComponent("\(number)"))
                expected.append(SHA256Digest.of(parts.joined()).hex)
                outputs.append(stream)
            }
            XCTAssertEqual(outputs.first, outputs.last)
            let script = """
                import hashlib, sys, zlib
                for number in range(int(sys.argv[2])):
                    data = open(sys.argv[1] + "/" + str(number), "rb").read()
                    inflater = zlib.decompressobj()
                    body = inflater.decompress(data)
                    assert inflater.eof and not inflater.unused_data, number
                    print(hashlib.sha256(body).hexdigest())
                """
            let decompressed = try ToolShell.check(["python3", "-c", script, scratch.url.path, "\(inputs.count)"])
            XCTAssertEqual(decompressed.split(separator: "\n").map(String.init), expected, "level \(level)")
        }
    }

    private func compress(_ parts: [[UInt8]], with deflater: ZlibDeflater, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try Array(parts.joined()).withUnsafeBytes { all in
            var start = 0
            let buffers = parts.map { part -> UnsafeRawBufferPointer in
                defer { start += part.count }
                return UnsafeRawBufferPointer(rebasing: all[start..<start + part.count])
            }
            try deflater.compress(buffers, into: sink)
        }
    }
}
