import ObjectStore

/// Job ids as git ref names, reversibly.
///
/// gait ids may contain `:` and `.`, and so `..`, a trailing `.` or a `.lock` suffix, all of which git
/// refuses in ref names. `%` never occurs in a gait id, so percent-encoding just those two characters
/// is unambiguous, and the encoded name contains neither.
public enum JobRefName {
    public static let prefix = "refs/gaitstore/jobs/"

    public static func reference(for jobID: String) -> String {
        var out = prefix
        for c in jobID.unicodeScalars {
            switch c {
            case ":": out += "%3A"
            case ".": out += "%2E"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The job id a ref names, or nil when it is not a job ref or does not decode to a valid id.
    public static func jobID(fromReference name: String) -> String? {
        guard name.hasPrefix(prefix) else { return nil }
        let encoded = name.dropFirst(prefix.count)
        var out = ""
        var rest = Substring(encoded)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            let code = rest[percent...].prefix(3)
            switch code {
            case "%3A": out += ":"
            case "%2E": out += "."
            default: return nil
            }
            rest = rest[percent...].dropFirst(3)
        }
        out += rest
        return Job.isValidID(out) && reference(for: out) == name ? out : nil
    }
}
