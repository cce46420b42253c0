import Foundation
import XCTest
@testable import ObjectStore

/// Whole-pack verification: what a good pack yields and how each kind of damage is reported.
final class AGSPackVerifyTests: XCTestCase {
    // MARK: Good packs

    func testRealisticPackVerifiesToPythonsDigestAndListing() throws {
        let fixture = try AGSPackFixture()
        let python = try fixture.buildRealisticPack()
        XCTAssertTrue(AGSMemoryPack.looksLikePack(directory: python.directory))
        let verified = try AGSMemoryPack.verify(directory: python.directory)
        XCTAssertEqual(verified.manifestDigest, python.digest)
        XCTAssertEqual(verified.grammarVersion, "1.0")
        XCTAssertEqual(verified.canonVersion, "3.1.4")
        XCTAssertEqual(verified.scope, "ags")
        XCTAssertEqual(verified.files.map { Array($0.path.utf8) }, python.files.map { Array($0.path.utf8) },
                       "every file, paths byte for byte (one name is NFD), sorted by bytes")
        for (ours, theirs) in zip(verified.files, python.files) {
            XCTAssertEqual(ours.sha256.hex, theirs.sha256, ours.path)
            XCTAssertEqual(ours.size, theirs.size, ours.path)
            XCTAssertEqual(ours.mode, theirs.executable ? 0o100755 : 0o100644, ours.path)
        }
        XCTAssertTrue(verified.files.contains { $0.path == "repo/CAPABILITY/SKILLS/demo/run.py" && $0.mode == 0o100755 })
        XCTAssertTrue(verified.files.contains { $0.size > 3_000_000 }, "the large file is listed")
    }

    /// The same pack handed over as in-memory streams, in 7-byte chunks, gives the same result;
    /// so does a directory reached through a trailing slash.
    func testVerifyFilesAgreesWithVerifyDirectory() throws {
        let fixture = try AGSPackFixture()
        let python = try fixture.buildRealisticPack()
        let fromDisk = try AGSMemoryPack.verify(directory: python.directory + "/")
        let bytes = try Dictionary(uniqueKeysWithValues: python.files.map { file in
            (file.path, Array(try Data(contentsOf: URL(fileURLWithPath: python.directory).appendingPathComponent(file.path))))
        })
        var sources = AGSMemorySources.of(bytes)
        for file in python.files where file.executable {
            let original = sources[file.path]!
            sources[file.path] = AGSMemoryPack.FileSource(size: original.size, mode: 0o755, stream: original.stream)
        }
        let name = URL(fileURLWithPath: python.directory).lastPathComponent
        for fromMemory in [try AGSMemoryPack.verify(files: sources), try AGSMemoryPack.verify(files: sources, directoryName: name)] {
            XCTAssertEqual(fromMemory.manifestDigest, fromDisk.manifestDigest)
            XCTAssertEqual(fromMemory.grammarVersion, fromDisk.grammarVersion)
            XCTAssertEqual(fromMemory.canonVersion, fromDisk.canonVersion)
            XCTAssertEqual(fromMemory.scope, fromDisk.scope)
            XCTAssertEqual(fromMemory.files, fromDisk.files)
        }
    }

    /// A digest the caller already has stands in for reading the file (fsck and pull hash every
    /// stored file once): the file is not streamed, and a wrong one is a mismatch like a wrong file.
    func testAKnownDigestIsUsedInsteadOfReadingTheFile() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        let content = try Data(contentsOf: URL(fileURLWithPath: pack).appendingPathComponent("repo/a.txt"))
        var sources = try AGSDirectoryReader.list(pack).files
        var unread = AGSMemoryPack.FileSource(size: content.count) { _ in XCTFail("repo/a.txt was read") }
        unread.knownDigest = SHA256Digest.of(Array(content))
        sources["repo/a.txt"] = unread
        XCTAssertEqual(try AGSMemoryPack.verify(files: sources).manifestDigest, try AGSMemoryPack.verify(directory: pack).manifestDigest)

        unread.knownDigest = SHA256Digest.of(Array("other\n".utf8))
        sources["repo/a.txt"] = unread
        assertFails(try AGSMemoryPack.verify(files: sources), .verification,
                    "repo/a.txt has sha256 \(SHA256Digest.of(Array("other\n".utf8)).hex), but meta/REPO_STATE.json lists "
                        + SHA256Digest.of(Array(content)).hex)
    }

    // MARK: Damage to what the digest covers

    func testFlippedByteInARepoFileIsAHashMismatchNamingIt() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        try fixture.write(pack, "repo/a.txt", Array("hI\n".utf8))
        assertFails(try AGSMemoryPack.verify(directory: pack), .verification,
                    "repo/a.txt has sha256 \(SHA256Digest.of(Array("hI\n".utf8)).hex), but meta/REPO_STATE.json lists "
                    + "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4")
    }

    func testFlippedByteDeepInALargeFileIsFound() throws {
        let fixture = try AGSPackFixture()
        let python = try fixture.buildRealisticPack()
        let path = python.directory + "/repo/THOUGHT/LAB/big.json"
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 2_900_000)
        let original = try XCTUnwrap(handle.readData(ofLength: 1).first)
        try handle.seek(toOffset: 2_900_000)
        handle.write(Data([original ^ 0x01]))
        try handle.close()
        assertFails(try AGSMemoryPack.verify(directory: python.directory), .verification,
                    containing: "repo/THOUGHT/LAB/big.json has sha256")
    }

    func testChangedSizeIsReportedBeforeAnyHashing() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        try fixture.write(pack, "repo/a.txt", Array("hi!\n".utf8))
        assertFails(try AGSMemoryPack.verify(directory: pack), .verification,
                    "repo/a.txt is 4 bytes, but meta/REPO_STATE.json lists 3")
    }

    func testMissingRepoFileIsRefused() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        try FileManager.default.removeItem(atPath: pack + "/repo/b/\u{e9}.md")
        assertFails(try AGSMemoryPack.verify(directory: pack), .verification,
                    "repo/b/\u{e9}.md is missing, but meta/REPO_STATE.json lists it")
    }

    /// Paths compare as bytes: a decomposed "é" on disk is not the composed one the manifest lists.
    func testDifferentlyNormalizedNameIsNotTheListedFile() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        try FileManager.default.removeItem(atPath: pack + "/repo/b/\u{e9}.md")
        try fixture.write(pack, "repo/b/e\u{301}.md", [])
        assertFails(try AGSMemoryPack.verify(directory: pack), .verification, containing: "is missing, but meta/REPO_STATE.json lists it")
        // Both spellings at once cannot be told apart by a [String: FileSource] listing.
        try fixture.write(pack, "repo/b/\u{e9}.md", [])
        assertFails(try AGSMemoryPack.verify(directory: pack), .invalidInput, containing: "differ only in Unicode normalization")
    }

    func testExtraFileIsRefusedNamingIt() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        try fixture.write(pack, "repo/b/notes.txt", Array("smuggled\n".utf8))
        assertFails(try AGSMemoryPack.verify(directory: pack), .verification,
                    "repo/b/notes.txt is not accounted for by meta/REPO_STATE.json or meta/FILE_INDEX.json")
    }

    func testSymlinkIsRefusedWhereverItIs() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        try FileManager.default.createSymbolicLink(atPath: pack + "/repo/link.txt", withDestinationPath: "a.txt")
        assertFails(try AGSMemoryPack.verify(directory: pack), .invalidInput,
                    "repo/link.txt is a symbolic link; AGS packs hold regular files only")

        // A listed file replaced by a link to identical bytes outside the pack.
        let other = try fixture.writeExample(named: "second")
        let outside = fixture.root.appendingPathComponent("outside.txt").path
        try Data("hi\n".utf8).write(to: URL(fileURLWithPath: outside))
        try FileManager.default.removeItem(atPath: other + "/repo/a.txt")
        try FileManager.default.createSymbolicLink(atPath: other + "/repo/a.txt", withDestinationPath: outside)
        assertFails(try AGSMemoryPack.verify(directory: other), .invalidInput, containing: "repo/a.txt is a symbolic link")

        // A linked directory.
        let third = try fixture.writeExample(named: "third")
        try FileManager.default.createSymbolicLink(atPath: third + "/repo/dir", withDestinationPath: fixture.root.path)
        assertFails(try AGSMemoryPack.verify(directory: third), .invalidInput, containing: "repo/dir is a symbolic link")
    }

    func testFifoIsRefused() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        XCTAssertEqual(mkfifo(pack + "/repo/pipe", 0o600), 0)
        assertFails(try AGSMemoryPack.verify(directory: pack), .invalidInput, "repo/pipe is not a regular file or directory")
    }

    // MARK: Versions and names

    func testUnknownGrammarVersionIsRefused() throws {
        let fixture = try AGSPackFixture()
        let manifest = AGSPackFixture.exampleManifest.replacingOccurrences(of: #""grammar_version": "1.0""#,
                                                                           with: #""grammar_version": "2.0""#)
        let pack = try fixture.writeExample(manifest: manifest)
        assertFails(try AGSMemoryPack.verify(directory: pack), .verification,
                    #"meta/REPO_STATE.json: unknown grammar_version "2.0"; gaitstore reads grammar 1.0 only"#)
    }

    func testDirectoryNamedForAnotherDigestIsRefused() throws {
        let fixture = try AGSPackFixture()
        let good = try fixture.writeExample(named: "llm-pack-ags-5f5bef178d21")
        XCTAssertEqual(try AGSMemoryPack.verify(directory: good).manifestDigest, AGSManifestDigestTests.exampleDigest)
        let early = try fixture.writeExample(named: "llm-pack-5f5bef178d21")
        XCTAssertEqual(try AGSMemoryPack.verify(directory: early).manifestDigest, AGSManifestDigestTests.exampleDigest)
        let stamped = try fixture.writeExample(named: "ags-pack-2025-12-27_13-21-43")
        XCTAssertEqual(try AGSMemoryPack.verify(directory: stamped).manifestDigest, AGSManifestDigestTests.exampleDigest)

        let wrong = try fixture.writeExample(named: "llm-pack-ags-0123456789ab")
        assertFails(try AGSMemoryPack.verify(directory: wrong), .verification,
                    "pack directory llm-pack-ags-0123456789ab is named for digest 0123456789ab…, but its manifest_digest is "
                    + AGSManifestDigestTests.exampleDigest)
    }

    func testPackInfoMustAgreeWithTheManifest() throws {
        let cases: [(info: String, expected: String)] = [
            (#"{"repo_digest": "0000000000000000000000000000000000000000000000000000000000000000"}"#,
             "meta/PACK_INFO.json: repo_digest 0000000000000000000000000000000000000000000000000000000000000000 does not "
             + "match the manifest_digest of meta/REPO_STATE.json, \(AGSManifestDigestTests.exampleDigest)"),
            (#"{"grammar_version": "1.1"}"#,
             #"meta/PACK_INFO.json: unknown grammar_version "1.1"; gaitstore reads grammar 1.0 only"#),
            (#"{"version": "2.10.0"}"#,
             #"meta/PACK_INFO.json: canon_version "2.10.0" disagrees with meta/REPO_STATE.json ("unknown")"#),
            (#"{"scope": "lab"}"#, #"meta/PACK_INFO.json: scope "lab" disagrees with meta/REPO_STATE.json ("ags")"#),
            (#"{"scope": 7}"#, "meta/PACK_INFO.json: scope is not a string"),
        ]
        for item in cases {
            let fixture = try AGSPackFixture()
            let pack = try fixture.writeExample()
            try fixture.write(pack, "meta/PACK_INFO.json", Array(item.info.utf8))
            let kind: FormatError.Kind = item.expected.hasSuffix("is not a string") ? .invalidInput : .verification
            assertFails(try AGSMemoryPack.verify(directory: pack), kind, item.expected)
        }
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        let early = #"{"canon_version": "unknown", "grammar_version": "1.0", "mode": "full", "repo_digest": ""#
            + AGSManifestDigestTests.exampleDigest + #""}"#
        try fixture.write(pack, "meta/PACK_INFO.json", Array(early.utf8))
        assertFails(try AGSMemoryPack.verify(directory: pack), .verification,
                    "meta/PACK_INFO.json is not accounted for by meta/REPO_STATE.json or meta/FILE_INDEX.json")
        let index = #"[{"bytes": \#(early.utf8.count), "path": "meta/PACK_INFO.json", "sha256": "\#(SHA256Digest.of(early).hex)"}]"#
        try fixture.write(pack, "meta/FILE_INDEX.json", Array(index.utf8))
        XCTAssertEqual(try AGSMemoryPack.verify(directory: pack).files.count, 5, "an early packer's PACK_INFO checks out")
    }

    func testLiteManifestMustBeP2() throws {
        let fixture = try AGSPackFixture()
        let pack = try fixture.writeExample()
        try fixture.write(pack, "LITE/PACK_MANIFEST.json", Array(#"{"entries":[],"version":"P3.0"}"#.utf8))
        // Not listed anywhere, but the version is judged first: it is the more specific complaint.
        assertFails(try AGSMemoryPack.verify(directory: pack), .verification,
                    #"LITE/PACK_MANIFEST.json: version "P3.0"; AGS packs' LITE manifests are P2.0"#)
    }

    // MARK: The index: what the digest does not cover

    func testFlippedByteOutsideTheDigestIsCaughtByTheIndex() throws {
        let fixture = try AGSPackFixture()
        let python = try fixture.buildRealisticPack()
        try fixture.write(python.directory, "SPLIT/AGS-00_INDEX.md", Array("# AGS Pack Indey\n".utf8))
        assertFails(try AGSMemoryPack.verify(directory: python.directory), .verification,
                    containing: "SPLIT/AGS-00_INDEX.md has sha256 \(SHA256Digest.of(Array("# AGS Pack Indey\n".utf8)).hex), "
                    + "but meta/FILE_INDEX.json lists")
    }

    func testTamperedMetadataIsAMismatchNotAParseError() throws {
        let fixture = try AGSPackFixture()
        let python = try fixture.buildRealisticPack()
        let path = python.directory + "/meta/PACK_INFO.json"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[0] = UInt8(ascii: "[")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        assertFails(try AGSMemoryPack.verify(directory: python.directory), .verification,
                    containing: "meta/PACK_INFO.json has sha256")
    }

    func testFileTheIndexListsMustExist() throws {
        let fixture = try AGSPackFixture()
        let python = try fixture.buildRealisticPack()
        try FileManager.default.removeItem(atPath: python.directory + "/meta/START_HERE.md")
        assertFails(try AGSMemoryPack.verify(directory: python.directory), .verification,
                    "meta/START_HERE.md is missing, but meta/FILE_INDEX.json lists it")
    }

    func testFilesWrittenAfterTheIndexAreAcceptedUnhashedButOthersAreNot() throws {
        let fixture = try AGSPackFixture()
        let python = try fixture.buildRealisticPack()
        try fixture.write(python.directory, "meta/FILE_TREE.txt", Array("anything\n".utf8))
        try fixture.write(python.directory, "FULL/AGS-FULL-TREEMAP-other.md", Array("another treemap\n".utf8))
        XCTAssertEqual(try AGSMemoryPack.verify(directory: python.directory).manifestDigest, python.digest)
        try fixture.write(python.directory, "FULL/AGS-FULL-other.md", Array("not a treemap\n".utf8))
        assertFails(try AGSMemoryPack.verify(directory: python.directory), .verification,
                    "FULL/AGS-FULL-other.md is not accounted for by meta/REPO_STATE.json or meta/FILE_INDEX.json")
    }

    /// The 2025-12-23 packer wrote `"sha256": null` for files over 2 MiB: their size still counts.
    func testIndexEntryWithoutHashChecksTheSizeOnly() throws {
        let split = Array("# split\n".utf8)
        var files: [String: [UInt8]] = ["meta/REPO_STATE.json": Array(AGSPackFixture.exampleManifest.utf8),
                                        "repo/a.txt": Array("hi\n".utf8), "repo/b/\u{e9}.md": [], "SPLIT/00.md": split]
        files["meta/FILE_INDEX.json"] = Array(#"[{"bytes": 8, "path": "SPLIT/00.md", "sha256": null}]"#.utf8)
        let verified = try AGSMemoryPack.verify(files: AGSMemorySources.of(files))
        XCTAssertEqual(verified.files.first { $0.path == "SPLIT/00.md" }?.sha256, SHA256Digest.of(split))
        files["SPLIT/00.md"] = Array("# split!\n".utf8)
        assertFails(try AGSMemoryPack.verify(files: AGSMemorySources.of(files)), .verification,
                    "SPLIT/00.md is 9 bytes, but meta/FILE_INDEX.json lists 8")
    }

    func testMalformedIndexIsRefusedNamingTheEntry() {
        let cases: [(String, String)] = [
            (#"{"path": "x"}"#, "meta/FILE_INDEX.json: top level is not a JSON array"),
            (#"[{"bytes": 1, "path": "x", "sha256": "ABC"}]"#, "meta/FILE_INDEX.json: [0].sha256 is not 64 lower-case hex digits"),
            (#"[{"bytes": 1, "path": "../x", "sha256": null}]"#,
             #"meta/FILE_INDEX.json: [0].path "../x" is unsafe: '..' path segment leaves the pack"#),
            (#"[{"bytes": 1, "path": "x", "sha256": null}, {"bytes": 1, "path": "x", "sha256": null}]"#,
             #"meta/FILE_INDEX.json: [1].path "x" is listed twice"#),
            (#"[{"path": "x", "sha256": null}]"#, "meta/FILE_INDEX.json: [0].bytes is missing"),
        ]
        for (index, expected) in cases {
            let files: [String: [UInt8]] = ["meta/REPO_STATE.json": Array(AGSPackFixture.exampleManifest.utf8),
                                            "meta/FILE_INDEX.json": Array(index.utf8)]
            assertFails(try AGSMemoryPack.verify(files: AGSMemorySources.of(files)), .invalidInput, expected)
        }
    }

    // MARK: Not a pack, unsafe names, lying sources

    func testDirectoriesThatAreNotPacks() throws {
        let fixture = try AGSPackFixture()
        let empty = fixture.root.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        XCTAssertFalse(AGSMemoryPack.looksLikePack(directory: empty))
        assertFails(try AGSMemoryPack.verify(directory: empty), .invalidInput,
                    "meta/REPO_STATE.json is missing, so this is not an AGS memory pack")
        let missing = fixture.root.appendingPathComponent("nowhere").path
        XCTAssertFalse(AGSMemoryPack.looksLikePack(directory: missing))
        assertFails(try AGSMemoryPack.verify(directory: missing), .invalidInput, "\(missing): no such directory")
        let pack = try fixture.writeExample()
        XCTAssertTrue(AGSMemoryPack.looksLikePack(directory: pack))
        XCTAssertFalse(AGSMemoryPack.looksLikePack(directory: pack + "/repo/a.txt"))
        assertFails(try AGSMemoryPack.verify(directory: pack + "/repo/a.txt"), .invalidInput, "\(pack)/repo/a.txt: not a directory")

        let linked = try fixture.writeExample(named: "linked-manifest")
        try FileManager.default.moveItem(atPath: linked + "/meta/REPO_STATE.json", toPath: fixture.root.path + "/state.json")
        try FileManager.default.createSymbolicLink(atPath: linked + "/meta/REPO_STATE.json",
                                                   withDestinationPath: fixture.root.path + "/state.json")
        XCTAssertFalse(AGSMemoryPack.looksLikePack(directory: linked))
    }

    func testUnsafeOrConflictingNamesInAFileListingAreRefused() {
        let manifest = Array(AGSPackFixture.exampleManifest.utf8)
        let cases: [(String, String)] = [
            ("../outside.txt", "../outside.txt: unsafe path: '..' path segment leaves the pack"),
            ("/etc/passwd", "/etc/passwd: unsafe path: absolute path"),
            ("repo//a.txt", "repo//a.txt: unsafe path: empty path segment"),
            ("repo/./a.txt", "repo/./a.txt: unsafe path: '.' path segment"),
            ("repo\\a.txt", "repo\\a.txt: unsafe path: backslash in path"),
            ("repo/.git/config", "repo/.git/config: unsafe path: '.git' path segment"),
            ("repo/a.txt/inner", "repo/a.txt is both a file and the directory of repo/a.txt/inner"),
        ]
        for (name, expected) in cases {
            var files: [String: [UInt8]] = ["meta/REPO_STATE.json": manifest, "repo/a.txt": Array("hi\n".utf8),
                                            "repo/b/\u{e9}.md": []]
            files[name] = Array("x".utf8)
            assertFails(try AGSMemoryPack.verify(files: AGSMemorySources.of(files)), .invalidInput, expected)
        }
    }

    func testSourceThatStreamsOtherThanItsDeclaredSizeIsRefused() {
        let manifest = Array(AGSPackFixture.exampleManifest.utf8)
        var sources = AGSMemorySources.of(["meta/REPO_STATE.json": manifest, "repo/b/\u{e9}.md": []])
        sources["repo/a.txt"] = AGSMemoryPack.FileSource(size: 3) { consume in
            try Array("hi".utf8).withUnsafeBytes { try consume($0) }
        }
        assertFails(try AGSMemoryPack.verify(files: sources), .invalidInput, "repo/a.txt ended after 2 of its declared 3 bytes")
        sources["repo/a.txt"] = AGSMemoryPack.FileSource(size: 3) { consume in
            try Array("hi\n\n".utf8).withUnsafeBytes { try consume($0) }
        }
        assertFails(try AGSMemoryPack.verify(files: sources), .invalidInput, "repo/a.txt is longer than its declared 3 bytes")
    }

    // MARK: Helpers

    private func assertFails(_ expression: @autoclosure () throws -> AGSMemoryPack.Verified, _ kind: FormatError.Kind,
                             _ message: String? = nil, containing fragment: String? = nil,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard let failure = error as? FormatError else {
                return XCTFail("not a FormatError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(failure.kind, kind, "\(failure)", file: file, line: line)
            if let message { XCTAssertEqual(failure.description, message, file: file, line: line) }
            if let fragment {
                XCTAssertTrue(failure.description.contains(fragment), "\(failure) lacks \(fragment)", file: file, line: line)
            }
            XCTAssertFalse(failure.description.contains("\n"), "one line", file: file, line: line)
        }
    }
}
