import ArgumentParser
import Foundation

/// The `gaitstore` command tree. Commands parse, call the library, and print; no logic of their own.
struct Gaitstore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaitstore",
        abstract: "A git-backed, content-addressed store for agent evidence packs.",
        subcommands: [InitCommand.self, ImportCommand.self, ListCommand.self, ShowCommand.self, CatCommand.self,
                      LogCommand.self, ExportCommand.self, FsckCommand.self, GCCommand.self, TrustCommand.self, JobCommandGroup.self,
                      RemoteCommand.self, PushCommand.self, PullCommand.self,
                      PackCommand.self, RunCommand.self, KeyCommand.self]
    )
}

/// Options every command takes (DESIGN.md §4).
struct GlobalOptions: ParsableArguments {
    @Option(help: "The store (a bare git repository). Default: $GAITSTORE_DIR, else ./.gaitstore.")
    var store: String?

    @Flag(help: "Print one JSON object on stdout instead of text.")
    var json = false

    /// `--store`, else `$GAITSTORE_DIR`, else `./.gaitstore`.
    var storePath: String {
        if let store, !store.isEmpty { return store }
        if let env = ProcessInfo.processInfo.environment["GAITSTORE_DIR"], !env.isEmpty { return env }
        return "./.gaitstore"
    }
}

/// Exit codes of the command-line contract.
enum ExitStatus {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let verificationFailed: Int32 = 2
    static let approvalRequired: Int32 = 4
    static let invalidInput: Int32 = 6

    /// The worse of two outcomes, for a command that reports on several inputs: invalid input or
    /// usage, then any other failure, then approval required, then a verification failure, then
    /// success.
    static func worse(_ a: Int32, _ b: Int32) -> Int32 {
        let order: [Int32] = [ok, verificationFailed, approvalRequired, failure, invalidInput]
        return (order.firstIndex(of: a) ?? order.count) >= (order.firstIndex(of: b) ?? order.count) ? a : b
    }
}
