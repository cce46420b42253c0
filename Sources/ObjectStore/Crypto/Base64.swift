/// Standard base64 (RFC 4648 §4), the encoding of every key file and of SSH signatures.
///
/// Decoding is strict on purpose: Foundation's decoder accepts `=` in the middle of its input, which
/// a trust file must not. Like Go's `base64.StdEncoding`, unused trailing bits are not checked.
package enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// Padded base64; with `lineLength`, lines of that many characters joined by "\n" (no final "\n").
    package static func encode(_ bytes: [UInt8], lineLength: Int? = nil) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i]
            let b1 = i + 1 < bytes.count ? bytes[i + 1] : 0
            let b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
            i += 3
        }
        guard let width = lineLength, width > 0, out.count > width else {
            return String(decoding: out, as: UTF8.self)
        }
        var wrapped = [UInt8]()
        wrapped.reserveCapacity(out.count + out.count / width)
        for (n, c) in out.enumerated() {
            if n > 0 && n % width == 0 { wrapped.append(UInt8(ascii: "\n")) }
            wrapped.append(c)
        }
        return String(decoding: wrapped, as: UTF8.self)
    }

    /// Unpadded base64, as OpenSSH prints fingerprints.
    package static func encodeUnpadded(_ bytes: [UInt8]) -> String {
        var text = encode(bytes)
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Decodes padded base64; nil on any character outside the alphabet, a length that is not a
    /// multiple of 4, or padding anywhere but at the end.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 4 * 3)
        var i = 0
        while i < chars.count {
            let isLast = i + 4 == chars.count
            let padding = isLast ? (chars[i + 3] == UInt8(ascii: "=") ? (chars[i + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var quad = [UInt8](repeating: 0, count: 4)
            for k in 0..<(4 - padding) {
                let v = values[Int(chars[i + k])]
                guard v != 0xff else { return nil }
                quad[k] = v
            }
            out.append(quad[0] << 2 | quad[1] >> 4)
            if padding < 2 { out.append(quad[1] << 4 | quad[2] >> 2) }
            if padding < 1 { out.append(quad[2] << 6 | quad[3]) }
            i += 4
        }
        return out
    }
}
