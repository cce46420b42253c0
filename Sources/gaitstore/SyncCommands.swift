import ArgumentParser
import Foundation
import ObjectStore
import Refs

struct RemoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remote", abstract: "Git remotes the store pushes to and pulls from.",
                                                    subcommands: [RemoteAdd.self, RemoteList.self, RemoteRemove.self])
}

struct RemoteAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a remote (a path, file://, git://, ssh:// or https:// URL).")
    @OptionGroup var global: GlobalOptions
    @Argument var name: String
    @Argument var url: String

    func run() throws {
        try perform("remote add", json: global.json) {
            let store = try Store.open(at: global.storePath)
            do { try store.repository.addRemote(name: name, url: url) } catch { throw FormatError.invalid("remote add \(name): \(error)") }
            emit(global.json, [("name", .string(name)), ("url", .string(url))])
        }
    }
}

struct RemoteList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List remotes.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try perform("remote list", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let remotes = try store.repository.remotes()
            if global.json {
                printJSON(["ok": true, "remotes": .array(remotes.map { ["name": .string($0.name), "url": .string($0.url)] })])
            } else {
                for r in remotes { printLine("\(r.name)\t\(r.url)") }
            }
        }
    }
}

struct RemoteRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a remote.")
    @OptionGroup var global: GlobalOptions
    @Argument var name: String

    func run() throws {
        try perform("remote remove", json: global.json) {
            let store = try Store.open(at: global.storePath)
            do { try store.repository.removeRemote(name: name) } catch { throw FormatError.invalid("remote remove \(name): \(error)") }
            emit(global.json, [("removed", .string(name))])
        }
    }
}

/// Runs a transfer with a progress line on a terminal (DESIGN.md §4), ending the line even when
/// the transfer fails so the error starts on its own line. (`perform` gives a remote that could
/// not be reached, trusted or logged into exit 1.)
func transferring<T>(_ verb: String, _ body: (((GitTransferProgress) -> Void)?) throws -> T) throws -> T {
    let line = TransferProgressLine.onTerminal(verb)
    defer { line?.finish() }
    return try body(line?.callback)
}

struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "push", abstract: "Send the catalog and every job; never overwrite a remote ref that moved.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Remote name or URL.") var remote = "origin"

    func run() throws {
        try perform("push", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let report = try transferring("push") { try Push.push(remote: remote, store: store, progress: $0) }
            if global.json {
                printJSON(["ok": .bool(report.refused.isEmpty), "pushed": .array(report.pushed.map { .string($0) }),
                           "up_to_date": .array(report.upToDate.map { .string($0) }),
                           "refused": .array(report.refused.map { ["ref": .string($0.ref), "reason": .string($0.reason)] })])
            } else {
                for r in report.pushed { printLine("pushed \(r)") }
                for r in report.refused { printLine("refused \(r.ref): \(r.reason)") }
                printLine("pushed=\(report.pushed.count) up_to_date=\(report.upToDate.count) refused=\(report.refused.count)")
            }
            if let first = report.refused.first {
                try failAfterOutput("push", "\(report.refused.count) ref(s) refused; \(first.ref): \(first.reason)", exit: ExitStatus.failure)
            }
        }
    }
}

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull", abstract: "Fetch, verify every signature and file, then merge the catalog and fast-forward jobs.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Remote name or URL.") var remote = "origin"

    func run() throws {
        try perform("pull", json: global.json) {
            let store = try Store.open(at: global.storePath)
            let identity = try StoreIdentity.load(store: store.path)
            let report = try transferring("pull") { try Pull.pull(remote: remote, store: store, identity: identity, progress: $0) }
            if global.json {
                printJSON(["ok": .bool(report.jobsDiverged.isEmpty), "catalog": .string(report.catalog),
                           "jobs_updated": .array(report.jobsUpdated.map { .string($0) }),
                           "jobs_diverged": .array(report.jobsDiverged.map { .string($0) }),
                           "new_commits": .number(JSONNumber(report.newCommits)), "new_files": .number(JSONNumber(report.newFiles))])
            } else {
                printLine("catalog=\(report.catalog) jobs_updated=\(report.jobsUpdated.count) new_commits=\(report.newCommits) new_files=\(report.newFiles)")
                for j in report.jobsDiverged { printLine("diverged job \(j): kept the local history") }
            }
            if !report.jobsDiverged.isEmpty {
                try failAfterOutput("pull", "\(report.jobsDiverged.count) job(s) diverged from the remote and were left as they were: \(report.jobsDiverged.joined(separator: ", "))",
                                    exit: ExitStatus.verificationFailed)
            }
        }
    }
}
