import ArgumentParser
import ObjectStore

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Ed25519 signing keys.",
                                                    subcommands: [KeyGenerate.self])
}

struct KeyGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate",
                                                    abstract: "Write a new Ed25519 key pair (FILE, mode 0600, and its public key).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Private key file. The public key goes to FILE.pub (gait: <prefix>_public.key for <prefix>_private.key).")
    var out: String

    @Option(help: "openssh (default; git and ssh-keygen read it) or gait (base64, as `gait keys init`).")
    var format = "openssh"

    @Option(help: "Comment stored with an OpenSSH key.")
    var comment = "gaitstore"

    func run() throws {
        try perform("key generate", json: global.json) {
            guard let keyFormat = KeyFileFormat(rawValue: format.lowercased()) else {
                throw FormatError.invalid("unsupported --format \"\(format)\" (expected openssh or gait)")
            }
            if FileBytes.exists(out) { throw FormatError.invalid("\(out) already exists; refusing to overwrite a key") }
            let key = Ed25519PrivateKey.generate()
            do {
                try KeyFiles.write(key, format: keyFormat, to: out, comment: comment)
            } catch {
                throw FormatError(.internalFailure, "write key \(out): \(error)")
            }
            if global.json {
                var object = JSONObject()
                object["ok"] = true
                object["path"] = .string(out)
                object["key_id"] = .string(key.publicKey.keyID)
                object["fingerprint"] = .string(key.publicKey.fingerprint)
                object["format"] = .string(keyFormat.rawValue)
                printLine(String(decoding: GoJSONOutput.encode(.object(object)), as: UTF8.self))
            } else {
                printLine("key_id=\(key.publicKey.keyID)")
                printLine("fingerprint=\(key.publicKey.fingerprint)")
                printLine("private=\(out)")
            }
        }
    }
}
