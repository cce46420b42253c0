import Foundation
import XCTest

/// One object of a pack, as `git verify-pack -v` lists it:
/// `<id> <type> <size> <size in pack> <offset> [<depth> <base>]`.
///
/// Generic over how ids are held, so the git layer's tests get its own id type and the CLI's
/// tests, which only see hex, get strings, from the one parser.
public struct PackedObject<ID: Hashable> {
    public let id: ID
    public let type: String
    public let size: Int
    public let sizeInPack: Int
    public let offset: Int
    /// The object this one is stored as a delta of; nil when stored whole.
    public let base: ID?
    public var isDelta: Bool { base != nil }
}

extension PackedObject {
    /// Every object of one pack (`.pack` or `.idx` path), by stock git, which must accept the pack.
    /// `id` reads an object id and returns nil for anything else, which is how the summary lines
    /// ("non delta: ...", "chain length = ...", "<pack>: ok") are told from objects.
    public static func list(_ pack: String, id: (Substring) -> ID?,
                            file: StaticString = #filePath, line: UInt = #line) throws -> [PackedObject] {
        let listing = try ToolShell.check(["git", "verify-pack", "-v", pack], file: file, line: line)
        return try listing.split(separator: "\n").compactMap { row in
            let fields = row.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, let objectID = id(fields[0]) else { return nil }
            func number(_ index: Int) throws -> Int { try XCTUnwrap(Int(fields[index]), String(row), file: file, line: line) }
            let base = fields.count >= 7 ? try XCTUnwrap(id(fields[6]), String(row), file: file, line: line) : nil
            return PackedObject(id: objectID, type: String(fields[1]), size: try number(2), sizeInPack: try number(3),
                                offset: try number(4), base: base)
        }
    }
}

extension PackedObject where ID == String {
    /// Every object of one pack, ids as git prints them (lowercase hex, SHA-1 or SHA-256).
    public static func list(_ pack: String, file: StaticString = #filePath, line: UInt = #line) throws -> [PackedObject] {
        try list(pack, id: { field in
            [40, 64].contains(field.count) && field.allSatisfy { $0.isHexDigit && !$0.isUppercase } ? String(field) : nil
        }, file: file, line: line)
    }
}
