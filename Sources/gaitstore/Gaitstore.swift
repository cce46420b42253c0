import ArgumentParser

/// The `gaitstore` command tree. Commands parse, call the library, and print; no logic of their own.
struct Gaitstore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaitstore",
        abstract: "A git-backed, content-addressed store for agent evidence packs.",
        subcommands: [PackCommand.self, RunCommand.self, KeyCommand.self]
    )
}

/// Options every command takes (DESIGN.md §4).
struct GlobalOptions: ParsableArguments {
    @Option(help: "The store (a bare git repository). Default: $GAITSTORE_DIR, else ./.gaitstore.")
    var store: String?

    @Flag(help: "Print one JSON object on stdout instead of text.")
    var json = false
}

/// Exit codes of the command-line contract.
enum ExitStatus {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let verificationFailed: Int32 = 2
    static let approvalRequired: Int32 = 4
    static let invalidInput: Int32 = 6
}
