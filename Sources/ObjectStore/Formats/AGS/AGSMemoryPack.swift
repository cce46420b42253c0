import Foundation

/// AGS (agent-governance-system) memory packs: the directories AGS's `LLM_PACKER` writes, whose
/// identity is the `manifest_digest` of `meta/REPO_STATE.json` (spec: ags-memory-pack.md).
///
/// What `verify` accepts, file by file:
/// - **Covered by the digest**, and so by the pack's id: `repo/<path>` for every entry of
///   `meta/REPO_STATE.json`'s `files`. Each must exist with exactly the listed size and SHA-256.
///   The digest is the SHA-256 of the UTF-8 lines `"<hash> <size> <path>\n"` in `files` order.
///   A delta pack, whose `repo/` holds only the changed files, is therefore refused: its digest
///   names files it does not contain.
/// - **Covered by `meta/FILE_INDEX.json`**, the packer's inventory of its own output, which the
///   id does not cover: every file it lists must exist with the listed `bytes` and `sha256` (a
///   `null` sha256, written by the 2025-12-23 packer for files over 2 MiB, checks the size only).
///   This accounts for `meta/*`, `SPLIT/`, `LITE/`, `FULL/`, `COMBINED/`, and `repo/` files
///   outside the digest (anchors the packer copies from outside a scope's root).
/// - **Written after the index, covered by no hash**, accepted as they are when the index does
///   not list them: `meta/REPO_STATE.json`, `meta/FILE_INDEX.json`, `meta/FILE_TREE.txt`,
///   `meta/CONTEXT.txt`, `meta/PROVENANCE.json` and `FULL/*-FULL-TREEMAP-*.md`.
/// - **Anything else is refused**, as are symbolic links, devices, sockets and fifos, names that
///   are not UTF-8, and paths that are absolute or have empty, `.`, `..` or `.git` segments or a
///   backslash. Empty directories are ignored: a git tree cannot hold them.
///
/// Versions: an unknown `grammar_version` (anything but "1.0"; absent before 2025-12-23) is
/// refused, in `REPO_STATE.json` or `PACK_INFO.json`; `PACK_INFO.json`'s `repo_digest`, versions
/// and scope, where present, must agree with the manifest; a `LITE/PACK_MANIFEST.json` must be
/// version "P2.0"; a directory named `llm-pack-[<scope>-]<12 hex>` must carry the digest's start.
///
/// Errors are `FormatError`s naming the pack-relative file: `.invalidInput` for what is not an AGS
/// pack or cannot be read as one (exit 6), `.verification` for a pack whose files, digest or
/// versions do not check out (exit 2), `.internalFailure` for I/O errors (exit 1).
public enum AGSMemoryPack {
    /// The most bytes read whole from one metadata file (the manifest lists every repository file).
    public static let maxMetadataBytes = 64 * 1024 * 1024

    /// Cheap test used by import to route a directory: it holds a regular `meta/REPO_STATE.json`.
    public static func looksLikePack(directory: String) -> Bool {
        guard AGSDirectoryReader.isDirectory(directory, followingLinks: true) else { return false }
        let meta = directory + "/meta"
        return AGSDirectoryReader.isDirectory(meta, followingLinks: false)
            && AGSDirectoryReader.isRegularFile(directory + "/" + AGSPackPaths.repoState)
    }

    /// Recomputes `manifest_digest` from the files on disk and checks every file as described in
    /// this type's documentation. No link inside the directory is followed (the directory itself
    /// may be reached through one); each file is hashed as it streams, once, so memory stays
    /// bounded whatever the pack's size.
    public static func verify(directory: String) throws -> Verified {
        let listing = try AGSDirectoryReader.list(directory)
        return try verify(files: listing.files, directoryName: listing.name)
    }

    /// The same over files not on disk: relative path -> streaming reader.
    public static func verify(files: [String: FileSource]) throws -> Verified {
        try verify(files: files, directoryName: nil)
    }

    /// As `verify(files:)`, also checking the digest a `llm-pack-…` directory name carries.
    public static func verify(files: [String: FileSource], directoryName: String?) throws -> Verified {
        var verifier = AGSPackVerifier(files: files)
        return try verifier.run(directoryName: directoryName)
    }

    /// One file of a pack, read on demand.
    public struct FileSource {
        /// The size the source declares; the bytes streamed must match it.
        public let size: Int
        /// Permission bits or a full `st_mode`; only the execute bits are kept (see `File.mode`).
        public let mode: UInt32
        /// Calls its argument with the file's bytes, chunk after chunk, in order.
        public let stream: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
        /// The SHA-256 of exactly these bytes, when the caller just computed it (fsck and pull
        /// hash every stored file once): verification uses it instead of reading the file again.
        /// The metadata files it parses are read whatever this says.
        public var knownDigest: SHA256Digest?

        public init(size: Int, mode: UInt32 = 0o644,
                    stream: @escaping ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) {
            self.size = size
            self.mode = mode
            self.stream = stream
        }
    }

    public struct Verified: Sendable {
        /// The pack's id in gaitstore (lower-case hex).
        public var manifestDigest: String
        /// "1.0", or empty for a pack written before the packer recorded a grammar (same grammar).
        public var grammarVersion: String
        /// `REPO_STATE.json`'s `canon_version` (possibly "unknown"), nil when absent.
        public var canonVersion: String?
        /// `REPO_STATE.json`'s `scope` (`ags`, `lab`, `cat_cas`, `catalytic-dpt`), nil before 2025-12-27.
        public var scope: String?
        /// Every regular file, sorted by path bytes.
        public var files: [File]
    }

    public struct File: Sendable, Equatable {
        /// Relative to the pack directory, `/`-separated.
        public var path: String
        public var sha256: SHA256Digest
        public var size: Int
        /// Git's mode for a regular file, as the pack is stored as a git tree: 0o100755 when the
        /// source had any execute bit, else 0o100644.
        public var mode: UInt32
    }
}
