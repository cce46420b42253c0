import ArgumentParser
import Foundation

/// `--store DIR` and `--json` are global (DESIGN.md §4) but declared on each command, so when they
/// come before the command's name (`gaitstore --store DIR ls`) they are moved after it.
func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--json" || argument.hasPrefix("--store=") {
            leading.append(argument)
        } else if argument == "--store", index + 1 < arguments.count {
            leading += [argument, arguments[index + 1]]
            index += 1
        } else {
            break
        }
        index += 1
    }
    return Array(arguments[index...]) + leading
}

// Argument errors exit 6 (DESIGN.md §4), not swift-argument-parser's 64.
let arguments = hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
do {
    var command = try Gaitstore.parseAsRoot(arguments)
    try command.run()
} catch let exit as ExitCode {
    Foundation.exit(exit.rawValue)
} catch let failure as CommandFailure {
    failure.report()
    Foundation.exit(failure.exitCode)
} catch {
    let code = Gaitstore.exitCode(for: error)
    if code == .success {
        print(Gaitstore.fullMessage(for: error))
        Foundation.exit(0)
    }
    let message = Gaitstore.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
    FileHandle.standardError.write(Data("gaitstore: \(message) (see 'gaitstore --help')\n".utf8))
    Foundation.exit(ExitStatus.invalidInput)
}
