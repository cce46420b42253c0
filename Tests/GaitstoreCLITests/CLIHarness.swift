import Foundation
import XCTest

/// Runs the real `gaitstore` binary that `swift test` built, as a user would.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutBytes: Data
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `.build/<config>/gaitstore`, next to the test bundle.
    static let binary: URL = {
        var dir = Bundle(for: Marker.self).bundleURL
        while dir.path != "/" {
            dir = dir.deletingLastPathComponent()
            let candidate = dir.appendingPathComponent("gaitstore")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/gaitstore")
    }()

    private final class Marker {}

    /// Written by one reader thread, read after the group wait: no concurrent access.
    private final class DataBox: @unchecked Sendable { var data = Data() }

    @discardableResult
    static func run(_ arguments: [String], executable: URL = binary, environment: [String: String] = [:],
                    cwd: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let cwd { process.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBox.data, as: UTF8.self), stdoutBytes: outData)
    }

    /// Waits, up to five seconds, until a server just started answers stock git for `url`; false
    /// if it never does, so the caller can name a server that did not start as such.
    /// (A `for ... where` loop would not stop at the first answer: it runs every iteration.)
    static func waitUntilListed(_ url: String, environment: [String: String] = [:]) throws -> Bool {
        for _ in 0..<100 {
            let listed = try run(["ls-remote", url], executable: URL(fileURLWithPath: "/usr/bin/git"), environment: environment)
            if listed.status == 0 { return true }
            usleep(50_000)
        }
        return false
    }

    static func shell(_ script: String, environment: [String: String] = [:]) throws -> Result {
        try run(["-c", script], executable: URL(fileURLWithPath: "/bin/bash"),
                environment: environment.merging(["GAITSTORE": binary.path]) { $1 }, cwd: packageRoot)
    }
}

/// A fresh directory per test, removed afterwards.
class TemporaryDirectoryTestCase: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("gaitstore-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tmp)
    }

    func path(_ name: String) -> String { tmp.appendingPathComponent(name).path }

    func fixture(_ relative: String) -> String { CLI.packageRoot.appendingPathComponent(relative).path }

    /// A PackSpec TCK vector.
    func tck(_ name: String) -> String { fixture("fixtures/packspec_tck/v1/\(name)") }

    /// A Decision Gate runpack directory from the shared vectors (`golden/...`, `backcompat/...`).
    func runpackVector(_ relative: String) -> String {
        CLI.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors/decision-gate/runpacks/" + relative).path
    }

    /// An AGS memory pack built by the independent script the AGS tests use, at `path(name)`:
    /// its directory, its `manifest_digest` and its files (path -> sha256 hex).
    func agsFixture(_ name: String, note: String? = nil) throws -> (pack: String, digest: String, files: [String: String]) {
        let made = try CLI.shell("python3 scripts/ags_fixture.py '\(path(name))'" + (note.map { " '\($0)'" } ?? ""))
        XCTAssertEqual(made.status, 0, made.stderr)
        let report = try json(made.stdout)
        var files: [String: String] = [:]
        for (path, value) in try XCTUnwrap(report["files"] as? [String: [Any]]) { files[path] = value[0] as? String }
        return (try XCTUnwrap(report["pack"] as? String), try XCTUnwrap(report["digest"] as? String), files)
    }

    /// The environment that points gaitstore at the test's store, `path("store")`.
    var storeEnvironment: [String: String] { ["GAITSTORE_DIR": path("store")] }

    /// gaitstore run on the test's store.
    func gs(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments, environment: storeEnvironment) }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// What the first intent of a recorded run carries as its argument.
    enum RunpackPayload {
        /// The fixture's own small argument.
        case fixture
        /// `"evidence <i> "` repeated to about `bytes`: compressible, and different in every pack.
        case text(bytes: Int)
        /// `bytes` from /dev/urandom, base64-encoded: incompressible, so a transfer of it takes a while.
        case random(bytes: Int)
    }

    /// Run packs made by the real `gaitstore run record` from fixtures/inputs/run_record_input.json
    /// in `runpacks/`, one per run id `<runIDPrefix><i>`, so that no two packs are the same.
    /// Returns their paths in order.
    func makeRunpacks(_ count: Int, runIDPrefix: String, payload: RunpackPayload = .fixture,
                      file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let fixtureURL = URL(fileURLWithPath: fixture("fixtures/inputs/run_record_input.json"))
        let input = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: fixtureURL)) as? [String: Any])
        return try (0..<count).map { i in
            var record = input
            var run = try XCTUnwrap(record["run"] as? [String: Any])
            let runID = runIDPrefix + String(i)
            run["run_id"] = runID
            record["run"] = run
            let argument: String?
            switch payload {
            case .fixture: argument = nil
            case .text(let bytes): argument = String(repeating: "evidence \(i) ", count: bytes / 12)
            case .random(let bytes):
                argument = try XCTUnwrap(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: bytes).base64EncodedString()
            }
            if let argument {
                var intents = try XCTUnwrap(record["intents"] as? [[String: Any]])
                intents[0]["args"] = ["blob": argument]
                intents[0]["args_digest"] = nil
                record["intents"] = intents
                record["capture_mode"] = "raw"  // otherwise `run record` drops the arguments
            }
            let recordFile = path("\(runID).json")
            try JSONSerialization.data(withJSONObject: record).write(to: URL(fileURLWithPath: recordFile))
            let recorded = try CLI.run(["run", "record", "--input", recordFile, "--out-dir", path("runpacks")])
            XCTAssertEqual(recorded.status, 0, recorded.stderr, file: file, line: line)
            return path("runpacks/runpack_\(runID).zip")
        }
    }

    /// Initializes a store at `path("store")`, signing as ci@example, and imports `packs` into it
    /// with one `import --json`; returns their stored ids in argument order.
    func importedIDs(_ packs: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let initialized = try gs(["init", "--principal", "ci@example"])
        XCTAssertEqual(initialized.status, 0, initialized.stderr, file: file, line: line)
        let imported = try gs(["import", "--json"] + packs)
        XCTAssertEqual(imported.status, 0, imported.stderr, file: file, line: line)
        let listed = try XCTUnwrap(try json(imported.stdout)["packs"] as? [[String: Any]], file: file, line: line)
        let ids = try listed.map { try XCTUnwrap($0["id"] as? String, file: file, line: line) }
        XCTAssertEqual(ids.count, packs.count, "one id per pack", file: file, line: line)
        return ids
    }
}
