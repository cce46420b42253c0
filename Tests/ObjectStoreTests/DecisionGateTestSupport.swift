import Foundation
import TestSupport
import ObjectStore
import XCTest

/// The real runpacks from Decision Gate's repository, scratch copies of them, and a Python
/// re-sealer that recomputes a manifest's hashes independently of the code under test.
enum DecisionGateFixtures {
    /// `<package root>/../shared/vectors/decision-gate`, found from this file's own path.
    static var vectors: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // ObjectStoreTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()
            .appendingPathComponent("shared/vectors/decision-gate")
    }

    static let backcompat = "runpacks/backcompat/v1"
    static let timeAfterPass = "runpacks/golden/golden_time_after_pass"
    static let visibilityPacket = "runpacks/golden/golden_visibility_packet"

    static func path(_ fixture: String) -> String { vectors.appendingPathComponent(fixture).path }

    /// Re-hashes every declared file that exists, then `artifacts[]`, `root_hash` and `spec_hash`,
    /// and writes the manifest back canonically. `edit` is Python run on the manifest dict `m` first.
    /// Keys are ASCII, so Python's sorted `json.dumps` is DG's canonical form for them.
    static let resealScript = """
    import hashlib, json, os, sys
    root = sys.argv[1]
    m = json.load(open(os.path.join(root, "manifest.json"), encoding="utf-8"))
    exec(sys.argv[2])
    def sha(p):
        with open(os.path.join(root, p), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    for e in m["integrity"]["file_hashes"]:
        p = e["path"]
        if not p.startswith("/") and ".." not in p.split("/") and os.path.isfile(os.path.join(root, p)):
            e["hash"] = {"algorithm": "sha256", "value": sha(p)}
    hashes = {e["path"]: e["hash"] for e in m["integrity"]["file_hashes"]}
    for a in m["artifacts"]:
        if a["path"] in hashes:
            a["hash"] = hashes[a["path"]]
    canon = lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    m["integrity"]["root_hash"] = {"algorithm": "sha256",
                                   "value": hashlib.sha256(canon(m["integrity"]["file_hashes"])).hexdigest()}
    m["spec_hash"] = {"algorithm": "sha256", "value": sha("artifacts/scenario_spec.json")}
    open(os.path.join(root, "manifest.json"), "wb").write(canon(m))
    """

    static func reseal(_ directory: URL, edit: String = "") throws {
        guard let python = JSONTestSupport.which("python3") else { throw XCTSkip("python3 is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", resealScript, directory.path, edit]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "DecisionGateTests", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "reseal exited with \(process.terminationStatus)"])
        }
    }

    /// Every regular file under `directory` as store-style sources, streamed in odd-sized chunks.
    static func sources(of directory: URL) throws -> [String: DecisionGateRunpack.FileSource] {
        var sources: [String: DecisionGateRunpack.FileSource] = [:]
        let root = directory.resolvingSymlinksInPath().path
        let walker = FileManager.default.enumerator(atPath: root)!
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: full)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: full)))
            let executable = ((attributes[.posixPermissions] as? Int) ?? 0) & 0o111 != 0
            sources[relative] = DecisionGateRunpack.FileSource(size: bytes.count, mode: executable ? 0o100755 : 0o100644) {
                consume in
                var start = 0
                while start < bytes.count {
                    let end = min(start + 7, bytes.count)
                    try bytes[start..<end].withUnsafeBytes { try consume($0) }
                    start = end
                }
            }
        }
        return sources
    }
}

/// DG tests work on writable copies of the read-only fixtures, in the shared scratch directory.
extension ScratchDirectory {
    /// A copy of a fixture runpack, writable (the originals are read-only).
    func copy(of fixture: String, as name: String = "runpack") throws -> URL {
        let target = url.appendingPathComponent(name)
        try FileManager.default.copyItem(atPath: DecisionGateFixtures.path(fixture), toPath: target.path)
        let walker = FileManager.default.enumerator(atPath: target.path)!
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path)
        while let relative = walker.nextObject() as? String {
            let full = target.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            try FileManager.default.setAttributes([.posixPermissions: isDirectory.boolValue ? 0o755 : 0o644],
                                                  ofItemAtPath: full)
        }
        return target
    }
}

extension XCTestCase {
    /// Asserts that `body` throws a `FormatError` of `kind` whose one-line message contains every
    /// one of `fragments`; returns the message.
    @discardableResult
    func assertFormatError(_ kind: FormatError.Kind, containing fragments: [String],
                           file: StaticString = #filePath, line: UInt = #line,
                           _ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            XCTFail("expected a \(kind) error containing \(fragments)", file: file, line: line)
            return nil
        } catch let error as FormatError {
            XCTAssertEqual(error.kind, kind, "\(error.message)", file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), "message is not one line: \(error.message)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"",
                              file: file, line: line)
            }
            return error.message
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }
}
