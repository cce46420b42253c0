import Foundation
import TestSupport
import XCTest

typealias RefsTestShell = ToolShell
typealias RefsScratchDirectory = ScratchDirectory

/// Keys made by ssh-keygen itself, so the tests compare against OpenSSH's own files.
enum RefsTestKeys {
    @discardableResult
    static func sshKeygen(_ path: String, type: String = "ed25519", passphrase: String = "", comment: String = "test@example") throws -> String {
        var arguments = ["ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", comment, "-f", path]
        if type == "rsa" { arguments += ["-b", "2048"] }
        try RefsTestShell.check(arguments)
        return path
    }
}
