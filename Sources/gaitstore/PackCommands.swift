import ArgumentParser
import Foundation
import ObjectStore
import Refs

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Build, verify, inspect and diff PackSpec v1 packs, as gait does; verify, inspect and diff Decision Gate runpacks and AGS memory packs.",
        subcommands: [PackBuild.self, PackVerify.self, PackInspect.self, PackDiffCommand.self]
    )
}

struct PackBuild: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Build a PackSpec v1 pack.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Pack type: run, job or call.")
    var type: String

    @Option(help: "Source: a runpack zip or run id (run); a gait job directory, state.json or a stored job id (job); a call record (call).")
    var from: String

    @Option(help: "Output zip. Default: pack_<pack_id>.zip beside the source (job: ./gait-out).")
    var out: String?

    @Option(help: "Signing key: gait base64 private key or unencrypted OpenSSH ed25519 key.")
    var key: String?

    @Option(name: .customLong("private-key-env"), help: "Environment variable holding a gait base64 private key.")
    var privateKeyEnv: String?

    @Option(help: "producer_version written into the manifest and proof records (part of pack_id).")
    var producerVersion = "0.0.0-dev"

    @Option(help: "Where gait job directories live, for --from JOB_ID.")
    var jobRoot = "./gait-out/jobs"

    func run() throws {
        try perform("build", json: global.json) {
            guard let packType = PackType(rawValue: type.lowercased()), packType != .authorization else {
                throw FormatError.invalid("unsupported --type \"\(type)\" (expected run, job or call)")
            }
            let options = PackBuildOptions(producerVersion: producerVersion,
                                           key: try KeySources.signingKey(path: key, env: privateKeyEnv))
            let built: BuiltPack
            switch packType {
            case .run:
                built = try RunPack.build(runpackPath: try SourceResolver.runpack(from), options: options, outPath: out)
            case .job:
                if !FileBytes.exists(from), let store = try? Store.open(at: global.storePath),
                   try JobBranch.tip(Job.trimmed(from), in: store) != nil {
                    built = try JobService.pack(from, store: store, options: options, outPath: out)
                } else {
                    let (state, events) = try JobPack.readJobDirectory(try SourceResolver.jobDirectory(from, root: jobRoot))
                    built = try JobPack.build(state: state, events: events, options: options, outPath: out)
                }
            case .call:
                built = try CallPack.build(recordPath: from, options: options, outPath: out)
            case .authorization:
                fatalError("rejected above")
            }
            if global.json {
                var envelope = Envelope(operation: "build")
                envelope["path"] = .string(built.path)
                envelope["pack_id"] = .string(built.packID)
                envelope["pack_type"] = .string(built.manifest.packType)
                envelope["source_ref"] = .string(built.manifest.sourceRef)
                envelope.print()
            } else {
                printLine("pack_id=\(built.packID)")
                printLine("pack_type=\(built.manifest.packType)")
                printLine("source_ref=\(built.manifest.sourceRef)")
                printLine("path=\(built.path)")
                printLine("signed=\(built.manifest.signatures.isEmpty ? "no" : "yes")")
            }
        }
    }
}

/// Finds gait's inputs the way gait does when given an id instead of a path.
enum SourceResolver {
    static func runpack(_ from: String) throws -> String {
        if from.contains("/") || from.hasSuffix(".zip") || FileBytes.exists(from) { return from }
        let candidates = ["./gait-out/runpack_\(from).zip",
                          (NSHomeDirectory() as NSString).appendingPathComponent(".gait/runpacks/runpack_\(from).zip")]
        guard let found = candidates.first(where: FileBytes.exists) else {
            throw FormatError.invalid("runpack not found for run_id \(from) (looked in ./gait-out and ~/.gait/runpacks)")
        }
        return found
    }

    static func jobDirectory(_ from: String, root: String) throws -> String {
        if FileBytes.exists(from) { return from }
        guard Job.isValidID(from) else {
            throw FormatError.invalid("job source not found: \(from)")
        }
        let candidate = (root as NSString).appendingPathComponent(from)
        guard FileBytes.exists(candidate) else { throw FormatError.invalid("job not found: \(from) (looked in \(root))") }
        return candidate
    }
}

struct KeyOptions: ParsableArguments {
    @Option(help: "Public key: gait base64 file or OpenSSH .pub line.")
    var publicKey: String?

    @Option(name: .customLong("public-key-env"), help: "Environment variable holding a gait base64 public key.")
    var publicKeyEnv: String?

    @Option(help: "Private key, whose public half verifies.")
    var privateKey: String?

    @Option(name: .customLong("private-key-env"), help: "Environment variable holding a gait base64 private key.")
    var privateKeyEnv: String?

    var anyGiven: Bool { [publicKey, publicKeyEnv, privateKey, privateKeyEnv].contains { !($0 ?? "").isEmpty } }

    func load() throws -> Ed25519PublicKey? {
        try KeySources.verifyKey(publicPath: publicKey, publicEnv: publicKeyEnv, privatePath: privateKey, privateEnv: privateKeyEnv)
    }
}

struct PackInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a pack's identity, payload and lineage.",
        discussion: """
        For a Decision Gate runpack or AGS memory pack (a directory or a stored id): its id, type, file \
        count and bytes, and its manifest's identifying fields (Decision Gate: run_id, scenario_id, \
        tenant_id, namespace_id, manifest_version; AGS: grammar_version, canon_version, scope), one \
        key=value per line, or under "inspect" with --json. Nothing but the manifest is read.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A pack zip, a Decision Gate runpack or AGS memory pack directory, or a stored pack id.")
    var pack: String

    func run() throws {
        try perform("inspect", json: global.json) {
            let source = try PackSource(pack, store: global.storePath)
            if !global.json, let directoryPack = try source.directoryPack() {
                for (key, value) in try directoryPack.inspect().fields {
                    printLine("\(key)=\(value.stringValue ?? String(decoding: GoJSONOutput.encode(value), as: UTF8.self))")
                }
                return
            }
            let inspection = try source.inspect()
            if global.json {
                var envelope = Envelope(operation: "inspect")
                envelope["path"] = .string(pack)
                envelope["pack_id"] = .string(inspection.packID)
                envelope["pack_type"] = .string(inspection.packType)
                envelope["source_ref"] = .string(inspection.sourceRef)
                envelope["inspect"] = inspection.json
                envelope.print()
            } else {
                FileHandle.standardOutput.write(Data(GoJSONOutput.encode(inspection.json) + [0x0a]))
            }
        }
    }
}

struct PackDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Compare two packs; exit 2 when they differ.",
        discussion: """
        Each side is a pack zip, a Decision Gate runpack or AGS memory pack directory, or a stored pack id. \
        Two Decision Gate runpacks, or two AGS packs, are compared file by file by SHA-256 (the manifest \
        by manifest_delta); two stored packs by their git trees. Packs of different kinds (a gait pack \
        against a Decision Gate runpack, say) are refused with exit 6.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Left pack: zip, directory or stored id.")
    var left: String

    @Argument(help: "Right pack: zip, directory or stored id.")
    var right: String

    @Option(help: "Also write the diff JSON to this file.")
    var output: String?

    func run() throws {
        try perform("diff", json: global.json) {
            let result = try PackSource.diff(left, right, store: global.storePath)
            let bytes = try CanonicalJSON.encode(result.json)
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                    throw FormatError(.internalFailure, "write \(output): cannot create file")
                }
            }
            if global.json {
                var envelope = Envelope(operation: "diff")
                if let output { envelope["path"] = .string(output) }
                envelope["diff"] = ["Result": result.json]
                envelope.print()
            } else {
                FileHandle.standardOutput.write(Data(bytes + [0x0a]))
            }
            if result.changed { throw ExitCode(ExitStatus.verificationFailed) }
        }
    }
}

/// A pack named on the command line: a gait zip, a Decision Gate runpack or AGS memory pack
/// directory, or else the id of a stored pack of any kind.
enum PackSource {
    case file(String)
    case directory(DirectoryPack)
    case stored(Store, id: String, kind: PackKind, tree: GitOID)

    init(_ text: String, store storePath: String) throws {
        if FileBytes.exists(text) {
            self = FileBytes.isDirectory(text) ? .directory(try DirectoryPack(directory: text)) : .file(text)
            return
        }
        guard let store = try? Store.open(at: storePath) else {
            throw FormatError.invalid("\(text): no such file (and no store at \(storePath) to look it up as a pack id)")
        }
        if text.contains("/") { throw FormatError.invalid("\(text): no such file or directory") }
        let catalog = try store.catalogTree()
        let id = try store.resolvePackID(text, in: catalog)
        let (meta, tree) = try store.storedPack(id, in: catalog)
        self = .stored(store, id: id, kind: meta.kind, tree: tree)
    }

    /// The pack's kind; a zip on disk counts as a gait pack until its reader says which.
    var kind: PackKind {
        switch self {
        case .file: return .packSpec
        case .directory(let pack): return pack.kind
        case .stored(_, _, let kind, _): return kind
        }
    }

    /// A Decision Gate runpack or AGS memory pack, wherever it is; nil for gait packs.
    func directoryPack() throws -> DirectoryPack? {
        switch self {
        case .file: return nil
        case .directory(let pack): return pack
        case let .stored(store, _, kind, tree):
            return kind.exportsAsZip ? nil : try DirectoryPack(store: store, kind: kind, tree: tree)
        }
    }

    /// Verifies a gait pack (call `directoryPack()` first for the other kinds).
    func verify(_ options: VerifyOptions) throws -> VerifyResult {
        switch self {
        case .file(let path): return try PackVerifier.verify(path: path, options: options)
        case .stored: return try PackVerifier.verify(archive: try storedArchive(), options: options)
        case .directory: preconditionFailure("directory packs are verified by DirectoryPack.verify")
        }
    }

    func inspect() throws -> PackInspector.Inspection {
        if let pack = try directoryPack() {
            let inspection = try pack.inspect()
            return PackInspector.Inspection(packID: inspection.packID, packType: pack.kind.rawValue,
                                            sourceRef: inspection.sourceRef, json: inspection.json)
        }
        switch self {
        case .file(let path): return try PackInspector.inspect(path: path)
        case .stored: return try PackInspector.inspect(archive: try storedArchive())
        case .directory: preconditionFailure("handled above")
        }
    }

    static func diff(_ left: String, _ right: String, store: String) throws -> PackDiff.Result {
        let (l, r) = (try PackSource(left, store: store), try PackSource(right, store: store))
        try PackKind.checkComparable(l.kind, left, r.kind, right)
        if case let .stored(s, _, leftKind, leftTree) = l, case let .stored(_, _, rightKind, rightTree) = r {
            return try s.diff((left, leftKind, leftTree), (right, rightKind, rightTree))
        }
        return try PackDiff.diff(try l.side(), try r.side())
    }

    private func side() throws -> PackDiff.Side {
        if let pack = try directoryPack() { return try pack.diffSide() }
        switch self {
        case .file(let path): return try PackDiff.side(path: path)
        case .stored: return try PackDiff.side(archive: try storedArchive())
        case .directory: preconditionFailure("handled above")
        }
    }

    /// A stored gait pack's tree as an archive, from the lookup `init` already made.
    private func storedArchive() throws -> StoredPackArchive {
        guard case let .stored(store, _, _, tree) = self else { preconditionFailure("a stored pack") }
        return try StoredPackArchive(repository: store.repository, tree: tree)
    }
}
