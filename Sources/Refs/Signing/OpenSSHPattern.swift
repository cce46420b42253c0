/// OpenSSH's `match_pattern_list` (`match.c`), which allowed_signers uses for `namespaces="..."`:
/// comma-separated glob patterns (`*`, `?`), a leading `!` negates, and any negated match wins.
enum OpenSSHPattern {
    static func listMatches(_ string: String, patterns: String) -> Bool {
        var matched = false
        for raw in patterns.split(separator: ",", omittingEmptySubsequences: false) {
            let negated = raw.hasPrefix("!")
            let pattern = negated ? raw.dropFirst() : raw[...]
            if globMatches(Array(string.utf8)[...], Array(pattern.utf8)[...]) {
                if negated { return false }
                matched = true
            }
        }
        return matched
    }

    static func globMatches(_ s: ArraySlice<UInt8>, _ p: ArraySlice<UInt8>) -> Bool {
        var s = s, p = p
        while let c = p.first {
            if c == UInt8(ascii: "*") {
                p = p.dropFirst()
                if p.isEmpty { return true }
                var rest = s
                while true {
                    if globMatches(rest, p) { return true }
                    if rest.isEmpty { return false }
                    rest = rest.dropFirst()
                }
            }
            guard let sc = s.first, c == UInt8(ascii: "?") || c == sc else { return false }
            s = s.dropFirst()
            p = p.dropFirst()
        }
        return s.isEmpty
    }
}
