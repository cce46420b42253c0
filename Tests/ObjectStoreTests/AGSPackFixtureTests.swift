import Foundation
import XCTest
@testable import ObjectStore

/// AGS memory packs on disk for the AGS tests: the spec's worked example, written in Swift, and
/// a realistic pack that an independent Python assembler builds by the spec's rules.
final class AGSPackFixture {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("gaitstore-ags-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// The worked example's `REPO_STATE.json` exactly as the packer's `write_json` writes it
    /// (`json.dumps(indent=2, sort_keys=True)` and a newline; "é" escaped as `\u00e9`).
    static let exampleManifest = [
        "{",
        "  \"canon_version\": \"unknown\",",
        "  \"files\": [",
        "    {",
        "      \"hash\": \"98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4\",",
        "      \"path\": \"a.txt\",",
        "      \"size\": 3",
        "    },",
        "    {",
        "      \"hash\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",",
        #"      "path": "b/\u00e9.md","#,
        "      \"size\": 0",
        "    }",
        "  ],",
        "  \"grammar_version\": \"1.0\",",
        "  \"scope\": \"ags\"",
        "}",
        "",
    ].joined(separator: "\n")

    /// The spec's worked example as a pack directory: `repo/a.txt` = "hi\n", `repo/b/é.md` empty.
    @discardableResult
    func writeExample(named name: String = "example-pack", manifest: String = AGSPackFixture.exampleManifest) throws -> String {
        let pack = root.appendingPathComponent(name).path
        try write(pack, "meta/REPO_STATE.json", Array(manifest.utf8))
        try write(pack, "repo/a.txt", Array("hi\n".utf8))
        try write(pack, "repo/b/\u{e9}.md", [])
        return pack
    }

    func write(_ pack: String, _ relative: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: pack).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// What the Python assembler reports about the pack it built.
    struct PythonPack {
        var directory: String
        var digest: String
        /// Every file, sorted by path bytes.
        var files: [(path: String, sha256: String, size: Int, executable: Bool)]
    }

    /// Builds a realistic pack with `python3` from the spec's rules alone (no Swift involved):
    /// LF and CRLF text, an NFD and an NFC file name, an empty file, an executable script, a
    /// 3 MiB file (many read chunks), an anchor outside `files`, HEAD-era `meta/` files, SPLIT,
    /// a compact P2 LITE manifest, then the inventory, then the files written after it.
    func buildRealisticPack() throws -> PythonPack {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/ags_fixture.py").path
        let output = try JSONTestSupport.run("python3", [script, root.path], input: [])
        let report = try JSONParser.parse(output)
        var files: [(path: String, sha256: String, size: Int, executable: Bool)] = []
        for member in try XCTUnwrap(report["files"]?.objectValue) {
            let row = try XCTUnwrap(member.value.arrayValue)
            files.append((member.key, try XCTUnwrap(row[0].stringValue), try XCTUnwrap(row[1].numberValue?.int64Value).asInt,
                          try XCTUnwrap(row[2].boolValue)))
        }
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return PythonPack(directory: try XCTUnwrap(report["pack"]?.stringValue),
                          digest: try XCTUnwrap(report["digest"]?.stringValue), files: files)
    }

}

extension Int64 {
    var asInt: Int { Int(self) }
}

/// In-memory sources for `verify(files:)`, handed out in small chunks to exercise streaming.
enum AGSMemorySources {
    static func of(_ files: [String: [UInt8]], chunk: Int = 7) -> [String: AGSMemoryPack.FileSource] {
        files.mapValues { bytes in
            AGSMemoryPack.FileSource(size: bytes.count) { consume in
                try bytes.withUnsafeBytes { raw in
                    var start = 0
                    while start < raw.count {
                        let end = min(start + chunk, raw.count)
                        try consume(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                        start = end
                    }
                }
            }
        }
    }
}
