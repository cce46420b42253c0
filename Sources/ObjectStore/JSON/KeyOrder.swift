/// The two member orders gait's output uses.
enum KeyOrder {
    /// RFC 8785: by UTF-16 code units. This equals UTF-8 byte order except where a character
    /// beyond U+FFFF (UTF-8 lead byte F0–F4, UTF-16 surrogates D800–DFFF) meets one in
    /// U+E000–U+FFFF (lead byte EE or EF): in UTF-16 the former comes first.
    static func utf16Precedes(_ a: String, _ b: String) -> Bool {
        compareUTF16(a, b) < 0
    }

    /// Negative, zero or positive as `a` sorts before, equal to or after `b` by UTF-16 code units.
    static func compareUTF16(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                var i = 0
                while i < common && x[i] == y[i] { i += 1 }
                guard i < common else { return x.count - y.count }
                // Bytes before i are shared whole characters unless i is inside a character,
                // in which case both leads are equal and byte order is already right.
                let p = x[i], q = y[i]
                if p >= 0xF0 && (q == 0xEE || q == 0xEF) { return -1 }
                if q >= 0xF0 && (p == 0xEE || p == 0xEF) { return 1 }
                return Int(p) - Int(q)
            }
        }
    }

    /// Go's `sort.Strings` on map keys: by UTF-8 bytes.
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
