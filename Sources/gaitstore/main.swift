import ArgumentParser
import Foundation

// Argument errors exit 6 (DESIGN.md §4), not swift-argument-parser's 64.
let arguments = Array(CommandLine.arguments.dropFirst())
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
