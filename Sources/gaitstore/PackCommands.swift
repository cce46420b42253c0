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
            let inspection: PackInspector.Inspection
            switch try PackSource(pack, store: global.storePath).reader {
            case .zip(let path):
                inspection = try PackInspector.inspect(path: path)
            case .storedGait(let stored):
                inspection = try PackInspector.inspect(archive: try stored.archive())
            case .directory(let directoryPack):
                let inspected = try directoryPack.inspect()
                if !global.json {
                    for (key, value) in inspected.fields {
                        printLine("\(key)=\(value.stringValue ?? String(decoding: GoJSONOutput.encode(value), as: UTF8.self))")
                    }
                    return
                }
                inspection = PackInspector.Inspection(packID: inspected.packID, packType: directoryPack.kind.rawValue,
                                                      sourceRef: inspected.sourceRef, json: inspected.json)
            }
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

/// A pack named on the command line: a gait zip or a Decision Gate runpack or AGS memory pack
/// directory when the path exists, or else the id of a stored pack of any kind.
enum PackSource {
    case zip(String)
    case directory(DirectoryPack)
    case stored(Store, StoredPack)

    /// How a pack is read, wherever it is; the store decides for a stored pack.
    enum Reader {
        case zip(String)
        case storedGait(StoredGaitPack)
        case directory(DirectoryPack)
    }

    init(_ text: String, store storePath: String) throws {
        if FileBytes.exists(text) {
            self = FileBytes.isDirectory(text) ? .directory(try DirectoryPack(directory: text)) : .zip(text)
            return
        }
        guard let store = try? Store.open(at: storePath) else {
            throw FormatError.invalid("\(text): no such file (and no store at \(storePath) to look it up as a pack id)")
        }
        if text.contains("/") { throw FormatError.invalid("\(text): no such file or directory") }
        let catalog = try store.catalogTree()
        self = .stored(store, try store.storedPack(try store.resolvePackID(text, in: catalog), in: catalog))
    }

    /// The pack's kind; a zip on disk counts as a gait pack until its reader says which.
    var kind: PackKind {
        switch self {
        case .zip: return .packSpec
        case .directory(let pack): return pack.kind
        case .stored(_, let pack): return pack.kind
        }
    }

    var reader: Reader {
        switch self {
        case .zip(let path): return .zip(path)
        case .directory(let pack): return .directory(pack)
        case .stored(_, let pack):
            switch pack.reader {
            case .gait(let gait): return .storedGait(gait)
            case .directory(let directory): return .directory(directory)
            }
        }
    }

    static func diff(_ left: String, _ right: String, store: String) throws -> PackDiff.Result {
        let (l, r) = (try PackSource(left, store: store), try PackSource(right, store: store))
        try PackKind.checkComparable(l.kind, left, r.kind, right)
        if case let .stored(s, leftPack) = l, case let .stored(_, rightPack) = r {
            return try s.diff((left, leftPack), (right, rightPack))
        }
        return try PackDiff.diff(try l.reader.diffSide(), try r.reader.diffSide())
    }
}

extension PackSource.Reader {
    func diffSide() throws -> PackDiff.Side {
        switch self {
        case .zip(let path): return try PackDiff.side(path: path)
        case .storedGait(let pack): return try PackDiff.side(archive: try pack.archive())
        case .directory(let pack): return try pack.diffSide()
        }
    }
}
