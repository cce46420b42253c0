import Foundation
import ObjectStore

/// One line of an allowed_signers file, parsed the way OpenSSH's `sshsig.c` does, but keeping the
/// original text so an unchanged line is written back byte for byte.
enum AllowedSignersLine: Sendable {
    /// A comment or blank line.
    case other(String)
    case key(KeyLine)

    struct Problem: Error {
        let reason: String
    }

    struct KeyLine: Sendable {
        var principals: [String] {
            didSet { original = nil }
        }
        /// Options, key and comment exactly as written.
        let rest: String
        /// nil for keys gaitstore does not trust: other key types and `cert-authority` lines.
        let entry: AllowedSigners.Entry?
        /// The line as read, while its principals are unchanged.
        var original: String?

        var text: String {
            if let original { return original }
            let field = principals.joined(separator: ",")
            return (field.contains(where: \.isWhitespace) ? "\"\(field)\"" : field) + " " + rest
        }
    }

    var text: String {
        switch self {
        case .other(let text): return text
        case .key(let line): return line.text
        }
    }

    init(parsing line: String) throws {
        var cursor = Cursor(line)
        cursor.skipBlanks()
        guard !cursor.isAtEnd, cursor.peek != "#" else {
            self = .other(line)
            return
        }
        let principalField = try cursor.token()
        let principals = principalField.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !principals.contains(where: \.isEmpty) else { throw Problem(reason: "empty principal in \"\(principalField)\"") }
        cursor.skipBlanks()
        let rest = cursor.remainder
        guard !cursor.isAtEnd else { throw Problem(reason: "no key after the principals") }

        var options: [String: String] = [:]
        var isCertificateAuthority = false
        if !Self.isKeyType(cursor.peekToken()) {
            let text = try cursor.optionsField()
            (options, isCertificateAuthority) = try Self.parseOptions(text)
            cursor.skipBlanks()
        }
        let type = cursor.plainToken()
        guard Self.isKeyType(type) else { throw Problem(reason: "no key (expected a key type such as ssh-ed25519)") }
        cursor.skipBlanks()
        let encoded = cursor.plainToken()
        cursor.skipBlanks()
        let comment = KeyText.trimmed(cursor.remainder)

        var entry: AllowedSigners.Entry?
        if type == Ed25519PublicKey.sshKeyType {
            guard let blob = Base64.decode(encoded), let key = try? Ed25519PublicKey(wireBlob: blob) else {
                throw Problem(reason: "invalid ssh-ed25519 key")
            }
            if !isCertificateAuthority {
                entry = AllowedSigners.Entry(principals: principals, key: key, namespaces: options["namespaces"],
                                             validAfter: try options["valid-after"].map(Self.time),
                                             validBefore: try options["valid-before"].map(Self.time),
                                             comment: comment)
            }
        }
        self = .key(KeyLine(principals: principals, rest: rest, entry: entry, original: line))
    }

    /// Key type names start like these; option names never do.
    private static func isKeyType(_ token: Substring) -> Bool {
        token.hasPrefix("ssh-") || token.hasPrefix("ecdsa-") || token.hasPrefix("sk-")
    }

    private static func time(_ text: String) throws -> Date {
        guard let date = OpenSSHTime.parse(text) else { throw Problem(reason: "invalid time \"\(text)\"") }
        return date
    }

    /// `sshsigopt_parse`: `cert-authority`, `namespaces="..."`, `valid-after="..."`, `valid-before="..."`,
    /// comma-separated, names case-insensitive; anything else makes OpenSSH reject the line.
    private static func parseOptions(_ text: Substring) throws -> ([String: String], Bool) {
        var options: [String: String] = [:]
        var isCertificateAuthority = false
        var cursor = Cursor(String(text))
        while !cursor.isAtEnd {
            let name = cursor.take(while: { $0 != "=" && $0 != "," }).lowercased()
            switch name {
            case "cert-authority":
                isCertificateAuthority = true
            case "namespaces", "valid-after", "valid-before":
                guard cursor.peek == "=" else { throw Problem(reason: "option \(name) needs a value") }
                cursor.advance()
                options[name] = try cursor.quoted()
            default:
                throw Problem(reason: "unsupported option \"\(name)\"")
            }
            guard !cursor.isAtEnd else { break }
            guard cursor.peek == "," else { throw Problem(reason: "options must be separated by commas") }
            cursor.advance()
            guard !cursor.isAtEnd else { throw Problem(reason: "unexpected end of options") }
        }
        return (options, isCertificateAuthority)
    }

    /// A read position in one line.
    private struct Cursor {
        private let text: String
        private var index: String.Index

        init(_ text: String) {
            self.text = text
            index = text.startIndex
        }

        var isAtEnd: Bool { index == text.endIndex }
        var peek: Character? { isAtEnd ? nil : text[index] }
        var remainder: String { String(text[index...]) }

        mutating func advance() { index = text.index(after: index) }

        mutating func skipBlanks() {
            while let c = peek, c == " " || c == "\t" { advance() }
        }

        mutating func take(while predicate: (Character) -> Bool) -> Substring {
            let start = index
            while let c = peek, predicate(c) { advance() }
            return text[start..<index]
        }

        func peekToken() -> Substring {
            var copy = self
            return copy.plainToken()
        }

        mutating func plainToken() -> Substring {
            take(while: { $0 != " " && $0 != "\t" })
        }

        /// A whitespace-delimited word, or a double-quoted string without its quotes (`strdelimw`).
        mutating func token() throws -> Substring {
            guard peek == "\"" else { return plainToken() }
            advance()
            let value = take(while: { $0 != "\"" })
            guard peek == "\"" else { throw Problem(reason: "missing closing quote") }
            advance()
            return value
        }

        /// The options field: up to the first blank outside double quotes.
        mutating func optionsField() throws -> Substring {
            let start = index
            var inQuotes = false
            while let c = peek, inQuotes || (c != " " && c != "\t") {
                if c == "\"" { inQuotes.toggle() }
                advance()
            }
            guard !inQuotes else { throw Problem(reason: "missing closing quote in options") }
            return text[start..<index]
        }

        /// `"value"` with `\"` standing for a quote (OpenSSH `opt_dequote`).
        mutating func quoted() throws -> String {
            guard peek == "\"" else { throw Problem(reason: "option value must be in double quotes") }
            advance()
            var value = ""
            while let c = peek, c != "\"" {
                advance()
                if c == "\\", peek == "\"" {
                    value.append("\"")
                    advance()
                } else {
                    value.append(c)
                }
            }
            guard peek == "\"" else { throw Problem(reason: "missing closing quote in option value") }
            advance()
            return value
        }
    }
}
