import ArgumentParser
import Foundation
import ObjectStore

struct PackVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify packs: hashes, manifest, proof records, signatures.",
        discussion: """
        One pack prints exactly what gait prints. Several packs are verified in one process, on all \
        cores, and reported in argument order: one result block per pack (a pack that cannot be read \
        gets an ERROR block), or with --json one envelope per line (JSON Lines). A pack that cannot be \
        read never stops the others from being checked. The exit code is the worst over all packs: \
        6 (invalid input) over 1 (other failure) over 2 (verification failed) over 0.

        A Decision Gate runpack directory is verified as Decision Gate verifies it (the report's \
        checked_files, errors and status under "verify"; pack_id is its root_hash); an AGS memory \
        pack directory by its manifest_digest and file index. Stored packs of both kinds are verified \
        from the store. These formats carry no pack signature: --require-signature fails on them \
        (exit 2); the key options and --profile do not change their verdict (strict still needs a key).
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var keys: KeyOptions

    @Argument(help: ArgumentHelp("Pack zips (PackSpec v1, legacy runpack or legacy evidence pack), Decision Gate runpack or AGS memory pack directories, or stored pack ids of any kind.",
                                 valueName: "pack"))
    var packs: [String]

    @Flag(help: "Fail unless a signature verifies (always fails for a Decision Gate runpack or AGS memory pack).")
    var requireSignature = false

    @Option(help: "standard, or strict (requires a key and a valid signature); strict still needs a key with Decision Gate and AGS packs, but does not change their verdict.")
    var profile = "standard"

    func run() throws {
        var options = VerifyOptions()
        try perform("verify", json: global.json) { options = try verifyOptions() }
        let storePath = global.storePath
        if packs.count == 1 {
            try PackVerdict.of(packs[0], store: storePath, options: options, signatureDemanded: requireSignature)
                .reportAlone(json: global.json)
            return
        }
        var worst = ExitStatus.ok
        let signatureDemanded = requireSignature
        InOrderWork<String, PackVerdict>(width: ProcessInfo.processInfo.activeProcessorCount).run(packs) { pack in
            PackVerdict.of(pack, store: storePath, options: options, signatureDemanded: signatureDemanded)
        } deliver: { verdict in
            worst = ExitStatus.worse(worst, verdict.report(json: global.json))
        }
        if worst != ExitStatus.ok { throw ExitCode(worst) }
    }

    /// The options every pack is verified with; their errors are usage errors, reported once.
    private func verifyOptions() throws -> VerifyOptions {
        let profileName = profile.lowercased()
        guard profileName == "standard" || profileName == "strict" else {
            throw FormatError.invalid("unsupported --profile value \"\(profile)\" (expected standard or strict)")
        }
        let require = requireSignature || profileName == "strict"
        if profileName == "strict" && !keys.anyGiven {
            throw FormatError.invalid("strict verify profile requires --public-key/--public-key-env or private key source")
        }
        return VerifyOptions(key: try keys.load(), requireSignature: require)
    }
}

/// One pack's verdict, or why it could not be verified.
struct PackVerdict {
    enum Outcome {
        case verified(VerifyResult, ok: Bool)
        /// A Decision Gate runpack or AGS memory pack, passing or not.
        case directory(DirectoryVerdict)
        /// `fromLibrary`: a `FormatError`, whose envelope has always carried the pack's path.
        case failed(FormatError, fromLibrary: Bool)
    }

    let pack: String
    let outcome: Outcome

    /// `signatureDemanded`: `--require-signature` itself, which a directory pack can never meet
    /// (`--profile strict` and keys only concern gait's signatures and do not change its verdict).
    static func of(_ pack: String, store: String, options: VerifyOptions, signatureDemanded: Bool) -> PackVerdict {
        do {
            let result: VerifyResult
            switch try PackSource(pack, store: store).reader {
            case .zip(let path):
                result = try PackVerifier.verify(path: path, options: options)
            case .storedGait(let stored):
                result = try PackVerifier.verify(archive: try stored.archive(), options: options)
            case .directory(let directoryPack):
                return PackVerdict(pack: pack, outcome: .directory(
                    DirectoryVerdict(kind: directoryPack.kind, verdict: try directoryPack.verify(), signatureDemanded: signatureDemanded)))
            }
            return PackVerdict(pack: pack, outcome: .verified(result, ok: result.ok(requireSignature: options.requireSignature)))
        } catch {
            return PackVerdict(pack: pack, outcome: .failed(FormatError(classifying: error), fromLibrary: error is FormatError))
        }
    }

    /// The one-pack form, gait's output byte for byte: a failure is thrown for `main` to report.
    func reportAlone(json: Bool) throws {
        if case let .failed(error, fromLibrary) = outcome {
            throw CommandFailure(error: error, operation: "verify", json: json,
                                 envelopeExtras: fromLibrary ? [("path", .string(pack))] : [])
        }
        let code = report(json: json)
        if code != ExitStatus.ok { throw ExitCode(code) }
    }

    /// One block, or one JSON line, of the several-pack form; returns this pack's exit code.
    func report(json: Bool) -> Int32 {
        switch outcome {
        case let .verified(result, ok):
            printResult(result, ok: ok, json: json)
            return ok ? ExitStatus.ok : ExitStatus.verificationFailed
        case let .directory(verdict):
            verdict.print(path: pack, json: json)
            return verdict.ok ? ExitStatus.ok : ExitStatus.verificationFailed
        case let .failed(error, _):
            let failure = CommandFailure(error: error, operation: "verify", json: json, envelopeExtras: [("path", .string(pack))])
            FileHandle.standardError.write(Data("gaitstore verify: \(pack): \(error.message)\n".utf8))
            if json {
                failure.envelope().print()
            } else {
                printLine("ERROR \(pack)")
                printLine("error=\(error.message)")
            }
            return failure.exitCode
        }
    }

    private func printResult(_ result: VerifyResult, ok: Bool, json: Bool) {
        if json {
            var envelope = Envelope(operation: "verify")
            envelope["ok"] = .bool(ok)
            envelope["path"] = .string(pack)
            envelope.setIfNotEmpty("pack_id", result.packID)
            envelope.setIfNotEmpty("pack_type", result.packType)
            envelope.setIfNotEmpty("source_ref", result.sourceRef)
            envelope["verify"] = result.json
            envelope.print()
        } else {
            VerifyText.print(result, ok: ok, path: pack)
        }
    }
}

enum VerifyText {
    static func print(_ r: VerifyResult, ok: Bool, path: String) {
        printLine("\(ok ? "ok" : "FAILED") \(path)")
        printLine("pack_id=\(r.packID)")
        printLine("pack_type=\(r.packType)\(r.legacyType.isEmpty ? "" : " (legacy \(r.legacyType))")")
        printLine("source_ref=\(r.sourceRef)")
        printLine("files_checked=\(r.filesChecked)")
        if r.proofRecordsVerified > 0 { printLine("proof_records_verified=\(r.proofRecordsVerified)") }
        for m in r.missingFiles { printLine("missing: \(m)") }
        for m in r.hashMismatches { printLine("hash mismatch: \(m.path) expected=\(m.expected) actual=\(m.actual)") }
        for u in r.undeclaredFiles { printLine("undeclared: \(u)") }
        if let status = r.signatureStatus { printLine("signature_status=\(status.rawValue) (\(r.signaturesValid)/\(r.signaturesTotal) valid)") }
        for e in r.signatureErrors { printLine("signature: \(e)") }
        if !ok {
            var reasons: [String] = []
            if !r.missingFiles.isEmpty { reasons.append("\(r.missingFiles.count) missing") }
            if !r.hashMismatches.isEmpty { reasons.append("\(r.hashMismatches.count) hash mismatch(es): \(r.hashMismatches.map(\.path).joined(separator: ", "))") }
            if !r.undeclaredFiles.isEmpty { reasons.append("undeclared: \(r.undeclaredFiles.joined(separator: ", "))") }
            if reasons.isEmpty { reasons.append("signature \(r.signatureStatus?.rawValue ?? "missing")") }
            FileHandle.standardError.write(Data("gaitstore verify: \(path): \(reasons.joined(separator: "; "))\n".utf8))
        }
    }
}

/// A Decision Gate runpack's or AGS memory pack's verdict, printed in the shape of a gait pack's.
struct DirectoryVerdict {
    let kind: PackKind
    let verdict: DirectoryPack.Verdict
    /// The format's failing checks, then `--require-signature`'s refusal.
    let problems: [String]

    init(kind: PackKind, verdict: DirectoryPack.Verdict, signatureDemanded: Bool) {
        self.kind = kind
        self.verdict = verdict
        var problems = verdict.errors
        if signatureDemanded {
            problems.append("--require-signature: a \(kind.rawValue) carries no pack signature gaitstore checks")
        }
        self.problems = problems
    }

    var ok: Bool { problems.isEmpty }

    private var failure: FormatError {
        FormatError.verification("\(kind.rawValue) failed verification: \(problems.joined(separator: "; "))")
    }

    func print(path: String, json: Bool) {
        if json {
            var envelope = Envelope(operation: "verify")
            envelope["path"] = .string(path)
            envelope.setIfNotEmpty("pack_id", verdict.packID)
            envelope["pack_type"] = .string(kind.rawValue)
            envelope.setIfNotEmpty("source_ref", verdict.sourceRef)
            envelope["verify"] = verdict.report
            if !ok { envelope.fail(failure) }
            envelope.print()
        } else {
            printLine("\(ok ? "ok" : "FAILED") \(path)")
            printLine("pack_id=\(verdict.packID)")
            printLine("pack_type=\(kind.rawValue)")
            printLine("source_ref=\(verdict.sourceRef)")
            printLine("files_checked=\(verdict.filesChecked)")
            for problem in problems { printLine("error: \(problem)") }
            if !ok { FileHandle.standardError.write(Data("gaitstore verify: \(path): \(failure.message)\n".utf8)) }
        }
    }
}
