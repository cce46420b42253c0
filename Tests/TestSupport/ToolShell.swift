import Foundation
import XCTest

/// Runs the real tools tests check against (ssh-keygen, python3, git), shared by every test target.
public struct ToolShell {
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `arguments[0]` found on PATH. stdin, stdout and stderr go through temporary files,
    /// so no pipe can fill up and deadlock whatever the tool prints.
    @discardableResult
    public static func run(_ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:],
                    in directory: URL? = nil) throws -> Result {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let inURL = scratch.url.appendingPathComponent("stdin")
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        try Data(stdin).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: outURL)
        let errors = try FileHandle(forWritingTo: errURL)
        defer { try? input.close(); try? output.close(); try? errors.close() }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// Runs and fails the test unless the tool exits 0; returns stdout.
    @discardableResult
    public static func check(_ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:],
                      in directory: URL? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try run(arguments, stdin: stdin, environment: environment, in: directory)
        XCTAssertEqual(result.status, 0, "\(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result.stdout
    }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
public struct ScratchDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gaitstore-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}
