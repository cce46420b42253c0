/// A declared file whose bytes hash to something else.
public struct HashMismatch: Hashable, Sendable {
    public var path: String
    public var expected: String
    public var actual: String

    var json: JSONValue { ["path": .string(path), "expected": .string(expected), "actual": .string(actual)] }
}

/// Splits streamed bytes into JSON Lines as gait's `bufio.Scanner` does (10 MiB line cap,
/// `\r\n` accepted), without holding more than one line.
struct LineSplitter {
    static let maxLineBytes = 10 * 1024 * 1024
    private var pending: [UInt8] = []
    let entryName: String

    init(entryName: String) { self.entryName = entryName }

    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ line: ([UInt8]) throws -> Void) throws {
        var start = 0
        let bytes = chunk.bindMemory(to: UInt8.self)
        while let newline = bytes[start...].firstIndex(of: 0x0a) {
            pending.append(contentsOf: bytes[start..<newline])
            try emit(line)
            start = newline + 1
        }
        pending.append(contentsOf: bytes[start...])
        if pending.count > LineSplitter.maxLineBytes {
            throw FormatError.invalid("\(entryName): bufio.Scanner: token too long")
        }
    }

    mutating func finish(_ line: ([UInt8]) throws -> Void) throws {
        if !pending.isEmpty { try emit(line) }
    }

    private mutating func emit(_ line: ([UInt8]) throws -> Void) throws {
        if pending.count > LineSplitter.maxLineBytes {
            throw FormatError.invalid("\(entryName): bufio.Scanner: token too long")
        }
        let trimmed = pending[...].trimmedLine
        pending.removeAll(keepingCapacity: true)
        if !trimmed.isEmpty { try line(trimmed) }
    }
}
