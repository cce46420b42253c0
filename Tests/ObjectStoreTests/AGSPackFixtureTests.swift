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
        let output = try JSONTestSupport.run("python3", ["-c", Self.assembler, root.path], input: [])
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

    static let assembler = #"""
    import hashlib, json, os, sys

    out = sys.argv[1]
    sha = lambda data: hashlib.sha256(data).hexdigest()
    big = b"".join(b"line %07d of a large governance document\n" % i for i in range(75000))
    sources = {
        "AGENTS.md": b"# Agents\n\nRead the canon first.\n",
        "README.md": b"# AGS\r\nWritten on Windows.\r\n",
        "LAW/CANON/VERSIONING.md": b"canon_version: 3.1.4\n",
        "CAPABILITY/SKILLS/demo/run.py": b"#!/usr/bin/env python3\nprint('demo')\n",
        "NAVIGATION/MAPS/cafe\u0301.md": b"decomposed name\n",
        "MEMORY/notes/r\u00e9sum\u00e9.txt": b"composed name\n",
        "MEMORY/empty.txt": b"",
        "THOUGHT/LAB/big.json": big,
        ".github/workflows/ci.yml": b"on: push\n",
    }
    entries = [{"path": p, "hash": sha(b), "size": len(b)} for p, b in sources.items()]
    entries.sort(key=lambda e: (e["path"], e["hash"]))
    preimage = "".join("%s %d %s\n" % (e["hash"], e["size"], e["path"]) for e in entries)
    digest = hashlib.sha256(preimage.encode("utf-8")).hexdigest()
    pack = os.path.join(out, "llm-pack-ags-" + digest[:12])

    def write(rel, data):
        path = os.path.join(pack, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def write_json(rel, value):
        write(rel, (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8"))

    for e in entries:
        write("repo/" + e["path"], sources[e["path"]])
    os.chmod(os.path.join(pack, "repo/CAPABILITY/SKILLS/demo/run.py"), 0o755)
    write("repo/CATALYTIC/AGENTS.md", b"an anchor copied from outside the scope root\n")
    write_json("meta/REPO_STATE.json",
               {"canon_version": "3.1.4", "grammar_version": "1.0", "scope": "ags", "files": entries})
    write("meta/BUILD_TREE.txt", b"BUILD is excluded from packs by contract.\n")
    write("meta/START_HERE.md", b"# START HERE\n\n1) `repo/AGENTS.md`\n")
    write_json("meta/PACK_INFO.json",
               {"scope": "ags", "title": "Agent Governance System (AGS)", "stamp": digest[:12], "version": "3.1.4"})
    write_json("meta/PROVENANCE.json", {"generator": "LLM_PACKER", "scope": "ags"})
    write_json("meta/REPO_OMITTED_BINARIES.json", [{"bytes": 2048, "repoRelPath": "assets/logo.png", "scope": "repo"}])
    write("SPLIT/AGS-00_INDEX.md", b"# AGS Pack Index\n")
    lite = {"version": "P2.0", "scope": "ags", "buckets": {}, "repo_state": {},
            "entries": [{"path": e["path"], "ref": "sha256:" + e["hash"], "bytes": e["size"],
                         "ext": os.path.splitext(e["path"])[1], "kind": "FILE"} for e in entries]}
    write("LITE/PACK_MANIFEST.json",
          (json.dumps(lite, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8"))

    index = []
    for directory, _, names in os.walk(pack):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                data = f.read()
            index.append({"path": os.path.relpath(path, pack).replace(os.sep, "/"), "bytes": len(data), "sha256": sha(data)})
    index.sort(key=lambda e: (e["path"], e["sha256"]))
    write("meta/FILE_TREE.txt", ("\n".join(e["path"] for e in index) + "\n").encode("utf-8"))
    write("FULL/AGS-FULL-TREEMAP-" + digest[:12] + ".md", b"# AGS TREEMAP\n")
    write_json("meta/FILE_INDEX.json", index)

    listing = {}
    for directory, _, names in os.walk(pack):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                data = f.read()
            listing[os.path.relpath(path, pack)] = [sha(data), len(data), os.access(path, os.X_OK)]
    print(json.dumps({"digest": digest, "pack": pack, "files": listing}))
    """#
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
