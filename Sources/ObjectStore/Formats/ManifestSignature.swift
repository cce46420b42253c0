import Foundation

/// One Ed25519 signature over a manifest, as gait's `proof/signing` writes it (packspec §6.1).
///
/// The signed message is the 32 raw bytes of `sha256(JCS(manifest without signatures))`; the same
/// shape serves PackSpec, legacy runpack and legacy guard manifests.
public struct ManifestSignature: Hashable, Sendable {
    public var alg: String
    public var keyID: String
    public var sig: String
    public var signedDigest: String

    public init(alg: String, keyID: String, sig: String, signedDigest: String) {
        self.alg = alg
        self.keyID = keyID
        self.sig = sig
        self.signedDigest = signedDigest
    }

    /// Signs the canonical form of `signable` with `key`.
    public static func sign(_ signable: JSONValue, with key: Ed25519PrivateKey) throws -> ManifestSignature {
        let digest = try CanonicalJSON.digest(signable)
        let signature = key.sign(digest.bytes)
        return ManifestSignature(alg: "ed25519", keyID: key.publicKey.keyID,
                                 sig: Data(signature).base64EncodedString(), signedDigest: digest.hex)
    }

    /// gait's `VerifyJSON`: nil when valid, else why not (the texts are gait's).
    public func verify(_ signable: JSONValue, with key: Ed25519PublicKey) -> SignatureCheck {
        if signedDigest.isEmpty { return .error("missing signed_digest") }
        guard let digest = try? CanonicalJSON.digest(signable) else { return .error("canonicalize signable") }
        if signedDigest != digest.hex { return .error("signed_digest mismatch") }
        if alg != "ed25519" { return .error("unsupported alg: \(alg)") }
        if !keyID.isEmpty && keyID != key.keyID { return .error("key id mismatch") }
        let cleaned = sig.filter { $0 != "\r" && $0 != "\n" }
        guard let raw = Data(base64Encoded: cleaned) else { return .error("decode sig: illegal base64 data") }
        if raw.count != 64 { return .error("invalid signature length: \(raw.count)") }
        return key.verify(signature: Array(raw), message: digest.bytes) ? .valid : .invalid
    }

    var json: JSONValue {
        var o = GoObject()
        o.put("alg", alg)
        o.put("key_id", keyID)
        o.put("sig", sig)
        o.putOmitEmpty("signed_digest", signedDigest)
        return o.value
    }

    static let fieldNames = ["alg", "key_id", "sig", "signed_digest"]

    static func decode(_ value: JSONValue, type: String, strict: Bool) throws -> ManifestSignature {
        let f = try GoFields(value, type: type, known: fieldNames, strict: strict)
        return ManifestSignature(alg: try f.string("alg"), keyID: try f.string("key_id"),
                                 sig: try f.string("sig"), signedDigest: try f.string("signed_digest"))
    }
}

/// The outcome of checking one signature.
public enum SignatureCheck: Equatable, Sendable {
    case valid
    /// Well-formed but the Ed25519 check failed.
    case invalid
    /// Malformed or inconsistent, with gait's message.
    case error(String)
}

/// Aggregate signature state of a verify result (`signature_status`).
public enum SignatureStatus: String, Sendable {
    case missing, skipped, verified, failed
}

/// Checks a manifest's signatures the way gait's verifiers do and reports status and errors.
struct SignatureVerdict {
    var status: SignatureStatus = .missing
    var errors: [String] = []
    var total = 0
    var valid = 0

    /// `appendFailureText`: PackSpec and runpack verifiers append `signature verification failed`
    /// after an errored signature too; the guard verifier does not (packspec §12).
    static func check(_ signatures: [ManifestSignature], signable: JSONValue, key: Ed25519PublicKey?,
                      requireSignature: Bool, missingText: String, failureTextAfterError: Bool) -> SignatureVerdict {
        var verdict = SignatureVerdict()
        verdict.total = signatures.count
        if signatures.isEmpty {
            if requireSignature { verdict.errors.append(missingText) }
            return verdict
        }
        guard let key else {
            verdict.status = .skipped
            verdict.errors.append("public key not configured")
            return verdict
        }
        for signature in signatures {
            switch signature.verify(signable, with: key) {
            case .valid:
                verdict.valid += 1
            case .invalid:
                verdict.errors.append("signature verification failed")
            case .error(let text):
                verdict.errors.append(text)
                if failureTextAfterError { verdict.errors.append("signature verification failed") }
            }
        }
        verdict.status = verdict.valid > 0 ? .verified : .failed
        return verdict
    }
}
