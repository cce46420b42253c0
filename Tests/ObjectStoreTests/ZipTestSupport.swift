import Foundation
import XCTest
@testable import ObjectStore

/// A fresh directory under the system temp directory, removed with the test case.
final class ZipScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gaitstore-zip-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let target = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

/// Reproducible test inputs.
enum ZipTestData {
    /// Text-like bytes (words, numbers, punctuation): compresses about 3:1 with long-range
    /// repeats, so chunk dictionaries matter.
    static func text(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        let words = ["evidence", "pack", "manifest", "sha256", "agent", "tool", "call", "result", "{", "}",
                     "\"run_id\":", "true", "false", "null", "gait", "job", "checkpoint", "\n", "  ", "verify"]
            .map { Array($0.utf8) }
        var rng = seed | 1
        var out = [UInt8]()
        out.reserveCapacity(count + 32)
        while out.count < count {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            let word = words[Int(rng % UInt64(words.count))]
            out.append(contentsOf: word)
            if rng & 0x30 == 0 { out.append(contentsOf: Array(String(rng % 100_000).utf8)) }
            out.append(rng & 0x100 == 0 ? 0x20 : 0x2c)
        }
        return Array(out.prefix(count))
    }

    /// Incompressible bytes.
    static func random(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        var rng = seed | 1
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            var word = rng
            for _ in 0..<8 where i < count {
                out[i] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                i += 1
            }
        }
        return out
    }
}

/// Runs real tools (python3, unzip) for interoperability checks.
enum ZipTool {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on the side so a chatty tool never blocks on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let drained = DispatchGroup()
        drained.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            drained.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Runs a Python script with arguments; fails the test on a non-zero exit.
    static func python(_ script: String, _ arguments: [String] = [],
                       file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try run("python3", ["-c", script] + arguments)
        XCTAssertEqual(result.status, 0, "python3 failed: \(result.stderr)", file: file, line: line)
        return result.stdout
    }
}

/// Little-endian field access and patching on raw archive bytes.
struct ZipBytes {
    var bytes: [UInt8]

    func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }

    mutating func setU16(_ at: Int, _ value: UInt16) {
        bytes[at] = UInt8(value & 0xff)
        bytes[at + 1] = UInt8(value >> 8)
    }

    mutating func setU32(_ at: Int, _ value: UInt32) {
        for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    /// Offset of the end record of an archive without a comment.
    var endOffset: Int { bytes.count - 22 }
    var centralDirectoryOffset: Int { Int(u32(endOffset + 16)) }

    /// Offsets of every central-directory record, in order.
    var centralRecordOffsets: [Int] {
        var offsets: [Int] = []
        var at = centralDirectoryOffset
        for _ in 0..<Int(u16(endOffset + 10)) {
            offsets.append(at)
            at += 46 + Int(u16(at + 28)) + Int(u16(at + 30)) + Int(u16(at + 32))
        }
        return offsets
    }

    /// Start of an entry's data, from its local header.
    func dataOffset(localHeader at: Int) -> Int {
        at + 30 + Int(u16(at + 26)) + Int(u16(at + 28))
    }
}

extension XCTestCase {
    /// Asserts that `body` throws exactly `expected`.
    func assertZipError<T>(_ expected: ZipError, _ body: @autoclosure () throws -> T,
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? ZipError, expected, "got \(error)", file: file, line: line)
        }
    }
}

/// Peak resident memory from /proc (Linux): `clear_refs` 5 resets the high-water mark.
enum ZipMemory {
    /// Resets the high-water mark to the current RSS and returns it; nil where unsupported.
    @discardableResult
    static func resetPeak() -> Int {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return field("VmRSS")
    }

    static var isAvailable: Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
            && field("VmHWM") > 0
    }

    static func peak() -> Int { field("VmHWM") }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
}
