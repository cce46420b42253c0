/// Which artifact paths a manifest may declare.
///
/// DG's filesystem reader refuses absolute paths and `..` (with the messages kept here) but
/// follows `.`, `//` and a symlinked leaf; gaitstore takes the object-store reader's stricter rule
/// (spec §7): plain relative components only, each at most 255 bytes, at most 4096 in all, no
/// backslash. A path in that form names exactly one file, the same one on disk and in the store.
enum RunpackPath {
    static let maxComponentBytes = 255
    static let maxPathBytes = 4096

    /// The `ArtifactError` text for a path that must not be read, or nil when it is acceptable.
    static func problem(_ path: String) -> String? {
        if path.hasPrefix("/") { return "absolute artifact path not allowed" }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0 == ".." }) { return "artifact path escapes runpack root" }
        if path.isEmpty { return unsafe("it is empty") }
        if path.utf8.count > maxPathBytes { return unsafe("longer than \(maxPathBytes) bytes") }
        if path.utf8.contains(0) { return unsafe("it contains a NUL byte") }
        if path.utf8.contains(UInt8(ascii: "\\")) { return unsafe("it contains a backslash") }
        for component in components {
            if component.isEmpty || component == "." { return unsafe("it has an empty or \".\" component") }
            if component.utf8.count > maxComponentBytes {
                return unsafe("a component is longer than \(maxComponentBytes) bytes")
            }
        }
        return nil
    }

    private static func unsafe(_ reason: String) -> String { "unsafe artifact path: \(reason)" }
}
