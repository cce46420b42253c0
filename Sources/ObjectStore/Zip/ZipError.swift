/// Everything that can go wrong reading or writing a zip. Each description is one line that names
/// the archive (or the content file) and the entry, because users see it verbatim on stderr.
public enum ZipError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No end-of-central-directory record: the file is not a zip at all.
    case notAZip(path: String)
    /// The archive, or a file given as entry content, does not exist.
    case missingFile(path: String)
    /// The structure is damaged: offsets out of range, records cut short, bad deflate data.
    case corrupt(path: String, detail: String)
    case crcMismatch(path: String, entry: String)
    /// The data inflates to a different length than the central directory declares.
    case sizeMismatch(path: String, entry: String, declared: UInt64, detail: String)
    case entryTooLarge(path: String, entry: String, limit: Int)
    /// Uncompressed/compressed ratio above the limit: the signature of a zip bomb.
    case ratioExceeded(path: String, entry: String, limit: Int)
    case totalTooLarge(path: String, limit: Int)
    case tooManyEntries(path: String, count: UInt64, limit: Int)
    case unsupportedMethod(path: String, entry: String, method: UInt16)
    case encrypted(path: String, entry: String)
    /// The local header (or data descriptor) disagrees with the central directory.
    case inconsistentHeaders(path: String, entry: String, detail: String)
    /// An entry passed to a reader that did not produce it.
    case foreignEntry(path: String, entry: String)
    /// Writer input: two entries with the same path.
    case duplicateEntry(entry: String)
    /// Writer input: a path ending in "/", which Go would write as a directory entry; packs
    /// never hold directory entries, so the writer does not write them either.
    case directoryEntry(entry: String)
    /// Writer input: a path longer than the 65535 bytes a zip name field holds.
    case nameTooLong(entry: String)
    /// A system call failed on `path`.
    case io(path: String, operation: String, reason: String)
    /// zlib reported an error it should never report for valid parameters (out of memory, mostly).
    case zlib(operation: String, code: Int32)

    public var description: String {
        switch self {
        case let .notAZip(path):
            return "\(ZipText.display(path)): not a zip file"
        case let .missingFile(path):
            return "\(ZipText.display(path)): no such file"
        case let .corrupt(path, detail):
            return "\(ZipText.display(path)): truncated or corrupt zip (\(detail))"
        case let .crcMismatch(path, entry):
            return "\(ZipText.display(path)): \(ZipText.display(entry)): CRC-32 mismatch"
        case let .sizeMismatch(path, entry, declared, detail):
            return "\(ZipText.display(path)): \(ZipText.display(entry)): size mismatch "
                + "(central directory declares \(declared) bytes, \(detail))"
        case let .entryTooLarge(path, entry, limit):
            return "\(ZipText.display(path)): \(ZipText.display(entry)): zip entry too large "
                + "(over \(limit) bytes)"
        case let .ratioExceeded(path, entry, limit):
            return "\(ZipText.display(path)): \(ZipText.display(entry)): compression ratio over "
                + "\(limit):1 (zip bomb)"
        case let .totalTooLarge(path, limit):
            return "\(ZipText.display(path)): total uncompressed size over \(limit) bytes (zip bomb)"
        case let .tooManyEntries(path, count, limit):
            return "\(ZipText.display(path)): \(count) entries, more than the limit of \(limit)"
        case let .unsupportedMethod(path, entry, method):
            return "\(ZipText.display(path)): \(ZipText.display(entry)): unsupported compression "
                + "method \(method)"
        case let .encrypted(path, entry):
            return "\(ZipText.display(path)): \(ZipText.display(entry)): encrypted entries are not supported"
        case let .inconsistentHeaders(path, entry, detail):
            return "\(ZipText.display(path)): \(ZipText.display(entry)): \(detail) "
                + "does not match the central directory"
        case let .foreignEntry(path, entry):
            return "\(ZipText.display(path)): \(ZipText.display(entry)): entry does not belong to this archive"
        case let .duplicateEntry(entry):
            return "\(ZipText.display(entry)): duplicate entry path in zip"
        case let .directoryEntry(entry):
            return "\(ZipText.display(entry)): entry path ends with '/' (directory entries are not written)"
        case let .nameTooLong(entry):
            return "\(ZipText.display(String(entry.prefix(80))))...: entry path longer than 65535 bytes"
        case let .io(path, operation, reason):
            return "\(ZipText.display(path)): \(operation) failed: \(reason)"
        case let .zlib(operation, code):
            return "zlib \(operation) failed with code \(code)"
        }
    }
}

/// Keeps messages on one line: entry names are attacker-chosen bytes and may hold newlines.
enum ZipText {
    static func display(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7f || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
