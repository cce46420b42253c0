/// Go's `strings.ToLower` / `strings.ToUpper`: Unicode *simple* case mapping, one scalar to one.
///
/// gait lower-cases digests, commitment classes, verdicts and privacy modes and upper-cases
/// currencies before it hashes them, so the mapping decides pack bytes. Swift's `lowercased()`
/// uses full mappings (`İ` becomes two scalars, `ß` becomes `SS`), which Go never does.
enum GoCase {
    static func lower(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            // The one scalar whose full lower-case mapping is longer than its simple one.
            if scalar.value == 0x130 {
                out.append("i")
            } else {
                out.append(single(scalar.properties.lowercaseMapping) ?? scalar)
            }
        }
        return String(out)
    }

    static func upper(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.uppercased() }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            // Where the full upper-case mapping expands (`ᾳ` to `ΑΙ`), the simple one is the
            // title-case form when that is a single scalar, and the scalar itself otherwise.
            let mapped = single(scalar.properties.uppercaseMapping) ?? single(scalar.properties.titlecaseMapping)
            out.append(mapped ?? scalar)
        }
        return String(out)
    }

    private static func single(_ mapping: String) -> Unicode.Scalar? {
        let scalars = mapping.unicodeScalars
        return scalars.count == 1 ? scalars.first : nil
    }
}
