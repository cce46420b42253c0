import XCTest
@testable import ObjectStore

/// Random documents canonicalised by us and by Node.js, whose `JSON.parse`, `String(number)`,
/// `JSON.stringify(string)` and default (UTF-16) sort are RFC 8785's reference semantics.
final class JSONInteropTests: XCTestCase {
    private static let nodeCanonicalizer = """
        const canon = v => v === null || typeof v !== 'object' ? JSON.stringify(v)
          : Array.isArray(v) ? '[' + v.map(canon).join(',') + ']'
          : '{' + Object.keys(v).sort().map(k => JSON.stringify(k) + ':' + canon(v[k])).join(',') + '}';
        const lines = require('fs').readFileSync(0, 'utf8').split('\\n').filter(l => l.length > 0);
        process.stdout.write(lines.map(l => canon(JSON.parse(l)) + '\\n').join(''));
        """

    func testRandomDocumentsMatchNode() throws {
        var generator = SeededGenerator(seed: UInt64.random(in: 0...UInt64.max))
        let seed = generator.state
        var documents: [String] = []
        for _ in 0..<400 {
            var writer = RandomJSONWriter(generator: generator)
            writer.writeValue(depth: 0)
            generator = writer.generator
            documents.append(writer.text)
        }
        let input = documents.joined(separator: "\n") + "\n"
        let expected = try JSONTestSupport.run("node", ["-e", Self.nodeCanonicalizer], input: Array(input.utf8))
        let expectedLines = expected.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(expectedLines.count, documents.count)
        for (document, nodeLine) in zip(documents, expectedLines) {
            let ours = try CanonicalJSON.transform(Array(document.utf8))
            XCTAssertEqual(ours.utf8String, Array(nodeLine).utf8String, "seed \(seed), input \(document)")
        }
    }
}

/// A small deterministic generator so a failure can be replayed from its seed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {  // SplitMix64
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes random, valid, non-canonical JSON on one line: random whitespace, escapes and
/// number spellings, keys chosen to stress UTF-16 ordering.
private struct RandomJSONWriter {
    var generator: SeededGenerator
    var text = ""

    private static let scalars: [Unicode.Scalar] = [
        "a", "b", "Z", "0", "1", " ", "/", "\"", "\\", "<", "&", "\u{0}", "\u{1}", "\u{8}", "\t", "\n", "\u{C}",
        "\r", "\u{1F}", "\u{7F}", "\u{80}", "é", "\u{301}", "\u{2028}", "€", "\u{D7FF}", "\u{E000}", "\u{FB33}",
        "\u{FFFD}", "\u{FFFF}", "😂", "\u{10000}", "\u{10FFFF}", "ö",
    ]

    init(generator: SeededGenerator) {
        self.generator = generator
    }

    mutating func writeValue(depth: Int) {
        let kind = Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator)
        space()
        switch kind {
        case 0: text += ["null", "true", "false"].randomElement(using: &generator)!
        case 1, 2: writeNumber()
        case 3, 4: writeString(randomString())
        case 5:
            text += "["
            let count = Int.random(in: 0..<5, using: &generator)
            for i in 0..<count {
                if i > 0 { space(); text += "," }
                writeValue(depth: depth + 1)
            }
            space()
            text += "]"
        default:
            text += "{"
            var used = Set<[UInt16]>()
            let count = Int.random(in: 0..<6, using: &generator)
            for _ in 0..<count {
                let key = randomString()
                guard key != "__proto__", used.insert(Array(key.utf16)).inserted else { continue }
                if used.count > 1 { space(); text += "," }
                space()
                writeString(key)
                space()
                text += ":"
                writeValue(depth: depth + 1)
            }
            space()
            text += "}"
        }
        space()
    }

    private mutating func space() {
        for _ in 0..<Int.random(in: 0..<3, using: &generator) {
            text += [" ", "\t", "\r"].randomElement(using: &generator)!
        }
    }

    private mutating func randomString() -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0..<6, using: &generator) {
            s.append(Self.scalars.randomElement(using: &generator)!)
        }
        return String(s)
    }

    private mutating func writeString(_ string: String) {
        text += "\""
        for scalar in string.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if mustEscape || Bool.random(using: &generator) && Int.random(in: 0..<3, using: &generator) == 0 {
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    let padded = String(repeating: "0", count: 4 - hex.count) + hex
                    text += "\\u" + (Bool.random(using: &generator) ? padded.uppercased() : padded)
                }
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    private mutating func writeNumber() {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            text += String(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator))
        case 1:
            var value: Double
            repeat {
                value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
            } while !value.isFinite
            text += value.description.replacingOccurrences(of: "e", with: Bool.random(using: &generator) ? "E" : "e")
        case 2:
            let digits = (0..<Int.random(in: 1...20, using: &generator)).map { _ in
                String(Int.random(in: 0...9, using: &generator))
            }.joined()
            let sign = Bool.random(using: &generator) ? "-" : ""
            let integer = digits.first == "0" ? "0" : digits
            text += sign + integer + ".\(Int.random(in: 0...999, using: &generator))e\(Int.random(in: -340...280, using: &generator))"
        default:
            text += ["0", "-0", "0.0", "1e21", "1e-7", "1E+2", "0.000001", "9007199254740993", "5e-324", "1e-400"]
                .randomElement(using: &generator)!
        }
    }
}
