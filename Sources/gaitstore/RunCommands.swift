import ArgumentParser
import ObjectStore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Legacy runpacks, as gait writes them.",
                                                    subcommands: [RunRecord.self])
}

struct RunRecord: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record",
                                                    abstract: "Write runpack_<run_id>.zip from a run record, exactly as `gait run record`.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Run record JSON (run, intents, results, refs, capture_mode).")
    var input: String

    @Option(help: "Directory for the runpack.")
    var outDir = "./gait-out"

    @Option(help: "Signing key: gait base64 private key or unencrypted OpenSSH ed25519 key.")
    var key: String?

    @Option(help: "Override run.run_id.")
    var runID: String?

    @Option(help: "reference (default: payloads dropped after digesting) or raw.")
    var captureMode: String?

    @Option(help: "best_effort (default) or required.")
    var contextEvidenceMode: String?

    @Flag(help: "Allow receipts with redaction_mode=raw.")
    var unsafeContextRaw = false

    func run() throws {
        try perform("record", json: global.json) {
            var options = RunRecorder.Options()
            options.runIDOverride = runID ?? ""
            options.captureMode = captureMode ?? ""
            options.contextEvidenceMode = contextEvidenceMode ?? ""
            options.allowRawContext = unsafeContextRaw
            options.key = try KeySources.signingKey(path: key, env: nil)
            let output = try RunRecorder.record(inputPath: input, outDir: outDir, options: options)
            let signed = !output.manifest.signatures.isEmpty
            if global.json {
                var object = JSONObject()
                object["ok"] = true
                object["run_id"] = .string(output.runID)
                object["bundle"] = .string(output.path)
                object["manifest_digest"] = .string(output.manifest.manifestDigest)
                object["signature_status"] = .string(signed ? "signed" : "missing")
                if signed { object["signature_key_id"] = .string(output.manifest.signatures[0].keyID) }
                printLine(String(decoding: GoJSONOutput.encode(.object(object)), as: UTF8.self))
            } else {
                printLine("run_id=\(output.runID)")
                printLine("bundle=\(output.path)")
                printLine("manifest_digest=\(output.manifest.manifestDigest)")
                printLine("signature_status=\(signed ? "signed" : "missing")")
            }
        }
    }
}
