import Foundation
import XCTest
@testable import ObjectStore

/// A scratch copy of the call-pack fixtures (`fixtures/inputs/call_record.json` and the runpack it
/// names), so a test can rewrite the record or the runpack without touching the repository.
final class CallPackScratch {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ObjectStoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("fixtures/inputs")
    static let runpackName = "runpack_run_call_tck.zip"

    let directory: ZipScratchDirectory
    let recordPath: String
    let runpackPath: String
    /// The fixture record as parsed, to derive variants from.
    let record: JSONValue

    init() throws {
        directory = try ZipScratchDirectory()
        let recordBytes = Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("call_record.json")))
        record = try JSONParser.parse(recordBytes)
        recordPath = try directory.write("call_record.json", recordBytes)
        runpackPath = try directory.write(Self.runpackName,
                                          Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(Self.runpackName))))
    }

    func path(_ name: String) -> String { directory.path(name) }

    /// Writes `value` as the record (under another name when given) and returns its path.
    @discardableResult
    func writeRecord(_ value: JSONValue, as name: String = "call_record.json") throws -> String {
        try directory.write(name, try CanonicalJSON.encode(value))
    }

    func build(_ recordPath: String? = nil, out: String? = nil, options: PackBuildOptions = PackBuildOptions()) throws -> BuiltPack {
        try CallPack.build(recordPath: recordPath ?? self.recordPath, options: options, outPath: out ?? path("pack.zip"))
    }

    /// The files of a built pack other than its manifest and proof records, by path.
    static func payloadFiles(of pack: String) throws -> [String: [UInt8]] {
        let zip = try ZipReader(path: pack)
        var files: [String: [UInt8]] = [:]
        for entry in zip.entries where entry.name != PackManifest.fileName && entry.name != ProofRecords.fileName {
            files[entry.name] = try zip.read(entry)
        }
        return files
    }

    /// A consistent forgery: `pack`'s files with `changes` applied (nil drops a file), re-packed
    /// with fresh proof records, manifest hashes and pack_id, so verify reaches the payload contract.
    func forge(_ pack: String, _ changes: [String: [UInt8]?], sourceRef: String = "call_tck") throws -> String {
        var files = try Self.payloadFiles(of: pack)
        for (name, bytes) in changes { files[name] = bytes }
        let out = path("forged-\(UUID().uuidString).zip")
        _ = try PackBuilder.build(type: .call, sourceRef: sourceRef, files: files.map { PackFile.bytes($0.key, $0.value) },
                                  options: PackBuildOptions(), outPath: out, defaultDirectory: directory.url.path)
        return out
    }
}

extension JSONValue {
    /// This value with the member or element at a dotted path (`events.6.say_token_id`) replaced,
    /// or removed when `new` is nil. Numeric components index arrays.
    func setting(_ path: String, _ new: JSONValue?) -> JSONValue {
        setting(path.split(separator: ".").map(String.init)[...], new)
    }

    private func setting(_ path: ArraySlice<String>, _ new: JSONValue?) -> JSONValue {
        guard let head = path.first else { return new ?? .null }
        let rest = path.dropFirst()
        switch self {
        case .object(var object):
            if rest.isEmpty { object[head] = new } else { object[head] = (object[head] ?? .null).setting(rest, new) }
            return .object(object)
        case .array(var items):
            let index = Int(head)!
            if rest.isEmpty, new == nil { items.remove(at: index) } else if rest.isEmpty { items[index] = new! } else {
                items[index] = items[index].setting(rest, new)
            }
            return .array(items)
        default:
            preconditionFailure("no member \(head) in \(self)")
        }
    }

    /// This value with `item` appended to the array at a dotted path.
    func appending(_ path: String, _ item: JSONValue) -> JSONValue {
        var items = path.split(separator: ".").reduce(self) { value, key in
            value.objectValue?[String(key)] ?? value.arrayValue![Int(key)!]
        }.arrayValue!
        items.append(item)
        return setting(path, .array(items))
    }
}

extension Array where Element == UInt8 {
    var callPackText: String { String(decoding: self, as: UTF8.self) }

    /// The lines of a JSONL file, parsed.
    func callPackJSONLines() throws -> [JSONValue] {
        try JSONLines.split(self).map { try JSONParser.parse(Array($0)) }
    }
}
