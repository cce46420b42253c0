import Foundation

/// Where `--key`, `--public-key`, `--private-key` and their `-env` forms take keys from, with gait's
/// rules: a file or an environment variable, not both; public keys win over private ones.
public enum KeySources {
    public static func signingKey(path: String?, env: String?) throws -> Ed25519PrivateKey? {
        let path = path?.goTrimmed ?? "", env = env?.goTrimmed ?? ""
        if !path.isEmpty && !env.isEmpty { throw FormatError.invalid("private key path and env are both set; choose one") }
        if !path.isEmpty { return try loadPrivate(path) }
        if !env.isEmpty { return try privateFromBase64(try envValue(env, kind: "private"), source: env) }
        return nil
    }

    public static func verifyKey(publicPath: String?, publicEnv: String?, privatePath: String?, privateEnv: String?) throws -> Ed25519PublicKey? {
        let pubPath = publicPath?.goTrimmed ?? "", pubEnv = publicEnv?.goTrimmed ?? ""
        if !pubPath.isEmpty && !pubEnv.isEmpty { throw FormatError.invalid("public key path and env are both set; choose one") }
        if !pubPath.isEmpty {
            do { return try KeyFiles.loadPublic(pubPath) } catch { throw FormatError.invalid("load public key: \(error)") }
        }
        if !pubEnv.isEmpty {
            let text = try envValue(pubEnv, kind: "public")
            guard let raw = Data(base64Encoded: text), let key = Ed25519PublicKey(bytes: Array(raw)) else {
                throw FormatError.invalid("invalid public key in env \(pubEnv)")
            }
            return key
        }
        return try signingKey(path: privatePath, env: privateEnv)?.publicKey
    }

    public static func loadPrivate(_ path: String) throws -> Ed25519PrivateKey {
        do { return try KeyFiles.loadPrivate(path) } catch { throw FormatError.invalid("load private key: \(error)") }
    }

    private static func envValue(_ name: String, kind: String) throws -> String {
        let value = (ProcessInfo.processInfo.environment[name] ?? "").goTrimmed
        if value.isEmpty { throw FormatError.invalid("\(kind) key env not set: \(name)") }
        return value
    }

    private static func privateFromBase64(_ text: String, source: String) throws -> Ed25519PrivateKey {
        guard let raw = Data(base64Encoded: text) else { throw FormatError.invalid("invalid private key in env \(source)") }
        guard raw.count == 64, let key = Ed25519PrivateKey(seed: Array(raw.prefix(32))) else {
            throw FormatError.invalid("invalid private key length: \(raw.count)")
        }
        return key
    }
}
