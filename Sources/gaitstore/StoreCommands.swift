import ArgumentParser
import Foundation
import ObjectStore
import Refs

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a store and its signing key.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Sign with this OpenSSH ed25519 key (an encrypted one signs through ssh-agent) instead of a new one.")
    var key: String?

    @Option(help: "Principal the key is trusted as in allowed_signers.")
    var principal = "gaitstore@\(ProcessInfo.processInfo.hostName)"

    func run() throws {
        try perform("init", json: global.json) {
            let created = try StoreSetup.initialize(at: global.storePath, key: key, principal: principal)
            emit(global.json, [("store", .string(created.path)), ("key", .string(created.keyPath)),
                               ("principal", .string(created.principal)), ("fingerprint", .string(created.publicKey.fingerprint))])
        }
    }
}

struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trust", abstract: "Keys whose signatures the store accepts (allowed_signers).",
                                                    subcommands: [TrustAdd.self, TrustList.self, TrustRemove.self])
}

struct TrustAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Trust a public key as PRINCIPAL.")
    @OptionGroup var global: GlobalOptions
    @Argument var principal: String
    @Argument(help: "An OpenSSH .pub file, or a gait public key file.") var publicKeyFile: String

    func run() throws {
        try perform("trust add", json: global.json) {
            _ = try Store.open(at: global.storePath)
            let key: Ed25519PublicKey
            do { key = try KeyFiles.loadPublic(publicKeyFile) } catch { throw FormatError.invalid("\(error)") }
            let path = StoreIdentity.allowedSignersPath(store: global.storePath)
            var signers = try AllowedSigners.load(path)
            do { try signers.add(principal: principal, key: key) } catch { throw FormatError.invalid("\(error)") }
            try signers.write(to: path)
            emit(global.json, [("principal", .string(principal)), ("fingerprint", .string(key.fingerprint))])
        }
    }
}

struct TrustList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List trusted keys.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try perform("trust list", json: global.json) {
            _ = try Store.open(at: global.storePath)
            let signers = try AllowedSigners.load(StoreIdentity.allowedSignersPath(store: global.storePath))
            let rows: [JSONValue] = signers.entries.map {
                ["principals": .array($0.principals.map { .string($0) }), "fingerprint": .string($0.key.fingerprint)]
            }
            if global.json {
                printJSON(["ok": true, "signers": .array(rows)])
            } else {
                for entry in signers.entries { printLine("\(entry.principals.joined(separator: ","))\t\(entry.key.fingerprint)") }
            }
        }
    }
}

struct TrustRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop trusting PRINCIPAL.")
    @OptionGroup var global: GlobalOptions
    @Argument var principal: String

    func run() throws {
        try perform("trust remove", json: global.json) {
            _ = try Store.open(at: global.storePath)
            let path = StoreIdentity.allowedSignersPath(store: global.storePath)
            var signers = try AllowedSigners.load(path)
            guard signers.remove(principal: principal) else { throw FormatError.invalid("no trusted key for principal \(principal)") }
            try signers.write(to: path)
            emit(global.json, [("removed", .string(principal))])
        }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
                                                    abstract: "Verify and store packs; all of them or none, in one signed catalog commit.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Pack zips (PackSpec v1, legacy runpack, legacy evidence pack) or pack directories.") var paths: [String]

    func run() throws {
        try perform("import", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let identity = try StoreIdentity.load(store: store.path)
            let result = try Importer.importPaths(paths, store: store, identity: identity)
            for pack in result.packs where pack.differsFromStored {
                warn("import", "pack \(pack.id) is already stored with other files (its \(pack.kind.rawValue) id does not cover every file); kept the stored copy")
            }
            let totalNew = result.packs.reduce(0) { $0 + $1.bytesNew }
            let totalDedup = result.packs.reduce(0) { $0 + $1.bytesDeduplicated }
            if global.json {
                printJSON(["ok": true, "commit": result.commit.map { .string($0.hex) } ?? .null,
                           "packs": .array(result.packs.map {
                               ["id": .string($0.id), "kind": .string($0.kind.rawValue), "files": .number(JSONNumber($0.files)),
                                "bytes_new": .number(JSONNumber($0.bytesNew)), "bytes_deduplicated": .number(JSONNumber($0.bytesDeduplicated)),
                                "already_stored": .bool($0.alreadyStored), "differs_from_stored": .bool($0.differsFromStored)]
                           }),
                           "total": ["packs": .number(JSONNumber(result.packs.count)), "bytes_new": .number(JSONNumber(totalNew)),
                                     "bytes_deduplicated": .number(JSONNumber(totalDedup))]])
            } else {
                for p in result.packs {
                    printLine("\(p.alreadyStored ? "known" : "stored") \(p.id) \(p.kind.rawValue) files=\(p.files) new=\(p.bytesNew) dedup=\(p.bytesDeduplicated)")
                }
                printLine("total packs=\(result.packs.count) new=\(totalNew) dedup=\(totalDedup)")
            }
        }
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List stored packs.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try perform("ls", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let metas = try store.allMeta(in: try store.catalogTree())
            if global.json {
                printJSON(["ok": true, "packs": .array(metas.map(\.json))])
            } else {
                for m in metas { printLine("\(m.id)\t\(m.kind.rawValue)\t\(m.packType)\t\(m.sourceRef)\t\(m.fileCount) files\t\(m.totalBytes) bytes") }
            }
        }
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a stored pack and its files.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Pack id (or a unique prefix).") var id: String

    func run() throws {
        try perform("show", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let tree = try store.catalogTree()
            let packID = try store.resolvePackID(id, in: tree)
            let meta = try store.meta(packID, in: tree)!
            let files = try store.files(of: packID, in: tree)
            if global.json {
                var object = meta.json
                if case .object(var o) = object {
                    o["file_list"] = .array(files.map { ["path": .string($0.path), "sha256": .string($0.sha256), "size": .number(JSONNumber($0.size))] })
                    object = .object(o)
                }
                printJSON(["ok": true, "pack": object])
            } else {
                printLine("id=\(meta.id)\nkind=\(meta.kind.rawValue)\npack_type=\(meta.packType)\nsource_ref=\(meta.sourceRef)\nsource_name=\(meta.sourceName)")
                for f in files { printLine("sha256:\(f.sha256)\t\(f.size)\t\(f.path)") }
            }
        }
    }
}

struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cat", abstract: "Write a stored file's bytes, re-checking its SHA-256.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "sha256:<64 lower-case hex>") var digest: String

    func run() throws {
        try perform("cat", json: false) {
            guard let wanted = SHA256Digest(prefixed: digest) else {
                throw FormatError.invalid("malformed digest \"\(digest)\" (expected sha256: and 64 lower-case hex digits)")
            }
            let store = try Store.open(at: global.storePath)
            try store.cat(wanted) { chunk in FileHandle.standardOutput.write(Data(chunk)) }
        }
    }
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "The catalog's history (or another ref's).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Check every commit's signature against allowed_signers; exit 2 if any fails.") var verify = false
    @Argument(help: "A ref; default the catalog.") var ref: String = CatalogLayout.reference

    func run() throws {
        try perform("log", json: global.json) {
            let store = try Store.open(at: global.storePath)
            guard let tip = try store.repository.resolveReference(ref) else { throw FormatError.invalid("unknown ref \(ref)") }
            let verifier = try CommitVerifier(store: store.path)
            var rows: [JSONValue] = []
            var bad = 0
            for oid in try store.repository.commitLog(from: tip) {
                let info = try store.repository.readCommit(oid)
                let verdict = verify ? try verifier.verify(oid, in: store.repository) : nil
                if let verdict, !verdict.isGood { bad += 1 }
                let subject = info.message.split(separator: "\n").first.map(String.init) ?? ""
                if global.json {
                    var row: JSONObject = ["commit": .string(oid.hex), "time": .number(JSONNumber(Int(info.committer.time))),
                                           "author": .string(info.author.email), "subject": .string(subject)]
                    if let verdict { row["signature"] = .string(verdict.text) }
                    rows.append(.object(row))
                } else {
                    printLine("\(oid.hex) \(info.author.email) \(subject)" + (verdict.map { "  [\($0.text)]" } ?? ""))
                }
            }
            if global.json { printJSON(["ok": .bool(bad == 0), "commits": .array(rows)]) }
            if bad > 0 {
                try failAfterOutput("log", "\(bad) commit(s) on \(ref) without a good trusted signature", exit: ExitStatus.verificationFailed)
            }
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
                                                    abstract: "Write a stored pack out: a deterministic zip, or a directory for Decision Gate and AGS packs.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Pack id (or a unique prefix).") var id: String
    @Option(help: "Output zip file or directory.") var out: String

    func run() throws {
        try perform("export", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let packID = try store.resolvePackID(id, in: try store.catalogTree())
            let meta = try store.export(packID, to: out)
            emit(global.json, [("id", .string(meta.id)), ("kind", .string(meta.kind.rawValue)), ("path", .string(out))])
        }
    }
}

struct FsckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fsck",
                                                    abstract: "Re-hash every stored file, re-verify every pack, check every signature.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try perform("fsck", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let report = try Fsck.check(store: store)
            if global.json {
                printJSON(["ok": .bool(report.problems.isEmpty), "problems": .array(report.problems.map { .string($0) }),
                           "commits_checked": .number(JSONNumber(report.commitsChecked)),
                           "files_checked": .number(JSONNumber(report.filesChecked)),
                           "packs_checked": .number(JSONNumber(report.packsChecked)),
                           "jobs_checked": .number(JSONNumber(report.jobsChecked)),
                           "bytes_hashed": .number(JSONNumber(report.bytesHashed))])
            } else {
                for problem in report.problems { printLine("problem: \(problem)") }
                printLine("commits=\(report.commitsChecked) files=\(report.filesChecked) packs=\(report.packsChecked) jobs=\(report.jobsChecked) bytes=\(report.bytesHashed) problems=\(report.problems.count)")
            }
            if !report.problems.isEmpty {
                try failAfterOutput("fsck", "\(report.problems.count) problem(s); first: \(report.problems[0])", exit: ExitStatus.verificationFailed)
            }
        }
    }
}

struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gc", abstract: "Repack with deltas and drop unreachable objects.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Keep unreachable objects younger than this many seconds (an import may be writing them).")
    var gracePeriod: Double = 3600

    func run() throws {
        try perform("gc", json: global.json) {
            let store = try Store.open(at: global.storePath)
            do { try store.collectGarbage(gracePeriod: gracePeriod) } catch {
                throw FormatError(.internalFailure, "gc: \(error)")
            }
            emit(global.json, [("store", .string(store.path))])
        }
    }
}

/// Prints `key=value` lines, or one JSON object with `ok: true`.
func emit(_ json: Bool, _ fields: [(String, JSONValue)]) {
    if json {
        var object = JSONObject()
        object["ok"] = true
        for (k, v) in fields { object[k] = v }
        printJSON(.object(object))
    } else {
        for (k, v) in fields { printLine("\(k)=\(v.stringValue ?? String(decoding: GoJSONOutput.encode(v), as: UTF8.self))") }
    }
}

func printJSON(_ value: JSONValue) {
    FileHandle.standardOutput.write(Data(GoJSONOutput.encode(value) + [0x0a]))
}
